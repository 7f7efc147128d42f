"""The generic fallback: any listing URLs, article links found by the generic classifier.

scrapy crawl generic -a url=https://example.vn/xay-dung-dang
scrapy crawl generic -a "url=https://a.vn/xay-dung-dang https://b.vn/dang"   (several)
partyfacts crawl generic --url https://a.vn/xay-dung-dang --url https://b.vn/dang
"""

from urllib.parse import urlsplit

from .. import registry
from .base import SiteSpider


class GenericSpider(SiteSpider):
    name = "generic"

    def __init__(self, url: str | None = None, province: str | None = None, **kwargs):
        urls = (url or "").split()
        if not urls:
            raise ValueError("the generic spider needs -a url=LISTING_URL")
        super().__init__(**kwargs)
        hosts = list(dict.fromkeys(urlsplit(u).hostname or "" for u in urls))
        self.site = registry.SiteConfig(
            key="generic", name=", ".join(hosts), province=province, start_urls=urls,
            allowed_domains=hosts, pagination="next", download_delay=self.site.download_delay,
        )  # fmt: skip
        self.allowed_domains = hosts
