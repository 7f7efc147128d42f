"""Báo Điện Biên Phủ (baodienbienphu.vn). Everything site-specific is in crawler/sites.yaml under `baodienbienphu`."""

from .base import SiteSpider


class BaodienbienphuSpider(SiteSpider):
    name = "baodienbienphu"
