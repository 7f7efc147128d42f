"""Cổng thông tin điện tử tỉnh Lai Châu (laichau.gov.vn). Everything site-specific is in crawler/sites.yaml under `laichau_gov`."""

from .base import SiteSpider


class LaichauGovSpider(SiteSpider):
    name = "laichau_gov"
