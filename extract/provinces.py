"""Which province an article is about, by the name in force on the article's date, and the
name of that territory today (Vietnam merged 63 provinces into 34 in 2025).

The caller's province wins (``partyfacts extract --province``, the site registry); else the
text's: every place the gazetteer (``gazetteer.py``) finds votes for its province as of the
article's date — a province named with its level word ("tỉnh Lai Châu", "Thành ủy TP HCM")
more than a bare name, a district or commune as much (each belongs to one province), the
outlet's tag at the head ("(BLC)") most — and each vote counts more in the title, in the
lead and as the subject of a body ("Đảng bộ huyện ..."). A person or a thing named after a
place ("Chủ tịch Hồ Chí Minh", "Phó Thủ tướng Trương Hòa Bình") is no place. The answer is
None when no province dominates: a region's or the whole country's roundup, or several
provinces side by side. Weights and thresholds are in ``rules/provinces.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import NamedTuple

from . import dates, gazetteer, normalize
from . import ruleset as rules


@dataclass(frozen=True)
class Province:
    name: str
    until: date | None
    successor: str | None


@cache
def registry() -> dict[str, Province]:
    """Every province name known (the 63, the 34 and the older ones), with the day it
    stopped being in force and the province it became part of."""
    data = rules.load("provinces")
    merger = date.fromisoformat(str(data["merger_2025"]))
    history = {e["name"]: date.fromisoformat(str(e["until"])) for e in data["history"]}
    out = {}
    for name in sorted(gazetteer.known_provinces()):
        if gazetteer.current(name) == name:
            out[name] = Province(name, None, None)
        else:
            until = history.get(name, merger)
            out[name] = Province(name, until, gazetteer.in_force(name, until))
    return out


def as_of(name: str | None, on: date | None) -> str | None:
    """The name in force on ``on`` for a territory the text calls ``name``; with no date,
    the name as written."""
    return gazetteer.in_force(name, on)


def current(name: str | None) -> str | None:
    """Today's name of the territory ``name`` belonged to."""
    return gazetteer.current(name)


def resolve(name: str) -> str | None:
    """A province as a user or a registry writes it ("lai chau", "TP HCM") -> its name."""
    return gazetteer.province_name(name)


def _words(key: str) -> re.Pattern[str]:
    words = rules.alternation([normalize.text(w) for w in rules.load("provinces")[key]])
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)")


@cache
def _settings() -> tuple[dict, dict, tuple[str, ...], tuple[str, ...], re.Pattern[str]]:
    data = rules.load("provinces")
    body = tuple(normalize.text(w).casefold() for w in data["body_words"])
    venue = tuple(normalize.text(w).casefold() for w in data["venue_words"])
    return data["weights"], data["decision"], body, venue, _words("national_words")


def _after(text: str, start: int, words: tuple[str, ...], *, skip_word: bool = False) -> bool:
    """The text just before ``start`` ends with one of ``words``, or (``skip_word``) with
    one of them and one more word ("Đảng bộ và" no, "Đảng bộ tỉnh" yes)."""
    before = text[max(0, start - 24) : start].casefold().split()
    tails = [" ".join(before[-3:])]
    if skip_word and len(before) > 1:
        tails.append(" ".join(before[-4:-1]))
    return any(t == w or t.endswith(" " + w) for t in tails for w in words)


@cache
def _central() -> re.Pattern[str]:
    return _words("central_bodies")


def _parts(text: str) -> tuple[int, int]:
    """Where the title ends and where the lead ends: the first paragraph after the title
    that is one (a dateline or a caption line before it is not)."""
    title_start = len(text) - len(text.lstrip())
    title_end = text.find("\n", title_start)
    while title_end > 0 and dates.stamp_only(text[title_start:title_end]):
        # a page's stamp above the headline ("Thứ bảy, 24/02/2024") is not the title
        rest = text[title_end:]
        title_start = title_end + len(rest) - len(rest.lstrip())
        title_end = text.find("\n", title_start)
    if title_end < 0:
        return len(text), len(text)
    first = None
    for line in _LINE.finditer(text, title_end):
        if not line.group().strip():
            continue
        first = first or line
        if len(line.group().strip()) >= 80:
            return title_end, min(line.end(), line.start() + 600)
    return title_end, min(first.end(), first.start() + 600) if first else title_end


_LINE = re.compile(r"[^\n]+")


def scores(text: str, published: date | None = None) -> tuple[dict[str, float], dict]:
    """Each province's weight in the text (names as in force on ``published``), and what
    the decision needs to know: whether the title names a region or the whole country, and
    today's name of each province's territory (the one its mentions weigh most for: Lai
    Châu before 2004 covered today's Điện Biên)."""
    weights = _settings()[0]
    title_end, lead_end = _parts(text)
    out: dict[str, float] = {}
    facts: dict = {"title_province": False, "title_region": False, "lead_province": False,
                   "tag": None, "current": {}}  # fmt: skip
    chain: list = []  # an address: "xã A, huyện B, tỉnh C" is one mention, not three
    for place in gazetteer.places(text, published):
        if place.level == "region":
            facts["title_region"] |= place.start < title_end
            continue
        if not place.province:
            continue
        if place.kind == "tag":
            if place.start > lead_end:
                continue  # a tag in the running text is a photo credit, not the outlet
            facts["tag"] = facts["tag"] or place.province
        weight = _weight(text, place, title_end, lead_end, facts)
        if (
            chain
            and place.province == chain[0].province
            and _ADDRESS_GAP.fullmatch(text, chain[-1].end, place.start)
        ):
            chain.append(place)
            chain[0] = chain[0]._replace(weight=max(chain[0].weight, weight))
            continue
        _vote(out, facts, chain, weights)
        chain = [_Vote(place.province, place.province_current, weight, place.end), place]
    _vote(out, facts, chain, weights)
    if not facts["tag"]:  # "baolaichau.vn" or "Laocaitv.vn -" at the head or the foot
        domain = gazetteer.outlet_domain(text[:lead_end]) or gazetteer.outlet_domain(text[-300:])
        if domain:
            facts["tag"] = as_of(domain, published)
            vote = _Vote(facts["tag"], current(domain), weights["tag"], 0)
            _vote(out, facts, [vote], {**weights, "first": 1})
    national = _settings()[4]
    facts["title_national"] = bool(national.search(text[:title_end]))
    facts["lead_national"] = bool(
        national.search(text[:lead_end]) or _central().search(text[:lead_end])
    )
    return out, facts


class _Vote(NamedTuple):
    province: str
    current: str | None
    weight: float
    end: int


_ADDRESS_GAP = re.compile(r"[\s,;()\-–]{0,6}")


def _weight(text: str, place: gazetteer.Place, title_end: int, lead_end: int, facts: dict) -> float:
    weights, _, body_words, venue_words, _ = _settings()
    if place.kind == "tag":
        weight = weights["tag"]
    elif place.level == "province":
        weight = weights["bare"] if place.kind == "" else weights["province"]
    else:
        weight = weights[place.level]
    if place.start < title_end:
        weight *= weights["title"]
        facts["title_province"] = True
    elif place.start < lead_end:
        weight *= weights["lead"]
        venue = place.kind == "" and _after(text, place.start, venue_words)
        if place.kind != "tag" and not venue:
            facts["lead_province"] = True
    if _after(text, place.start, body_words, skip_word=True):
        weight *= weights["body"]
    return weight


def _vote(out: dict[str, float], facts: dict, chain: list, weights: dict) -> None:
    """Count one mention (or one address) for its province; the first counts more."""
    if not chain:
        return
    vote = chain[0]
    weight = vote.weight * (weights["first"] if not out else 1)
    out[vote.province] = out.get(vote.province, 0.0) + weight
    now = facts["current"].setdefault(vote.province, {})
    now[vote.current] = now.get(vote.current, 0.0) + weight


def detect(
    text: str, published: date | None = None, province: str | None = None
) -> tuple[str | None, str | None]:
    """(province as of the article's date, its current name): the caller's ``province``
    when given, else the text's, or (None, None) when the text names no single province.
    A provincial outlet's tag names its province where the text alone would name none (a
    regional meeting it reports, two provinces side by side)."""
    if province:
        name = resolve(province) or province
        return as_of(name, published), current(name)
    found, facts = scores(text, published)
    if not found:
        return None, None
    decision = _settings()[1]
    ranked = sorted(found.items(), key=lambda item: -item[1])
    best, top = ranked[0]
    regional = not facts["title_province"] and (
        # "the first province in Tây Bắc to ..." is about the one province its lead names
        (facts["title_region"] and not (len(ranked) == 1 and facts["lead_province"]))
        or facts["title_national"]
        or (facts["lead_national"] and not facts["lead_province"])
    )
    side_by_side = len(ranked) > 1 and ranked[1][1] >= decision["runner_up"] * top
    spread = len(ranked) > 2 and top < decision["spread"] * sum(found.values())
    if regional or side_by_side or spread or top < decision["min_score"]:
        if not facts["tag"]:
            return None, None
        best = facts["tag"]
    now = facts["current"][best]
    return best, max(now, key=lambda name: now[name])
