"""The bundled sample site (crawler/sample_site), served on 127.0.0.1 at a port that
changes from run to run: articles are stored under a fixed origin so that runs on
different ports know the same articles. The callbacks carry ``scrapy check`` contracts
(run with PARTYFACTS_SAMPLE_URL pointing at a running sample server)."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import SiteSpider

ORIGIN = "http://bao-mau.partyfacts.invalid"


class SampleSpider(SiteSpider):
    name = "sample"

    def __init__(self, base_url: str | None = None, **kwargs):
        base_url = base_url or os.environ.get("PARTYFACTS_SAMPLE_URL")
        if not base_url:
            raise ValueError(
                "the sample spider needs -a base_url=http://127.0.0.1:PORT (see `partyfacts run`)"
            )
        super().__init__(base_url=base_url, **kwargs)

    def identity(self, url: str) -> str:
        parts = urlsplit(super().identity(url))
        origin = urlsplit(ORIGIN)
        return urlunsplit((origin.scheme, origin.netloc, parts.path, parts.query, ""))

    def locate(self, key: str) -> str:
        return self.base_url + key[len(ORIGIN) :] if key.startswith(ORIGIN) else key

    def parse_listing(self, response):
        """A listing page gives article requests and the next listing page.

        @sample_url /xay-dung-dang
        @returns requests 10 20
        @returns items 0 0
        """
        return super().parse_listing(response)

    def parse_sitemap(self, response):
        """The sitemap lists every article.

        @sample_url /sitemap.xml
        @returns requests 40 40
        """
        return super().parse_sitemap(response)

    def parse_feed(self, response):
        """The RSS feed lists the newest articles.

        @sample_url /rss.xml
        @returns requests 15 15
        """
        return super().parse_feed(response)

    def parse_article(self, response):
        """An article page becomes one item for the store pipeline.

        @sample_url /xay-dung-dang/bai-viet-dang-cap-nhat-9001
        @returns items 1 1
        @scrapes url canonical_url status body etag last_modified
        """
        return super().parse_article(response)
