"""``scrapy crawl SITE``: Scrapy's command, with the exit code of ``partyfacts crawl``
(0 success, 3 partial, 1 failed: every request failed, or the database was refused, 75
already running) instead of 0 whatever happened."""

from __future__ import annotations

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from ...crawl import EXIT, run_stats


class Command(ScrapyCrawl):
    def run(self, args, opts) -> None:
        if len(args) != 1:
            raise UsageError("give one spider: scrapy crawl SITE")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        status = run_stats(crawler).get("partyfacts/run_status", "failed")
        self.exitcode = 1 if self.crawler_process.bootstrap_failed else EXIT.get(status, 1)
