"""Each site's spider on a saved listing page in that site's URL shape (offline): it asks
for the article links, skips section links, and follows the site's pagination."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from scrapy.http import HtmlResponse, Request, TextResponse
from scrapy.spiderloader import SpiderLoader

from partyfacts.crawl import settings_for
from partyfacts.crawler import registry
from partyfacts.crawler.recheck import KnownPage
from partyfacts.options import load

# Two article URLs per site in the shapes public sources show (../shared/spec/sites.md),
# one section link, and the site's listing URL.
SITES = {
    "baolaichau": ("https://baolaichau.vn/chinh-tri", [
        "https://baolaichau.vn/chinh-tri/phat-huy-truyen-thong-xay-dung-dang-bo-huyen-sin-ho-vung-manh",
        "https://baolaichau.vn/thuc-hien-nq-tw4/nang-cao-chat-luong-sinh-hoat-chi-bo"]),
    "laichau_gov": ("https://laichau.gov.vn/tin-tuc-su-kien", [
        "https://laichau.gov.vn/tin-tuc-su-kien/chuyen-de/tin-trong-tinh/ket-nap-dang-vien-moi-tai-tam-duong.html",
        "https://laichau.gov.vn/tin-tuc-su-kien/hoat-dong/to-chuc-co-so-dang-hoan-thanh-tot-nhiem-vu.html"]),
    "vov": ("https://vov.vn/chinh-tri/dang", [
        "https://vov.vn/chinh-tri/dang/tong-bi-thu-truong-chinh-nguoi-dat-nen-mong-cho-cong-cuoc-doi-moi-591630.vov",
        "https://vov.vn/chinh-tri/gia-tri-dac-sac-cua-ngoai-giao-cay-tre-viet-nam-post1029828.vov"]),
    "baodienbienphu": ("https://baodienbienphu.vn/", [
        "https://baodienbienphu.vn/tin-bai/chinh-tri/ket-nap-dang-vien-moi",
        "https://baodienbienphu.vn/tin-bai/xay-dung-dang/dang-bo-thanh-pho-dien-bien-phu-tong-ket"]),
    "baohagiang": ("https://baohagiang.vn/thoi-su-chinh-tri", [
        "http://baohagiang.vn/thoi-su-chinh-tri/202108/niem-tin-vao-vai-tro-lanh-dao-cua-dang-bo-780756/",
        "https://baohagiang.vn/Giai-Bao-Chi-Ve-Xay-Dung-Dang/202409/tu-duy-tam-nhin-trong-su-lanh-dao-cua-dang-6bc4b3b"]),
    "dangcongsan": ("https://dangcongsan.vn/xay-dung-dang", [
        "https://dangcongsan.vn/xay-dung-dang/nang-cao-chat-luong-to-chuc-co-so-dang-662290.html",
        "https://dangcongsan.vn/thoi-su/tang-cuong-phong-chong-nang-nong-han-han-thieu-nuoc-662291.html"]),
    "xaydungdang": ("https://xaydungdang.org.vn/thoi-su-chinh-tri", [
        "https://xaydungdang.org.vn/thoi-su-chinh-tri/tuyen-quang-thu-do-khu-giai-phong-thu-do-khang-chien-3442",
        "https://xaydungdang.org.vn/nhip-cau-ban-doc/gioi-thieu-noi-dung-tap-chi-xay-dung-dang-in-so-2-11271"]),
}  # fmt: skip


class Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count


def make_spider(name: str, **kwargs):
    """The spider as the project's settings load it, with a stand-in crawler (no reactor)."""
    loader = SpiderLoader.from_settings(settings_for(load()))
    spider = loader.load(name)(**kwargs)
    spider.crawler = SimpleNamespace(stats=Stats(), engine=None)
    return spider


def listing(url: str, articles: list[str], next_href: str | None) -> HtmlResponse:
    items = "".join(f'<li><a href="{a}">Tiêu đề bài viết số {i} về công tác xây dựng Đảng</a></li>'
                    for i, a in enumerate(articles))  # fmt: skip
    nav = f'<a rel="next" href="{next_href}">Trang sau</a>' if next_href else ""
    html = (f'<html><body><nav><a href="{url}">Chính trị</a><a href="/tags/xay-dung-dang">Tag</a></nav>'
            f"<ul>{items}</ul>{nav}</body></html>")  # fmt: skip
    return HtmlResponse(
        url, body=html.encode(), encoding="utf-8", request=Request(url, meta={"page": 1})
    )


def test_the_listing_shapes_belong_to_registry_sites():
    real = {k for k, s in registry.sites().items() if s.group not in ("sample", "generic")}
    assert set(SITES) <= real  # every site's spider and fields: tests/test_registry.py


@pytest.mark.parametrize("name", sorted(SITES))
def test_listing_page_gives_article_requests_and_the_next_page(name):
    start, articles = SITES[name]
    spider = make_spider(name)
    assert spider.site.start_urls and start in spider.site.start_urls
    out = list(spider.parse_listing(listing(start, articles, f"{start}?page=2")))
    requested = [r.url for r in out if r.callback == spider.parse_article]
    assert sorted(requested) == sorted(articles)
    pages = [r.url for r in out if r.callback == spider.parse_listing]
    if spider.site.pagination:
        assert pages == [f"{start}?page=2"]
    else:
        assert pages == []


def test_known_articles_are_not_asked_again_from_listings_only_when_due():
    start, articles = SITES["vov"]
    spider = make_spider("vov")
    spider.now = datetime(2026, 11, 21, 2, tzinfo=UTC)
    checked = datetime(2026, 11, 20, 2, tzinfo=UTC)
    spider.known = {
        articles[0]: KnownPage("article", '"abc"', "Thu, 19 Nov 2026 07:15:00 GMT",
                               published=date(2026, 11, 19), checked_at=checked),
        articles[1]: KnownPage("article", '"old"', published=date(2025, 1, 1), checked_at=checked),
    }  # fmt: skip
    spider.trust_known = True
    # nothing new on the page: no article request, and the older pages are not followed
    assert list(spider.parse_listing(listing(start, articles, f"{start}?page=2"))) == []
    (request,) = list(spider.recheck_requests())  # the young one is due, the old one is not
    assert request.url == articles[0]
    assert request.headers[b"If-None-Match"] == b'"abc"'
    assert request.meta["handle_httpstatus_list"] == [304]
    spider.recheck_all = True  # --recheck: every stored page once
    assert {r.url for r in spider.recheck_requests()} == set(articles)


def test_since_skips_older_sitemap_and_feed_entries():
    spider = make_spider("vov", since="2024-06-01")
    sitemap = ("<urlset><url><loc>https://vov.vn/chinh-tri/dang/bai-moi-ve-cong-tac-dang-post1100001.vov</loc>"
               "<lastmod>2024-07-01</lastmod></url><url><loc>https://vov.vn/chinh-tri/dang/bai-cu-ve-cong-tac-dang-"
               "post1000001.vov</loc><lastmod>2023-01-01</lastmod></url></urlset>")  # fmt: skip
    response = TextResponse("https://vov.vn/sitemap.xml", body=sitemap.encode(), encoding="utf-8")
    assert [r.url for r in spider.parse_sitemap(response)] == [
        "https://vov.vn/chinh-tri/dang/bai-moi-ve-cong-tac-dang-post1100001.vov"
    ]
    feed = ("<rss><channel><item><link>https://vov.vn/chinh-tri/dang/tin-cu-post1000002.vov</link>"
            "<pubDate>Mon, 01 Jan 2024 08:00:00 +0700</pubDate></item></channel></rss>")  # fmt: skip
    response = TextResponse(
        "https://vov.vn/rss/chinh-tri-105.rss", body=feed.encode(), encoding="utf-8"
    )
    assert list(spider.parse_feed(response)) == []


def test_tracking_parameters_do_not_make_a_second_article():
    spider = make_spider("sample", base_url="http://127.0.0.1:9")
    a = spider.article_request("/xay-dung-dang/bai-viet-1?utm_source=zalo&utm_medium=social")
    b = spider.article_request("http://127.0.0.1:9/xay-dung-dang/bai-viet-1#binh-luan")
    assert a.url == b.url == "http://127.0.0.1:9/xay-dung-dang/bai-viet-1"
    assert a.meta["canonical_url"] == "http://bao-mau.partyfacts.invalid/xay-dung-dang/bai-viet-1"


def test_generic_spider_needs_a_listing_url():
    with pytest.raises(ValueError, match="url="):
        make_spider("generic")
    spider = make_spider("generic", url="https://baomau.vn/xay-dung-dang")
    assert spider.allowed_domains == ["baomau.vn"]


def test_canonical_urls_drop_tracking_fragments_ports_and_host_case():
    from partyfacts.crawler.urls import canonical

    assert (
        canonical(
            "HTTPS://Www.BaoLaiChau.vn:443/chinh-tri/bai-viet?utm_source=fb&id=2&fbclid=x#binh-luan"
        )
        == "https://www.baolaichau.vn/chinh-tri/bai-viet?id=2"
    )
    assert canonical("http://127.0.0.1:8080/a?page=2") == "http://127.0.0.1:8080/a?page=2"
