"""Báo Lai Châu (baolaichau.vn). Everything site-specific is in crawler/sites.yaml under `baolaichau`."""

from .base import SiteSpider


class BaolaichauSpider(SiteSpider):
    name = "baolaichau"
