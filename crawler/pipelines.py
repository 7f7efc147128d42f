"""The store pipeline: page bytes -> article -> relevance -> facts -> SQLite.

Extraction and the database write run in one worker thread (SQLite connections belong to
the thread that opened them), so no callback blocks the reactor; counts are kept in the
reactor thread, in the crawler's stats, when each write comes back. Each page also adds to
the run's health measures (title, date, body, facts, selector hits: crawler/health.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import reactor, threads
from twisted.python.threadpool import ThreadPool

from .. import pipeline, store
from ..extract import article as article_module
from ..extract import relevance
from . import clock, state

log = logging.getLogger(__name__)
MIN_ARTICLE_CHARS = 200  # less than this after extraction is a stub, a menu or a form
LONG_BODY = 300  # a body over this many characters counts as a real one for health


@dataclass
class Outcome:
    """What became of one fetched article page, and what it says about the site's health."""

    status: str  # new, updated, unchanged, irrelevant, skipped
    reason: str = ""
    kind: str = ""  # why it was skipped: not_article, older_than_since
    measures: dict[str, int] = field(default_factory=dict)


def _measure(page: article_module.Page) -> dict[str, int]:
    hits = page.selector_hits
    return {
        "article_pages": 1,
        "with_title": int(bool(page.title)),
        "with_date": int(page.published is not None),
        "with_body": int(len(page.text) > LONG_BODY),
        "selector_hits": sum(hits.values()),
        "selector_tries": len(hits),
    }


def extract_and_store(db, item: dict, site, since: date | None, spider=None) -> Outcome:
    """Runs in the worker thread. Raises PageError (undecodable) or StoreError."""
    page = article_module.article(
        item["body"], url=item["url"], selectors=site.selectors, charset=item.get("charset")
    )
    measures = _measure(page)
    key, etag, modified = item["canonical_url"], item.get("etag"), item.get("last_modified")
    if not page.title or len(page.text) < MIN_ARTICLE_CHARS:
        reason = f"not an article ({len(page.text)} characters of text)"
        state.remember_page(db, site.key, key, "skipped", reason, etag, modified)
        return Outcome("skipped", reason, "not_article", measures)
    if since and page.published and page.published < since:
        return Outcome(
            "skipped", f"published {page.published} before --since {since}", "older_than_since",
            measures,
        )  # fmt: skip
    text = pipeline.page_text(page)
    judged = relevance.score(page.title, text, page.lead)
    measures["relevant" if judged.relevant else "irrelevant"] = 1
    if site.keep == "relevant" and not judged.relevant:
        # remembered as seen, without its text: never fetched again
        reason = f"not party building (score {judged.score:g})"
        state.remember_page(db, site.key, key, "irrelevant", reason, etag, modified,
                            title=page.title, published=page.published, relevance=judged)  # fmt: skip
        return Outcome("irrelevant", reason, "", measures)
    extraction = pipeline.from_text(
        text,
        title=page.title,
        published=page.published,
        url=key,
        site=site.key,
        lead=page.lead,
        author=page.author,
        province=site.province,
    )
    crawl = {
        "checked_at": clock.stamp(),
        "relevant": int(judged.relevant),
        "relevance": judged.score,
        "relevance_terms": json.dumps(judged.terms, ensure_ascii=False),
    }
    run_id = getattr(spider, "run_id", None) if spider is not None else None
    status = store.save(
        db,
        extraction,
        etag=etag,
        last_modified=modified,
        crawl=crawl,
        also=lambda outcome: state.count_in_run(db, run_id, outcome),
    )  # fmt: skip  (the run counts the article in the same transaction)
    if status in ("new", "updated"):
        measures["stored"] = 1
        measures["with_facts"] = int(bool(extraction.quantities or extraction.officials))
    return Outcome(status, "", "", measures)


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

    def _work(self, item: dict, spider) -> Outcome:
        db = self._connect()
        try:
            return extract_and_store(db, item, spider.site, spider.since, spider)
        except article_module.PageError as error:
            if "empty page" in str(error):
                state.remember_page(db, spider.name, item["canonical_url"], "skipped", str(error),
                                    item.get("etag"), item.get("last_modified"))  # fmt: skip
                return Outcome("skipped", str(error), "empty_page")
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
            deferred = threads.deferToThreadPool(
                reactor, self.pool,
                lambda: state.mark_checked(self._connect(), spider.name, item["canonical_url"]),
            )  # fmt: skip
            deferred.addErrback(lambda f: log.warning("%s: %s", item["url"], f.value))
            await maybe_deferred_to_future(deferred)
            return item
        deferred = threads.deferToThreadPool(reactor, self.pool, self._work, item, spider)

        def stored(outcome: Outcome):
            for name, value in outcome.measures.items():
                stats.inc_value(f"partyfacts/health/{name}", value)
            if outcome.status == "skipped":
                stats.inc_value("partyfacts/articles_skipped")
                stats.inc_value(f"partyfacts/skipped/{outcome.kind}")
                log.info("skipped %s: %s", item["url"], outcome.reason)
            else:
                stats.inc_value(f"partyfacts/articles_{outcome.status}")
                log.debug("%s: %s", item["url"], outcome.status)
            return item

        def failed(failure):
            error = failure.value
            stats.inc_value("partyfacts/articles_failed")
            stats.inc_value(f"partyfacts/errors/{_kind(error)}")
            log.warning("failed %s: %s", item["url"], error)
            return item

        deferred.addCallbacks(stored, failed)
        return await maybe_deferred_to_future(deferred)


def _kind(error: Exception) -> str:
    if isinstance(error, article_module.PageError):
        return "undecodable"
    if isinstance(error, store.StoreError):
        return "database"
    return type(error).__name__
