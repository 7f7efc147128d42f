"""Facts from one article's text: quantities, officials, province, dates.

This is the stage that ties the small matchers together: paragraphs and sentences, the
time and subject a paragraph carries from one sentence to the next, offsets turned into
positions in the stored article text, and officials merged per person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from . import dates, gazetteer, normalize, officials, provinces, quantities, sentences, timex
from . import ruleset as rules


@dataclass
class ArticleFacts:
    text: str  # the normalized text every offset points into
    title: str | None
    published: date | None
    year: int | None  # the article's year: published, else a date in its first lines
    province: str | None
    province_current: str | None
    quantities: list[dict[str, Any]] = field(default_factory=list)
    officials: list[dict[str, Any]] = field(default_factory=list)
    rules_version: str = ""


@cache
def _subject_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    data = rules.load("subjects")
    whole = re.compile(r"(?<!\w)(?:" + rules.alternation(data["whole_unit"]) + r")(?!\w)", re.I)
    named = re.compile(r"(?<!\w)(?:" + rules.alternation(data["named"]) + r")(?!\w)", re.I)
    return whole, named


def subjects(sentence: str) -> list[tuple[int, int, str]]:
    """(start, end, text) of each subject phrase: "toàn tỉnh", "Đảng bộ thị xã Lai Châu"."""
    whole, named = _subject_patterns()
    found = [(m.start(), m.end(), m.group(0)) for m in whole.finditer(sentence)]
    for match in named.finditer(sentence):
        end = match.end()
        for word in re.finditer(r"\s+(\S+)", sentence[end:]):
            token = word.group(1).rstrip(",.;:")
            if not token or not token[0].isupper() or not token.isalpha():
                break
            end = match.end() + word.start(1) + len(token)
            if token != word.group(1):
                break
        if end == match.end() and match.group(0).islower():
            continue  # a bare "tỉnh" names nobody
        found.append((match.start(), end, normalize.squash(sentence[match.start() : end])))
    found.sort()
    # drop phrases inside longer ones
    return [f for f in found if not any(o != f and o[0] <= f[0] and f[1] <= o[1] for o in found)]


def _article_year(text: str, published: date | None) -> int | None:
    if published:
        return published.year
    head = [p.text for _, p in zip(range(3), sentences.paragraphs(text), strict=False)]
    for expr in timex.find("\n".join(head)):
        if expr.year and expr.kind not in ("this_year", "last_year", "open_span"):
            return expr.year
    return None


def _official_province(
    titles: list[str], published: date | None, article_province: str | None
) -> str | None:
    """The province a person's title names ("Bí thư Tỉnh ủy Kiên Giang" -> Kiên Giang,
    "Chủ tịch UBND huyện Mù Cang Chải" -> Yên Bái), as in force on the article's date;
    None when no title names one."""
    for title in titles:
        for place in gazetteer.places(title, published, prefer=article_province):
            if place.province:
                return place.province
    return None


def _merge_officials(
    found: list[dict[str, Any]], published: date | None = None, province: str | None = None
) -> list[dict[str, Any]]:
    """One entry per person, titles merged. A later mention by the given name(s) only
    ("ông Thắng", "Hoài Bảo") is the person named in full with that ending; a short name
    that matches nobody is dropped, never a second person."""
    full = [p for p in found if len(p["name"].split()) >= 2 and (p["honorific"] or p["titles"])]
    people: dict[str, dict[str, Any]] = {}
    for person in found:
        key = normalize.key(person["name"])
        if key not in people:
            owner = _full_name_for(key, full)
            if owner is None:
                continue
            key = owner
        if key not in people:
            people[key] = {**person, "titles": [], "mentions": 0}
        merged = people[key]
        merged["mentions"] += 1
        merged["honorific"] = merged["honorific"] or person["honorific"]
        for title in person["titles"]:
            title_key = normalize.key(title)
            keys = [normalize.key(t) for t in merged["titles"]]
            if any(_covers(k, title_key) for k in keys):
                continue  # already have it, or a longer form of it
            merged["titles"] = [
                t for t, k in zip(merged["titles"], keys, strict=True) if not _covers(title_key, k)
            ]
            merged["titles"].append(title)
    for merged in people.values():
        merged["province"] = _official_province(merged["titles"], published, province)
    return [p for p in people.values() if p["titles"]]


def _covers(longer: str, shorter: str) -> bool:
    """Whether title ``longer`` says all ``shorter`` says: the same, a longer form of it
    ("Bí thư Tỉnh ủy" covers "Bí thư"), or a bare two-word head inside it. "Phó Bí thư Tỉnh
    ủy" does not cover "Bí thư Tỉnh ủy": they are two posts."""
    if longer == shorter or longer.startswith(shorter + " "):
        return True
    return len(shorter.split()) <= 2 and f" {shorter} " in f" {longer} "


def _full_name_for(key: str, full: list[dict[str, Any]]) -> str | None:
    """The key under which ``key`` is kept: itself for a full name; for a given name only,
    the one full name of the article ending with it."""
    words = key.split()
    if len(words) >= 3 or (
        len(words) == 2 and not any(normalize.key(p["name"]).endswith(" " + key) for p in full)
    ):
        return key
    owners = {
        normalize.key(p["name"])
        for p in full
        if normalize.key(p["name"]).endswith(" " + key) and normalize.key(p["name"]) != key
    }
    return owners.pop() if len(owners) == 1 else None


def extract(raw_text: str, published: date | None = None, title: str | None = None) -> ArticleFacts:
    """Every fact in one article. ``raw_text`` is normalized first; all offsets point into
    ``ArticleFacts.text``. Without ``title`` the first non-empty line is the title; without
    ``published`` a dateline near the top is looked for."""
    text = normalize.text(raw_text)
    lines = [line for line in text.split("\n") if line.strip()]
    if title is None and lines:
        title = normalize.squash(lines[0])
    if published is None:
        published = dates.dateline(lines[:6])
    year = _article_year(text, published)
    province, province_current = provinces.detect(text, published)
    result = ArticleFacts(text, title, published, year, province, province_current)
    result.rules_version = rules.version()
    people: list[dict[str, Any]] = []
    for paragraph in sentences.paragraphs(text):
        carried_time: timex.TimeExpr | None = None
        carried_subject: str | None = None
        for sentence in sentences.split(paragraph):
            s = sentence.text
            times = timex.find(s)
            found_subjects = subjects(s)
            for q in quantities.extract(
                s, times, carried_time, published, year, carried_subject, found_subjects
            ):
                start, end = sentence.start + q.start, sentence.start + q.end
                result.quantities.append(
                    {
                        "value": q.value,
                        "unit": q.unit,
                        "category": q.category,
                        "event": q.event,
                        "rating": q.rating,
                        "status": q.status,
                        "approx": q.approx,
                        "year": q.year,
                        "period_start": q.period_start,
                        "as_of": q.as_of,
                        "subject": q.subject,
                        "of_total": q.of_total,
                        "text": text[start:end],
                        "sentence": s,
                        "start": start,
                        "end": end,
                        "sentence_start": sentence.start,
                        "sentence_end": sentence.end,
                    }
                )
            for mention in officials.extract(s):
                people.append(
                    {
                        "name": mention.name,
                        "titles": mention.titles,
                        "honorific": mention.honorific,
                        "sentence": s,
                        "start": sentence.start + mention.start,
                        "end": sentence.start + mention.end,
                        "sentence_start": sentence.start,
                        "sentence_end": sentence.end,
                    }
                )
            if times:
                carried_time = times[-1]
            if found_subjects:
                carried_subject = found_subjects[-1][2]
    result.officials = _merge_officials(people, published, province)
    return result
