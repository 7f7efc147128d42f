"""Crawl throughput and re-crawl cost: a generated local site of 1,000 article pages (a
quarter of them other news; no politeness delay on loopback) crawled by the real `sample`
spider into a fresh database, then

1. re-crawled at once: it must cost at most 5% of the first crawl's requests and store
   nothing (only listings, the sitemap and the feed are asked);
2. crawled again two days later, when the site has 20 new articles and 5 of its young
   articles have changed: exactly those are stored (the new party-building ones stored, the
   others remembered as not party building; the 5 changed ones updated).

Prints requests, pages/s, articles stored/s and the crawler process's peak memory for each
run. The crawler's clock is set with PARTYFACTS_NOW, so nothing sleeps.

    python bench/crawl_throughput.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from partyfacts.crawler.sample_site import build, serve
from partyfacts.crawler.spiders.sample import ORIGIN

# The crawl runs in a child process that reports its own peak resident memory at exit.
CHILD = """
import resource, runpy, sys
sys.argv = ["partyfacts"] + sys.argv[1:]
try:
    runpy.run_module("partyfacts.cli", run_name="__main__")
except SystemExit:
    pass
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
SPACING = timedelta(hours=2)  # twelve articles a day
NEWEST = datetime(2026, 11, 20, 8)


def run_crawl(db: Path, base_url: str, now: datetime) -> tuple[float, dict, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--log-level", "ERROR", "crawl", "sample", "--base-url", base_url,
         "--db", str(db)],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PARTYFACTS_LOG_LEVEL": "ERROR", "PARTYFACTS_NOW": now.isoformat()},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = int(done.stderr.rsplit("PEAK", 1)[-1].split()[0]) if "PEAK" in done.stderr else 0
    line = (db.parent / "logs" / "crawl.jsonl").read_text().splitlines()[-1]
    logged = json.loads(line)
    counts = logged["counts"]
    stats = {
        "pages": counts["pages_fetched"],
        "new": counts["articles_new"],
        "updated": counts["articles_updated"],
        "irrelevant": logged["irrelevant"],
        "unchanged": logged["unchanged"],
        "status": logged["status"],
        "health": logged["health"],
    }
    return elapsed, stats, peak / 1024


def report(label: str, elapsed: float, requests: int, stats: dict, peak: float) -> None:
    stored = stats["new"] + stats["updated"]
    print(
        f"{label:16} {elapsed:6.1f} s  {requests:5d} requests  {stats['pages'] / elapsed:6.1f} pages/s  "
        f"{stats['new']:4d} new  {stats['updated']:3d} updated  {stats['irrelevant']:4d} not party building  "
        f"{stats['unchanged']:4d} unchanged (304)  {stored / elapsed:6.1f} stored/s  "
        f"peak {peak:.0f} MB  ({stats['status']}, {stats['health']})"
    )


def stored_keys(db: Path) -> tuple[set[str], set[str]]:
    with sqlite3.connect(db) as conn:
        articles = {r[0] for r in conn.execute("SELECT canonical_url FROM articles")}
        dropped = {
            r[0] for r in conn.execute("SELECT url FROM crawl_pages WHERE status = 'irrelevant'")
        }
    return articles, dropped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    site = build(n_articles=args.articles, per_page=20, spacing=SPACING, newest=NEWEST)
    first_now = NEWEST + timedelta(hours=1)
    checks = []
    with tempfile.TemporaryDirectory() as tmp, serve(site) as served:
        db = Path(tmp) / "bench.db"
        print(f"site: {args.articles} article pages ({len(site.party)} party building), "
              f"{len(site.pages)} pages in all, at {served.url}")  # fmt: skip
        elapsed, first, peak = run_crawl(db, served.url, first_now)
        first_requests = len(served.requests)
        report("first crawl", elapsed, first_requests, first, peak)

        served.requests.clear()
        elapsed, again, peak = run_crawl(db, served.url, first_now + timedelta(minutes=10))
        again_requests = len(served.requests)
        report("re-crawl at once", elapsed, again_requests, again, peak)
        share = again_requests / first_requests
        checks.append(
            (f"re-crawl costs {share:.1%} of the first crawl's requests (<= 5%)", share <= 0.05)
        )
        checks.append(
            ("re-crawl stores nothing", again["new"] + again["updated"] + again["irrelevant"] == 0)
        )

        # two days later: 20 new articles on top, 5 young party articles edited
        later = first_now + timedelta(days=2)
        grown = build(n_articles=args.articles + 20, per_page=20, spacing=SPACING,
                      newest=NEWEST + 20 * SPACING)  # fmt: skip
        fresh = [p for p in grown.articles if p not in site.pages]
        young = [
            p
            for p in grown.party
            if p in site.pages and later - grown.pages[p].modified <= timedelta(days=7)
        ]
        changed = young[:5]
        for path in changed:
            page = grown.pages[path]
            head, word, tail = page.body.rpartition("đảng viên".encode())  # in the body text
            page.body = head + word + " trẻ".encode() + tail
        before_articles, before_dropped = stored_keys(db)
        served.site = grown
        served.requests.clear()
        elapsed, third, peak = run_crawl(db, served.url, later)
        report("2 days later", elapsed, len(served.requests), third, peak)
        after_articles, after_dropped = stored_keys(db)
        new_party = {ORIGIN + p for p in fresh if grown.relevant[p]}
        new_other = {ORIGIN + p for p in fresh if not grown.relevant[p]}
        checks.append((f"{len(fresh)} new articles: the {len(new_party)} party-building ones stored",
                       after_articles - before_articles == new_party and third["new"] == len(new_party)))  # fmt: skip
        checks.append((f"the other {len(new_other)} remembered as not party building, without text",
                       after_dropped - before_dropped == new_other))  # fmt: skip
        checks.append((f"the {len(changed)} changed young articles updated, nothing else",
                       third["updated"] == len(changed)))  # fmt: skip
    for text, ok in checks:
        print(f"  {'ok  ' if ok else 'FAIL'} {text}")
    sys.exit(0 if all(ok for _, ok in checks) else 1)


if __name__ == "__main__":
    main()
