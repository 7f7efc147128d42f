"""The site registry (``sites.yaml``): one entry per site, with the defaults filled in and
its layout profile's selectors under its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).with_name("sites.yaml")
KEEP = ("relevant", "all")
GROUPS = ("provincial", "pre-2025", "national", "portal", "sample", "generic")
VERIFIABLE = ("domain", "start_urls", "article_pattern", "pagination", "feeds", "selectors")


@dataclass(frozen=True)
class SiteConfig:
    key: str
    name: str
    province: str | None
    start_urls: list[str]
    allowed_domains: list[str]
    article_pattern: str | None = None
    deny_pattern: str | None = None
    pagination: str | None = None
    sitemaps: list[str] = field(default_factory=list)
    feeds: list[str] = field(default_factory=list)
    selectors: dict[str, str] = field(default_factory=dict)
    download_delay: float = 2.0
    max_listing_pages: int = 50
    notes: str = ""
    keep: str = "relevant"  # relevant: only party-building articles are stored; all: every one
    recheck_days: int = 7
    recheck_young_hours: float = 12.0
    recheck_backoff: tuple[tuple[int, float], ...] = ((60, 7.0), (365, 30.0))
    health: dict[str, float] = field(default_factory=dict)
    group: str = "provincial"
    domain: str | None = None
    profile: str = "generic"
    verified: dict[str, bool] = field(default_factory=dict)

    def verified_parts(self) -> list[str]:
        return [part for part in VERIFIABLE if self.verified.get(part)]


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


def profiles() -> dict[str, dict[str, Any]]:
    """Shared layouts: a CMS family's selectors, and the saved pages they were checked on."""
    return _data().get("profiles", {})


def sites() -> dict[str, SiteConfig]:
    data = _data()
    defaults = data.get("defaults", {})
    layouts = profiles()
    out = {}
    for key, entry in data["sites"].items():
        values = {**defaults, **entry}
        values["verified"] = {**defaults.get("verified", {}), **(entry.get("verified") or {})}
        profile = values.get("profile", "generic")
        if profile not in layouts:
            raise ValueError(f"sites.yaml: {key}: no profile {profile!r}")
        domain = values.get("domain")
        start_urls = values.get("start_urls") or ([f"https://{domain}/"] if domain else [])
        www = [domain, f"www.{domain}"] if domain else []
        allowed = values.get("allowed_domains") or www
        out[key] = SiteConfig(
            key=key,
            name=values["name"],
            province=values.get("province"),
            start_urls=list(start_urls),
            allowed_domains=list(allowed),
            article_pattern=values.get("article_pattern"),
            deny_pattern=values.get("deny_pattern"),
            pagination=values.get("pagination"),
            sitemaps=list(values.get("sitemaps") or []),
            feeds=list(values.get("feeds") or []),
            selectors={
                **(layouts[profile].get("selectors") or {}),
                **(values.get("selectors") or {}),
            },
            download_delay=float(values.get("download_delay", 2.0)),
            max_listing_pages=int(values.get("max_listing_pages", 50)),
            notes=values.get("notes", ""),
            keep=_keep(key, values.get("keep", "relevant")),
            recheck_days=int(values.get("recheck_days", 7)),
            recheck_young_hours=float(values.get("recheck_young_hours", 12)),
            recheck_backoff=tuple(
                (int(age), float(every)) for age, every in values.get("recheck_backoff", [])
            ),
            health={k: float(v) for k, v in (values.get("health") or {}).items()},
            group=values.get("group", "provincial"),
            domain=domain,
            profile=profile,
            verified={k: bool(v) for k, v in values["verified"].items()},
        )
    return out


def _keep(key: str, value: str) -> str:
    if value not in KEEP:
        raise ValueError(f"sites.yaml: {key}: keep must be one of {', '.join(KEEP)}, not {value!r}")
    return value


def site(key: str) -> SiteConfig:
    try:
        return sites()[key]
    except KeyError:
        raise KeyError(
            f"no site {key!r} in the registry; known: {', '.join(sorted(sites()))}"
        ) from None
