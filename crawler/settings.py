"""Scrapy settings for partyfacts. Politeness by default: robots.txt obeyed, AutoThrottle,
a per-site delay from the registry, a clear User-Agent, size limits."""

from partyfacts import __version__
from partyfacts import options as _options

_opts = _options.load()

BOT_NAME = "partyfacts"
SPIDER_MODULES = ["partyfacts.crawler.spiders"]
NEWSPIDER_MODULE = "partyfacts.crawler.spiders"

USER_AGENT = (
    f"partyfacts/{__version__} (research crawler of party-building news; polite; obeys robots.txt)"
)
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY = 2.0  # per site, overridden from the registry
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
LOG_LEVEL = "INFO"

ITEM_PIPELINES = {"partyfacts.crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {
    "partyfacts.crawler.extensions.RunRecorder": 100,
    "scrapy.extensions.remote_control.RemoteControl": None,  # no listening port of our own
}
COMMANDS_MODULE = "partyfacts.crawler.commands"  # crawl and check with honest exit codes
SPIDER_CONTRACTS = {"partyfacts.crawler.contracts.SampleUrlContract": 10}

# partyfacts' own settings, from defaults.toml and the PARTYFACTS_* environment
PARTYFACTS_DB = str(_opts.db)
PARTYFACTS_LOCK_TIMEOUT = _opts.lock_timeout
