"""Báo Hà Giang (baohagiang.vn). Everything site-specific is in crawler/sites.yaml under `baohagiang`."""

from .base import SiteSpider


class BaohagiangSpider(SiteSpider):
    name = "baohagiang"
