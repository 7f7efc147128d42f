"""From an input file to an Extraction record and the FACTS.md JSON line.

Bad input is answered with an ``InputError`` naming the file and the reason (missing,
empty, binary, not UTF-8), so that a caller can report it and carry on with the rest.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Any

from .extract import article as article_module
from .extract import extractor
from .schemas import Article, Extraction, Official, QuantityFact


class InputError(ValueError):
    """An input file that cannot be read as an article."""


def read_text(path: str | Path) -> str:
    """The text of a ``.txt`` article, or InputError with a one-line reason."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file")
    if path.is_dir():
        raise InputError("is a directory")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}") from error
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
    text: str, *, published: date | None, title: str | None, province: str | None
) -> extractor.ArticleFacts:
    """The extractor's facts, with the caller's province (a site's, named as in force on the
    article's date) in place of the one read from the text, when there is one."""
    return extractor.extract(text, published=published, title=title, province=province)


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
) -> Extraction:
    """Extract every fact from an article's text into a validated Extraction record.
    ``province`` (from the site registry) wins over the province read from the text."""
    result = extract_facts(text, published=published, title=title, province=province)
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
    return Extraction(
        article=article,
        quantities=[QuantityFact(**q) for q in result.quantities],
        officials=[official(o) for o in result.officials],
        rules_version=result.rules_version,
    )


def official(found: dict) -> Official:
    """The record of one official the extractor found (working fields such as the mention
    count kept only where the record has them)."""
    return Official(**{k: v for k, v in found.items() if k in Official.model_fields})


HTML_SUFFIXES = (".html", ".htm", ".html.gz", ".htm.gz")


def is_html(path: str | Path) -> bool:
    return str(path).lower().endswith(HTML_SUFFIXES)


def read_page(path: str | Path) -> article_module.Page:
    """A saved news page (``.html``, ``.htm``, ``.html.gz``) through the article extractor."""
    path = Path(path)
    if not path.exists():
        raise InputError("no such file")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror or error}") from error
    try:
        page = article_module.article(data)
    except article_module.PageError as error:
        raise InputError(str(error)) from error
    if not page.text:
        raise InputError("no article text found in the page")
    return page


def page_text(page: article_module.Page) -> str:
    """The text stored for a page: its headline as the first line, then the body, the same
    shape as a .txt article, so figures in a headline are facts too (FACTS.md: a figure in
    the title and the body is two entries)."""
    if page.title and not page.text.startswith(page.title):
        return f"{page.title}\n\n{page.text}"
    return page.text


def from_file(
    path: str | Path, published: date | None = None, province: str | None = None
) -> Extraction:
    """A ``.txt`` article, or a saved HTML page, extracted into an Extraction record;
    ``province`` (the caller's) wins over the one read from the text."""
    if is_html(path):
        page = read_page(path)
        return from_text(
            page_text(page), doc=str(path), title=page.title, published=published or page.published,
            lead=page.lead, author=page.author, province=province,
        )  # fmt: skip
    return from_text(read_text(path), doc=str(path), published=published, province=province)


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
