"""``@sample_url /path``: a ``scrapy check`` contract that requests a path of the running
sample site (PARTYFACTS_SAMPLE_URL), whose port changes from run to run."""

import os

from scrapy.contracts import Contract


class SampleUrlContract(Contract):
    name = "sample_url"

    def adjust_request_args(self, args):
        base = os.environ.get("PARTYFACTS_SAMPLE_URL", "").rstrip("/")
        if not base:
            raise ValueError(
                "set PARTYFACTS_SAMPLE_URL to a running sample site (python -m partyfacts.crawler.sample_site.server)"
            )
        args["url"] = base + self.args[0]
        return args
