"""Crawl throughput: a generated local site of 1,000 article pages (no politeness delay on
loopback), crawled by the real `sample` spider into a fresh database, then re-crawled.
Prints pages/s, articles stored/s and the crawler process's peak memory for both.

    python bench/crawl_throughput.py [--articles 1000]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partyfacts.crawler.sample_site import build, serve

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


def run_crawl(db: Path, base_url: str) -> tuple[float, dict, float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, "--log-level", "ERROR", "crawl", "sample", "--base-url", base_url,
         "--db", str(db)],
        check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PARTYFACTS_LOG_LEVEL": "ERROR"},
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = int(done.stderr.rsplit("PEAK", 1)[-1].split()[0]) if "PEAK" in done.stderr else 0
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT pages_fetched, articles_new, articles_updated, articles_skipped, status "
            "FROM crawl_runs ORDER BY id DESC LIMIT 1"
        ).fetchone()
    stats = dict(zip(("pages", "new", "updated", "skipped", "status"), row, strict=True))
    return elapsed, stats, peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    site = build(n_articles=args.articles, per_page=20)
    with tempfile.TemporaryDirectory() as tmp, serve(site) as served:
        db = Path(tmp) / "bench.db"
        print(
            f"site: {args.articles} article pages, {len(site.pages)} pages in all, at {served.url}"
        )
        for label in ("first crawl", "re-crawl"):
            elapsed, stats, peak = run_crawl(db, served.url)
            stored = stats["new"] + stats["updated"]
            print(
                f"{label:12} {elapsed:6.1f} s  {stats['pages']:5d} pages  {stats['pages'] / elapsed:6.1f} pages/s  "
                f"{stored:5d} stored  {stored / elapsed:6.1f} articles stored/s  "
                f"{stats['skipped']:5d} unchanged/skipped  peak memory {peak:.0f} MB  ({stats['status']})"
            )


if __name__ == "__main__":
    main()
