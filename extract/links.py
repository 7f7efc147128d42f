"""Article links on a listing page: which links lead to articles and which to sections.

A site's registry entry may give an article URL pattern; without one, a URL is an article
when its path carries a date (``/2012/12/``, ``/20121227/``, ``/202108/``), an id
(``-2407098.html``, ``-post1029828.vov``, ``-6bc4b3b``), or a long slug, and is not a known
non-article page (tags, search, video index, contact). Section links are short words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import urljoin, urlsplit

import lxml.html

_DATE_IN_PATH = re.compile(
    r"/(?:(?:19|20)\d{2}/\d{1,2}(?:/\d{1,2})?|(?:19|20)\d{2}[01]\d(?:[0-3]\d)?)/"
)
_ID_AT_END = re.compile(
    r"(?:-|/|_)(?:post)?(?:(?!(?:19|20)\d{2}$)\d{4,}|(?=[a-f]*\d)[0-9a-f]{7}|(?=[A-Za-z]*\d)[A-Za-z0-9]{9})$"
)
_EXTENSION = re.compile(r"\.(?:html?|aspx?|php|vov|jsp)$", re.IGNORECASE)
_DAY = re.compile(r"(?<!\d)(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})(?!\d)")
_NOT_ARTICLE = re.compile(
    r"/(?:tag|tags|tu-khoa|search|tim-kiem|video|videos|multimedia|rss|lien-he|gioi-thieu|"
    r"dang-nhap|dang-ky|login|author|tac-gia|page|trang)(?:/|$|\.|-\d+$)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Link:
    url: str
    text: str
    is_article: bool
    date: date | None = None  # a date shown beside the link on the listing page, if any


def is_article_url(url: str, pattern: str | None = None) -> bool:
    """Whether ``url`` looks like an article (or matches the site's article pattern)."""
    if pattern:
        return re.search(pattern, url) is not None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    path = parts.path
    if not path.strip("/") or _NOT_ARTICLE.search(path):
        return False
    last = _EXTENSION.sub("", path.rstrip("/").rsplit("/", 1)[-1])
    words = [w for w in re.split(r"[-_]", last) if w]
    if _DATE_IN_PATH.search(path + ("/" if not path.endswith("/") else "")) and len(words) >= 3:
        return True
    if _ID_AT_END.search(last) and len(words) >= 3:
        return True
    return len(words) >= 6


def links(html: str, base_url: str, pattern: str | None = None) -> list[Link]:
    """Every http(s) link on the page, absolute, in order, first occurrence only."""
    tree = lxml.html.document_fromstring(html)
    seen: dict[str, Link] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#", "tel:")):
            continue
        url = urljoin(base_url, href).split("#", 1)[0]
        if not url.startswith(("http://", "https://")) or url in seen:
            continue
        text = " ".join(anchor.text_content().split())
        seen[url] = Link(url, text, is_article_url(url, pattern), _date_beside(anchor))
    return list(seen.values())


def _date_beside(anchor) -> date | None:
    """A day-first date in the list item or block that holds the link ("dd/mm/yyyy")."""
    block = anchor.getparent()
    for _ in range(2):  # the link's own item, or the one around it
        if block is None or len(block.findall(".//a")) > 3:
            return None  # a whole list, not one item: its dates are not this link's
        found = _DAY.search(block.text_content())
        if found:
            try:
                return date(int(found["y"]), int(found["m"]), int(found["d"]))
            except ValueError:
                return None
        block = block.getparent()
    return None
