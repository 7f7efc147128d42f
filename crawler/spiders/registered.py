"""One spider per registry entry (crawler/sites.yaml): a SiteSpider subclass named after the
entry's key, so `scrapy crawl baolaocai` and `partyfacts crawl baolaocai` work for every
site the registry knows. Everything site-specific is in the registry; only the sample site
and the generic fallback have classes of their own (sample.py, generic.py)."""

from __future__ import annotations

from .. import registry
from .base import SiteSpider

OWN_CLASSES = ("sample", "generic")


def _spider(key: str) -> type[SiteSpider]:
    site = registry.site(key)
    name = "".join(part.capitalize() for part in key.replace("-", "_").split("_")) + "Spider"
    doc = f"{site.name} ({site.province or 'national'}); see crawler/sites.yaml under `{key}`."
    return type(name, (SiteSpider,), {"name": key, "__doc__": doc, "__module__": __name__})


# Scrapy's spider loader finds spider classes among a module's names
globals().update(
    {
        cls.__name__: cls
        for key in registry.sites()
        if key not in OWN_CLASSES
        for cls in [_spider(key)]
    }
)
