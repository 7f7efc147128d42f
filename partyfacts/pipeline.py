"""From an input file to an Extraction record and the FACTS.md JSON line.

Bad input is answered with an ``InputError`` naming the file and the reason (missing,
empty, binary, not UTF-8, too big, truncated gzip), so that a caller can report it and
carry on with the rest. A fact with one bad field (a year before 1900) loses that field,
with a log line, not the article.
"""

from __future__ import annotations

import hashlib
import logging
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
    data = read_bytes(path, max_bytes)
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


def extract_facts(
    text: str,
    *,
    published: date | None,
    title: str | None,
    province: str | None,
    progress: Progress | None = None,
) -> extractor.ArticleFacts:
    """The extractor's facts, with the site registry's province (named as in force on the
    article's date) in place of the one read from the text, when there is one."""
    result = extractor.extract(text, published=published, title=title, progress=progress)
    if province:
        result.province = provinces.as_of(province, result.published)
        result.province_current = provinces.current(province)
    return result


def from_text(
    text: str,
    *,
    doc: str | None = None,
    published: date | None = None,
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
        published=result.published,
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
        officials=validated(Official, result.officials, where),
        rules_version=result.rules_version,
    )


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
    data = read_bytes(path, max_bytes)
    try:
        page = article_module.article(data)
    except article_module.PageError as error:
        raise InputError(str(error)) from error
    if not page.text:
        raise InputError(f"no article text found in the page ({_megabytes(len(data))} of HTML)")
    return page


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


def from_file(
    path: str | Path,
    published: date | None = None,
    *,
    max_bytes: int | None = None,
    progress: Progress | None = None,
) -> Extraction:
    """A ``.txt`` article, or a saved HTML page, extracted into an Extraction record.
    Files over ``max_bytes`` are refused (InputError)."""
    if is_html(path):
        page = read_page(path, max_bytes)
        return from_text(
            page_text(page), doc=str(path), title=page.title, published=published or page.published,
            lead=page.lead, author=page.author, progress=progress,
        )  # fmt: skip
    return from_text(
        read_text(path, max_bytes), doc=str(path), published=published, progress=progress
    )


def as_json(extraction: Extraction, *, with_text: bool = False) -> dict[str, Any]:
    """The FACTS.md object for one article (``doc``, ``title``, ``published``, facts)."""
    article = extraction.article
    out: dict[str, Any] = {
        "doc": article.doc or article.url,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "province": article.province,
        "province_current": article.province_current,
        "rules_version": extraction.rules_version,
        "quantities": [q.model_dump(mode="json") for q in extraction.quantities],
        "officials": [o.model_dump(mode="json") for o in extraction.officials],
    }
    if with_text:
        out["text"] = article.text
    return out
