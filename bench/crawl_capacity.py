"""Capacity of the distributed crawl: a farm of loopback sites (one server process, each
site on its own 127.0.0.x address, each with its own politeness delay) crawled by 1, 2 and
4 workers on one Redis, with one store worker writing SQLite.

Prints, per number of workers: pages/s (every HTTP request the farm answered), articles
stored/s (wall clock, until the store worker had written the last one), the CPU the workers
spent per page and the store worker per message, the store worker's rows/s while busy, and
the politeness seen at the server (the share of consecutive requests to one site that
arrived closer than its delay, and the shortest gap: the token spaces the requests' starts,
arrival times carry the loopback server's thread scheduling jitter). Then the Redis memory per 1,000 queued requests, per 1,000 fingerprints and per
1,000 pages waiting for the store worker. The README's capacity model is built on these.

    python bench/crawl_capacity.py [--sites 32] [--articles 20] [--workers 1 2 4]
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import datetime, timedelta
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from redis_helpers import redis_missing, redis_server  # noqa: E402

from partyfacts.crawler import distributed  # noqa: E402
from partyfacts.crawler.sample_site import build, serve  # noqa: E402

NEWEST = datetime(2026, 11, 20, 8)
NOW = NEWEST + timedelta(hours=1)
DELAYS = (0.1, 0.2, 0.3, 0.5)  # seconds between two requests to one site, per site


def farm_registry(served: list, path: Path) -> list[str]:
    """Registry entries for the farm's sites (the sample site's layout, absolute URLs)."""
    from partyfacts.crawler import registry

    sample = registry.site("sample")
    sites = {}
    for number, (site_served, delay) in enumerate(served, 1):
        base = site_served.url
        sites[f"farm{number:02d}"] = {
            "name": f"Farm site {number}", "province": "Lai Châu", "group": "sample",
            "start_urls": [base + u for u in sample.start_urls],
            "allowed_domains": [base.split("//")[1].split(":")[0]],
            "article_pattern": sample.article_pattern, "pagination": "next",
            "sitemaps": [base + "/sitemap.xml"], "feeds": [base + "/rss.xml"],
            "selectors": dict(sample.selectors), "download_delay": delay,
            "max_listing_pages": 1000,
        }  # fmt: skip
    path.write_text(yaml.safe_dump({"sites": sites}, allow_unicode=True), encoding="utf-8")
    return list(sites)


def cpu_of(process: subprocess.Popen) -> tuple[int, float]:
    """Wait for a child; its exit code and the CPU seconds it used."""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, usage.ru_utime + usage.ru_stime


def run(workers: int, sites: list[str], farm: list, url: str, env: dict, tmp: Path) -> dict:
    import redis

    client = redis.Redis.from_url(url)
    client.flushall()
    db = tmp / f"capacity-{workers}.db"
    for served, _delay in farm:
        served.requests.clear()
        served.times.clear()
    command = [sys.executable, "-m", "partyfacts.cli"]
    logs = [(tmp / f"w{workers}-{i}.log").open("w") for i in range(workers)]
    started = time.monotonic()
    crawlers = [
        subprocess.Popen(
            [*command, "crawl", "--redis", url, *sites],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        for log in logs
    ]
    while not client.scard(distributed.ACTIVE):
        time.sleep(0.05)
    store_log = tmp / f"store-{workers}.log"
    with store_log.open("w") as log:
        store = subprocess.Popen(
            [*command, "store-worker", "--redis", url, "--db", str(db), "--until-done"],
            stdout=log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        worker_cpu = 0.0
        for process in crawlers:
            code, cpu = cpu_of(process)
            worker_cpu += cpu
            if code != 0:
                raise SystemExit(f"a worker exited with {code}; see {tmp}")
        crawl_time = time.monotonic() - started
        code, store_cpu = cpu_of(store)
        store_time = time.monotonic() - started
    busy = float(re.findall(r"busy ([\d.]+) s", store_log.read_text())[-1])
    pages = sum(len(served.requests) for served, _ in farm)
    with sqlite3.connect(db) as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        articles = one("SELECT count(*) FROM articles")
        rows = articles + sum(
            one(f"SELECT count(*) FROM {t}") for t in ("quantities", "officials", "crawl_pages")
        )
        messages = pages  # every page fetched became at most one message
    ratios = sorted(
        (b - a) / delay
        for served, delay in farm
        for a, b in itertools.pairwise(sorted(served.times))
    )
    polite = ratios[0] if ratios else 1.0
    under = sum(r < 1 for r in ratios) / len(ratios) if ratios else 0.0
    return {
        "workers": workers, "crawl_s": crawl_time, "store_s": store_time, "pages": pages,
        "articles": articles, "rows": rows, "busy": busy, "worker_cpu": worker_cpu,
        "store_cpu": store_cpu, "messages": messages, "polite": polite, "under": under,
    }  # fmt: skip


def redis_memory(url: str) -> dict[str, float]:
    """Bytes per 1,000 queued requests, fingerprints and pages waiting to be stored."""
    import redis
    import scrapy
    from scrapy_redis import picklecompat
    from scrapy_redis.dupefilter import RFPDupeFilter

    from partyfacts.crawler.spiders.sample import ORIGIN, SampleSpider

    client = redis.Redis.from_url(url)
    client.flushall()
    spider = SampleSpider(base_url="http://127.0.0.1:8000")
    site = build(n_articles=1000, newest=NEWEST)
    fingerprints = RFPDupeFilter(client, "bench:dupefilter")
    pipe = client.pipeline()
    for number, path in enumerate(site.articles[:1000]):
        request = scrapy.Request(spider.base_url + path, spider.parse_article,
                                 errback=spider.article_failed,
                                 meta={"canonical_url": ORIGIN + path})  # fmt: skip
        pipe.zadd("bench:requests", {picklecompat.dumps(request.to_dict(spider=spider)): number})
        pipe.sadd("bench:dupefilter", fingerprints.request_fingerprint(request))
        page = site.pages[path]
        item = {"url": request.url, "canonical_url": ORIGIN + path, "status": 200,
                "charset": None, "etag": page.etag, "last_modified": page.last_modified}  # fmt: skip
        pipe.lpush("bench:items", distributed.encode({"kind": "page", "site": "sample",
                                                      "round": 1, "since": None, "item": item,
                                                      "body": page.body}))  # fmt: skip
    pipe.execute()
    usage = {
        k: client.memory_usage(f"bench:{k}", samples=0) for k in ("requests", "dupefilter", "items")
    }
    raw = sum(len(site.pages[p].body) for p in site.articles[:1000])
    client.flushall()
    return {**usage, "raw_pages": raw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=32)
    parser.add_argument("--articles", type=int, default=20, help="Articles per site.")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    args = parser.parse_args()
    if reason := redis_missing():
        raise SystemExit(f"crawl_capacity: {reason}")
    with tempfile.TemporaryDirectory() as directory, ExitStack() as stack:
        tmp = Path(directory)
        farm = []
        for number in range(args.sites):
            site = build(n_articles=args.articles, per_page=20, newest=NEWEST)
            served = stack.enter_context(serve(site, host=f"127.0.0.{11 + number}"))
            farm.append((served, DELAYS[number % len(DELAYS)]))
        extra = tmp / "farm.yaml"
        sites = farm_registry(farm, extra)
        url = stack.enter_context(redis_server())
        env = {**os.environ, "PARTYFACTS_SITES_EXTRA": str(extra),
               "PARTYFACTS_NOW": NOW.isoformat(), "PARTYFACTS_LOG_LEVEL": "INFO"}  # fmt: skip
        total = sum(len(served.site.pages) for served, _ in farm)
        print(f"farm: {args.sites} sites on 127.0.0.11-{10 + args.sites}, {args.articles} "
              f"articles each ({total} pages), delays {', '.join(map(str, DELAYS))} s; "
              f"one store worker; {os.cpu_count()} cores")  # fmt: skip
        floor = max(
            len(served.site.pages) * delay for served, delay in farm
        )  # the slowest site, one request per delay
        print(f"politeness floor (slowest site, every page once): {floor:.0f} s")
        for workers in args.workers:
            r = run(workers, sites, farm, url, env, tmp)
            print(
                f"{workers} worker(s): crawl {r['crawl_s']:5.1f} s, {r['pages'] / r['crawl_s']:5.1f} "
                f"pages/s; stored {r['articles']} articles in {r['store_s']:5.1f} s = "
                f"{r['articles'] / r['store_s']:5.1f} articles stored/s; workers' CPU "
                f"{1000 * r['worker_cpu'] / r['pages']:.1f} ms/page; store worker "
                f"{r['rows'] / r['busy']:6.0f} rows/s, {r['articles'] / r['busy']:5.1f} "
                f"articles/s while busy ({r['busy']:.0f} s busy, CPU "
                f"{1000 * r['store_cpu'] / r['messages']:.0f} ms/page); requests to one site "
                f"arriving closer than its delay: {r['under']:.1%} (shortest gap "
                f"{r['polite']:.2f} x the delay)"
            )  # fmt: skip
        memory = redis_memory(url)
        print(
            f"Redis memory per 1,000: queued requests {memory['requests'] / 1024:.0f} KiB, "
            f"fingerprints {memory['dupefilter'] / 1024:.0f} KiB, pages waiting for the store "
            f"worker {memory['items'] / 1024:.0f} KiB (compressed; "
            f"{memory['raw_pages'] / 1024:.0f} KiB as fetched)"
        )


if __name__ == "__main__":
    main()
