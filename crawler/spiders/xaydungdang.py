"""Tạp chí Xây dựng Đảng (xaydungdang.org.vn). Everything site-specific is in crawler/sites.yaml under `xaydungdang`."""

from .base import SiteSpider


class XaydungdangSpider(SiteSpider):
    name = "xaydungdang"
