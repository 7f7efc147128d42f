"""``scrapy check``: Scrapy's command, refusing to say OK when no contract ran. The sample
spider's contracts need a running sample site (PARTYFACTS_SAMPLE_URL); without it the
command says so in one line and fails, instead of "Ran 0 contracts ... OK"."""

from __future__ import annotations

import os
import sys

from scrapy.commands.check import Command as ScrapyCheck


class Command(ScrapyCheck):
    def run(self, args, opts) -> None:
        assert self.crawler_process
        names = args or self.crawler_process.spider_loader.list()
        if "sample" in names and not os.environ.get("PARTYFACTS_SAMPLE_URL") and not opts.list:
            print(
                "scrapy check: the sample spider's contracts need a running sample site: "
                "set PARTYFACTS_SAMPLE_URL=http://127.0.0.1:PORT "
                "(python -m partyfacts.crawler.sample_site.server PORT serves one)",
                file=sys.stderr,
            )
            self.exitcode = 2
            return
        counted = _count_tests()
        super().run(args, opts)
        if not opts.list and counted() == 0:
            print("scrapy check: no contract was run, so nothing was checked", file=sys.stderr)
            self.exitcode = 1


def _count_tests():
    """How many contract tests ran (Scrapy's TextTestResult, counted as they start)."""
    import scrapy.commands.check as check_module

    seen = [0]
    original = check_module.TextTestResult.startTest

    def start_test(self, test):
        seen[0] += 1
        return original(self, test)

    check_module.TextTestResult.startTest = start_test
    return lambda: seen[0]
