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
        value = lambda key: int(stats.get_value(f"partyfacts/{key}", 0))  # noqa: E731
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
            key.split("/", 2)[2]: int(v)
            for key, v in stats.get_stats().items()
            if key.startswith(("partyfacts/errors/", "partyfacts/skipped/"))
        }
        status = state.finish_run(
            self.db, self.run_id, counts, errors, finished=reason == "finished"
        )
        stats.set_value("partyfacts/run_status", status)
        stats.set_value("partyfacts/run_id", self.run_id)
        measured = {name: value(f"health/{name}") for name in health.COUNTS}
        for name in ("listing_pages", "listings_failed", "article_links", "new_requested",
                     "rechecked"):  # fmt: skip
            measured[name] = value(name)
        verdict = health.assess(self.db, self.run_id, spider.site, measured, status)
        stats.set_value("partyfacts/health", verdict.health)
        log.info("%s: run %d %s: %s; errors %s", spider.name, self.run_id, status, counts, errors)
        if verdict.health != "ok":
            log.warning("%s: %s: %s", spider.name, verdict.health, "; ".join(verdict.reasons))
        try:
            health.log_line(health.run_log_path(self.crawler.settings["PARTYFACTS_DB"]), {
                "site": spider.name, "run_id": self.run_id, "status": status,
                "health": verdict.health, "reasons": verdict.reasons, "counts": counts,
                "measures": measured, "errors": errors, "irrelevant": value("articles_irrelevant"),
                "unchanged": value("articles_unchanged"), "not_due": value("known_not_due"),
            })  # fmt: skip
        except OSError as error:  # the database has the run; a full disk must not hide it
            log.error("cannot write the run log: %s", error)
        self.db.conn.close()
        if self.lock:
            self.lock.release()
