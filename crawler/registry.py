"""The site registry (``sites.yaml``): one entry per site, with the defaults filled in."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).with_name("sites.yaml")
KEEP = ("relevant", "all")


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


@cache
def _data() -> dict[str, Any]:
    return yaml.safe_load(_FILE.read_text(encoding="utf-8"))


def sites() -> dict[str, SiteConfig]:
    data = _data()
    defaults = data.get("defaults", {})
    out = {}
    for key, entry in data["sites"].items():
        values = {**defaults, **entry}
        out[key] = SiteConfig(
            key=key,
            name=values["name"],
            province=values.get("province"),
            start_urls=list(values.get("start_urls") or []),
            allowed_domains=list(values.get("allowed_domains") or []),
            article_pattern=values.get("article_pattern"),
            deny_pattern=values.get("deny_pattern"),
            pagination=values.get("pagination"),
            sitemaps=list(values.get("sitemaps") or []),
            feeds=list(values.get("feeds") or []),
            selectors=dict(values.get("selectors") or {}),
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
