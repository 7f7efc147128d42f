"""The crawler end to end, against the sample site the tests serve on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from crawl_helpers import ROOT, count_articles, crawl, crawl_command, runs, snapshot

from partyfacts.crawler import state
from partyfacts.crawler.sample_site import build, serve
from partyfacts.crawler.spiders.sample import ORIGIN

pytestmark = pytest.mark.crawl


def stored_urls(site) -> set[str]:
    return {ORIGIN + path for path in site.articles}


def test_full_crawl_stores_every_article_once_with_its_facts(tmp_path):
    db = tmp_path / "crawl.db"
    with serve() as served:
        result = crawl(db, served.url)
    assert result.returncode == 3, result.stderr  # partial: the site's deliberate 404
    data = snapshot(db)
    urls = [a[0] for a in data["articles"]]
    assert sorted(urls) == sorted(stored_urls(served.site))  # each article once, nothing else
    with_facts = {q[0] for q in data["quantities"]}
    assert with_facts == set(urls)
    legacy = next(a for a in data["articles"] if a[0] == ORIGIN + served.site.special["legacy"])
    assert "Huy hiệu Đảng" in legacy[2]  # the windows-1258 page, decoded
    (run,) = runs(db)
    assert (run["status"], run["articles_new"], run["articles_failed"]) == ("partial", 40, 1)
    assert run["errors"] == {"http_404": 1, "empty_page": 1, "not_article": 1}
    assert "sample  partial" in result.stdout


def test_immediate_recrawl_only_revalidates_and_stores_nothing_new(tmp_path):
    db = tmp_path / "crawl.db"
    with serve() as served:
        assert crawl(db, served.url).returncode == 3
        before = snapshot(db)
        served.requests.clear()
        again = crawl(db, served.url)
        requests = list(served.requests)
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == before
    listings = {"/robots.txt", "/sitemap.xml", "/rss.xml", "/xay-dung-dang", "/chinh-tri"}
    plain = [path for path, _status, conditional in requests if not conditional]
    assert set(plain) <= listings, plain  # only listing/sitemap/feed pages unconditionally
    conditional = [(path, status) for path, status, c in requests if c]
    assert conditional and all(status == 304 for _, status in conditional)
    last = runs(db)[-1]
    assert (last["status"], last["articles_new"], last["articles_updated"]) == ("success", 0, 0)


def test_changed_article_is_updated_on_recrawl(tmp_path):
    db = tmp_path / "crawl.db"
    site = build()
    with serve(site) as served:
        crawl(db, served.url)
        path = site.articles[0]
        page = site.pages[path]
        assert "Huyện có hơn".encode() in page.body
        page.body = page.body.replace("Huyện có hơn".encode(), "Toàn huyện có hơn".encode())
        again = crawl(db, served.url)
    assert again.returncode == 0, again.stderr
    assert runs(db)[-1]["articles_updated"] == 1


def test_crawl_killed_midway_and_restarted_ends_with_the_same_database(tmp_path):
    reference, killed = tmp_path / "reference.db", tmp_path / "killed.db"
    site = build()
    with serve(site) as served:
        crawl(reference, served.url)
    with serve(site, delay=0.15) as served:
        process = subprocess.Popen(crawl_command(killed, served.url), cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        deadline = time.monotonic() + 60
        while count_articles(killed) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        stored_when_killed = count_articles(killed)
        assert 0 < stored_when_killed < 40
    with serve(site) as served:
        resumed = crawl(killed, served.url)
    assert resumed.returncode in (0, 3), resumed.stderr
    assert snapshot(killed) == snapshot(reference)
    first, second = runs(killed)
    assert first["status"] == "failed" and first["errors"] == {"interrupted": 1}
    # the killed run's row counts what it stored (each article counted in its transaction)
    assert first["articles_new"] == stored_when_killed
    assert second["articles_new"] == 40 - stored_when_killed


def test_failing_pages_are_recorded_as_failed_and_the_rest_stored(tmp_path):
    db = tmp_path / "crawl.db"
    site = build()
    broken = {site.articles[0]: "500", site.articles[1]: "timeout", site.articles[2]: "malformed"}
    with serve(site, faults=broken) as served:
        result = crawl(db, served.url, "--timeout", "2")
    assert result.returncode == 3, result.stderr
    urls = {a[0] for a in snapshot(db)["articles"]}
    assert urls == stored_urls(site) - {ORIGIN + p for p in broken}
    run = runs(db)[-1]
    assert run["articles_failed"] == 4  # the three broken pages and the 404
    assert {"http_500", "timeout", "undecodable", "http_404"} <= set(run["errors"])


def test_a_second_run_of_the_same_site_exits_at_once(tmp_path):
    db = tmp_path / "crawl.db"
    lock = state.SiteLock(db, "sample")
    lock.acquire()
    try:
        started = time.monotonic()
        with serve() as served:
            result = crawl(db, served.url)
        assert result.returncode == 75
        assert "already running" in result.stderr
        assert time.monotonic() - started < 30
    finally:
        lock.release()


def test_scrapy_check_contracts_pass_against_the_sample_site(tmp_path):
    with serve() as served:
        env = {
            **os.environ,
            "PARTYFACTS_SAMPLE_URL": served.url,
            "PARTYFACTS_DB": str(tmp_path / "c.db"),
        }
        result = subprocess.run([sys.executable, "-m", "scrapy", "check", "sample"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr.rstrip().endswith("OK") and "Ran 6 contracts" in result.stderr


def test_scrapy_crawl_works_from_the_repository_root(tmp_path):
    db = tmp_path / "scrapy.db"
    with serve() as served:
        env = {**os.environ, "PARTYFACTS_DB": str(db)}
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "sample", "-a", f"base_url={served.url}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert result.returncode == 3, result.stderr  # partial, as partyfacts crawl: the site's 404
    assert count_articles(db) == 40


def test_since_bounds_a_run_to_newer_articles_and_stops_at_older_listing_pages(tmp_path):
    db = tmp_path / "crawl.db"
    site = build()
    since = "2025-06-01"
    newer = {
        ORIGIN + p for p in site.articles if site.pages[p].modified.date().isoformat() >= since
    }
    assert 0 < len(newer) < len(site.articles)
    with serve(site) as served:
        result = crawl(db, served.url, "--since", since)
        requested = {path for path, _status, _conditional in served.requests}
    assert result.returncode in (0, 3), result.stderr
    data = snapshot(db)
    assert {a[0] for a in data["articles"]} == newer
    assert all(a[3] >= since for a in data["articles"])
    older_listing = "/xay-dung-dang?page=3"  # every item on it is older than --since
    assert older_listing not in requested
    assert not any(p in requested for p in site.articles if ORIGIN + p not in newer)
