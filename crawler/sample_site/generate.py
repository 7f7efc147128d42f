"""Generate the sample site's pages in memory: articles in three layouts typical of
Vietnamese provincial papers and portals, paginated listings, a sitemap, an RSS feed,
robots.txt, and the awkward cases a crawler meets (a tracking-parameter duplicate, a 404,
a windows-1258 page, an empty page, a non-article page).

Every fourth article is other news (sport, weather, a festival, an economy story quoting a
Bí thư; one party-building story filed under Đời sống), each labelled relevant or not for
the relevance tests. An article's page depends only on its number, so a site built with
more articles (and a later ``newest``) is the same site with news added on top; dates are
``spacing`` apart, so tests can make articles young or old; ``redesign=True`` serves every
article in a new template that the site's selectors no longer match (a layout change)."""

from __future__ import annotations

import hashlib
import html
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import yaml

_HERE = Path(__file__).parent
WEEKDAYS = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]
SECTIONS = {"xay-dung-dang": "Xây dựng Đảng", "chinh-tri": "Chính trị", "doi-song": "Đời sống"}
SLUGS = {
    "a": "a", "á": "a", "à": "a", "ả": "a", "ã": "a", "ạ": "a", "ă": "a", "ắ": "a", "ằ": "a",
    "ẳ": "a", "ẵ": "a", "ặ": "a", "â": "a", "ấ": "a", "ầ": "a", "ẩ": "a", "ẫ": "a", "ậ": "a",
    "đ": "d", "é": "e", "è": "e", "ẻ": "e", "ẽ": "e", "ẹ": "e", "ê": "e", "ế": "e", "ề": "e",
    "ể": "e", "ễ": "e", "ệ": "e", "í": "i", "ì": "i", "ỉ": "i", "ĩ": "i", "ị": "i", "ó": "o",
    "ò": "o", "ỏ": "o", "õ": "o", "ọ": "o", "ô": "o", "ố": "o", "ồ": "o", "ổ": "o", "ỗ": "o",
    "ộ": "o", "ơ": "o", "ớ": "o", "ờ": "o", "ở": "o", "ỡ": "o", "ợ": "o", "ú": "u", "ù": "u",
    "ủ": "u", "ũ": "u", "ụ": "u", "ư": "u", "ứ": "u", "ừ": "u", "ử": "u", "ữ": "u", "ự": "u",
    "ý": "y", "ỳ": "y", "ỷ": "y", "ỹ": "y", "ỵ": "y",
}  # fmt: skip


@dataclass
class Page:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    modified: datetime = field(default_factory=lambda: datetime(2026, 1, 1))

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:16] + '"'

    @property
    def last_modified(self) -> str:
        return format_datetime(self.modified.replace(tzinfo=None), usegmt=False).replace(
            "-0000", "GMT"
        )


@dataclass
class Site:
    pages: dict[str, Page]
    articles: list[str]  # paths of the real article pages, newest first
    special: dict[str, str]  # role -> path: duplicate, missing, legacy, empty, not_article
    relevant: dict[str, bool] = field(default_factory=dict)  # article path -> party building?

    @property
    def party(self) -> list[str]:
        """The party-building articles (the ones a `keep: relevant` crawl stores)."""
        return [p for p in self.articles if self.relevant.get(p, True)]


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode Vietnamese as windows-1258 does: base letters (â, ơ, ư... are precomposed
    there) followed by a combining tone mark."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        tones = "".join(m for m in parts[1:] if m in _TONES)
        base = unicodedata.normalize(
            "NFC", parts[0] + "".join(m for m in parts[1:] if m not in _TONES)
        )
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


def slugify(text: str) -> str:
    out = "".join(SLUGS.get(c, c) for c in text.lower())
    return "-".join("".join(c if c.isalnum() else " " for c in out).split())


def _date_line(layout: str, when: datetime) -> str:
    weekday = WEEKDAYS[when.weekday()]
    if layout == "paper":
        return f'<div class="article-meta">{weekday}, {when:%d/%m/%Y - %H:%M}</div>'
    if layout == "portal":
        hour = when.hour % 12 or 12
        ampm = "SA" if when.hour < 12 else "CH"
        return f'<div class="tandan-date-view">(Ngày đăng :{when:%d/%m/%Y} {hour}:{when:%M:%S} {ampm})</div>'
    return (
        f'<time datetime="{when:%Y-%m-%dT%H:%M:00}+07:00">Cập nhật lúc {when:%H:%M}, '
        f"{weekday}, {when:%d/%m/%Y} (GMT+7)</time>"
    )


def _chrome(title: str, inner: str, charset: str = "utf-8") -> str:
    nav = "".join(f'<li><a href="/{k}">{v}</a></li>' for k, v in SECTIONS.items())
    return (
        f'<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}">'
        f"<title>{html.escape(title)} - Báo Mẫu Lai Châu</title></head><body>"
        f'<header><a href="/">Báo Mẫu Lai Châu</a><ul class="menu">{nav}'
        '<li><a href="/gioi-thieu">Giới thiệu</a></li></ul></header>'
        f"{inner}"
        '<aside class="tin-lien-quan"><h3>Tin liên quan</h3><ul>'
        "<li>Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 12</li>"
        "<li>Tăng cường công tác dân vận trong tình hình mới</li></ul></aside>"
        "<footer>Báo Mẫu Lai Châu - Cơ quan chủ quản: Dự án partyfacts. "
        "Điện thoại: 0213.3876.460</footer></body></html>"
    )


def _article_html(
    layout: str, title: str, when: datetime, paragraphs: list[str], charset="utf-8"
) -> str:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs[1:])
    lead = html.escape(paragraphs[0])
    date = _date_line(layout, when)
    if layout == "paper":
        inner = (
            f'<main><h1 class="article-title">{html.escape(title)}</h1>{date}'
            f'<div class="sapo"><p>{lead}</p></div><div class="article-body">{body}</div>'
            '<p class="author">Minh Anh</p></main>'
        )
    elif layout == "portal":
        inner = (
            '<div class="breadcrumb">Trang chủ » Tin hoạt động trong tỉnh</div>'
            f'<div class="tandan-title-view">{html.escape(title)}</div>{date}'
            f'<div class="tandan-content-view"><p>{lead}</p>{body}</div>'
        )
    elif layout == "redesign":  # the 2027 template: none of the old class names
        inner = (
            f'<div class="detail"><h2 class="detail__heading">{html.escape(title)}</h2>'
            f'<span class="detail__time">{when:%d/%m/%Y %H:%M}</span>'
            f'<div class="detail__summary"><p>{lead}</p></div><div class="detail__content">{body}</div></div>'
        )
    else:
        inner = (
            f"<article><header><h1>{html.escape(title)}</h1>{date}</header>"
            f'<div class="entry-content"><p><strong>{lead}</strong></p>{body}</div>'
            '<p class="byline">Theo Tạp chí Mẫu</p></article>'
        )
    return _chrome(title, inner, charset)


def _fill(
    template: dict, rng: random.Random, district: str, official: list[str], year: int
) -> tuple[str, list[str]]:
    values = {
        "district": district, "year": year, "official": official[0], "title": official[1],
        "a": rng.randint(12, 180), "b": rng.randint(3, 60), "c": rng.randint(200, 4800),
        "d": rng.randint(20, 95), "e": rng.randint(2, 15), "f": rng.randint(2000, 9000),
        "g": rng.randint(1, 9),
        "p": f"{rng.randint(700, 999) / 10:.1f}".replace(".", ","),
        "q": f"{rng.randint(700, 999) / 10:.1f}".replace(".", ","),
    }  # fmt: skip
    for key in ("c", "f"):  # thousands grouped with dots, as Vietnamese papers write them
        values[key] = f"{values[key]:,}".replace(",", ".")
    title = template["title"].format(**values)
    return title, [p.format(**values) for p in template["paragraphs"]]


def texts(n: int, seed: int = 11) -> list[tuple[str, str, datetime]]:
    """(title, plain text, published) for ``n`` sample articles, without HTML: for
    benchmarks that need many stored articles quickly."""
    data = yaml.safe_load((_HERE / "articles.yaml").read_text(encoding="utf-8"))
    rng = random.Random(seed)
    newest = datetime(2026, 11, 20, 8, 15)
    out = []
    for i in range(n):
        template = data["templates"][i % len(data["templates"])]
        district = data["districts"][(i // len(data["templates"])) % len(data["districts"])]
        official = data["officials"][i % len(data["officials"])]
        when = newest - timedelta(hours=7 * i)
        title, paragraphs = _fill(template, rng, district, official, when.year)
        out.append((title, title + "\n\n" + "\n\n".join(paragraphs), when))
    return out


def build(
    n_articles: int = 40,
    per_page: int = 10,
    seed: int = 7,
    newest: datetime | None = None,
    spacing: timedelta = timedelta(days=45),
    redesign: bool = False,
) -> Site:
    """The whole site; the same arguments always give the same pages."""
    data = yaml.safe_load((_HERE / "articles.yaml").read_text(encoding="utf-8"))
    newest = newest or datetime(2026, 11, 20, 8, 15)
    pages: dict[str, Page] = {}
    listed: dict[str, list[tuple[str, str, datetime | None]]] = {s: [] for s in SECTIONS}
    articles, items, relevant = [], [], {}
    layouts = ["paper", "portal", "magazine"]
    for j in range(n_articles):  # newest first
        k = n_articles - 1 - j  # the article's number: 0 is the oldest, new ones come on top
        rng = random.Random(seed * 1_000_003 + k)
        if k % 4 == 3:
            template = data["other_templates"][(k // 4) % len(data["other_templates"])]
        else:
            template = data["templates"][k % len(data["templates"])]
        district = data["districts"][(k // 7) % len(data["districts"])]
        official = data["officials"][k % len(data["officials"])]
        when = newest - j * spacing - timedelta(hours=k % 5)
        title, paragraphs = _fill(template, rng, district, official, when.year - (when.month < 3))
        path = f"/{template['section']}/{slugify(title)}-{1000 + k}"
        layout = "redesign" if redesign else layouts[k % 3]
        legacy = k == 4 and not redesign
        charset = "windows-1258" if legacy else "utf-8"
        text = _article_html(layout, title, when, paragraphs, charset)
        body = to_cp1258(text) if legacy else text.encode("utf-8")
        pages[path] = Page(body, f"text/html; charset={charset}", when)
        articles.append(path)
        relevant[path] = template.get("relevant", True)
        listed[template["section"]].append((path, title, when))
        items.append((path, title, when))
    special = {
        "legacy": articles[n_articles - 5] if n_articles > 4 and not redesign else "",  # k == 4
        "duplicate": articles[1] + "?utm_source=zalo&utm_medium=social&utm_campaign=xdd",
        "missing": "/xay-dung-dang/bai-viet-da-go-bo-9003",
        "empty": "/xay-dung-dang/bai-viet-dang-cap-nhat-9001",
        "not_article": "/xay-dung-dang/lien-he-toa-soan-bao-mau-9002",
    }
    pages[special["empty"]] = Page(b"", modified=newest)
    pages[special["not_article"]] = Page(
        _chrome(
            "Liên hệ tòa soạn",
            "<main><h1>Liên hệ tòa soạn</h1><p>Điện thoại: 0213.3876.460</p></main>",
        ).encode(),
        modified=newest,
    )
    # the odd links go on the first listing page, where every crawl sees them
    extras = [(special["duplicate"], "Bài viết (chia sẻ qua Zalo)", None), (special["missing"], "Bài viết đã gỡ", None),
              (special["empty"], "Bài viết đang cập nhật", None), (special["not_article"], "Liên hệ tòa soạn", None)]  # fmt: skip
    for section, entries in listed.items():
        chunks = [entries[i : i + per_page] for i in range(0, len(entries), per_page)] or [[]]
        for number, chunk in enumerate(chunks, 1):
            links = list(chunk)
            if section == "xay-dung-dang" and number == 1:
                links += extras
            items_html = "".join(
                f'<li class="news-item"><a href="{html.escape(p)}">{html.escape(t)}</a>'
                + (f' <span class="date">{w:%d/%m/%Y}</span>' if w else "")
                + "</li>"
                for p, t, w in links
            )
            nav = ""
            if number < len(chunks):
                nav = f'<a rel="next" href="/{section}?page={number + 1}">Trang sau</a>'
            path = f"/{section}" if number == 1 else f"/{section}?page={number}"
            inner = f'<main><h1>{SECTIONS[section]}</h1><ul class="news-list">{items_html}</ul>{nav}</main>'
            pages[path] = Page(_chrome(SECTIONS[section], inner).encode(), modified=newest)
    pages["/"] = Page(
        _chrome("Trang chủ", "<main><p>Báo Mẫu Lai Châu</p></main>").encode(), modified=newest
    )
    pages["/gioi-thieu"] = Page(
        _chrome("Giới thiệu", "<main><h1>Giới thiệu</h1></main>").encode(), modified=newest
    )
    pages["/robots.txt"] = Page(b"User-agent: *\nDisallow: /admin/\n", "text/plain", newest)
    urls = "".join(
        f"<url><loc>{{base}}{p}</loc><lastmod>{w:%Y-%m-%dT%H:%M:%S}+07:00</lastmod></url>"
        for p, _, w in items
    )
    pages["/sitemap.xml"] = Page(
        ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
         f"{urls}</urlset>").encode(),
        "application/xml", newest,
    )  # fmt: skip
    feed_items = "".join(
        f"<item><title>{html.escape(t)}</title><link>{{base}}{p}</link>"
        f"<pubDate>{format_datetime(w)}</pubDate></item>"
        for p, t, w in items[:15]
    )
    pages["/rss.xml"] = Page(
        ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Báo Mẫu Lai Châu</title>'
         f"{feed_items}</channel></rss>").encode(),
        "application/rss+xml", newest,
    )  # fmt: skip
    return Site(pages, articles, special, relevant)
