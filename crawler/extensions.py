"""RunRecorder: the per-site lock, the crawl_runs record, the known pages a run starts
from, and at the end the run's health verdict and its line in the JSON-lines run log.
Enabled in settings, so ``scrapy crawl SITE`` behaves like ``partyfacts crawl``."""

from __future__ import annotations

import logging

from scrapy import signals

from .. import store
from . import health, state

log = logging.getLogger(__name__)


class RunRecorder:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.lock = None
        self.run_id = None
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def _refuse(self, spider, status: str, message: str) -> None:
        """No request is made: one error line, the run's status, the spider closed."""
        log.error("%s", message)
        spider.refused = True
        self.crawler.stats.set_value("partyfacts/run_status", status)
        self.crawler.engine.close_spider(spider, status)

    def spider_opened(self, spider) -> None:
        settings = self.crawler.settings
        path = settings["PARTYFACTS_DB"]
        try:
            self.lock = state.SiteLock(path, spider.name)
            self.lock.acquire()
        except state.AlreadyRunning as error:
            self.lock = None
            return self._refuse(spider, "already_running", str(error))
        except OSError as error:
            self.lock = None
            return self._refuse(spider, "failed", f"cannot create the crawl lock: {error}")
        try:
            self.db = store.connect(path, settings.getfloat("PARTYFACTS_LOCK_TIMEOUT", 60))
            self.run_id = state.start_run(self.db, spider.name)
        except store.StoreError as error:
            self.lock.release()
            self.lock = None
            return self._refuse(spider, "failed", str(error))
        spider.run_id = self.run_id  # the store pipeline counts each article in this run
        known = state.known(self.db, spider.name)
        spider.known = known.pages
        spider.trust_known = known.previous_run_complete and not spider.full
        log.info(
            "%s: run %d; %d pages known; previous run %s; re-check policy: %s",
            spider.name, self.run_id, len(known.pages),
            "complete" if known.previous_run_complete else "incomplete or none: walking every listing page",
            "everything (--recheck)" if spider.recheck_all else spider.policy.describe(),
        )  # fmt: skip

    def spider_closed(self, spider, reason: str) -> None:
        if self.run_id is None:
            return
        stats = self.crawler.stats
        counters = {
            key.split("/", 1)[1]: int(v)
            for key, v in stats.get_stats().items()
            if key.startswith("partyfacts/") and isinstance(v, int | float)
        }
        status, verdict = finish(
            self.db, self.crawler.settings["PARTYFACTS_DB"], spider.site, self.run_id, counters,
            finished=reason == "finished",
        )  # fmt: skip
        stats.set_value("partyfacts/run_status", status)
        stats.set_value("partyfacts/run_id", self.run_id)
        stats.set_value("partyfacts/health", verdict.health)
        self.db.conn.close()
        if self.lock:
            self.lock.release()


def finish(db, db_path, site, run_id: int, counters: dict[str, int], finished: bool):
    """Close a run from its counters (the ``partyfacts/`` stats without the prefix: pages
    fetched, articles new/updated/..., errors/KIND, skipped/KIND, health/MEASURE...): its
    crawl_runs row, its health verdict and its line in the run log. Returns (status,
    verdict). Shared by the local run recorder and the distributed store worker."""
    value = lambda key: int(counters.get(key, 0))  # noqa: E731
    counts = {
        "pages_fetched": value("pages_fetched"),
        "articles_new": value("articles_new"),
        "articles_updated": value("articles_updated"),
        "articles_skipped": value("articles_skipped")
        + value("articles_unchanged")
        + value("articles_irrelevant"),
        "articles_failed": value("articles_failed"),
        "listings_failed": value("listings_failed"),
    }
    errors = {
        key.split("/", 1)[1]: int(v)
        for key, v in counters.items()
        if key.startswith(("errors/", "skipped/"))
    }
    status = state.finish_run(db, run_id, counts, errors, finished=finished)
    measured = {name: value(f"health/{name}") for name in health.COUNTS}
    for name in ("listing_pages", "listings_failed", "article_links", "new_requested",
                 "rechecked"):  # fmt: skip
        measured[name] = value(name)
    verdict = health.assess(db, run_id, site, measured, status)
    log.info("%s: run %d %s: %s; errors %s", site.key, run_id, status, counts, errors)
    if verdict.health != "ok":
        log.warning("%s: %s: %s", site.key, verdict.health, "; ".join(verdict.reasons))
    try:
        health.log_line(health.run_log_path(db_path), {
            "site": site.key, "run_id": run_id, "status": status,
            "health": verdict.health, "reasons": verdict.reasons, "counts": counts,
            "measures": measured, "errors": errors, "irrelevant": value("articles_irrelevant"),
            "unchanged": value("articles_unchanged"), "not_due": value("known_not_due"),
        })  # fmt: skip
    except OSError as error:  # the database has the run; a full disk must not hide it
        log.error("cannot write the run log: %s", error)
    return status, verdict
