"""The Scrapy project: one small spider per site, site differences in sites.yaml."""
