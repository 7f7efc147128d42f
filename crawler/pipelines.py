"""The store pipeline: page bytes -> article -> facts -> SQLite.

Extraction and the database write run in one worker thread (SQLite connections belong to
the thread that opened them), so no callback blocks the reactor; counts are kept in the
reactor thread, in the crawler's stats, when each write comes back.
"""

from __future__ import annotations

import logging
from datetime import date

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.python.threadpool import ThreadPool

from .. import pipeline, store
from ..extract import article as article_module
from . import state

log = logging.getLogger(__name__)
MIN_ARTICLE_CHARS = 200  # less than this after extraction is a stub, a menu or a form


class Skip(Exception):
    """A page that is fetched fine but is not an article to store (logged, counted)."""


def extract_and_store(db, item: dict, site, since: date | None, spider=None) -> str:
    """Runs in the worker thread. Returns new/updated/unchanged; raises Skip or PageError."""
    page = article_module.article(
        item["body"], url=item["url"], selectors=site.selectors, charset=item.get("charset")
    )
    if not page.title or len(page.text) < MIN_ARTICLE_CHARS:
        raise Skip(f"not an article ({len(page.text)} characters of text)")
    if since and page.published and page.published < since:
        raise Skip(f"published {page.published} before --since {since}")
    extraction = pipeline.from_text(
        pipeline.page_text(page),
        title=page.title,
        published=page.published,
        url=item["canonical_url"],
        site=site.key,
        lead=page.lead,
        author=page.author,
        province=site.province,
    )
    run_id = getattr(spider, "run_id", None) if spider is not None else None
    return store.save(
        db, extraction, etag=item.get("etag"), last_modified=item.get("last_modified"),
        also=lambda outcome: state.count_in_run(db, run_id, outcome),
    )  # fmt: skip


class StorePipeline:
    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="partyfacts-store")
        self.db = None

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def open_spider(self, spider=None) -> None:
        self.pool.start()

    def close_spider(self, spider=None) -> None:
        def close():
            if self.db is not None:
                self.db.conn.close()
                self.db = None

        self.pool.callInThread(close)
        self.pool.stop()

    def _connect(self):
        if self.db is None:
            settings = self.crawler.settings
            self.db = store.connect(
                settings["PARTYFACTS_DB"], settings.getfloat("PARTYFACTS_LOCK_TIMEOUT", 60)
            )
        return self.db

    def _work(self, item: dict, spider) -> str:
        db = self._connect()
        try:
            return extract_and_store(db, item, spider.site, spider.since, spider)
        except (Skip, article_module.PageError) as error:
            if isinstance(error, Skip) or "empty page" in str(error):
                state.remember_page(db, spider.name, item["canonical_url"], "skipped", str(error),
                                    item.get("etag"), item.get("last_modified"))  # fmt: skip
            raise

    def remember_gone(self, spider, url: str, reason: str):
        """From the spider: a 404/410 page, so later runs leave it alone."""
        return threads.deferToThreadPool(
            reactor,
            self.pool,
            lambda: state.remember_page(self._connect(), spider.name, url, "gone", reason),
        )

    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        stats = self.crawler.stats
        if item.get("status") == 304:
            stats.inc_value("partyfacts/articles_unchanged")
            return item
        deferred = threads.deferToThreadPool(reactor, self.pool, self._work, item, spider)

        def stored(outcome: str):
            stats.inc_value(f"partyfacts/articles_{outcome}")
            log.debug("%s: %s", item["url"], outcome)
            return item

        def failed(failure):
            error = failure.value
            if isinstance(error, Skip) or (
                isinstance(error, article_module.PageError) and "empty page" in str(error)
            ):
                stats.inc_value("partyfacts/articles_skipped")
                stats.inc_value(f"partyfacts/skipped/{_kind(error)}")
                log.info("skipped %s: %s", item["url"], error)
            else:
                stats.inc_value("partyfacts/articles_failed")
                stats.inc_value(f"partyfacts/errors/{_kind(error)}")
                log.warning("failed %s: %s", item["url"], error)
            return item

        deferred.addCallbacks(stored, failed)
        return await maybe_deferred_to_future(deferred)


def _kind(error: Exception) -> str:
    if isinstance(error, Skip):
        return "not_article" if "not an article" in str(error) else "older_than_since"
    if isinstance(error, article_module.PageError):
        return "empty_page" if "empty page" in str(error) else "undecodable"
    if isinstance(error, store.StoreError):
        return "database"
    return type(error).__name__
