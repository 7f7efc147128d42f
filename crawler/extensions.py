"""RunRecorder: the per-site lock, the crawl_runs record, and the known articles a run
starts from. Enabled in settings, so ``scrapy crawl SITE`` behaves like ``partyfacts crawl``."""

from __future__ import annotations

import logging

from scrapy import signals

from .. import store
from . import state

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
        spider.known = known.validators
        spider.gone = known.gone
        spider.trust_known = known.previous_run_complete and not spider.full
        log.info(
            "%s: run %d; %d articles already stored; previous run %s",
            spider.name, self.run_id, len(known.validators),
            "complete" if known.previous_run_complete else "incomplete or none: walking every listing page",
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
            + value("articles_not_requested"),
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
        log.info("%s: run %d %s: %s; errors %s", spider.name, self.run_id, status, counts, errors)
        self.db.conn.close()
        if self.lock:
            self.lock.release()
