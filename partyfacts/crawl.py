"""Running the spiders from Python (and so from the CLI): ``crawl(["vov"], options)``.

Exit codes of ``partyfacts crawl``: 0 every run succeeded, 3 partial (some pages failed,
the rest stored), 4 a site is degraded (its health fell: see ``partyfacts status``), 1
failed, 75 another run of a site is still going (EX_TEMPFAIL: cron can simply try again
next time). The worst decides, in the order 75, 1, 4, 3, 0. A database that cannot be
written (corrupt, locked past lock_timeout, read-only, a lock folder that cannot be made)
is refused before the first request, with the database's exit code (``exitcodes``).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from . import exitcodes, store
from .crawler import state
from .database import DatabaseError
from .options import Options

EXIT = {"success": 0, "partial": 3, "failed": 1, "already_running": 75}
DEGRADED = exitcodes.DEGRADED
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
    # the progress (pages/min every 30 s) and the summary are INFO: --log-level INFO shows them
    settings.set("LOG_LEVEL", options.log_level, priority="cmdline")
    settings.set("LOGSTATS_INTERVAL", 30.0, priority="cmdline")
    settings.set("LOG_INSTALL_ROOT_HANDLER", True, priority="cmdline")
    settings.set("LOG_VERSIONS", [], priority="cmdline")
    for name, value in overrides.items():
        settings.set(name, value, priority="cmdline")
    return settings


def check_writable(sites: list[str], options: Options) -> None:
    """Refuse, before any request, a database the crawl could not write: DatabaseError."""
    store.connect(options.db, options.lock_timeout).conn.close()
    for site in sites:
        try:
            lock = state.SiteLock(options.db, site)
            lock.acquire()
            lock.release()
        except state.AlreadyRunning:
            pass  # reported as such by crawl()
        except OSError as error:
            raise DatabaseError(
                options.db, f"cannot create the crawl lock beside it ({error.strerror or error}: "
                f"{getattr(error, 'filename', '') or ''})", exitcodes.CANT_WRITE,
            ) from None  # fmt: skip


def crawl(
    sites: list[str],
    options: Options,
    *,
    since: date | None = None,
    base_url: str | None = None,
    full: bool = False,
    recheck: bool = False,
    settings: dict | None = None,
    urls: list[str] | None = None,
) -> list[RunResult]:
    """Crawl each site once into ``options.db``; returns one result per site. A site whose
    lock another process holds is reported as already_running and not crawled. ``urls``
    are the generic spider's listing pages."""
    check_writable(sites, options)
    config = settings_for(options, **(settings or {}))
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
        crawlers = run_spiders(
            config, runnable, since=since, base_url=base_url, full=full, recheck=recheck, urls=urls
        )
        db = store.connect(options.db, options.lock_timeout)
        for site, crawler in crawlers.items():
            stats = run_stats(crawler)
            run_id = stats.get("partyfacts/run_id")
            results[site] = _result(db, site, run_id, stats.get("partyfacts/run_status", "failed"))
        db.conn.close()
    return [results[s] for s in sites]


def run_spiders(
    config: Settings,
    sites: list[str],
    *,
    since: date | None = None,
    base_url: str | None = None,
    full: bool = False,
    recheck: bool = False,
    urls: list[str] | None = None,
) -> dict:
    """Run one spider per site in one Scrapy process until all close; returns the crawler
    of each site (its stats). Shared by the local crawl and the distributed worker."""
    loader = SpiderLoader.from_settings(config)
    # Scrapy owns logging while it runs: one root handler at the chosen level
    logging.root.handlers.clear()
    process = CrawlerProcess(config)
    for noisy in ("scrapy.utils.log", "scrapy.middleware", "scrapy.crawler", "scrapy.addons",
                  "scrapy.core.engine", "scrapy.extensions.telnet", "scrapy.statscollectors"):  # fmt: skip
        logging.getLogger(noisy).setLevel(logging.WARNING)
    crawlers = {}
    for site in sites:
        crawler = process.create_crawler(loader.load(site))
        kwargs = {"full": full, "recheck": recheck}
        if since:
            kwargs["since"] = since.isoformat()
        if base_url:
            kwargs["base_url"] = base_url
        if site == "generic" and urls:
            kwargs["url"] = " ".join(urls)
        process.crawl(crawler, **kwargs)
        crawlers[site] = crawler
    process.start()
    return crawlers


def run_stats(crawler) -> dict:
    """A crawler's stats, or nothing when its spider never started (bad arguments)."""
    try:
        return crawler.stats.get_stats() if crawler.stats else {}
    except RuntimeError:  # "Crawler.stats is not set yet"
        return {}


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
    for code in (exitcodes.LOCKED, exitcodes.FAILED, DEGRADED, exitcodes.PARTIAL):
        if code in codes:
            return code
    return 0
