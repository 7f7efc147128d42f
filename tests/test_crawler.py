"""The crawler end to end, against the sample site the tests serve on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from crawl_helpers import (
    ROOT,
    conditional_paths,
    count_articles,
    crawl,
    crawl_command,
    environment,
    runs,
    snapshot,
)

from partyfacts.crawler import state
from partyfacts.crawler.sample_site import build, serve
from partyfacts.crawler.spiders.sample import ORIGIN

pytestmark = pytest.mark.crawl
NOW = datetime(2026, 11, 21)  # the crawler's frozen clock: the day after the newest article
LISTINGS = {"/robots.txt", "/sitemap.xml", "/rss.xml", "/xay-dung-dang", "/chinh-tri", "/doi-song"}


def stored_urls(site) -> set[str]:
    """What a crawl of the sample site stores: its party-building articles (keep: relevant)."""
    return {ORIGIN + path for path in site.party}


@pytest.fixture(scope="module")
def first_crawl(tmp_path_factory):
    """One full crawl of the sample site at NOW; tests copy the database to go on from it."""
    db = tmp_path_factory.mktemp("first") / "crawl.db"
    site = build()
    with serve(site) as served:
        result = crawl(db, served.url, now=NOW)
    return db, site, result


def copy_of(db, tmp_path):
    target = tmp_path / "crawl.db"
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)
    return target


def test_full_crawl_stores_every_party_article_once_with_its_facts(first_crawl):
    db, site, result = first_crawl
    assert result.returncode == 3, result.stderr  # partial: the site's deliberate 404
    data = snapshot(db)
    urls = [a[0] for a in data["articles"]]
    assert sorted(urls) == sorted(stored_urls(site))  # each article once, nothing else
    with_facts = {q[0] for q in data["quantities"]}
    assert with_facts == set(urls)
    legacy = next(a for a in data["articles"] if a[0] == ORIGIN + site.special["legacy"])
    assert "Huy hiệu Đảng" in legacy[2]  # the windows-1258 page, decoded
    (run,) = runs(db)
    assert (run["status"], run["articles_new"], run["articles_failed"]) == ("partial", 32, 1)
    assert run["errors"] == {"http_404": 1, "empty_page": 1, "not_article": 1}
    assert "sample  partial  ok" in result.stdout


def test_other_news_is_remembered_without_its_text_and_scored(first_crawl):
    """keep: relevant: sport, weather, festival and economy stories are seen, not stored;
    the relevance decisions match the sample site's labels (precision and recall >= .95)."""
    db, site, _ = first_crawl
    with sqlite3.connect(db) as conn:
        kept = dict(conn.execute("SELECT canonical_url, relevant FROM articles"))
        dropped = dict(
            conn.execute("SELECT url, relevance FROM crawl_pages WHERE status = 'irrelevant'")
        )
        columns = {r[1] for r in conn.execute("PRAGMA table_info(crawl_pages)")}
        terms = conn.execute("SELECT relevance_terms FROM articles LIMIT 1").fetchone()[0]
    assert "text" not in columns and all(score < 5 for score in dropped.values())
    assert set(kept.values()) == {1} and json.loads(terms)  # the deciding terms are kept
    labels = {ORIGIN + path: label for path, label in site.relevant.items()}
    assert set(kept) | set(dropped) == set(labels)
    true_positive = sum(labels[url] for url in kept)
    precision, recall = true_positive / len(kept), true_positive / sum(labels.values())
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
    assert any("doi-song" in url for url in kept)  # party building filed under Đời sống


def test_immediate_recrawl_asks_only_listings_and_stores_nothing(first_crawl, tmp_path):
    db = copy_of(first_crawl[0], tmp_path)
    before = snapshot(db)
    with serve(first_crawl[1]) as served:
        again = crawl(db, served.url, now=NOW + timedelta(minutes=10))
        requests = list(served.requests)
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == before
    assert {path for path, _status, _conditional in requests} <= LISTINGS, requests
    last = runs(db)[-1]
    assert (last["status"], last["articles_new"], last["articles_updated"]) == ("success", 0, 0)


def test_changed_young_article_is_updated_the_next_day(first_crawl, tmp_path):
    db = copy_of(first_crawl[0], tmp_path)
    site = build()
    young = [p for p in site.party if site.pages[p].modified >= NOW - timedelta(days=7)]
    (path,) = young  # the sample's articles are 45 days apart: only the newest is young
    page = site.pages[path]
    head, word, tail = page.body.rpartition("đảng viên".encode())  # in the body text
    page.body = head + word + " trẻ".encode() + tail
    with serve(site) as served:
        again = crawl(db, served.url, now=NOW + timedelta(days=1))
        revalidated = conditional_paths(served.requests)
    assert again.returncode == 0, again.stderr
    assert runs(db)[-1]["articles_updated"] == 1
    assert path in revalidated and not revalidated & set(site.articles) - {path}


def test_crawl_killed_midway_and_restarted_ends_with_the_same_database(tmp_path):
    reference, killed = tmp_path / "reference.db", tmp_path / "killed.db"
    site = build()
    with serve(site) as served:
        crawl(reference, served.url, now=NOW)
    with serve(site, delay=0.15) as served:
        log = tmp_path / "killed.log"
        with log.open("w") as stderr:
            process = subprocess.Popen(crawl_command(killed, served.url), cwd=ROOT, env=environment(NOW),
                                       stdout=subprocess.DEVNULL, stderr=stderr)  # fmt: skip
            deadline = time.monotonic() + 60
            while count_articles(killed) < 5 and time.monotonic() < deadline:
                if process.poll() is not None:
                    break  # it ended before being killed: the log says why
                time.sleep(0.05)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait()
        stored_when_killed = count_articles(killed)
        assert 0 < stored_when_killed < len(site.party), log.read_text()[-3000:]
    with serve(site) as served:
        resumed = crawl(killed, served.url, now=NOW)
    assert resumed.returncode in (0, 3), resumed.stderr
    assert snapshot(killed) == snapshot(reference)
    first, second = runs(killed)
    assert first["status"] == "failed" and first["errors"] == {"interrupted": 1}
    # the killed run's row counts what it stored (each article counted in its transaction)
    assert first["articles_new"] == stored_when_killed
    assert second["articles_new"] == len(site.party) - stored_when_killed


def test_failing_pages_are_recorded_as_failed_and_the_rest_stored(tmp_path):
    db = tmp_path / "crawl.db"
    site = build()
    party = site.party
    broken = {party[0]: "500", party[1]: "timeout", party[2]: "malformed"}
    with serve(site, faults=broken) as served:
        result = crawl(db, served.url, "--timeout", "2", now=NOW)
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
    assert count_articles(db) == len(served.site.party)


def test_since_bounds_a_run_to_newer_articles_and_stops_at_older_listing_pages(tmp_path):
    db = tmp_path / "crawl.db"
    site = build()
    since = "2025-06-01"
    newer = {ORIGIN + p for p in site.party if site.pages[p].modified.date().isoformat() >= since}
    assert 0 < len(newer) < len(site.party)
    with serve(site) as served:
        result = crawl(db, served.url, "--since", since, now=NOW)
        requested = {path for path, _status, _conditional in served.requests}
    assert result.returncode in (0, 3), result.stderr
    data = snapshot(db)
    assert {a[0] for a in data["articles"]} == newer
    assert all(a[3] >= since for a in data["articles"])
    older_listing = "/xay-dung-dang?page=3"  # every item on it is older than --since
    assert older_listing not in requested
    older = [p for p in site.articles if site.pages[p].modified.date().isoformat() < since]
    assert older and not any(p in requested for p in older)
