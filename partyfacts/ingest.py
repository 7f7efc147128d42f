"""Bring your own articles: ``partyfacts import`` reads what researchers already have and
stores it like crawled articles, streaming, one record at a time.

* JSON Lines and JSON (a list of articles, one article, or an object of articles keyed by
  id as Fundus writes them) and CSV/TSV, with a text or an HTML column and optional
  ``id``, ``url``, ``title``, ``published`` (full or partial: ``2019``, ``2019-07``),
  ``province``, ``site``; the column names of news-please (``maintext``,
  ``date_publish``, ``source_domain``), Fundus (``body`` sections, ``publishing_date``)
  and trafilatura (``text``, ``date``, ``source``, ``hostname``) are recognized as they are;
* WARC / WARC.gz (``warcio``): every HTML response goes through the article extractor
  with its URL and HTTP date; other records are counted and passed over;
* ``.txt`` and ``.html`` files, and folders of any of these;
* ``-``: standard input, its format told from its first bytes.

Same article twice is one article (its canonical URL, else its text's hash). A bad record
is a logged skip with its line or record number; the rest goes on.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json
import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from . import pipeline, store
from .extract import article as article_module

log = logging.getLogger(__name__)

# column -> the names it goes by, in order of preference (compared case-insensitively)
COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "maintext", "plaintext", "body", "content", "raw_text", "article_text"),
    "html": ("html", "raw_html", "content_html", "body_html", "page_html"),
    "title": ("title", "headline", "title_page", "title_rss"),
    "published": ("published", "date_publish", "publishing_date", "date", "published_at",
                  "pubdate", "date_published", "datepublished", "publish_date"),
    "url": ("url", "link", "canonical_url", "source"),
    "id": ("id", "fingerprint", "filename", "doc", "key"),
    "province": ("province", "tinh"),
    "site": ("site", "source_domain", "hostname", "source-hostname", "sitename", "publisher"),
    "author": ("author", "authors", "byline"),
    "lead": ("lead", "description", "excerpt", "summary", "sapo"),
}  # fmt: skip
SUFFIXES = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv", ".tsv": "csv",
    ".warc": "warc", ".txt": "txt", ".html": "html", ".htm": "html",
}  # fmt: skip
# what a WARC holds besides articles: counted, never reported as bad
PASSED_OVER = ("not html", "http status", "not a response record", "revisit record")


class Skip(Exception):
    """A record that is not stored; ``reason`` is its short kind, the message its detail."""

    def __init__(self, reason: str, detail: str = "") -> None:
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass
class Record:
    """One article as a source gives it, before extraction."""

    where: str  # "file.jsonl line 12", "crawl.warc.gz record 7"
    text: str | None = None
    html: bytes | None = None
    title: str | None = None
    published: str | None = None
    url: str | None = None
    id: str | None = None
    province: str | None = None
    site: str | None = None
    author: str | None = None
    lead: str | None = None
    fallback_date: str | None = None  # a WARC response's Last-Modified or Date
    charset: str | None = None


@dataclass
class Summary:
    read: int = 0
    outcomes: Counter = field(default_factory=Counter)  # new, updated, unchanged
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    other_records: int = 0  # WARC request, warcinfo and metadata records

    @property
    def bad(self) -> int:
        """Records skipped for being bad (not those a WARC simply holds besides articles)."""
        return sum(n for reason, n in self.skipped.items() if not reason.startswith(PASSED_OVER))


# -- reading ---------------------------------------------------------------------------


def _value(row: dict[str, Any], column: str) -> Any:
    lowered = {str(k).strip().lower(): v for k, v in row.items()}
    for name in COLUMNS[column]:
        value = lowered.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _flatten(value: Any) -> str | None:
    """A text field as text: Fundus' body (summary and sections of headlines and
    paragraphs), a list of paragraphs or authors, or a plain string."""
    if value is None:
        return None
    if isinstance(value, dict):
        parts = list(value.get("summary") or [])
        for section in value.get("sections") or []:
            parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
        return "\n\n".join(str(p) for p in parts) or None
    if isinstance(value, list):
        return "\n\n".join(str(v) for v in value if v) or None
    return str(value)


def record_from(row: dict[str, Any], where: str) -> Record:
    """A Record from one row or object, whatever tool's column names it uses."""
    if not isinstance(row, dict):
        raise Skip("not an article object", f"a JSON {type(row).__name__}")
    html = _value(row, "html")
    url = _value(row, "url")
    url = str(url) if url and str(url).startswith(("http://", "https://")) else None
    author = _value(row, "author")
    return Record(
        where=where, text=_flatten(_value(row, "text")),
        html=html.encode("utf-8") if isinstance(html, str) else None,
        title=_flatten(_value(row, "title")), published=_flatten(_value(row, "published")),
        url=url, id=_flatten(_value(row, "id")), province=_flatten(_value(row, "province")),
        site=_flatten(_value(row, "site")),
        author=", ".join(map(str, author)) if isinstance(author, list) else _flatten(author),
        lead=_flatten(_value(row, "lead")),
    )  # fmt: skip


Item = Record | Skip  # what a reader yields: a record, or why one could not be read


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, str | Skip]]:
    for number, raw in enumerate(stream, 1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            yield number, Skip("not UTF-8", f"invalid byte 0x{raw[error.start]:02x}")


def read_jsonl(stream: IO[bytes], name: str) -> Iterator[Item]:
    for number, line in _lines(stream):
        where = f"{name} line {number}"
        if isinstance(line, Skip):
            yield _at(line, where)
            continue
        if not line.strip():
            continue
        try:
            yield record_from(json.loads(line), where)
        except json.JSONDecodeError as error:
            yield _at(Skip("bad JSON", error.msg), where)
        except Skip as skip:
            yield _at(skip, where)


def read_json(stream: IO[bytes], name: str) -> Iterator[Item]:
    """A JSON document: a list of articles, one article, or {id: article} (Fundus)."""
    try:
        data = json.loads(stream.read().decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        yield _at(Skip("not UTF-8", str(error)), name)
        return
    except json.JSONDecodeError as error:
        yield _at(Skip("bad JSON", f"{error.msg} at line {error.lineno}"), name)
        return
    if isinstance(data, dict) and not any(_value(data, c) for c in ("text", "html")):
        items = [(f"{name} [{key!r}]", value, key) for key, value in data.items()]
    elif isinstance(data, dict):
        items = [(name, data, None)]
    elif isinstance(data, list):
        items = [(f"{name} item {n}", value, None) for n, value in enumerate(data, 1)]
    else:
        yield _at(Skip("not an article object", f"a JSON {type(data).__name__}"), name)
        return
    for where, value, key in items:
        try:
            record = record_from(value, where)
        except Skip as skip:
            yield _at(skip, where)
            continue
        record.id = record.id or (str(key) if key is not None else None)
        yield record


def read_csv(stream: IO[bytes], name: str) -> Iterator[Item]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    header = text.readline()
    tabs = name.lower().removesuffix(".gz").endswith(".tsv") or header.count("\t") > header.count(
        ","
    )
    rows = csv.DictReader(itertools.chain([header], text), delimiter="\t" if tabs else ",")
    csv.field_size_limit(sys.maxsize)
    try:
        for number, row in enumerate(rows, 2):  # line 1 is the header
            where = f"{name} row {number}"
            if any(
                "\udc80" <= ch <= "\udcff" for v in row.values() if isinstance(v, str) for ch in v
            ):
                yield _at(Skip("not UTF-8"), where)
                continue
            try:
                yield record_from({k: v for k, v in row.items() if k is not None}, where)
            except Skip as skip:
                yield _at(skip, where)
    except csv.Error as error:
        yield _at(Skip("bad CSV", str(error)), f"{name} row {rows.line_num}")


def read_warc(stream: IO[bytes], name: str, max_bytes: int | None = None) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    number = 0
    try:
        for number, record in enumerate(ArchiveIterator(stream), 1):
            where = f"{name} record {number}"
            kind = record.rec_type
            if kind == "revisit":
                yield _at(Skip("revisit record"), where)
                continue
            if kind != "response":
                yield _Other(where)
                continue
            headers = record.http_headers
            status = headers.get_statuscode() if headers else None
            content_type = (headers.get_header("Content-Type") if headers else "") or ""
            url = record.rec_headers.get_header("WARC-Target-URI")
            if status != "200":
                yield _at(Skip("http status", f"{status} {url}"), where)
                continue
            if "html" not in content_type.lower():
                yield _at(
                    Skip("not html", f"{content_type.split(';')[0] or 'no type'} {url}"), where
                )
                continue
            body = record.content_stream().read(max_bytes + 1 if max_bytes else -1)
            if max_bytes and len(body) > max_bytes:
                yield _at(Skip("too big", f"over {max_bytes / 1e6:g} MB {url}"), where)
                continue
            charset = None
            if "charset=" in content_type.lower():
                charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip()
            yield Record(where=where, html=body, url=url, charset=charset,
                         fallback_date=headers.get_header("Last-Modified") or headers.get_header("Date"))  # fmt: skip
    except ArchiveLoadFailed as error:
        yield _at(Skip("bad WARC", str(error).splitlines()[0]), f"{name} record {number + 1}")


@dataclass
class _Other:
    """A WARC record that is not an article at all (request, warcinfo, metadata)."""

    where: str


def _at(skip: Skip, where: str) -> Skip:
    skip.where = where  # type: ignore[attr-defined]
    return skip


def _file_record(path: Path, max_bytes: int | None) -> Item:
    where = str(path)
    try:
        data = pipeline.read_bytes(path, max_bytes)
    except pipeline.InputError as error:
        return _at(Skip("unreadable", str(error)), where)
    if pipeline.is_html(path) or pipeline.looks_like_html(data):
        return Record(where=where, html=data, id=str(path))
    try:
        return Record(where=where, text=pipeline._text_of(data), id=str(path))
    except pipeline.InputError as error:
        return _at(Skip("unreadable", str(error)), where)


def _kind(name: str) -> str | None:
    lowered = name.lower().removesuffix(".gz")
    return next((kind for suffix, kind in SUFFIXES.items() if lowered.endswith(suffix)), None)


def _sniff(head: bytes) -> str:
    """The format of a stream from its first bytes (for stdin and unknown names)."""
    if head[:2] == b"\x1f\x8b":
        try:
            head = gzip.decompress(head)
        except (OSError, EOFError):  # a partial member: decompress what is there
            import zlib

            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"WARC/"):
        return "warc"
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        first_line = stripped.split(b"\n", 1)[0].strip()
        return "jsonl" if first_line.endswith(b"}") and b"\n{" in stripped else "json"
    if pipeline.looks_like_html(stripped):
        return "html"
    return "csv" if b"," in stripped.split(b"\n", 1)[0] or b"\t" in stripped[:200] else "txt"


def _open(source: str) -> tuple[IO[bytes], str]:
    """A readable binary stream (gzip unpacked, except WARC: warcio reads it) and its kind."""
    if source == pipeline.STDIN:
        raw: IO[bytes] = sys.stdin.buffer
    else:
        raw = open(source, "rb")  # noqa: SIM115 - closed by the caller
    head = raw.peek(4096)[:4096] if hasattr(raw, "peek") else b""
    kind = (None if source == pipeline.STDIN else _kind(source)) or _sniff(head)
    if kind != "warc" and head[:2] == b"\x1f\x8b":
        raw = gzip.GzipFile(fileobj=raw)
    return raw, kind


def read_source(source: str, max_bytes: int | None = None) -> Iterator[Item]:
    """Every record of one source (a file, a folder, or ``-``), in order."""
    path = Path(source)
    if source != pipeline.STDIN and path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and _kind(p.name)):
            yield from read_source(str(child), max_bytes)
        return
    if source != pipeline.STDIN and not path.exists():
        yield _at(Skip("unreadable", "no such file"), source)
        return
    name = "stdin" if source == pipeline.STDIN else source
    if source != pipeline.STDIN and _kind(source) in ("txt", "html"):
        yield _file_record(path, max_bytes)
        return
    stream, kind = _open(source)
    try:
        if kind == "jsonl":
            yield from read_jsonl(stream, name)
        elif kind == "json":
            yield from read_json(stream, name)
        elif kind == "csv":
            yield from read_csv(stream, name)
        elif kind == "warc":
            yield from read_warc(stream, name, max_bytes)
        else:  # one article on stdin
            data = stream.read(max_bytes + 1 if max_bytes else -1)
            if kind == "html":
                yield Record(where=name, html=data, id=name)
            else:
                try:
                    yield Record(where=name, text=pipeline._text_of(data), id=name)
                except pipeline.InputError as error:
                    yield _at(Skip("unreadable", str(error)), name)
    except (OSError, EOFError) as error:  # a truncated gzip stream, a read error
        yield _at(Skip("unreadable", str(error)), name)
    finally:
        if source != pipeline.STDIN:
            stream.close()


# -- storing ---------------------------------------------------------------------------


def extraction_of(record: Record, max_bytes: int | None = None):
    """The Extraction record for one Record; Skip when it cannot be stored."""
    try:
        published = pipeline.parse_published(record.published) if record.published else None
    except pipeline.InputError as error:
        raise Skip("bad date", str(error)) from None
    province = None
    if record.province:
        try:
            province = pipeline.resolve_province(record.province)
        except pipeline.InputError as error:
            raise Skip("unknown province", str(error)) from None
    title, lead, author = record.title, record.lead, record.author
    if record.html is not None:
        try:
            page = article_module.article(record.html, url=record.url, charset=record.charset)
        except article_module.PageError as error:
            raise Skip("unreadable page", str(error)) from None
        if not page.text:
            raise Skip("no text", "no article text in the page")
        text = pipeline.page_text(page)
        title = title or page.title
        lead, author = lead or page.lead, author or page.author
        if published is None and page.published is None and record.fallback_date:
            published = _http_date(record.fallback_date)
        published = published or page.published
    else:
        text = (record.text or "").strip()
        if not text:
            raise Skip("no text")
        if title and not text.startswith(title.strip()):
            text = f"{title.strip()}\n\n{text}"
    if max_bytes and len(text.encode("utf-8")) > max_bytes:
        raise Skip("too big", f"over {max_bytes / 1e6:g} MB")
    url = record.url
    if url:
        from .crawler import urls

        url = urls.canonical(url)
    return pipeline.from_text(
        text, doc=record.id, published=published, title=title, url=url, site=record.site,
        lead=lead, author=author, province=province,
    )  # fmt: skip


def _http_date(value: str):
    from email.utils import parsedate_to_datetime

    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError):
        return None


def import_sources(
    db,
    sources: Iterable[str],
    *,
    max_bytes: int | None = None,
    province: str | None = None,
    on_record: Callable[[str], None] | None = None,
) -> Summary:
    """Read every source and store each article in ``db``; returns what happened.
    ``province`` (a registry name) applies to records that name none."""
    summary = Summary()
    for source in sources:
        for item in read_source(source, max_bytes):
            if isinstance(item, _Other):
                summary.other_records += 1
                continue
            summary.read += 1
            if isinstance(item, Skip):
                _skipped(summary, item, item.where)  # type: ignore[attr-defined]
            else:
                if province and not item.province:
                    item.province = province
                try:
                    extraction = extraction_of(item, max_bytes)
                except Skip as skip:
                    _skipped(summary, skip, item.where)
                else:
                    summary.outcomes[store.save(db, extraction)] += 1
            if on_record:
                on_record(getattr(item, "where", source))
    return summary


def _skipped(summary: Summary, skip: Skip, where: str) -> None:
    summary.skipped[skip.reason] += 1
    level = logging.INFO if skip.reason.startswith(PASSED_OVER) else logging.WARNING
    log.log(level, "%s: skipped: %s", where, skip)
