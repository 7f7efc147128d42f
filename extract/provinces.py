"""Which province an article is about, by the name in force on the article's date, and the
name of that territory today (Vietnam merged 63 provinces into 34 in 2025).

The registry is ``rules/provinces.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from . import normalize
from . import ruleset as rules


@dataclass(frozen=True)
class Province:
    name: str
    until: date | None
    successor: str | None


@cache
def registry() -> dict[str, Province]:
    out = {}
    for entry in rules.load("provinces")["provinces"]:
        until = entry.get("until")
        out[entry["name"]] = Province(
            entry["name"],
            date.fromisoformat(str(until)) if until else None,
            entry.get("successor"),
        )
    return out


@cache
def _matchers() -> tuple[re.Pattern[str], dict[str, str], re.Pattern[str]]:
    data = rules.load("provinces")
    alias_to_name: dict[str, str] = {}
    for entry in data["provinces"]:
        for alias in [entry["name"], *entry.get("aliases", [])]:
            alias_to_name[normalize.text(alias)] = entry["name"]
    names = sorted(alias_to_name, key=len, reverse=True)
    # case-sensitive on the name itself: "Hòa Bình" is a province, "hòa bình" is peace
    mention = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, names)) + r")(?!\w)")
    prefixes = rules.alternation([normalize.text(p) for p in data["strong_prefixes"]])
    strong_before = re.compile(r"(?i:(?<!\w)(?:" + prefixes + r"))\s*$")
    return mention, alias_to_name, strong_before


def as_of(name: str | None, on: date | None) -> str | None:
    """The name in force on ``on`` for a territory the text calls ``name``; with no date,
    the name as written."""
    seen = set()
    while name and on and name not in seen:
        seen.add(name)
        province = registry().get(name)
        if not province or not province.until or on < province.until or not province.successor:
            break
        name = province.successor
    return name


def current(name: str | None) -> str | None:
    """Today's name of the territory ``name`` belonged to."""
    return as_of(name, date.max)


def mentions(text: str) -> list[tuple[str, int, int, bool]]:
    """(province, start, end, strong) for each province name in ``text``."""
    mention, alias_to_name, strong_before = _matchers()
    out = []
    for match in mention.finditer(text):
        line_start = text.rfind("\n", 0, match.start()) + 1
        before = text[max(line_start, match.start() - 20) : match.start()]
        title_opening = match.start() == line_start and text[match.end() : match.end() + 1] == ":"
        strong = bool(strong_before.search(before)) or title_opening
        out.append((alias_to_name[match.group(1)], match.start(), match.end(), strong))
    return out


def detect(text: str, published: date | None = None) -> tuple[str | None, str | None]:
    """(province as of the article's date, its current name) from the article's text, or
    (None, None) when no province is named."""
    weights = rules.load("provinces")["weights"]
    scores: dict[str, tuple[int, int]] = {}
    for name, start, _end, strong in mentions(text):
        score, first = scores.get(name, (0, start))
        scores[name] = (score + (weights["strong"] if strong else weights["plain"]), first)
    if not scores:
        return None, None
    best = max(scores, key=lambda n: (scores[n][0], -scores[n][1]))
    return as_of(best, published), current(best)
