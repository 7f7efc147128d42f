"""Facts from one article's text: quantities, officials, province, dates.

This is the stage that ties the small matchers together: paragraphs and sentences, the
time and subject a paragraph carries from one sentence to the next, offsets turned into
positions in the stored article text, and officials merged per person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from . import dates, normalize, officials, provinces, quantities, sentences, timex
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


def _merge_officials(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    people: dict[str, dict[str, Any]] = {}
    for person in found:
        key = normalize.key(person["name"])
        if key not in people:
            people[key] = {**person, "titles": [], "mentions": 0}
        merged = people[key]
        merged["mentions"] += 1
        merged["honorific"] = merged["honorific"] or person["honorific"]
        for title in person["titles"]:
            title_key = normalize.key(title)
            keys = [normalize.key(t) for t in merged["titles"]]
            if any(title_key in k for k in keys):
                continue  # already have it, or a longer form of it
            merged["titles"] = [
                t for t, k in zip(merged["titles"], keys, strict=True) if k not in title_key
            ]
            merged["titles"].append(title)
    return list(people.values())


def extract(
    raw_text: str,
    published: date | None = None,
    title: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    year: int | None = None,
) -> ArticleFacts:
    """Every fact in one article. ``raw_text`` is normalized first; all offsets point into
    ``ArticleFacts.text``. Without ``title`` the first non-empty line is the title; without
    ``published`` a dateline near the top is looked for; ``year`` is the article's year when
    only that is known (a partial date). ``progress(done, total)`` is told the characters
    done before each paragraph, for long inputs."""
    text = normalize.text(raw_text)
    lines = [line for line in text.split("\n") if line.strip()]
    if title is None and lines:
        title = normalize.squash(lines[0])
    if published is None:
        published = dates.dateline(lines[:6])
    year = _article_year(text, published) if published or not year else year
    province, province_current = provinces.detect(text, published)
    result = ArticleFacts(text, title, published, year, province, province_current)
    result.rules_version = rules.version()
    people: list[dict[str, Any]] = []
    for paragraph in sentences.paragraphs(text):
        if progress:
            progress(paragraph.start, len(text))
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
    result.officials = _merge_officials(people)
    return result
