"""The generic fallback: any listing URL, article links found by the generic classifier.

scrapy crawl generic -a url=https://example.vn/xay-dung-dang
"""

from urllib.parse import urlsplit

from .. import registry
from .base import SiteSpider


class GenericSpider(SiteSpider):
    name = "generic"

    def __init__(self, url: str | None = None, province: str | None = None, **kwargs):
        if not url:
            raise ValueError("the generic spider needs -a url=LISTING_URL")
        super().__init__(**kwargs)
        host = urlsplit(url).hostname or ""
        self.site = registry.SiteConfig(
            key="generic", name=host, province=province, start_urls=[url],
            allowed_domains=[host], pagination="next", download_delay=self.site.download_delay,
        )  # fmt: skip
        self.allowed_domains = [host]
