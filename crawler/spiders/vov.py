"""VOV, Đảng section (vov.vn). Everything site-specific is in crawler/sites.yaml under `vov`."""

from .base import SiteSpider


class VovSpider(SiteSpider):
    name = "vov"
