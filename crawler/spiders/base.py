"""SiteSpider: the behaviour every site shares, driven by its registry entry.

Listing pages give article links (the site's URL pattern, else the generic classifier) and
the next page; sitemaps and RSS feeds give more. A page the database already knows is never
requested because a listing shows it again: the stored pages due for a re-check under the
site's policy (crawler/recheck.py) are asked at the start of the run, as conditional
requests (If-None-Match / If-Modified-Since). A listing is followed only until a page holds
nothing new — unless the previous run of the site did not finish, in which case every
listing page is walked again.
"""

from __future__ import annotations

import logging
import re
from datetime import date
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin

import scrapy
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from ...extract import dates
from ...extract.links import is_article_url
from ...extract.links import links as find_links
from .. import clock, registry, urls
from ..recheck import KnownPage, Policy

log = logging.getLogger(__name__)


class SiteSpider(scrapy.Spider):
    """Subclasses set ``name`` (the registry key); nothing else is required."""

    name = None  # a registry key in each subclass; the base class is not a spider of its own

    def __init__(
        self,
        since: str | None = None,
        base_url: str | None = None,
        full: str | bool = False,
        recheck: str | bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.site = registry.site(self.name)
        self.since: date | None = dates.parse_day(since) if since else None
        if since and self.since is None:
            raise ValueError(f"--since: not a date: {since!r}")
        self.base_url = (base_url or "").rstrip("/")
        self.full = full in (True, "1", "true", "yes")
        self.recheck_all = recheck in (True, "1", "true", "yes")
        self.allowed_domains = list(self.site.allowed_domains)
        self.known: dict[str, KnownPage] = {}  # set by the run recorder from the database
        self.trust_known = False  # likewise: whether the previous run finished
        self.policy = Policy.of(self.site)
        self.now = clock.now()
        self.refused = False  # set by the run recorder: no request may be made
        self.listing_pages = 0
        self.requested: set[str] = set()

    @classmethod
    def update_settings(cls, settings) -> None:
        """Per-site politeness from the registry (no delay for the loopback sample site)."""
        super().update_settings(settings)
        site = registry.site(cls.name)
        settings.set("DOWNLOAD_DELAY", site.download_delay, priority="spider")
        if site.download_delay == 0:
            settings.set("AUTOTHROTTLE_ENABLED", False, priority="spider")

    # -- identity ---------------------------------------------------------------------
    def absolute(self, url: str) -> str:
        return urljoin(self.base_url + "/", url) if self.base_url else url

    def identity(self, url: str) -> str:
        """The canonical URL an article is stored under."""
        return urls.canonical(url)

    def locate(self, key: str) -> str:
        """The URL to fetch a stored page at (the inverse of ``identity``)."""
        return key

    def is_article(self, url: str) -> bool:
        if self.site.deny_pattern and re.search(self.site.deny_pattern, url):
            return False
        return is_article_url(url, self.site.article_pattern)

    # -- requests ---------------------------------------------------------------------
    async def start(self):
        if self.refused:  # the run recorder found the database or the lock unusable
            return
        for request in self.initial_requests():
            yield request
        for request in self.recheck_requests():
            yield request

    def initial_requests(self):
        for url in self.site.start_urls:
            yield scrapy.Request(self.absolute(url), self.parse_listing, errback=self.listing_failed,
                                 meta={"listing": True, "page": 1}, dont_filter=True)  # fmt: skip
        for url in self.site.sitemaps:
            yield scrapy.Request(self.absolute(url), self.parse_sitemap, errback=self.listing_failed,
                                 meta={"listing": True}, dont_filter=True)  # fmt: skip
        for url in self.site.feeds:
            yield scrapy.Request(self.absolute(url), self.parse_feed, errback=self.listing_failed,
                                 meta={"listing": True}, dont_filter=True)  # fmt: skip

    def recheck_requests(self):
        """Conditional requests for the stored pages due for a re-check (every one with
        ``--recheck``); the rest of the archive costs nothing."""
        stats = self.crawler.stats
        for key, page in self.known.items():
            if page.status in ("gone", "irrelevant"):
                continue
            if self.since and page.published and page.published < self.since:
                continue
            if not (self.recheck_all or self.policy.due(page, self.now)):
                stats.inc_value("partyfacts/known_not_due")
                continue
            headers = {}
            if page.etag:
                headers["If-None-Match"] = page.etag
            if page.last_modified:
                headers["If-Modified-Since"] = page.last_modified
            stats.inc_value("partyfacts/rechecked")
            yield scrapy.Request(
                self.locate(key), self.parse_article, errback=self.article_failed, headers=headers,
                meta={"canonical_url": key, "handle_httpstatus_list": [304], "recheck": True},
            )  # fmt: skip

    def article_request(self, url: str) -> scrapy.Request | None:
        """A request for an article link a listing, sitemap or feed shows; None for a page
        the database knows (asked by ``recheck_requests`` when it is due, never here)."""
        url = urls.canonical(self.absolute(url))
        key = self.identity(url)
        if key in self.known:
            return None
        if key not in self.requested:  # a page listed twice is fetched once (dupefilter)
            self.requested.add(key)
            self.crawler.stats.inc_value("partyfacts/new_requested")
        return scrapy.Request(
            url, self.parse_article, errback=self.article_failed, meta={"canonical_url": key}
        )

    # -- callbacks --------------------------------------------------------------------
    def parse_listing(self, response: Response):
        """A listing page: its article links, then the next page while there may be news."""
        stats = self.crawler.stats
        stats.inc_value("partyfacts/pages_fetched")
        stats.inc_value("partyfacts/listing_pages")
        self.listing_pages += 1
        found = [
            link
            for link in find_links(response.text, response.url, None)
            if self.is_article(link.url)
        ]
        stats.inc_value("partyfacts/article_links", len(found))
        if self.since:
            # listing pages often show each item's date: older items are not fetched, and a
            # page holding only older items ends the walk
            dated = [link for link in found if link.date]
            older = [link for link in dated if link.date < self.since]
            found = [link for link in found if not (link.date and link.date < self.since)]
            self.crawler.stats.inc_value("partyfacts/older_than_since", len(older))
            if dated and len(older) == len(dated):
                log.info(
                    "%s: every article on %s is older than --since; stopping",
                    self.name,
                    response.url,
                )
                return
        fresh = 0
        for link in found:
            request = self.article_request(link.url)
            if request is None:  # known: nothing new here
                continue
            fresh += 1
            yield request
        next_url = self.next_page(response)
        if not next_url:
            return
        if self.trust_known and found and not fresh:
            log.info("%s: nothing new on %s; not following older pages", self.name, response.url)
            return
        if self.listing_pages >= self.site.max_listing_pages:
            log.info("%s: stopping at %d listing pages", self.name, self.listing_pages)
            return
        yield scrapy.Request(next_url, self.parse_listing, errback=self.listing_failed,
                             meta={"listing": True, "page": response.meta.get("page", 1) + 1})  # fmt: skip

    def next_page(self, response: Response) -> str | None:
        template = self.site.pagination
        if not template:
            return None
        if template == "next":
            href = response.css('a[rel="next"]::attr(href), link[rel="next"]::attr(href)').get()
            if not href:
                href = response.xpath(
                    '//a[contains(., "Trang sau") or contains(., "Trang tiếp") or normalize-space(.)="»"]/@href'
                ).get()
            return response.urljoin(href) if href else None
        page = response.meta.get("page", 1) + 1
        base = response.url.split("?", 1)[0]
        return base + template.replace("{n}", str(page))

    def parse_sitemap(self, response: Response):
        self.crawler.stats.inc_value("partyfacts/pages_fetched")
        for loc, lastmod in re.findall(
            r"<loc>\s*([^<]+?)\s*</loc>(?:\s*<lastmod>\s*([^<]+?)\s*</lastmod>)?", response.text
        ):
            if self.since and lastmod and (day := dates.parse_day(lastmod)) and day < self.since:
                continue
            if self.is_article(loc) and (request := self.article_request(loc)):
                yield request

    def parse_feed(self, response: Response):
        self.crawler.stats.inc_value("partyfacts/pages_fetched")
        for item in re.findall(r"<item>(.*?)</item>", response.text, re.S):
            link = re.search(r"<link>\s*([^<]+?)\s*</link>", item)
            published = re.search(r"<pubDate>\s*([^<]+?)\s*</pubDate>", item)
            if not link:
                continue
            if self.since and published:
                try:
                    if parsedate_to_datetime(published.group(1)).date() < self.since:
                        continue
                except (TypeError, ValueError):
                    pass
            if self.is_article(link.group(1)) and (request := self.article_request(link.group(1))):
                yield request

    def parse_article(self, response: Response):
        """An article page: its bytes go to the store pipeline."""
        self.crawler.stats.inc_value("partyfacts/pages_fetched")
        yield {
            "url": response.url,
            "canonical_url": response.meta.get("canonical_url") or self.identity(response.url),
            "status": response.status,
            "body": response.body,
            "charset": _charset(response),
            "etag": _header(response, "ETag"),
            "last_modified": _header(response, "Last-Modified"),
        }

    # -- failures ---------------------------------------------------------------------
    def article_failed(self, failure):
        self._failed(failure, "articles_failed")
        if failure.check(HttpError) and failure.value.response.status in (404, 410):
            request = failure.request
            pipeline = self._store_pipeline()
            if pipeline is not None:  # written by the store's worker thread, not here
                key = request.meta.get("canonical_url") or self.identity(request.url)
                pipeline.remember_gone(self, key, f"http {failure.value.response.status}")

    def _store_pipeline(self):
        from ..pipelines import StorePipeline

        scraper = getattr(self.crawler.engine, "scraper", None)
        for pipe in getattr(getattr(scraper, "itemproc", None), "middlewares", ()):
            if isinstance(pipe, StorePipeline):
                return pipe
        return None

    def listing_failed(self, failure):
        self._failed(failure, "listings_failed")

    def _failed(self, failure, counter: str) -> None:
        kind = error_kind(failure)
        request = failure.request if hasattr(failure, "request") else None
        self.crawler.stats.inc_value(f"partyfacts/{counter}")
        self.crawler.stats.inc_value(f"partyfacts/errors/{kind}")
        if failure.check(HttpError):
            self.crawler.stats.inc_value("partyfacts/pages_fetched")
        log.warning("%s: %s failed: %s", self.name, getattr(request, "url", "?"), kind)


def error_kind(failure) -> str:
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(TimeoutError, TCPTimedOutError) or "Timeout" in type(failure.value).__name__:
        return "timeout"  # Twisted's, or Scrapy's DownloadTimeoutError
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    return type(failure.value).__name__


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _charset(response: Response) -> str | None:
    content_type = _header(response, "Content-Type") or ""
    match = re.search(r"charset=([\w.-]+)", content_type, re.I)
    return match.group(1) if match else None
