"""The national registry: every entry's fields, patterns and profile; the field it covers
(each of the 34 provinces, the merged provinces' archives, the national party press); and
the spiders of the sites with saved real pages, run on those pages against the gold
(../shared, skipped without it). A site's `verified` claims are checked here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from cssselect import GenericTranslator, SelectorError
from scrapy.http import HtmlResponse, Request

from partyfacts import pipeline
from partyfacts.crawl import settings_for
from partyfacts.crawler import registry
from partyfacts.extract import article, provinces
from partyfacts.options import load

SITES = registry.sites()
REAL = {k: s for k, s in SITES.items() if s.group not in ("sample", "generic")}
# saved page -> (site, the page's URL as PROVENANCE.tsv gives it)
SAVED_PAGES = {
    "vov1": ("vov", "https://vov.vn/the-thao/argentina-doi-dien-an-phat-tu-fifa-sau-khi-vao-chung-ket-world-cup-2026-post1315698.vov"),
    "nhandan1": ("nhandan", "https://nhandan.vn/danh-bai-argentina-tay-ban-nha-vo-dich-world-cup-lan-thu-hai-post976641.html"),
    "baolaocai1": ("baolaocai", "https://baolaocai.vn/song-dep-tu-nhung-dieu-gian-di-post404649.html"),
    "baocantho1": ("baocantho", "https://baocantho.com.vn/tap-trung-trien-khai-cac-dot-thanh-tra-kiem-tra-co-trong-tam-trong-diem-nhat-la-cac-linh-vuc-co-ng-a196670.html"),
}  # fmt: skip


def test_the_registry_covers_the_national_field():
    assert len(REAL) >= 40
    today = date.today()
    in_force = {p for p in provinces.registry() if provinces.as_of(p, today) == p}
    assert len(in_force) == 34
    provincial = {s.province for s in REAL.values() if s.group == "provincial"}
    assert in_force <= provincial, in_force - provincial  # every province has its paper
    archives = [s for s in REAL.values() if s.group == "pre-2025"]
    assert len(archives) >= 20
    for site in archives:  # a merged province, named as it was
        assert provinces.current(site.province) != site.province, site.key
    national = {s.key for s in REAL.values() if s.group == "national"}
    assert {
        "dangcongsan",
        "nhandan",
        "xaydungdang",
        "tapchicongsan",
        "tuyengiao",
        "qdnd",
    } <= national


@pytest.mark.parametrize("key", sorted(SITES))
def test_registry_entry_is_well_formed(key):
    site = SITES[key]
    assert site.name and site.group in registry.GROUPS
    if site.province is not None:
        assert provinces.current(site.province), site.province  # a province the extractor knows
    else:
        assert site.group in ("national", "generic")
    assert site.profile in registry.profiles() and site.keep in registry.KEEP
    assert set(site.verified) <= set(registry.VERIFIABLE)
    for pattern in (site.article_pattern, site.deny_pattern):
        if pattern:
            re.compile(pattern)
    for name, css in site.selectors.items():
        assert name in (*article.SELECTOR_FIELDS, "exclude"), name
        try:
            GenericTranslator().css_to_xpath(css)
        except SelectorError as error:
            pytest.fail(f"{key}: selector {name} {css!r}: {error}")
    if site.group in ("sample", "generic"):
        return
    assert site.domain and site.start_urls and site.allowed_domains
    for url in site.start_urls + site.sitemaps + site.feeds:
        assert urlsplit(url).scheme in ("http", "https"), url
        host = urlsplit(url).hostname
        assert host in site.allowed_domains or any(
            host.endswith("." + d) for d in site.allowed_domains
        ), url
    if site.verified_parts():  # a claim must have a saved page that checks it, below
        assert key in {s for s, _ in SAVED_PAGES.values()}, key


def test_every_site_has_a_spider():
    from scrapy.spiderloader import SpiderLoader

    loader = SpiderLoader.from_settings(settings_for(load()))
    assert set(loader.list()) == set(SITES)


def test_crawl_list_shows_province_verified_parts_and_profile(cli):
    out = cli("crawl", "--list").stdout
    header = out.splitlines()[0].split()
    assert header == ["site", "group", "province", "profile", "verified", "name"]
    assert re.search(
        r"^baocantho\s+provincial\s+Cần Thơ\s+baocantho\s+domain, start_urls, article_pattern, selectors",
        out,
        re.M,
    )
    assert re.search(r"^baoyenbai\s+pre-2025\s+Yên Bái\s+generic\s+-\s+Báo Yên Bái", out, re.M)
    assert f"({len(SITES)} rows)" in out


# -- the spiders on the saved real pages ---------------------------------------------------
def spider_for(key: str):
    from scrapy.spiderloader import SpiderLoader

    spider = SpiderLoader.from_settings(settings_for(load())).load(key)()
    spider.crawler = SimpleNamespace(
        stats=SimpleNamespace(inc_value=lambda *a, **k: None), engine=None
    )
    return spider


@pytest.mark.parametrize("page_name", sorted(SAVED_PAGES))
def test_spider_reads_the_saved_page_as_the_gold_says(page_name, shared, tmp_path):
    key, url = SAVED_PAGES[page_name]
    path = shared / "corpus" / "html" / "provincial" / f"{page_name}.html"
    gold = shared / "gold" / "html" / f"{page_name}.json"
    if not path.exists() or not gold.exists():
        pytest.skip(f"{page_name} is not in ../shared")
    site = SITES[key]
    spider = spider_for(key)
    assert spider.is_article(url)  # the site's article pattern takes the page's URL
    response = HtmlResponse(url, body=path.read_bytes(), request=Request(url))
    (item,) = list(spider.parse_article(response))
    page = article.article(
        item["body"], url=item["url"], selectors=site.selectors, charset=item["charset"]
    )
    missed = [name for name, hit in page.selector_hits.items() if not hit]
    assert not missed and set(page.selector_hits) >= {"title", "body"}, missed  # the profile holds
    pred = tmp_path / "pred.jsonl"
    record = {"doc": page_name, "title": page.title, "published": page.published.isoformat(),
              "text": pipeline.page_text(page)}  # fmt: skip
    pred.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    only = tmp_path / "gold"
    only.mkdir()
    (only / gold.name).write_text(gold.read_text(encoding="utf-8"), encoding="utf-8")
    score = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), "articles", str(only), str(pred),
         "--min=title=1", "--min=date=1", "--min=body=0.95", "-v"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert score.returncode == 0, score.stdout + score.stderr


def test_baocantho_listing_gives_the_gold_article_links(shared):
    path = shared / "corpus" / "html" / "provincial" / "baocantho.category.html"
    gold = shared / "gold" / "html" / "baocantho.category.links.json"
    if not path.exists() or not gold.exists():
        pytest.skip("the saved category page is not in ../shared")
    links = json.loads(gold.read_text(encoding="utf-8"))
    spider = spider_for("baocantho")
    start = SITES["baocantho"].start_urls[0]
    response = HtmlResponse(start, body=path.read_bytes(), request=Request(start, meta={"page": 1}))
    requested = {
        r.url for r in spider.parse_listing(response) if r.callback == spider.parse_article
    }
    assert set(links["article_links"]) <= requested
    assert not set(links["not_article_links"]) & requested
