"""From an input file to an Extraction record and the FACTS.md JSON line.

Bad input is answered with an ``InputError`` naming the file and the reason (missing,
empty, binary, not UTF-8, too big, truncated gzip), so that a caller can report it and
carry on with the rest. A fact with one bad field (a year before 1900) loses that field,
with a log line, not the article.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .extract import article as article_module
from .extract import extractor, normalize, provinces
from .schemas import Article, Extraction, Official, QuantityFact

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]


class InputError(ValueError):
    """An input file that cannot be read as an article."""


def _megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size:,} bytes"


def read_bytes(path: str | Path, max_bytes: int | None = None) -> bytes:
    """A file's bytes (a gzip file's unpacked bytes), never more than ``max_bytes``: a
    bigger file is refused before it is read, so memory stays bounded."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a directory")
    limit = f"the {(max_bytes or 0) / 1e6:g} MB limit (--max-size, PARTYFACTS_MAX_INPUT_MB)"
    try:
        size = path.stat().st_size
        if max_bytes and size > max_bytes:
            raise InputError(f"{_megabytes(size)}, over {limit}")
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1 if max_bytes else -1)
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}") from error
    if max_bytes and len(data) > max_bytes:  # it grew while we looked
        raise InputError(f"more than {limit}")
    if data[:2] == b"\x1f\x8b":
        try:
            data = article_module.gunzip(data, max_bytes)
        except article_module.PageError as error:
            problem = str(error)
            raise InputError(
                f"{problem}, over {limit}" if problem.startswith("unpacks") else problem
            ) from None
    return data


def read_text(path: str | Path, max_bytes: int | None = None) -> str:
    """The text of a ``.txt`` article, or InputError with a one-line reason."""
    return _text_of(read_bytes(path, max_bytes))


# "2019", "2019-07", "07/2019", "7-2019", "tháng 7/2019", "tháng 7 năm 2019"
_YEAR = re.compile(r"^\s*((?:19|20)\d{2})\s*$")
_YEAR_MONTH = re.compile(
    r"^\s*(?:((?:19|20)\d{2})[-/.](\d{1,2})|(?:tháng\s+)?(\d{1,2})\s*(?:[-/.]|\s+năm\s+)\s*((?:19|20)\d{2}))\s*$",
    re.IGNORECASE,
)


def parse_published(value: str | date | None) -> date | str | None:
    """A publication date as given: a full date (``2019-07-12``, ``12/07/2019``, an ISO
    timestamp), or only a year or a month (``2019``, ``2019-07``, ``07/2019``), kept as
    ``YYYY`` / ``YYYY-MM``. InputError for anything else."""
    if value is None or isinstance(value, date):
        return value
    text = str(value).strip()
    if not text or text.lower() in ("none", "null", "nan"):
        return None
    if match := _YEAR.match(text):
        return match.group(1)
    if match := _YEAR_MONTH.match(text):
        year, month = (
            (match.group(1), match.group(2)) if match.group(1) else (match.group(4), match.group(3))
        )
        if 1 <= int(month) <= 12:
            return f"{year}-{int(month):02d}"
    from .extract import dates

    day = dates.parse_day(text)
    if day is None:
        raise InputError(f"not a date: {text!r} (a date, or a year or month: 2019, 2019-07)")
    return day


def _year_of(published: date | str | None) -> int | None:
    if isinstance(published, date):
        return published.year
    return int(published[:4]) if published else None


def extract_facts(
    text: str,
    *,
    published: date | str | None,
    title: str | None,
    province: str | None,
    progress: Progress | None = None,
) -> extractor.ArticleFacts:
    """The extractor's facts, with the caller's province (``--province``, an import's, the
    site registry's; named as in force on the article's date) in place of the one read from
    the text, when there is one. A partial ``published`` (``2019``, ``2019-07``) gives the
    article its year, not a day."""
    published = parse_published(published)
    day = published if isinstance(published, date) else None
    return extractor.extract(
        text, published=day, title=title, province=province, progress=progress,
        year=_year_of(published),
    )  # fmt: skip


def from_text(
    text: str,
    *,
    doc: str | None = None,
    published: date | str | None = None,
    title: str | None = None,
    url: str | None = None,
    site: str | None = None,
    lead: str | None = None,
    author: str | None = None,
    province: str | None = None,
    progress: Progress | None = None,
) -> Extraction:
    """Extract every fact from an article's text into a validated Extraction record.
    ``province`` (from the site registry) wins over the province read from the text."""
    published = parse_published(published)
    result = extract_facts(
        text, published=published, title=title, province=province, progress=progress
    )
    content_hash = hashlib.sha256(result.text.encode("utf-8")).hexdigest()
    article = Article(
        key=f"url:{url}" if url else f"sha256:{content_hash}",
        doc=doc,
        url=url,
        canonical_url=url,
        site=site,
        content_hash=content_hash,
        title=result.title,
        published=result.published or (published if isinstance(published, str) else None),
        lead=lead,
        author=author,
        text=result.text,
        province=result.province,
        province_current=result.province_current,
    )
    where = doc or url or content_hash[:12]
    return Extraction(
        article=article,
        quantities=validated(QuantityFact, result.quantities, where),
        officials=validated(Official, [official_fields(o) for o in result.officials], where),
        rules_version=result.rules_version,
    )


def official_fields(found: dict[str, Any]) -> dict[str, Any]:
    """An official the extractor found, without its working fields (the places its titles
    name): the fields the record has."""
    return {k: v for k, v in found.items() if k in Official.model_fields}


def validated(model: type[BaseModel], found: list[dict[str, Any]], where: str) -> list:
    """Records of ``model`` from the extractor's dicts. A field that breaks its record's
    rules (a year before 1900) is dropped when it may be empty, and logged; a record whose
    required fields are bad is dropped and logged. The article and its other facts stay."""
    records = []
    optional = {name for name, field in model.model_fields.items() if not field.is_required()}
    for values in found:
        values = dict(values)
        for _ in range(len(values) + 1):
            try:
                records.append(model(**values))
                break
            except ValidationError as error:
                bad = {str(e["loc"][0]) for e in error.errors() if e["loc"]}
                droppable = bad & optional
                if not bad or bad - optional:
                    log.warning("%s: %s %r left out: %s", where, model.__name__,
                                values.get("text") or values.get("name"),
                                "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}"
                                          for e in error.errors()))  # fmt: skip
                    break
                for name in sorted(droppable):
                    log.warning("%s: %s %r: %s=%r dropped (%s)", where, model.__name__,
                                values.get("text") or values.get("name"), name, values[name],
                                next(e["msg"] for e in error.errors() if e["loc"][:1] == (name,)))  # fmt: skip
                    values[name] = None
    return records


HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def is_html(path: str | Path) -> bool:
    return str(path).lower().endswith(HTML_SUFFIXES)


def read_page(path: str | Path, max_bytes: int | None = None) -> article_module.Page:
    """A saved news page (``.html``, ``.htm``, ``.html.gz``) through the article extractor."""
    return _page_of(read_bytes(path, max_bytes))


def page_text(page: article_module.Page) -> str:
    """The text stored for a page: its headline as the first line, then the body, the same
    shape as a .txt article, so figures in a headline are facts too (FACTS.md: a figure in
    the title and the body is two entries)."""
    if not page.title:
        return page.text
    # a page that prints its headline again (a box at the end) has it once, at the top
    title_key = normalize.key(page.title)
    lines = page.text.split("\n")
    start = 1 if lines and normalize.key(lines[0]) == title_key else 0
    body = "\n".join(line for line in lines[start:] if normalize.key(line) != title_key).strip()
    return f"{page.title}\n\n{body}" if body else page.title


STDIN = "-"


def read_stdin(max_bytes: int | None = None) -> bytes:
    """Standard input's bytes (unpacked if gzip), never more than ``max_bytes``."""
    import sys

    data = sys.stdin.buffer.read(max_bytes + 1 if max_bytes else -1)
    if max_bytes and len(data) > max_bytes:
        raise InputError(f"more than the {max_bytes / 1e6:g} MB limit (--max-size, "
                         "PARTYFACTS_MAX_INPUT_MB)")  # fmt: skip
    if data[:2] == b"\x1f\x8b":
        try:
            data = article_module.gunzip(data, max_bytes)
        except article_module.PageError as error:
            raise InputError(str(error)) from None
    return data


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in head


def _text_of(data: bytes) -> str:
    """Bytes of a .txt article as text, or InputError with a one-line reason."""
    if not data.strip():
        raise InputError("empty file")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputError("UTF-16 text, not UTF-8; convert it to UTF-8 first")
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not article text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 (invalid byte 0x{data[error.start]:02x} at offset {error.start}); "
            "convert it to UTF-8 first"
        ) from error
    if not text.strip():
        raise InputError("empty file")
    return text


def _page_of(data: bytes, url: str | None = None) -> article_module.Page:
    try:
        page = article_module.article(data, url=url)
    except article_module.PageError as error:
        raise InputError(str(error)) from error
    if not page.text:
        raise InputError(f"no article text found in the page ({_megabytes(len(data))} of HTML)")
    return page


def from_file(
    path: str | Path,
    published: date | str | None = None,
    *,
    max_bytes: int | None = None,
    progress: Progress | None = None,
    province: str | None = None,
) -> Extraction:
    """A ``.txt`` article, or a saved HTML page, extracted into an Extraction record
    (``-``: standard input, a page if it looks like HTML). Files over ``max_bytes`` are
    refused (InputError). ``province`` (a registry name) wins over the text's."""
    html = is_html(path)
    if str(path) == STDIN:
        data = read_stdin(max_bytes)
        html = looks_like_html(data)
    elif html:
        data = read_bytes(path, max_bytes)
    else:
        data = None
    if html:
        page = _page_of(data)
        return from_text(
            page_text(page), doc=str(path), title=page.title, published=published or page.published,
            lead=page.lead, author=page.author, progress=progress, province=province,
        )  # fmt: skip
    text = _text_of(data) if data is not None else read_text(path, max_bytes)
    return from_text(text, doc=str(path), published=published, progress=progress,
                     province=province)  # fmt: skip


def resolve_province(name: str) -> str:
    """A province as the registry names it, from what a user typed (case and diacritics
    do not matter: ``lai chau`` is Lai Châu, ``TP HCM`` Hồ Chí Minh); InputError naming the
    near ones otherwise."""

    found = provinces.resolve(name)
    if found:
        return found

    def squashed(text: str) -> str:  # "Hà Nội", "ha noi", "Hanoi" -> "hanoi"
        return normalize.fold(text).replace(" ", "").replace("-", "")

    known = list(provinces.registry())
    wanted = squashed(name)
    for candidate in known:
        if squashed(candidate) == wanted:
            return candidate
    near = [k for k in known if wanted[:3] and squashed(k).startswith(wanted[:3])]
    hint = f"; did you mean {', '.join(near[:5])}?" if near else ""
    raise InputError(f"not a province: {name!r}{hint}")


def _iso(published: date | str | None) -> str | None:
    return published.isoformat() if isinstance(published, date) else published


def as_json(extraction: Extraction, *, with_text: bool = False) -> dict[str, Any]:
    """The FACTS.md object for one article (``doc``, ``title``, ``published``, facts)."""
    article = extraction.article
    out: dict[str, Any] = {
        "doc": article.doc or article.url,
        "title": article.title,
        "published": _iso(article.published),
        "province": article.province,
        "province_current": article.province_current,
        "rules_version": extraction.rules_version,
        "quantities": [q.model_dump(mode="json") for q in extraction.quantities],
        "officials": [o.model_dump(mode="json") for o in extraction.officials],
    }
    if with_text:
        out["text"] = article.text
    return out
