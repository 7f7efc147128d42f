"""One spider per site; each is a few lines over SiteSpider."""
