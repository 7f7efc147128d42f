"""Unattended scheduled crawling: the re-check policy, health and `partyfacts status`, the
run log, and the deployment files. Time is frozen (PARTYFACTS_NOW), never slept."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from crawl_helpers import ROOT, conditional_paths, crawl, runs

from partyfacts import exitcodes
from partyfacts.crawler import health, registry
from partyfacts.crawler.recheck import KnownPage, Policy
from partyfacts.crawler.sample_site import build, serve

T0 = datetime(2026, 11, 21)  # the day after the sample site's newest article


# -- the policy ----------------------------------------------------------------------------
NOW = datetime(2026, 12, 1, 3, tzinfo=UTC)


def known(age_days: int, checked_hours_ago: float, status: str = "article") -> KnownPage:
    published = (NOW - timedelta(days=age_days)).date()
    return KnownPage(
        status, published=published, checked_at=NOW - timedelta(hours=checked_hours_ago)
    )


@pytest.mark.parametrize(
    ("age", "checked_hours_ago", "due"),
    [
        (0, 1, False),  # young, but checked an hour ago: an immediate re-crawl asks nothing
        (3, 13, True),  # young, checked last night
        (7, 13, True),  # the last young day
        (8, 13, False),  # past the window: weekly
        (8, 24 * 7, True),
        (60, 24 * 6, False),
        (60, 24 * 7, True),
        (61, 24 * 29, False),  # past 60 days: monthly
        (61, 24 * 30, True),
        (365, 24 * 30, True),
        (366, 24 * 1000, False),  # past a year: never
    ],
)
def test_recheck_window_and_backoff(age, checked_hours_ago, due):
    policy = Policy.of(registry.site("sample"))  # the registry's defaults
    assert policy == Policy(7, 12.0, ((60, 7.0), (365, 30.0)))
    assert policy.due(known(age, checked_hours_ago), NOW) is due


def test_gone_and_irrelevant_pages_are_never_rechecked_and_undated_ones_age_from_first_sight():
    policy = Policy()
    assert not policy.due(known(1, 1000, "gone"), NOW)
    assert not policy.due(known(1, 1000, "irrelevant"), NOW)
    undated = KnownPage(
        "skipped", first_seen=NOW - timedelta(days=90), checked_at=NOW - timedelta(days=20)
    )
    assert not policy.due(undated, NOW)  # 90 days old: monthly, checked 20 days ago
    assert policy.due(KnownPage("article", published=NOW.date()), NOW)  # never checked


# -- the policy end to end -----------------------------------------------------------------
def ages(site, paths, now: datetime) -> dict[str, int]:
    return {p: (now.date() - site.pages[p].modified.date()).days for p in paths}


@pytest.mark.crawl
def test_nightly_runs_revalidate_exactly_what_the_policy_says(tmp_path):
    """Articles 4 days apart; runs at T0, 13 hours later (the young ones), 300 days later
    (the monthly tier; past a year never), then --recheck. (The weekly tier: above.)"""
    db = tmp_path / "crawl.db"
    site = build(n_articles=24, spacing=timedelta(days=4), newest=datetime(2026, 11, 20, 8))
    party = set(site.party)
    with serve(site) as served:

        def run(now, *extra):
            served.requests.clear()
            result = crawl(db, served.url, *extra, now=now)
            assert result.returncode in (0, 3), result.stderr
            return conditional_paths(served.requests) & set(site.articles)

        assert run(T0) == set()  # the first crawl: nothing to revalidate
        later = T0 + timedelta(hours=13)
        assert run(later) == {p for p, a in ages(site, party, later).items() if a <= 7}
        year = T0 + timedelta(days=300)
        expected = {p for p, a in ages(site, party, year).items() if a <= 365}
        assert 0 < len(expected) < len(party)
        assert run(year) == expected
        # --recheck: every stored article once; pages that are not party building never
        assert run(year + timedelta(hours=1), "--recheck") == party
    assert [r["articles_new"] for r in runs(db)] == [len(party), 0, 0, 0]
    with sqlite3.connect(db) as conn:
        assert {h for (h,) in conn.execute("SELECT health FROM crawl_health")} == {"ok"}


# -- health, status and the run log --------------------------------------------------------
@pytest.fixture(scope="module")
def layout_change(tmp_path_factory):
    """A crawl of the site, then one three days later after a template change, with three
    new articles in the new layout (and the young ones revalidated in it)."""
    db = tmp_path_factory.mktemp("layout") / "crawl.db"
    before = build(n_articles=40, spacing=timedelta(days=1), newest=datetime(2026, 11, 20, 8))
    after = build(n_articles=43, spacing=timedelta(days=1), newest=datetime(2026, 11, 23, 8),
                  redesign=True)  # fmt: skip
    with serve(before) as served:
        first = crawl(db, served.url, now=T0)
    with serve(after) as served:
        second = crawl(db, served.url, now=T0 + timedelta(days=3))
    return db, first, second


def status(cli, db, *args: str):
    return cli("status", "--db", str(db), *args)


@pytest.mark.crawl
def test_a_layout_change_makes_the_site_degraded_and_crawl_exit_4(layout_change):
    db, first, second = layout_change
    assert first.returncode == 3, first.stderr  # partial: the deliberate 404
    assert "sample  partial  ok" in first.stdout
    assert second.returncode == 4, second.stdout + second.stderr
    assert "sample  success  degraded" in second.stdout
    assert "sample: degraded: " in second.stderr and "selector hit rate 0% (usual" in second.stderr
    assert runs(db)[-1]["articles_new"] == 3  # the new articles are still stored


@pytest.mark.crawl
def test_status_shows_the_degraded_site_with_the_reason(layout_change, cli):
    db = layout_change[0]
    shown = status(cli, db)
    assert shown.exit_code == 4, shown.output
    header, _rule, row = shown.stdout.splitlines()
    assert header.split() == [
        "site",
        "last",
        "run",
        "run",
        "new",
        "last",
        "new",
        "article",
        "health",
        "why",
    ]
    assert row.startswith("sample  2026-11-24 00:00  success  3")
    assert "  degraded  " in row and "selector hit rate 0% (usual" in row
    (entry,) = json.loads(status(cli, db, "--json").stdout)
    assert entry["health"] == "degraded" and entry["run_status"] == "success"
    assert any(r.startswith("selector hit rate 0%") for r in entry["reasons"])
    assert entry["shares"]["selectors"] == 0 and entry["measures"]["stored"] >= 3


@pytest.mark.crawl
def test_status_writes_a_prometheus_textfile(layout_change, tmp_path, cli):
    from prometheus_client.parser import text_string_to_metric_families

    prom = tmp_path / "textfile" / "partyfacts.prom"
    assert status(cli, layout_change[0], "--prom", str(prom)).exit_code == 4
    families = {f.name: f for f in text_string_to_metric_families(prom.read_text())}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for f in families.values() for s in f.samples}  # fmt: skip
    assert samples[("partyfacts_site_health", (("site", "sample"),))] == 1  # degraded
    assert samples[("partyfacts_site_run_articles_new", (("site", "sample"),))] == 3
    assert (
        samples[("partyfacts_site_run_share", (("measure", "selectors"), ("site", "sample")))] == 0
    )
    last_run = samples[("partyfacts_site_last_run_timestamp_seconds", (("site", "sample"),))]
    assert last_run == (T0 + timedelta(days=3)).replace(tzinfo=UTC).timestamp()
    assert families["partyfacts_site_health"].type == "gauge"
    assert not list(prom.parent.glob(".*.tmp"))  # written atomically


@pytest.mark.crawl
def test_every_run_leaves_one_json_line_per_site(layout_change):
    log = layout_change[0].parent / "logs" / "crawl.jsonl"
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(x["site"], x["status"], x["health"]) for x in lines] == [
        ("sample", "partial", "ok"),
        ("sample", "success", "degraded"),
    ]
    assert lines[1]["time"] == "2026-11-24T00:00:00+00:00" and lines[1]["reasons"]
    assert lines[0]["measures"]["article_pages"] >= 40 and lines[0]["irrelevant"] == 8


def test_status_exit_codes_without_runs_and_without_a_database(tmp_path, cli):
    assert "Example:" in cli("status", "--help").stdout
    from partyfacts import store

    empty = tmp_path / "empty.db"
    store.connect(empty).conn.close()
    shown = status(cli, empty)
    assert shown.exit_code == 0 and shown.stdout.startswith("site")
    asked = status(cli, empty, "vov")  # a registry site that was never crawled
    assert asked.exit_code == 0 and "never crawled" in asked.stdout
    missing = status(cli, tmp_path / "nothing.db")
    assert missing.exit_code == exitcodes.NO_INPUT and "no database" in missing.output


def test_health_verdicts():
    healthy = {"listing_pages": 2, "article_links": 20, "new_requested": 10, "article_pages": 10,
               "with_title": 10, "with_date": 10, "with_body": 10, "stored": 8, "with_facts": 8,
               "irrelevant": 2, "selector_hits": 25, "selector_tries": 30}  # fmt: skip
    settings = {"window": 5, "drop": 0.4, "min_sample": 5}
    assert health.judge(healthy, "success", [healthy] * 3, settings).health == "ok"
    assert health.judge(healthy, "failed", [healthy], settings).health == "failing"
    no_dates = {**healthy, "with_date": 2}
    verdict = health.judge(no_dates, "success", [healthy] * 3, settings)
    assert verdict.health == "degraded" and verdict.reasons == [
        "pages with a date 20% (usual 100%)"
    ]
    assert health.judge(no_dates, "success", [], settings).health == "ok"  # no history yet
    few = {**no_dates, "article_pages": 3, "with_title": 3, "with_date": 0, "with_body": 3}
    assert health.judge(few, "success", [healthy], settings).health == "ok"  # too few to judge
    no_links = {**healthy, "article_links": 0, "new_requested": 0, "article_pages": 0}
    assert health.judge(no_links, "success", [], settings).reasons == [
        "no article links on 2 listing page(s)"
    ]
    nothing_read = {**healthy, "stored": 0, "irrelevant": 0, "with_facts": 0}
    assert "none an article" in health.judge(nothing_read, "partial", [], settings).reasons[0]
    # an immediate re-crawl fetches only listings: nothing to judge, nothing wrong
    quiet = {"listing_pages": 3, "article_links": 30}
    assert health.judge(quiet, "success", [healthy] * 5, settings).health == "ok"


# -- the store upgrade ---------------------------------------------------------------------
def test_an_older_database_is_upgraded_in_place(tmp_path):
    from partyfacts import store
    from partyfacts.schemas import sqlite as layout

    db = tmp_path / "v3.db"
    old_articles = layout.DDL.split("CREATE TABLE IF NOT EXISTS articles")[1].split(");")[0]
    old_articles = re.sub(
        r",\s*checked_at TEXT,\s*relevant INTEGER,\s*relevance REAL,\s*relevance_terms TEXT",
        "",
        old_articles,
    )
    with sqlite3.connect(db) as conn:
        conn.execute(f"CREATE TABLE articles {old_articles})")
        conn.execute(
            "CREATE TABLE crawl_pages (site TEXT NOT NULL, url TEXT NOT NULL, status TEXT NOT NULL "
            "CHECK (status IN ('skipped', 'gone')), reason TEXT, etag TEXT, last_modified TEXT, "
            "seen_at TEXT NOT NULL, PRIMARY KEY (site, url))"
        )
        conn.execute(
            "INSERT INTO crawl_pages VALUES ('vov', 'https://vov.vn/a', 'gone', 'http 404', NULL, NULL, '2026-01-01T00:00:00+00:00')"
        )
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    upgraded = store.connect(db)
    columns = {r[1] for r in upgraded.execute("PRAGMA table_info(articles)")}
    assert {"checked_at", "relevant", "relevance", "relevance_terms"} <= columns
    assert upgraded.execute("SELECT url, status FROM crawl_pages").fetchall() == [
        ("https://vov.vn/a", "gone")
    ]
    upgraded.execute(
        "INSERT INTO crawl_pages (site, url, status, seen_at) VALUES ('vov', 'b', 'irrelevant', 'x')"
    )
    assert upgraded["crawl_health"].exists()
    upgraded.conn.close()


# -- deployment ----------------------------------------------------------------------------
DEPLOY = ROOT / "deploy"


def test_systemd_units_verify(tmp_path):
    if not shutil.which("systemd-analyze"):
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    venv_bin = os.path.dirname(shutil.which("partyfacts") or sys.executable)
    if not os.path.exists(os.path.join(venv_bin, "partyfacts")):
        pytest.skip("the partyfacts command is not installed beside this Python")
    units = []
    for name in ("partyfacts-crawl.service", "partyfacts-crawl.timer"):
        text = (DEPLOY / name).read_text()
        # verify checks that ExecStart's program exists: point it at this checkout's
        text = text.replace("/opt/partyfacts/.venv/bin", venv_bin)
        (tmp_path / name).write_text(text)
        units.append(str(tmp_path / name))
    result = subprocess.run(
        ["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60
    )
    problems = [line for line in result.stderr.splitlines() if "partyfacts" in line]
    assert result.returncode == 0 and not problems, result.stderr
    service = (DEPLOY / "partyfacts-crawl.service").read_text()
    timer = (DEPLOY / "partyfacts-crawl.timer").read_text()
    assert re.search(r"^Nice=\d+$", service, re.M) and "SuccessExitStatus=3 75" in service
    assert re.search(r"^RandomizedDelaySec=", timer, re.M) and "OnCalendar=*-*-* 02:00:00" in timer


def test_crontab_line_is_a_valid_nightly_entry():
    lines = [line for line in (DEPLOY / "crontab").read_text().splitlines()
             if line.strip() and not line.startswith("#") and "=" not in line.split()[0]]  # fmt: skip
    (entry,) = lines
    minute, hour, dom, month, dow, command = entry.split(None, 5)
    assert 0 <= int(minute) < 60 and 0 <= int(hour) < 24 and (dom, month, dow) == ("*", "*", "*")
    assert "partyfacts crawl" in command and "nice -n" in command
    assert "%" not in command  # cron turns % into a newline
    syntax = subprocess.run(["sh", "-n", "-c", command], capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
