"""Báo điện tử Đảng Cộng sản Việt Nam (dangcongsan.vn). Everything site-specific is in crawler/sites.yaml under `dangcongsan`."""

from .base import SiteSpider


class DangcongsanSpider(SiteSpider):
    name = "dangcongsan"
