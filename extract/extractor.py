"""Facts from one article's text: quantities, officials, province, dates.

This is the stage that ties the small matchers together: paragraphs and sentences, the
time and subject a paragraph carries from one sentence to the next, offsets turned into
positions in the stored article text, and officials merged per person.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache, partial
from typing import Any

from . import (
    bodies,
    breakdowns,
    dates,
    gazetteer,
    normalize,
    officials,
    provinces,
    quantities,
    sentences,
    timex,
)
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


def _article_body(named: list[tuple[int, list[bodies.Body]]]) -> bodies.Body | None:
    """The body the article is about, from (paragraph index, bodies) per sentence: the level
    it names most (the title counts three times, the lead twice; a level named through many
    different bodies counts less: a province report that names five districts once each is
    still the province's), and its first named body of that level."""
    weight: dict[str, float] = {}
    first: dict[str, bodies.Body] = {}
    names: dict[str, set[str]] = {}
    for index, sentence_bodies in named:
        for body in sentence_bodies:
            if body.level in ("article", "unit") or body.official:
                continue  # a speaker's or guest's title says little of the article's body
            weight[body.level] = weight.get(body.level, 0) + (
                3 if index == 0 else 2 if index < 3 else 1
            )
            if body.name:
                names.setdefault(body.level, set()).add(normalize.key(body.name))
            if body.level not in first or (first[body.level].name is None and body.name):
                first[body.level] = body
    if not weight:
        # only officials' titles name a body ("Phó Bí thư Thường trực Tỉnh ủy ... cho biết"):
        # then theirs is the best clue to whose report this is
        titled = [(i, [replace(b, official=False) for b in bs if b.official]) for i, bs in named]
        return _article_body(titled) if any(bs for _, bs in titled) else None
    best = max(weight, key=lambda level: weight[level] / max(1, len(names.get(level, ()))))
    return first[best]


@cache
def _article_end() -> re.Pattern[str]:
    ends = rules.alternation(rules.load("layout")["article_ends"])
    return re.compile(r"^\W*(?:" + ends + r")\W*$", re.IGNORECASE)


def _article_paragraphs(text: str) -> list[sentences.Span]:
    """The article's paragraphs, up to a heading of the site's related articles."""
    out = []
    for paragraph in sentences.paragraphs(text):
        if _article_end().match(paragraph.text):
            break
        if not out and dates.stamp_only(paragraph.text):
            continue  # a page's stamp above the headline: the headline is the first paragraph
        out.append(paragraph)
    return out


# A photo caption: "Ảnh: Thu Hà", "(Ảnh: TTXVN)", "Ảnh minh họa".
_CAPTION = re.compile(r"(?:^|\(|\s[-–]\s)\s*Ảnh(?:\s*:|\s+minh\s+họa)", re.IGNORECASE)
_ASSESSMENT = re.compile(r"(?<!\w)(?:đánh giá|xếp loại|kiểm điểm)(?!\w)", re.IGNORECASE)


def _in_aside(sentence: str, pos: int) -> bool:
    return sentence.rfind("(", 0, pos) > sentence.rfind(")", 0, pos)


def _assessed_time(sentence: str, times: list[timex.TimeExpr]) -> timex.TimeExpr | None:
    """The year an assessment is of: "đánh giá, xếp loại chất lượng ... năm 2013"."""
    for match in _ASSESSMENT.finditer(sentence):
        for time in times:
            if match.end() <= time.start <= match.end() + 60 and time.kind in ("year", "span"):
                return time
    return None


def _assessed(
    fact: quantities.Quantity, assessed: timex.TimeExpr, reference
) -> quantities.Quantity:
    if fact.event != "rated" or fact.time is not None:
        return fact
    year, period_start, as_of = assessed.resolve(reference)
    return replace(fact, year=year, period_start=period_start, as_of=as_of, time=assessed)


def _date_title_figures(facts: list[dict[str, Any]], dated: list[tuple[int, bool]]) -> None:
    """A headline figure the lead repeats takes the lead's time: "Kết nạp 250 đảng viên
    mới" over "Trong năm 2019, huyện kết nạp 250 đảng viên" is 2019's."""
    for fact, (index, own_time) in zip(facts, dated, strict=True):
        if index != 0 or own_time:
            continue
        for other, (other_index, other_time) in zip(facts, dated, strict=True):
            if (
                0 < other_index <= 3
                and other_time
                and all(other[k] == fact[k] for k in ("value", "unit", "category"))
            ):
                for key in ("year", "period_start", "as_of"):
                    fact[key] = other[key]
                break


def _fact_province(body: bodies.Body | None, scope: str | None, article: str | None, on):
    """The province a figure belongs to: the one its body names ("huyện Mù Cang Chải" is
    in Yên Bái, even in an article about Lai Châu), else the article's; none for national
    and regional figures."""
    if scope in ("national", "region"):
        return None
    if body is not None and body.level == "province" and body.place:
        named = provinces.as_of(provinces.resolve(bodies.full_place(body.place)), on)
        if named:
            return named
    if body is not None and body.place and body.level in ("district", "commune"):
        for place in gazetteer.places(body.text, on, prefer=article):
            if place.province:
                return place.province
    return article


# "Đại hội Đảng bộ huyện lần thứ XX, nhiệm kỳ 2020 - 2025": the congress's own term (not
# "Báo cáo ... Đại hội ..., trong nhiệm kỳ 2010-2015", the term it reports on, nor a past
# congress's resolution, "Nghị quyết Đại hội ... nhiệm kỳ 2020-2025")
_CONGRESS_BEFORE = re.compile(
    r"(?<!Nghị quyết )(?<!nghị quyết )Đại hội(?:(?!\btrong\b|\bqua\b|\bcủa\b)[^.;:\n]){0,80}?[\s,]*(?:nhiệm kỳ)?[\s,]*$",
    re.IGNORECASE,
)
_PLAN_BEFORE = re.compile(
    r"(?:phấn đấu|mục tiêu|tầm nhìn|định hướng|đến năm|tới năm|giai đoạn|nhiệm kỳ|kế hoạch)\s*$",
    re.IGNORECASE,
)


_YEARS_SINCE = re.compile(
    r"(?<!\w)sau\s+(?:hơn\s+)?(\d{1,2}|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+năm\s+"
    r"(?:triển khai|thực hiện|tổ chức thực hiện)(?!\w)[^.;\n]*$",
    re.IGNORECASE,
)
_WORD_NUMBERS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
                 "chín": 9, "mười": 10}  # fmt: skip


def _small_number(word: str) -> int:
    return int(word) if word.isdigit() else _WORD_NUMBERS[word.lower()]


def _article_year(text: str, published: date | None) -> int | None:
    """The article's year: its publication date's, else the latest year its first lines
    report on (a point in time, not a plan: "năm 2018 và 3 tháng đầu năm 2019" is 2019,
    "phấn đấu đến năm 2030" is no report), else the end of a span they name."""
    if published:
        return published.year
    head = [p.text for _, p in zip(range(3), sentences.paragraphs(text), strict=False)]
    joined = "\n".join(head)
    points, spans = [], []
    for expr in timex.find(joined):
        if not expr.year or expr.kind in (
            "this_year",
            "last_year",
            "open_span",
            "baseline",
            "personal",
        ):
            continue
        if expr.kind == "document":
            # "Sau 2 năm triển khai Đề án ... ngày 17/8/2011": two years after the document
            after = _YEARS_SINCE.search(joined, max(0, expr.start - 120), expr.start)
            if after:
                points.append(expr.year + _small_number(after.group(1)))
            continue
        if expr.kind == "span" and _CONGRESS_BEFORE.search(
            joined, max(0, expr.start - 120), expr.start
        ):
            points.append(expr.period_start)  # "Đại hội ... nhiệm kỳ 2020-2025" sits in 2020
        elif expr.kind in ("span", "congress"):
            spans.append(expr.year)
        elif not _PLAN_BEFORE.search(joined, max(0, expr.start - 30), expr.start):
            points.append(expr.year)
    if points:
        return max(points)
    return max(spans) if spans else None


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
        if normalize.key(merged["name"]) != key and normalize.key(person["name"]) == key:
            # named by the given name first ("bà Lan"), in full later: the full name and its
            # sentence stand for the person
            evidence = ("name", "sentence", "start", "end", "sentence_start", "sentence_end")
            merged.update({field: person[field] for field in evidence})
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


def extract(
    raw_text: str,
    published: date | None = None,
    title: str | None = None,
    province: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    year: int | None = None,
) -> ArticleFacts:
    """Every fact in one article. ``raw_text`` is normalized first; all offsets point into
    ``ArticleFacts.text``. Without ``title`` the first non-empty line is the title; without
    ``published`` a dateline near the top is looked for; without ``province`` (the caller's:
    a site's, an import's) the province is read from the text; ``year`` is the article's year
    when only that is known (a partial date). ``progress(done, total)`` is told the
    characters done before each paragraph, for long inputs."""
    text = normalize.text(raw_text)
    lines = [line for line in text.split("\n") if line.strip()]
    if title is None and lines:
        # the headline: a page's bare stamp above it ("Thứ bảy, 24/02/2024") is not it
        title = normalize.squash(next((ln for ln in lines if not dates.stamp_only(ln)), lines[0]))
    if published is None:
        published = dates.dateline(lines)
    # a date given or printed tells what lies after the article; a year guessed from the
    # figures' own years does not
    known_date = published is not None or year is not None
    year = _article_year(text, published) if published or not year else year
    # relative times ("năm nay", "5 năm qua") count from the publication date, else from the
    # end of the article's year
    reference = published or (date(year, 12, 31) if year else None)
    province, province_current = provinces.detect(text, published, province=province)
    result = ArticleFacts(text, title, published, year, province, province_current)
    result.rules_version = rules.version()
    people: list[dict[str, Any]] = []
    # sentences and the bodies each names, once: the article's body comes from all of them;
    # the page's list of other articles ("Tin liên quan") is not this article
    split = []
    for index, paragraph in enumerate(_article_paragraphs(text)):
        for sentence in sentences.split(paragraph):
            mentions = officials.extract(sentence.text)
            titled = [(m.start, m.end) for m in mentions]
            caption = bool(_CAPTION.search(paragraph.text))
            named = [
                replace(b, official=True)
                if caption or any(a <= b.start and b.end <= z for a, z in titled)
                else b
                for b in bodies.find(sentence.text)
            ]  # a photo caption's bodies are as weak as those in an official's title
            split.append((index, sentence, named, mentions))
    context = bodies.Context(
        province=province, article=_article_body([(i, b) for i, _, b, _ in split])
    )
    paragraph_index = -1
    dated: list[tuple[int, bool]] = []  # per fact: its paragraph, whether its text dates it
    assessed: timex.TimeExpr | None = None  # "đánh giá chất lượng năm 2013": the rated year
    carried_time: timex.TimeExpr | None = None
    carried_fact: quantities.Quantity | None = None
    recent: list[quantities.Quantity] = []  # the last whole figures, newest last
    for index, sentence, found_bodies, mentions in split:
        if index != paragraph_index:  # a new paragraph carries nothing over...
            paragraph_index = index
            if progress:
                progress(sentence.start, len(text))
            carried_time, context.carried = None, None
            # (the last figure stays at hand: a paragraph opening "Trong đó, ..." goes on
            # breaking it down, even past a paragraph with no figure)
        s = sentence.text
        times = timex.find(s)
        if breakdowns.continues(s):
            # the figure this sentence breaks down: the latest one at least as large as its
            # parts (a photo caption's smaller figure in between is not it)
            carried_fact = breakdowns.whole_for(s, recent) or carried_fact
        parent = carried_fact if carried_fact is not None and breakdowns.continues(s) else None

        lend = partial(breakdowns.lender, parent=parent, recent=recent)
        found = quantities.extract(
            s, times, carried_time, reference, year, found_bodies, parent, lend, known_date
        )
        if parent is not None:
            found = [breakdowns.inherit(q, parent, recent) for q in found]
        if assessed is not None:
            # results of an assessment report on the assessed year, not the article's
            found = [_assessed(q, assessed, reference) for q in found]
        masked = [(t.start, t.end) for t in times]
        found += breakdowns.children(s, found, masked, carried_fact, found_bodies)
        found.sort(key=lambda q: q.start)
        if found:
            # the figure a next "Trong đó, ..." goes on about: the last whole count (a share
            # after it, "đạt 108% chỉ tiêu", is about that count too)
            carried_fact = next(
                (q for q in reversed(found) if not q.part and q.unit == "count"),
                next((q for q in reversed(found) if not q.part), found[-1]),
            )
            recent = [*recent, *(q for q in found if not q.part and q.unit == "count")][-6:]
        for q in found:
            start, end = sentence.start + q.start, sentence.start + q.end
            scope, unit, body = context.resolve(q.body)
            dated.append((index, q.time is not None))
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
                    "subject": q.subject or (body.text if body else None),
                    "scope": scope,
                    "unit_name": unit,
                    "province": _fact_province(body, scope, province, published),
                    "of_total": q.of_total,
                    "text": text[start:end],
                    "sentence": s,
                    "start": start,
                    "end": end,
                    "sentence_start": sentence.start,
                    "sentence_end": sentence.end,
                }
            )
        for mention in mentions:
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
        dating = [t for t in times if t.dates_figures and not _in_aside(s, t.start)]
        if dating:
            carried_time = dating[-1]
        assessed = _assessed_time(s, times) or assessed
        context.remember(found_bodies)
        subjects = [b for b in found_bodies if not b.official and not b.venue]
        if not subjects and context.carried is None:
            # a body named only in an official's title ("Phó Bí thư Tỉnh ủy dự Đại hội")
            # stands for the paragraph only when nothing else does
            subjects = [b for b in found_bodies if not b.venue]
        if subjects:
            context.carried = subjects[-1]
    _date_title_figures(result.quantities, dated)
    result.officials = _merge_officials(people, published, province)
    for person in result.officials:
        person["province"] = person.get("province") or province
    return result
