"""Party-building relevance of an article: a label, a score and the terms that decided it.

A provincial paper prints sport, weather and business beside party building; facts are
only extracted from the party-building articles. The vocabulary, weights, threshold and the
scorer's own example corpus live in ``rules/relevance.yaml``: terms found in the title
count more than in the lead, and those more than in the body; terms of other news take
points off, and a party word in quotes (a football club's "đảng viên") counts for nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from . import normalize
from . import ruleset as rules


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    score: float
    terms: list[tuple[str, float]] = field(default_factory=list)  # the deciding terms, ± points

    def as_json(self) -> dict:
        return {"relevant": self.relevant, "score": self.score, "terms": self.terms}


@dataclass(frozen=True)
class _Rules:
    pattern: re.Pattern[str]
    weights: dict[str, float]  # casefolded term -> weight
    neutral: re.Pattern[str] | None
    zones: dict[str, float]
    threshold: float
    max_repeats: int
    body_chars: int


@cache
def _rules() -> _Rules:
    data = rules.load("relevance")
    weights = {
        normalize.key(term): float(weight)
        for section in ("terms", "against")
        for term, weight in data[section].items()
    }
    pattern = re.compile(r"(?<!\w)(?:" + rules.alternation(list(weights)) + r")(?!\w)")
    neutral = data.get("neutral") or []
    return _Rules(
        pattern=pattern,
        weights=weights,
        neutral=re.compile("|".join(re.escape(normalize.key(p)) for p in neutral))
        if neutral
        else None,
        zones={k: float(v) for k, v in data["zones"].items()},
        threshold=float(data["threshold"]),
        max_repeats=int(data["max_repeats"]),
        body_chars=int(data["body_chars"]),
    )


def _key(text: str) -> str:
    # one spacing and case, with the flexible matching of rule phrases (ruleset.phrase_regex)
    return normalize.text(text).casefold()


def _count(zone: str, rules_: _Rules) -> dict[str, int]:
    if rules_.neutral is not None:
        zone = rules_.neutral.sub(" ", zone)
    found: dict[str, int] = {}
    for match in rules_.pattern.finditer(zone):
        term = normalize.squash(match.group(0))
        term = _canonical(term, rules_)
        found[term] = found.get(term, 0) + 1
    return found


def _canonical(matched: str, rules_: _Rules) -> str:
    """The rule term a matched span stands for (matching is lenient about spacing and quotes)."""
    if matched in rules_.weights:
        return matched
    plain = re.sub(r"[\"“”']", "", matched)
    for term in rules_.weights:
        if re.sub(r"[\"“”'\s,]", "", term) == re.sub(r"[\s,]", "", plain):
            return term
    return matched


def score(title: str | None, text: str, lead: str | None = None) -> Relevance:
    """Score an article from its title, lead and body text. ``text`` may start with the
    title and the lead (as stored texts do); they are counted once, in their own zone."""
    rules_ = _rules()
    title_key = _key(title or "")
    lead_key = _key(lead or "")
    body = _key(text)
    for opening in (title_key, lead_key):
        if opening and body.lstrip().startswith(opening):
            body = body.lstrip()[len(opening) :]
    zones = {"title": title_key, "lead": lead_key, "body": body[: rules_.body_chars]}
    points: dict[str, float] = {}
    for zone, content in zones.items():
        if not content:
            continue
        factor = rules_.zones[zone]
        for term, count in _count(content, rules_).items():
            weight = rules_.weights.get(term, 0.0)
            points[term] = points.get(term, 0.0) + weight * factor * min(count, rules_.max_repeats)
    total = round(sum(points.values()), 2)
    deciding = sorted(points.items(), key=lambda kv: (-abs(kv[1]), kv[0]))[:8]
    return Relevance(
        relevant=total >= rules_.threshold,
        score=total,
        terms=[(term, round(value, 2)) for term, value in deciding if value],
    )
