"""Running the spiders from Python (and so from the CLI): ``crawl(["vov"], options)``.

Exit codes of ``partyfacts crawl``: 0 every run succeeded, 3 partial (some pages failed,
the rest stored), 4 a site is degraded (its health fell: see ``partyfacts status``), 1
failed, 75 another run of a site is still going (EX_TEMPFAIL: cron can simply try again
next time). The worst decides, in the order 75, 1, 4, 3, 0.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from . import store
from .crawler import state
from .options import Options

EXIT = {"success": 0, "partial": 3, "failed": 1, "already_running": 75}
DEGRADED = 4
log = logging.getLogger(__name__)


@dataclass
class RunResult:
    site: str
    status: str
    run_id: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    health: str | None = None  # ok, degraded, failing (None: the site was not crawled)
    reasons: list[str] = field(default_factory=list)


def settings_for(options: Options, **overrides) -> Settings:
    settings = Settings()
    settings.setmodule("partyfacts.crawler.settings", priority="project")
    settings.set("PARTYFACTS_DB", str(options.db), priority="cmdline")
    settings.set("PARTYFACTS_LOCK_TIMEOUT", options.lock_timeout, priority="cmdline")
    # a crawl is long work: its progress (pages/min every 30 s) and summary are INFO
    level = options.log_level if options.log_level in ("DEBUG", "ERROR") else "INFO"
    settings.set("LOG_LEVEL", level, priority="cmdline")
    settings.set("LOGSTATS_INTERVAL", 30.0, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    settings.set("LOG_VERSIONS", [], priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def crawl(
    sites: list[str],
    options: Options,
    *,
    since: date | None = None,
    base_url: str | None = None,
    full: bool = False,
    recheck: bool = False,
    settings: dict | None = None,
) -> list[RunResult]:
    """Crawl each site once into ``options.db``; returns one result per site. A site whose
    lock another process holds is reported as already_running and not crawled."""
    config = settings_for(options, **(settings or {}))
    loader = SpiderLoader.from_settings(config)
    results: dict[str, RunResult] = {}
    runnable = []
    for site in sites:
        lock = state.SiteLock(options.db, site)
        try:
            lock.acquire()
        except state.AlreadyRunning as error:
            results[site] = RunResult(site, "already_running", errors={"already_running": 1})
            log.error("%s", error)
            continue
        lock.release()  # the run recorder takes it again inside the crawl
        runnable.append(site)
    if runnable:
        # Scrapy owns logging while it runs: one root handler at the chosen level
        logging.root.handlers.clear()
        process = CrawlerProcess(config)
        for noisy in ("scrapy.utils.log", "scrapy.middleware", "scrapy.crawler", "scrapy.addons",
                      "scrapy.core.engine", "scrapy.extensions.telnet", "scrapy.statscollectors"):  # fmt: skip
            logging.getLogger(noisy).setLevel(logging.WARNING)
        crawlers = {}
        for site in runnable:
            crawler = process.create_crawler(loader.load(site))
            kwargs = {"full": full, "recheck": recheck}
            if since:
                kwargs["since"] = since.isoformat()
            if base_url:
                kwargs["base_url"] = base_url
            process.crawl(crawler, **kwargs)
            crawlers[site] = crawler
        process.start()
        db = store.connect(options.db, options.lock_timeout)
        for site, crawler in crawlers.items():
            run_id = crawler.stats.get_value("partyfacts/run_id") if crawler.stats else None
            status = (
                crawler.stats.get_value("partyfacts/run_status", "failed")
                if crawler.stats
                else "failed"
            )
            results[site] = _result(db, site, run_id, status)
        db.conn.close()
    return [results[s] for s in sites]


def _result(db, site: str, run_id: int | None, status: str) -> RunResult:
    if run_id is None:
        return RunResult(site, status)
    row = db.execute(
        "SELECT status, pages_fetched, articles_new, articles_updated, articles_skipped, "
        "articles_failed, errors FROM crawl_runs WHERE id = ?",
        (run_id,),
    ).fetchone()
    names = (
        "pages_fetched",
        "articles_new",
        "articles_updated",
        "articles_skipped",
        "articles_failed",
    )
    verdict = db.execute(
        "SELECT health, reasons FROM crawl_health WHERE run_id = ?", (run_id,)
    ).fetchone()
    return RunResult(
        site, row[0], run_id, dict(zip(names, row[1:6], strict=True)), json.loads(row[6]),
        verdict[0] if verdict else None, json.loads(verdict[1]) if verdict else [],
    )  # fmt: skip


def exit_code(results: list[RunResult]) -> int:
    """The worst outcome decides: already running > failed > degraded > partial > success."""
    codes = [EXIT.get(r.status, 1) for r in results] or [0]
    codes += [DEGRADED for r in results if r.health == "degraded"]
    for code in (75, 1, DEGRADED, 3):
        if code in codes:
            return code
    return 0
