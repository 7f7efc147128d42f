"""Article title, date, body, author and lead from a news page's HTML.

Per-site CSS selectors come first where the site registry has them; then generic rules:
trafilatura for the body (the best-measured generic extractor), the page's own Vietnamese
dateline near the title, metadata, then htmldate. Vietnamese dates are day first
(``04/11/2009`` is 4 November); ``(GMT+7)`` is removed before htmldate sees a date.

Bytes are decoded by the declared charset (HTTP header, BOM, ``<meta charset>``), else
UTF-8, else windows-1258, the legacy Vietnamese code page; a page that decodes as none of
them raises PageError instead of being stored as mojibake.
"""

from __future__ import annotations

import codecs
import html as html_module
import logging
import re
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from . import dates, normalize

log = logging.getLogger(__name__)


class PageError(ValueError):
    """A page that cannot be read as an article (undecodable, empty, not HTML)."""


@dataclass
class Page:
    title: str | None
    published: date | None
    text: str
    lead: str | None = None
    author: str | None = None
    canonical_url: str | None = None
    published_at: datetime | None = None
    charset: str | None = None
    selector_hits: dict[str, bool] = field(default_factory=dict)  # per configured selector


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Bytes that UTF-8 text never has but windows-1258 Vietnamese text is full of: the
# combining tone marks 0xCC 0xD2 0xDE 0xEC 0xF2 standing after a vowel.
_CP1258_TONES = re.compile(
    rb"[aeiouyAEIOUY\xe2\xea\xf4\xc2\xca\xd4\xf5\xd5\xfd\xdd\xe3\xc3][\xcc\xd2\xde\xec\xf2]"
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):  # unknown, or not a name at all ("\x00")
        return None


def gunzip(data: bytes, limit: int | None = None) -> bytes:
    """The unpacked bytes of gzip data; PageError for corrupt or truncated data, or (with
    ``limit``) for data that unpacks to more than ``limit`` bytes (read no further)."""
    unpacker = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = unpacker.decompress(data, (limit + 1) if limit else 0)
    except zlib.error as error:
        raise PageError(f"corrupt gzip data ({error})") from None
    if limit and len(out) > limit:
        raise PageError(f"unpacks to more than {limit / 1e6:g} MB")
    if not unpacker.eof:
        raise PageError(
            f"truncated gzip data (the file ends {len(data):,} bytes in, before its "
            "compressed stream does)"
        )
    return out


def decode(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, charset) of a page's bytes; PageError when no charset fits."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body)
    if not body.strip():
        raise PageError("empty page")
    candidates = []
    if body.startswith(codecs.BOM_UTF8):
        candidates.append("utf-8-sig")
    declared_codec = _codec(declared)
    meta = _META_CHARSET.search(body[:4096])
    meta_codec = _codec(meta.group(1).decode("ascii", "ignore")) if meta else None
    candidates += [c for c in (declared_codec, meta_codec) if c]
    candidates += ["utf-8"]
    if _CP1258_TONES.search(body):
        candidates.append("cp1258")
    for charset in dict.fromkeys(candidates):
        try:
            text = body.decode(charset)
        except (UnicodeError, LookupError):  # also codecs that decode nothing ("undefined")
            continue
        if charset in ("cp1252", "latin-1", "iso8859-1") and _CP1258_TONES.search(body):
            continue  # Vietnamese windows-1258 bytes mislabelled as Western
        return text, charset
    raise PageError(
        f"cannot decode page (declared {declared or meta_codec or 'nothing'}; "
        "not UTF-8 nor windows-1258)"
    )


# libxml2 stops at a text node or attribute over 10 MB and silently drops the rest of the
# page; scripts, styles and inline data: URIs hold no article text, so big ones are emptied
# before any parser sees the page.
_BULKY_ELEMENT = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
_BULKY_DATA_URI = re.compile(r"""(["'])data:[^"'\s]{100000,}\1""")
_BULKY = 100_000


def _without_bulk(html: str) -> str:
    if len(html) < _BULKY:
        return html
    html = _BULKY_ELEMENT.sub(
        lambda m: m.group(1) + m.group(4) if len(m.group(3)) > _BULKY else m.group(0), html
    )
    return _BULKY_DATA_URI.sub('""', html)


_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_BREAK = re.compile(r"<(?:br\s*/?|/p|/div|/li|/h\d)\s*>", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:[A-Za-z][A-Za-z0-9]{1,30}|#\d{1,7}|#[xX][0-9A-Fa-f]{1,6});")


def plain(text: str) -> str:
    """Text without markup or character entities: sites put escaped HTML in their
    description metadata (``&lt;br&gt;&lt;a href=...&gt;``, ``&amp;quot;``), which the parser
    turns into literal tags and entities in the text."""
    for _ in range(3):  # entities escaped twice or three times over
        if not _ENTITY.search(text):
            break
        text = html_module.unescape(text)
    if _TAG.search(text):
        text = _TAG.sub(" ", _BREAK.sub("\n", text))
    return "\n".join(normalize.squash(line.replace("\xa0", " ")) for line in text.split("\n"))


def _once(text: str) -> str:
    """Each paragraph once: a lead that the body repeats, or a paragraph a page prints
    twice, would otherwise have its figures counted twice."""
    seen: set[str] = set()
    kept = []
    for line in text.split("\n"):
        key = normalize.key(line)
        if len(key) >= 20:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _tree(html: str) -> lxml.html.HtmlElement:
    try:
        parser = lxml.html.HTMLParser(huge_tree=True)
        tree = lxml.html.document_fromstring(html, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise PageError(f"not HTML: {error}") from error
    return tree


def _text_of(nodes) -> str:
    return normalize.squash(" ".join(n.text_content() for n in nodes))


def _select(tree, selector: str | None) -> list:
    if not selector:
        return []
    try:
        return tree.cssselect(selector)
    except Exception as error:  # a bad selector in the registry must not stop a crawl
        log.warning("bad selector %r: %s", selector, error)
        return []


def _meta(tree, *names: str) -> str | None:
    for name in names:
        for attr in ("property", "name", "itemprop"):
            found = tree.xpath(f'//meta[@{attr}="{name}"]/@content')
            if found and found[0].strip():
                return normalize.squash(found[0])
    return None


def _title(tree, selectors: dict) -> str | None:
    chosen = _text_of(_select(tree, selectors.get("title")))
    if chosen:
        return chosen
    og = _meta(tree, "og:title", "twitter:title")
    head = tree.findtext(".//title")
    head = normalize.squash(head) if head else None
    h1s = [normalize.squash(h.text_content()) for h in tree.iter("h1")]
    h1s = [h for h in h1s if len(h.split()) >= 3]
    for h1 in h1s:  # the h1 that the page's own title repeats is the headline
        if any(h1 and ref and h1.casefold() in ref.casefold() for ref in (og, head)):
            return h1
    if og:
        return og
    if head:
        # "Headline - Site name" / "Headline | Site"
        return re.split(r"\s+[-|–—]\s+", head)[0]
    return h1s[0] if h1s else None


# A visible dateline: a weekday or a label before a day-first date.
_DATELINE = re.compile(
    r"(?:(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy|[2-7])|chủ\s+nhật)\s*,?\s*|" + dates.LABEL + r"\s*:?\s*)"
    r"[^<>\n]{0,20}?\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}",
    re.IGNORECASE,
)


def _visible_date(tree, title: str | None) -> datetime | None:
    """The first dateline after the headline (or anywhere, when the headline is not found)."""
    text = normalize.text(tree.text_content())
    start = 0
    if title:
        at = text.find(title[:40])
        start = at if at >= 0 else 0
    for begin in (start, 0):
        match = _DATELINE.search(text, begin)
        if match:
            window = text[match.start() : match.end() + 30]
            return dates.parse(window)
    return None


def _published(tree, html: str, title: str | None, selectors: dict) -> datetime | None:
    chosen = _text_of(_select(tree, selectors.get("date")))
    if chosen:
        found = dates.parse(chosen) or dates.parse_loose(chosen)
        if found:
            return found
    visible = _visible_date(tree, title)
    if visible:
        return visible
    meta = _meta(
        tree, "article:published_time", "datePublished", "pubdate", "publishdate",
        "og:published_time", "dc.date.issued", "date",
    )  # fmt: skip
    if meta and dates.parse(meta):
        return dates.parse(meta)
    try:
        import htmldate

        cleaned = re.sub(r"\(?\s*GMT\s*\+\s*7\s*\)?", " ", html)
        found = htmldate.find_date(cleaned, original_date=True, outputformat="%Y-%m-%d")
    except Exception as error:  # htmldate raises on odd markup; the date stays unknown
        log.debug("htmldate failed: %s", error)
        found = None
    return datetime.fromisoformat(found) if found else None


def _body(html: str, tree, selectors: dict) -> str:
    nodes = _select(tree, selectors.get("body"))
    if nodes:
        paragraphs = []
        for node in nodes:
            blocks = node.xpath(".//p|.//h2|.//h3|.//li") or [node]
            paragraphs += [normalize.squash(b.text_content()) for b in blocks]
        text = "\n\n".join(p for p in paragraphs if p)
        if len(text) > 200:
            return text
    import trafilatura

    text = trafilatura.extract(html, favor_recall=True, include_comments=False, include_tables=True)
    return text or ""


SELECTOR_FIELDS = ("title", "date", "body", "lead", "author")
_GENERIC_LEAD = ".sapo, .article-summary, .summary-news, .news-sapo, .chapeau, .lead, .article-sapo"


def _without_headline(body: str, title: str | None) -> str:
    """Drop the headline and the dateline when the body extractor kept them."""
    lines = body.split("\n")
    title_key = normalize.key(title or "")
    if lines and title_key:
        # "Headline Cập nhật lúc 06:15, Thứ Bảy, 14/11/2026 (GMT+7) First sentence..." on one line
        first = normalize.squash(lines[0])
        if normalize.key(first).startswith(title_key) and len(first) > len(title_key):
            rest = first[len(title_key) :].lstrip()
            dateline = _DATELINE.match(normalize.text(rest))
            if dateline:
                rest = re.sub(
                    r"^[\s,:-]*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:SA|CH|AM|PM)?\s*(?:\(?GMT\s*\+\s*7\)?)?\s*",
                    "",
                    rest[dateline.end() :],
                )
            lines[0] = rest
    kept = []
    for index, line in enumerate(lines):
        key = normalize.key(line)
        if index < 4 and title_key and key == title_key:
            continue
        if index < 5 and len(line) < 90 and _DATELINE.search(normalize.text(line)):
            continue
        kept.append(line)
    return "\n".join(kept).strip()


def article(
    html: str | bytes,
    url: str | None = None,
    selectors: dict | None = None,
    charset: str | None = None,
) -> Page:
    """Title, date and body of one article page. ``selectors`` (title, date, body, lead,
    author: CSS) come from the site registry. Raises PageError for a page that cannot be
    decoded or parsed."""
    selectors = selectors or {}
    used = None
    if isinstance(html, bytes):
        html, used = decode(html, charset)
    if not html.strip():
        raise PageError("empty page")
    html = _without_bulk(html)
    tree = _tree(html)
    for node in _select(tree, selectors.get("exclude")):
        # blocks the site's layout puts inside the article (related-article boxes, ad slots)
        if node.getparent() is not None:
            node.drop_tree()
    if selectors.get("exclude"):
        html = lxml.html.tostring(tree, encoding="unicode")  # trafilatura reads the text
    title = _title(tree, selectors)
    title = plain(title) if title else title
    published_at = _published(tree, html, title, selectors)
    body = plain(_body(html, tree, selectors))
    body = _without_headline(body, title)
    lead = (
        _text_of(_select(tree, selectors.get("lead")))
        or _text_of(_select(tree, _GENERIC_LEAD)[:1])
        or _meta(tree, "description", "og:description")
    )
    lead = plain(lead) if lead else lead
    if lead and len(lead) > 40:
        # the lead opens the article; generic extractors sometimes move it to the end
        body = body.replace(lead, "").strip() if lead in body else body
        body = f"{lead}\n\n{body}" if body else lead
    body = _once(body)
    author = _text_of(_select(tree, selectors.get("author"))) or _meta(
        tree, "author", "article:author"
    )
    # which of the site's selectors still find something: a layout change shows here first
    hits = {
        name: bool(_text_of(_select(tree, css)))
        for name, css in selectors.items()
        if name in SELECTOR_FIELDS and css
    }
    canonical = tree.xpath('//link[@rel="canonical"]/@href')
    canonical_url = urljoin(url or "", canonical[0].strip()) if canonical else None
    return Page(
        title=normalize.text(title) if title else None,
        published=published_at.date() if published_at else None,
        text=normalize.text(body).strip(),
        lead=normalize.text(lead.replace("\n", " ")) if lead else None,
        author=author,
        canonical_url=canonical_url,
        published_at=published_at,
        charset=used,
        selector_hits=hits,
    )
