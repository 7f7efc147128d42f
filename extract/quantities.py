"""Quantity facts from one sentence: a number, what it counts, what happened to it.

A number is a party fact only when the phrase right after it names something the party
counts (``rules/categories.yaml``); population, money, households, dates, resolution numbers
and badge ages never do. The event, rating and status come from trigger phrases in the
sentence (``rules/events.yaml``), the year from the time expressions around it
(``timex``), all resolved here with a few ordered rules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import Any

from . import bodies as party_bodies
from . import numbers, timex
from . import ruleset as rules

_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
_CLAUSE_BREAK = re.compile(r"[;:()\[\]]")
# between two figures that share the predicate after the second: "5 TCCSĐ và 7 đảng viên
# được tặng", "trên 90% TCCSĐ trực thuộc Đảng bộ huyện và trên 90% đảng viên hoàn thành tốt"
_COORDINATION = re.compile(
    r"^(?:[\s,]*|[^\d;:()]{0,50}?\s)(?:và|cùng|,)?[\s,]*(?:trên|hơn|gần|khoảng)?\s*$", re.IGNORECASE
)


@dataclass
class Quantity:
    value: float
    unit: str
    category: str
    event: str
    rating: str | None
    status: str
    approx: str | None
    year: int | None
    period_start: int | None
    as_of: str | None
    subject: str | None
    start: int  # offsets into the sentence; extractor.py turns them into article offsets
    end: int
    of_total: float | None = None
    time: timex.TimeExpr | None = field(default=None, repr=False)
    body: party_bodies.Body | None = field(default=None, repr=False)  # whose figure, if named
    part: bool = False  # a part of the figure before it (breakdowns.py)
    weak: bool = False  # the event came from a stock word, a list head or a default


@dataclass(frozen=True)
class _Trigger:
    event: str
    start: int
    end: int
    stock: bool


def _bounded(alternation: str) -> str:
    return r"(?<!\w)(?:" + alternation + r")(?!\w)"


@cache
def _vocabulary() -> dict[str, Any]:
    data = rules.load("categories")
    entries = []
    for entry in data["vocabulary"]:
        patterns = [rules.phrase_regex(p) for p in entry.get("phrases", [])]
        patterns += entry.get("regex", [])
        for pattern in patterns:
            entries.append(
                {
                    "category": entry["category"],
                    "regex": re.compile(_bounded(pattern), re.IGNORECASE),
                    "sentence_has": [w.lower() for w in entry.get("sentence_has", [])],
                    "by_event": entry.get("by_event"),
                    "unit": entry.get("unit"),
                    "event": entry.get("event"),
                    "by_event_needs": {
                        k: [w.lower() for w in v]
                        for k, v in (entry.get("by_event_needs") or {}).items()
                    },
                    "denominator": entry.get("denominator", True),
                }
            )
    any_category = re.compile("|".join(f"(?:{e['regex'].pattern})" for e in entries), re.IGNORECASE)
    context_units = re.compile(
        r"\s*" + _bounded(rules.alternation(data["context_units"])), re.IGNORECASE
    )
    lookback = re.compile(
        _bounded(rules.alternation(data["lookback_heads"])) + r"\s+", re.IGNORECASE
    )
    delegation = data["delegation"]
    delegation_before = re.compile(delegation["before"])
    delegation_noun = re.compile(r"\s*" + _bounded(rules.alternation(delegation["nouns"])))
    place_before = re.compile(
        _bounded(rules.alternation(data["context_unit_places"])) + r"\s*$", re.IGNORECASE
    )
    return {
        "delegation_before": delegation_before,
        "delegation_noun": delegation_noun,
        "context_unit_places": place_before,
        "entries": entries,
        "any": any_category,
        "context_units": context_units,
        "lookback": lookback,
        "refine_after": re.compile(
            _bounded(rules.alternation(data["refine_after"])) + r"\s*$", re.IGNORECASE
        ),
        "refinements": data["refinements"],
        "parts_of_base": data["parts_of_base"],
        "allowed_events": data["allowed_events"],
        "context_unit_categories": data["context_unit_categories"],
        "identifier": re.compile(
            r"(?<!\w)(?:"
            + rules.alternation(data["identifier_before"])
            + r"|(?:"
            + rules.alternation(data["document_words"])
            + r")(?:\s+số)?)\s*$"
        ),
    }


@cache
def _events() -> dict[str, Any]:
    data = rules.load("events")
    before, after, applies = [], [], {}
    fillers = rules.alternation(data["agent_fillers"])
    for event, spec in data["events"].items():
        applies[event] = set(spec.get("applies_to") or [])
        before += [(p, event) for p in spec.get("before") or []]
        for phrase in spec.get("after") or []:
            words = phrase.split()
            if words[0] in ("được", "bị") and len(words) > 1:
                # "được Tỉnh ủy tặng", "bị UBKT Huyện ủy kỷ luật": an agent, written with
                # capitals, may stand between "được"/"bị" and the verb
                pattern = (
                    re.escape(words[0])
                    + rf"(?:\s+(?:[{_UPPER}]\S*|tỉnh|huyện|thị xã|thành phố|xã|ủy)){{0,5}}?"
                    + rf"(?:\s+(?:{fillers}))?\s+"
                    + rules.phrase_regex(" ".join(words[1:]))
                )
            else:
                pattern = rules.phrase_regex(phrase)
            after.append((pattern, event))

    def compile_list(
        items: list[tuple[str, str]], plain: bool
    ) -> tuple[re.Pattern[str], list[str]]:
        items = sorted(items, key=lambda item: -len(item[0]))
        patterns = [rules.phrase_regex(p) if plain else p for p, _ in items]
        # one word-boundary check around all phrases, and a look at the first letter, keep
        # this scan (run on every sentence) several times faster than bounding each phrase
        alternatives = "|".join(f"(?P<t{i}>{p})" for i, p in enumerate(patterns))
        firsts = {p[0].lower() for p in patterns}
        lead = ""
        if all(c.isalpha() for c in firsts):
            lead = "(?=[" + "".join(sorted(firsts | {c.upper() for c in firsts})) + "])"
        regex = r"(?<!\w)" + lead + "(?:" + alternatives + r")(?!\w)"
        return re.compile(regex, re.IGNORECASE), [e for _, e in items]

    ratings = [(p, r) for r, phrases in data["ratings"].items() for p in phrases]
    return {
        "before": compile_list(before, plain=True),
        "after": compile_list(after, plain=False),
        "applies": applies,
        "ratings": compile_list(ratings, plain=True),
        "context_rated": re.compile(_bounded(rules.alternation(data["context"]["rated"])), re.I),
        "context_admitted": re.compile(
            _bounded(rules.alternation(data["context"]["admitted"])), re.I
        ),
        "preposition": re.compile(rules.alternation(data["prepositions"]), re.I),
        "neutral": re.compile(_bounded(rules.alternation(data["neutral"])), re.I),
        "share": re.compile(_bounded(rules.alternation(data["share_words"])) + r"\s*$", re.I),
        "rated_share": re.compile(
            _bounded(rules.alternation(data["rated_share_words"])) + r"\s*$", re.I
        ),
        "subset": re.compile(_bounded(rules.alternation(data["subset_words"])), re.I),
        "target": re.compile(_bounded(rules.alternation(data["status"]["target"])), re.I),
        "admission_quota": re.compile(rules.alternation(data["status"]["admission_quota"]), re.I),
        "not_target": re.compile(_bounded(rules.alternation(data["status"]["not_target"])), re.I),
        "actual": re.compile(_bounded(rules.alternation(data["status"]["actual_markers"])), re.I),
        "defaults": data["defaults"],
        "at_least_before": re.compile(
            _bounded(rules.phrase_regex(data["at_least"]["before"])) + r"\s*$", re.I
        ),
        "firm_totals": re.compile(_bounded(rules.alternation(data["firm_totals"])), re.I),
        "firm_admitted": re.compile(_bounded(rules.alternation(data["firm_admitted"])), re.I),
        "at_least_after": re.compile(_bounded(rules.phrase_regex(data["at_least"]["after"])), re.I),
    }


_RANGE = re.compile(r"(?P<low>\d[\d.,]*)\s*%?\s*[-–]\s*(?P<high>\d[\d.,]*)(?P<pct>\s*%)?")
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d{2}(?!\d)")  # "15:26": hours and minutes
_YEAR_WORD_BEFORE = re.compile(
    r"(?<!\w)(?:cuối|đầu|giữa|trong|mỗi|hằng|hàng|cả|sang|qua|năm|nhiều)\s+$", re.IGNORECASE
)


def _ranges(sentence: str, found: list[numbers.Number]) -> list[numbers.Number]:
    """ "từ 55 - 60 đảng viên", "70%-80% TCCSĐ": a range is one figure, its upper bound (the
    mention spans both; the lower bound alone counts nothing)."""
    out: list[numbers.Number] = []
    for match in _RANGE.finditer(sentence):
        low, high = match.group("low"), match.group("high")
        if len(high) == 4 and high.startswith(("19", "20")):
            continue  # "2015-2020" is a span of years
        known = next((n for n in found if n.number_start == match.start("high")), None)
        if known is not None:
            out.append(replace(known, start=match.start()))  # the mention spans the range
            continue
        try:
            value = numbers.parse_digits(high)
            floor = numbers.parse_digits(low)
        except ValueError:
            continue
        if value <= floor:
            continue
        unit = (
            "percent"
            if match.group("pct") or "%" in sentence[match.start() : match.start("high")]
            else "count"
        )
        end = match.end() if unit == "percent" else match.end("high")
        out.append(numbers.Number(value, unit, match.start(), end, match.start("high")))
    if not out:
        return found
    covered = [(n.start, n.number_start) for n in out]
    kept = [
        n
        for n in found
        if not any(s <= n.number_start < e for s, e in covered)
        and not any(o.number_start == n.number_start for o in out)
    ]
    return sorted(kept + out, key=lambda n: n.start)


@lru_cache(maxsize=64)
def find_numbers(sentence: str) -> tuple[numbers.Number, ...]:
    """``numbers.find``, remembered for the last sentences (the breakdown pass reads them
    again)."""
    found = _ranges(sentence, numbers.find(sentence))
    # "45 năm và 50 năm", "hai năm": "năm" after a number is the word "year", not five;
    # "Nguyễn Thị Bảy": a capitalized numeral after a name is a name; "15:26" is a time
    found = [
        n
        for n in found
        if not (n.spelled and n.number_start and sentence[n.number_start].isupper()
                and re.search(r"[A-ZÀ-ỸĐ]\w*\s+$", sentence[: n.number_start]))
        and not _CLOCK.search(sentence, max(0, n.number_start - 3), n.end + 3)
        and not (n.spelled and sentence[n.number_start : n.end].lower() == "năm"
                 and _YEAR_WORD_BEFORE.search(sentence, 0, n.number_start))
    ]  # fmt: skip
    return tuple(
        n
        for i, n in enumerate(found)
        if not (
            n.spelled
            and sentence[n.number_start : n.end].lower() == "năm"
            and i
            and not sentence[found[i - 1].end : n.number_start].strip()
        )
    )


def find_ratings(text: str) -> list[tuple[str, int, int]]:
    """(rating, start, end) of each rating phrase in ``text``."""
    return list(_find_all(_events()["ratings"], text, 0, len(text)))


def _find_all(compiled: tuple[re.Pattern[str], list[str]], text: str, start: int, end: int):
    regex, labels = compiled
    for index, s, e in _scan(regex, text):
        if s >= start and e <= end:
            yield labels[index], s, e


@lru_cache(maxsize=512)
def _scan(regex: re.Pattern[str], text: str) -> tuple[tuple[int, int, int], ...]:
    """Every trigger in a sentence, once: the rules look at many windows of it."""
    return tuple(
        (int(m.lastgroup[1:]), m.start(), m.end())  # type: ignore[index]
        for m in regex.finditer(text)
    )


def _is_team(sentence: str, cand: _Candidate) -> bool:
    """ "91 đoàn kiểm tra": a team, whose verb may act on the figures after it."""
    return (
        cand.category in ("inspection", "supervision")
        and "đoàn" in sentence[cand.number.end : cand.end].lower()
    )


# between a figure and its noun: "80% trở lên số chi bộ", "95% các chi bộ"
_FILLER = re.compile(r"(?:trở\s+lên\s+)?(?:(?:số|các)\s+)?", re.IGNORECASE)


def _category_at(sentence: str, lowered: str, pos: int, unit: str) -> tuple[dict, int] | None:
    """The vocabulary entry naming what the number before ``pos`` counts, longest first."""
    while pos < len(sentence) and sentence[pos] in " \t\u00a0\"“”'":
        pos += 1
    filler = _FILLER.match(sentence, pos)
    if filler and filler.end() > pos and unit == "percent":
        pos = filler.end()
    best: tuple[dict, int] | None = None
    for entry in _vocabulary()["entries"]:
        match = entry["regex"].match(sentence, pos)
        if not match or (best and match.end() <= best[1]):
            continue
        if entry["unit"] and entry["unit"] != unit:
            continue
        if entry["sentence_has"] and not any(w in lowered for w in entry["sentence_has"]):
            continue
        best = (entry, match.end())
    return best


_TIME_IN_PARENTHESES = re.compile(r"\(\s*(?:19|20)\d{2}(?:\s*[-–—]\s*(?:19|20)\d{2})?\s*\)")


def _clauses(sentence: str) -> list[tuple[int, int]]:
    # "3 năm liền (2010 - 2012)": a year in parentheses belongs to the clause it closes
    inside = {i for m in _TIME_IN_PARENTHESES.finditer(sentence) for i in (m.start(), m.end() - 1)}
    breaks = [m.start() for m in _CLAUSE_BREAK.finditer(sentence) if m.start() not in inside]
    bounds = [0] + [b + 1 for b in breaks] + [len(sentence) + 1]
    return [(bounds[i], bounds[i + 1] - 1) for i in range(len(bounds) - 1)]


_PARENTHESES = re.compile(r"\([^()]*\)")


def _blank_parentheses(sentence: str) -> str:
    """The sentence with each parenthesized aside blanked (same length): "kỷ luật 48 tổ
    chức đảng (khiển trách 34, cảnh cáo 14) và 2.435 đảng viên" is one clause around it."""
    return _PARENTHESES.sub(lambda m: " " * len(m.group(0)), sentence)


def _inside_parentheses(sentence: str, pos: int) -> bool:
    return any(m.start() < pos < m.end() for m in _PARENTHESES.finditer(sentence))


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in clauses:
        if start <= pos <= end:
            return start, end
    return clauses[-1]


def _blocked(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


def _nearest_before(sentence: str, start: int, end: int, taken, category: str) -> _Trigger | None:
    events = _events()
    found: list[_Trigger] = []
    for event, s, e in _find_all(events["before"], sentence, start, end):
        if _blocked(taken, s, e):
            continue
        if events["applies"][event] and category not in events["applies"][event]:
            continue
        found.append(_Trigger(event, s, e, event == "total"))
    if not found:
        return None
    last = found[-1]
    if (
        last.stock
        and len(found) > 1
        and events["preposition"].fullmatch(sentence, last.start, last.end)
    ):
        # "kỷ luật với 2 tổ chức", "được nhận Huy hiệu nhất với 48 đồng chí": a preposition
        # after an action verb keeps the action
        action = next((t for t in reversed(found[:-1]) if not t.stock), None)
        if action and not re.search(r"\d|[,;]", sentence[action.end : last.start]):
            return action
    return last


def _firm_total(sentence: str, clause_start: int, start: int) -> str | None:
    """The event a firm stock word ("tổng số") before the figure, with no number between,
    gives it: "total", or "admitted" for a total of new members; None without one."""
    window = sentence[max(clause_start, start - 80) : start]
    found = list(_events()["firm_totals"].finditer(window))
    if not found:
        return None
    between = window[found[-1].end() :]
    if any(not _DURATION.match(between, m.end()) for m in re.finditer(r"\d+", between)):
        return None  # another figure stands between ("trong 9 tháng" is only a duration)
    admitted = _events()["firm_admitted"].search(window, found[-1].start())
    return "admitted" if admitted else "total"


_YEARS_AFTER = re.compile(r"\s*năm(?!\w)")


def _awarded_after(sentence: str, start: int, end: int, taken) -> bool:
    return any(
        event == "awarded" and not _blocked(taken, s, e)
        for event, s, e in _find_all(_events()["after"], sentence, start, end)
    )


def _first_after(sentence: str, start: int, end: int, taken) -> str | None:
    for event, s, e in _find_all(_events()["after"], sentence, start, end):
        if not _blocked(taken, s, e):
            return event
    return None


@dataclass
class _Candidate:
    number: numbers.Number
    category: str
    end: int  # end of the counted phrase
    entry: dict | None
    share: bool = False
    # "Tỷ lệ đảng viên được xếp loại ... đạt 91,2%": the predicate stands between the
    # head's counted noun and the number
    predicate_from: int | None = None


_ONE = re.compile(r"(?<!\w)một(?=\s+\w)", re.IGNORECASE)


def _lone_ones(sentence: str, found: list[numbers.Number]) -> list[numbers.Number]:
    """ "kỷ luật một đảng viên": "một" before a counted noun is 1 when something is done to
    it (the event decides; see ``_is_lone_one``)."""
    out = []
    for match in _ONE.finditer(sentence):
        if any(n.start <= match.start() < n.end for n in found):
            continue
        if _category_at(sentence, sentence.lower(), match.end(), "count"):
            out.append(
                numbers.Number(1, "count", match.start(), match.end(), match.start(), spelled=True)
            )
    return out


def _is_lone_one(number: numbers.Number) -> bool:
    return number.spelled and number.value == 1 and number.end - number.start == 3


def _refined(sentence: str, lowered: str, number: numbers.Number, category: str) -> str:
    """A generic category after "tổng số" counts the specific kind named earlier in the
    sentence: "100% chi bộ trực thuộc ..., với tổng số 2.956 chi bộ"."""
    vocab = _vocabulary()
    based = vocab["parts_of_base"].get(category)
    if based:
        # "129 tổ chức cơ sở đảng, trong đó 59 đảng bộ": a part of a count of base bodies
        subsets = list(_events()["subset"].finditer(sentence, 0, number.start))
        if subsets:
            whole = list(vocab["any"].finditer(sentence, 0, subsets[-1].start()))
            hit = whole and _category_at(sentence, lowered, whole[-1].start(), "count")
            if hit and hit[0]["category"] == "base_party_org":
                return based
    specific = vocab["refinements"].get(category)
    if not specific or not vocab["refine_after"].search(sentence, 0, number.start):
        return category
    for match in reversed(list(vocab["any"].finditer(sentence, 0, number.start))):
        hit = _category_at(sentence, lowered, match.start(), number.unit)
        if hit and hit[0]["category"] in specific:
            return hit[0]["category"]
    return category


def _delegation(sentence: str, number: numbers.Number) -> _Candidate | None:
    """ "Đoàn đại biểu ... gồm 22 người": the size of a delegation counts its delegates."""
    vocab = _vocabulary()
    if number.unit != "count":
        return None
    noun = vocab["delegation_noun"].match(sentence, number.end)
    if not noun or not vocab["delegation_before"].search(sentence, 0, number.start):
        return None
    return _Candidate(number, "delegate", noun.end(), None)


def _context_unit(sentence: str, lowered: str, number: numbers.Number) -> _Candidate | None:
    """ "từ 95 bản xuống còn 8 bản": a context noun counts whatever the phrase before it
    in the sentence counts."""
    vocab = _vocabulary()
    unit_match = vocab["context_units"].match(sentence, number.end)
    if not unit_match:
        return None
    if vocab["context_unit_places"].search(sentence, max(0, number.start - 12), number.start):
        return None  # "đảng viên tại 12 đơn vị": where they are, not how many
    allowed = vocab["context_unit_categories"].get(unit_match.group(0).strip().lower())
    for previous in reversed(list(vocab["any"].finditer(sentence, 0, number.start))):
        if ";" in sentence[previous.end() : number.start]:
            return None
        hit = _category_at(sentence, lowered, previous.start(), number.unit)
        if hit and not hit[0].get("by_event"):
            if allowed and hit[0]["category"] not in allowed:
                return None
            return _Candidate(number, hit[0]["category"], unit_match.end(), hit[0])
    return None


_OF_TOTAL = re.compile(r"\s+(?:trong|trên)\s+tổng\s+số\s+(?P<total>\d[\d.]*)", re.IGNORECASE)
_SUBJECT_OPENING = re.compile(
    r"(?:^|[,;:]|(?<!\w)(?:trong đó|trong số đó|riêng|còn|tổng số|số lượng|số)(?!\w))[\s,]*$",
    re.IGNORECASE,
)


_LINK_BEFORE = re.compile(r"(?<!\w)(?:là|chiếm|đạt)\s*$")


def _subject_before(sentence: str, lowered: str, number: numbers.Number):
    """The counted noun opening the clause of "<noun> ... là <number>"."""
    if not _LINK_BEFORE.search(sentence, max(0, number.start - 10), number.start):
        return None
    between_limit = 90
    matches = list(
        _vocabulary()["any"].finditer(sentence, max(0, number.start - 160), number.start)
    )
    for match in reversed(matches):
        between = sentence[match.end() : number.start]
        undated = _YEAR_WORDS.sub("", between)  # "bị kỷ luật năm 2022 là 47": a year, no figure
        if len(between) > between_limit or re.search(r"[\d;()]", undated):
            return None
        link = re.search(r"(?<!\w)(?:là|chiếm|đạt)\s*$", between)
        if not link or (link.group(0).startswith("đạt") and number.unit != "percent"):
            continue
        if not _SUBJECT_OPENING.search(sentence, 0, match.start()):
            continue
        hit = _category_at(sentence, lowered, match.start(), number.unit)
        if hit and hit[1] <= number.start:
            return hit
    return None


# between two items of a series by time ("kết nạp 120 đảng viên, năm 2022 là 135, năm 2023
# kết nạp 150"): a separator, the item's time, and at most a few words (its verb or "là")
_SERIES_GAP = re.compile(
    r"\s*(?:\([^()]*\)\s*)?[,;]\s*(?:và\s+|còn\s+|riêng\s+)?"
    r"(?:năm\s+(?:19|20)\d{2}|quý\s+[IV]{1,3}(?:\s*/\s*(?:19|20)\d{2})?)"
    r"\s*,?\s*(?:[^\W\d][\w]*\s+){0,3}?(?:là|đạt|có)?\s*",
    re.IGNORECASE,
)
_SERIES_ITEM_END = re.compile(r"\s*(?:[,;.)]|$|và\s|\()")


def _series_previous(sentence: str, start: int, out: list):
    """The item before the figure at ``start`` when both belong to one series by time
    ("năm 2021 kết nạp 120 đảng viên, năm 2022 là 135"); None otherwise."""
    if not out:
        return None
    previous = out[-1]
    return previous if _SERIES_GAP.fullmatch(sentence, previous.end, start) else None


# words that count people without saying who they are: after "Số đảng viên được xếp loại
# ... là", "512 đồng chí" are the subject's party members, with its predicate
_GENERIC_PEOPLE = re.compile(r"\s*(?:đồng chí|đ/c|người|trường hợp)(?!\w)", re.IGNORECASE)

_YEAR_WORDS = re.compile(r"(?<!\w)năm\s+(?:19|20)\d{2}(?!\d)", re.IGNORECASE)

_DURATION = re.compile(r"\s*(?:tháng|năm|ngày|tuần|quý|giờ|phút)(?!\w)", re.IGNORECASE)


def _candidates(sentence: str, found: list[numbers.Number], masked) -> list[_Candidate]:
    vocab = _vocabulary()
    lowered = sentence.lower()
    out: list[_Candidate] = []
    skipped: list[int] = []
    for number in found:
        if _blocked(masked, number.number_start, number.end) or number.start in skipped:
            continue
        if vocab["identifier"].search(sentence, max(0, number.start - 25), number.start):
            continue  # "Đại hội lần thứ 16", "Đề án 02"
        if number.unit == "count" and _DURATION.match(sentence, number.end):
            continue  # "trong 9 tháng", "sau 5 năm": a length of time counts nothing
        hit = _category_at(sentence, lowered, number.end, number.unit)
        delegation = _delegation(sentence, number)
        if delegation and (not hit or hit[0]["category"] != "delegate"):
            out.append(delegation)  # "Đoàn đại biểu ... gồm 22 người"
            continue
        of_total = _OF_TOTAL.match(sentence, number.end)
        if of_total and not hit:
            # "77 trong tổng số 108 trưởng thôn là đảng viên": 77 counts what 108 counts
            total_hit = _category_at(sentence, lowered, of_total.end(), number.unit)
            if total_hit:
                total = numbers.find(of_total.group("total"))
                number = replace(number, of_total=total[0].value if total else None)
                if not total_hit[0]["denominator"]:
                    skipped.append(of_total.start("total"))
                out.append(_Candidate(number, total_hit[0]["category"], total_hit[1], total_hit[0]))
                continue
        if hit and hit[0].get("by_event"):
            # "398 tổ chức hoàn thành tốt nhiệm vụ": a bare "tổ chức" after a figure of base
            # organizations counts them; "Tổng số ĐV ... là 78.260 đồng chí" counts members
            context = _context_unit(sentence, lowered, number) or _head_before(
                sentence, lowered, number
            )
            if context:
                out.append(context)
                continue
        subject = _subject_before(sentence, lowered, number)
        generic = (
            hit
            and _GENERIC_PEOPLE.match(sentence, number.end)
            and subject
            and subject[0]["category"] in ("party_member", "trainee", "delegate")
        )
        if subject and (not hit or hit[0].get("by_event") or generic):
            # "đại biểu đương nhiên là 197", "... là 1.300 người", "đảng viên ... đạt 93,4%"
            out.append(_Candidate(number, subject[0]["category"], hit[1] if hit else number.end,
                                  subject[0], predicate_from=subject[1]))  # fmt: skip
            continue
        if hit:
            category = _refined(sentence, lowered, number, hit[0]["category"])
            out.append(_Candidate(number, category, hit[1], hit[0]))
            continue
        series = _series_previous(sentence, number.start, out)
        if series is not None and _SERIES_ITEM_END.match(sentence, number.end):
            # "..., năm 2023 là 150.": the item counts what the first one counts
            out.append(_Candidate(number, series.category, number.end, series.entry))
            continue
        before = sentence[: number.start]
        if (
            out
            and re.fullmatch(r"[^\d;]{0,60}", sentence[out[-1].end : number.start])
            and (
                _events()["share"].search(before)
                or (
                    # "... hoàn thành tốt nhiệm vụ trở lên, đạt 95,4%": the rated count's share
                    number.unit == "percent"
                    and number.value <= 100
                    and _events()["rated_share"].search(before)
                    and find_ratings(sentence[out[-1].end : number.start])
                )
            )
        ):
            out.append(_Candidate(number, out[-1].category, number.end, None, share=True))
            continue
        context = _context_unit(sentence, lowered, number)
        if context:
            out.append(context)
            continue
        head = _head_before(sentence, lowered, number)
        if head:
            out.append(head)
            continue
        after_change = _AFTER_CHANGE.search(sentence, max(0, number.start - 20), number.start)
        if after_change and out and not re.search(r"[;(]", sentence[out[-1].end : number.start]):
            # "giảm từ 27 bản xuống còn 3": the bare figure counts what the first one counts
            out.append(_Candidate(number, out[-1].category, number.end, out[-1].entry))
            continue
        listed = _rating_list_item(sentence, lowered, number)
        if listed:
            out.append(listed)
    return out


_RATING_AFTER = re.compile(r"\s*(?:được\s+)?(?:đánh\s+giá\s+|xếp\s+loại\s+|đạt\s+)?", re.I)


_AFTER_CHANGE = re.compile(r"(?<!\w)(?:xuống\s+còn|giảm\s+còn|tăng\s+lên|lên)\s*$", re.I)


def _head_before(sentence: str, lowered: str, number: numbers.Number) -> _Candidate | None:
    """ "tỷ lệ đảng viên đủ tư cách đạt 96%", "Tổng số ĐV ... là 78.260": a figure after a
    head ("tỷ lệ", "tổng số", "số") and its counted noun, with no other figure between."""
    vocab = _vocabulary()
    head = None
    for match in vocab["lookback"].finditer(sentence, 0, number.start):
        hit = _category_at(sentence, lowered, match.end(), number.unit)
        if hit and hit[1] <= number.start:
            head = hit
    if (
        head
        and not head[0].get("by_event")
        and not re.search(r"[;(]|\d", sentence[head[1] : number.start])
    ):
        return _Candidate(number, head[0]["category"], number.end, head[0], False, head[1])
    return None


def _rating_list_item(sentence: str, lowered: str, number: numbers.Number) -> _Candidate | None:
    """ "Về chất lượng đảng viên: hoàn thành xuất sắc nhiệm vụ 15,2%; hoàn thành tốt nhiệm vụ,
    đạt 72,1%": a figure after a rating, in a list whose head named what is rated."""
    label_start = max(sentence.rfind(mark, 0, number.start) for mark in ";:(") + 1
    label = sentence[label_start : number.start]
    after = _RATING_AFTER.match(sentence, number.end)
    rated_after = bool(after and find_ratings(sentence[after.end() : after.end() + 40])[:1])
    if rated_after and find_ratings(sentence[after.end() : after.end() + 40])[0][1] != 0:
        rated_after = False  # the rating must follow at once: "6,1% hoàn thành nhiệm vụ"
    if not rated_after and (
        not label.strip() or not find_ratings(label) or re.search(r"\d", label)
    ):
        return None
    if rated_after:
        label_start = number.end
    head_end = number.start if rated_after else label_start
    for match in reversed(list(_vocabulary()["any"].finditer(sentence, 0, head_end))):
        hit = _category_at(sentence, lowered, match.start(), number.unit)
        if hit and not hit[0].get("by_event"):
            return _Candidate(number, hit[0]["category"], number.end, hit[0], False, label_start)
    return None


def extract(
    sentence: str,
    times: list[timex.TimeExpr],
    carried_time: timex.TimeExpr | None,
    article_date,
    article_year: int | None,
    bodies: list[party_bodies.Body],
    parent: Quantity | None = None,
    lender=None,
    known_date: bool = True,
) -> list[Quantity]:
    """Quantity facts in one sentence. ``times`` are the sentence's time expressions,
    ``carried_time`` the time the paragraph gave before it, ``bodies`` the party bodies the
    sentence names (the body a figure belongs to is chosen here; the paragraph's and the
    article's come in when the sentence names none). ``parent``: the figure a sentence
    opening "Trong đó, ..." goes on breaking down; it lends its event to figures whose own
    sentence gives none. ``lender(category)``, when given, picks that figure per category
    (the latest figure of the same kind of thing). ``known_date``: ``article_date`` was
    given or printed, not guessed from the figures' years (only then is a later year a plan)."""
    events = _events()
    found = list(find_numbers(sentence))
    found = sorted(found + _lone_ones(sentence, found), key=lambda n: n.start)
    masked = [(t.start, t.end) for t in times]
    candidates = _candidates(sentence, found, masked)
    denominators = {
        m.start("total") for m in _OF_TOTAL.finditer(sentence) if m.start("total") > 0
    }  # the Y of "X trong tổng số Y ..."
    clauses = _clauses(sentence)
    outer = _blank_parentheses(sentence)
    outer_clauses = _clauses(outer)
    # "91 đoàn kiểm tra 270 tổ chức đảng": the team's verb acts on the figures after it
    taken = [(c.number.start, c.number.end if _is_team(sentence, c) else c.end) for c in candidates]
    neutral = [(m.start(), m.end()) for m in events["neutral"].finditer(sentence)]
    # "Đảng bộ Sở Giáo dục và Đào tạo", "Ủy ban Kiểm tra": a word in a body's name is no verb
    neutral += [(b.start, b.end) for b in bodies if b.name and b.level != "national"]
    # a duration or a badge's age ("70 năm và 75 năm tuổi Đảng") does not end the stretch
    # where the figure's predicate may stand
    number_starts = [
        n.start
        for n in found
        if not _blocked(masked, n.number_start, n.end) and not _YEARS_AFTER.match(sentence, n.end)
    ]
    out: list[Quantity] = []
    for index, cand in enumerate(candidates):
        number = cand.number
        aside = _inside_parentheses(sentence, number.start)
        # outside an aside, the aside is neither a clause break nor a source of triggers
        text = sentence if aside else outer
        c_start, c_end = _clause_of(clauses if aside else outer_clauses, number.start)
        others = [t for t in taken if t[0] != number.start] + neutral

        # where a predicate after the counted noun can be: up to the next number, or past
        # it when the two are coordinated ("5 TCCSĐ và 7 đảng viên được tặng")
        region_end = c_end
        j = index
        while True:
            following = [s for s in number_starts if s >= candidates[j].end and s < c_end]
            if not following:
                region_end = c_end
                break
            region_end = following[0]
            nxt = next(
                (
                    k
                    for k in range(j + 1, len(candidates))
                    if candidates[k].number.start == following[0]
                ),
                None,
            )
            if nxt is None or not _COORDINATION.match(sentence[candidates[j].end : following[0]]):
                break
            j = nxt

        if number.number_start > number.start and re.search(
            r"(?<!\w)từ\s*$", sentence[: number.start]
        ):
            # "kết nạp từ 90 - 100 đảng viên": the range's "từ" is no stock word
            others = [*others, (number.start - 4, number.start)]
        # "từ 2.300 đảng viên trở lên": at least 2,300; "từ" is not a stock word here
        approx = number.approx
        at_least = events["at_least_before"].search(sentence, 0, number.start)
        if at_least and events["at_least_after"].search(sentence, cand.end, region_end):
            approx = "over"
            others = [*others, (at_least.start(), at_least.end())]

        weak = share = False
        if cand.share:
            if not out or out[-1].start != candidates[index - 1].number.start:
                continue  # the count it divides was no party figure ("dân số ... chiếm 54%")
            prev = out[-1] if out else None
            event = prev.event if prev else events["defaults"]["percent"]
            share = True
            rating = prev.rating if prev else None
        else:
            pre = _nearest_before(text, c_start, number.start, others, cand.category)
            head = _nearest_before(text, 0, c_start, others, cand.category) if c_start else None
            listed = _list_head(text, c_start)
            if listed is not None and (head is None or head.stock):
                # "kết nạp được nhiều đảng viên là: A (14 đảng viên), ...": the list's verb,
                # not its "là"/"gồm"
                head = _nearest_action(text, 0, listed, others, cand.category) or head
            if head and head.event != "awarded" and listed is None:
                head = None  # only a list ("phấn đấu: ...; ...") or awardees share a head verb
            post = _first_after(text, cand.end, region_end, others)
            if cand.predicate_from is not None:
                post = _first_after(text, cand.predicate_from, number.start, others) or post
            if post == "rated" and _awarded_after(text, cand.end, region_end, others):
                post = "awarded"  # "8 đảng viên đạt ... đã được tặng Bằng khen": the award
            weak = False  # decided only by a stock word, a list head or a default
            if pre and not pre.stock:
                event = pre.event
            elif head and head.event == "awarded":
                event = "awarded"
            elif post:
                event = post
            elif _subset_parent(text, out, number.start, cand.category) is not None:
                # "kết nạp 9.870 đảng viên, trong đó ... 6.120 đồng chí", and every item of
                # the list that follows "trong đó"
                event = _subset_parent(text, out, number.start, cand.category).event
            elif pre and not events["defaults"]["by_category"].get(cand.category):
                event, weak = "total", True  # ("có 38 cuộc kiểm tra": conducted, below)
            elif head:
                event, weak = head.event, True
            elif events["context_rated"].search(sentence, c_start, number.start) or (
                c_start
                and events["context_rated"].search(sentence, 0, number.start)
                and sentence[:c_start].rstrip().endswith(":")
            ):
                event = "rated"
            else:
                defaults = events["defaults"]
                by_event = cand.entry and cand.entry.get("by_event")
                # a noun counted only through an event gets no default event of its own
                event = (not by_event and defaults["by_category"].get(cand.category)) or defaults[
                    number.unit
                ]
                weak = True
            if weak and event == "total" and (firm := _firm_total(text, c_start, number.start)):
                event, weak = firm, False  # "nâng tổng số đảng viên toàn huyện là 4.310"
            if weak and cand.entry and cand.entry.get("event"):
                event, weak = cand.entry["event"], False  # "26 đảng viên mới": admitted
            if weak:
                # an elliptic list item repeats the verb of the item before it ("Sơn La kết
                # nạp 1.684 đảng viên; Lào Cai 1.297 đảng viên"); a sentence that goes on
                # breaking a figure down takes that figure's event
                series = _series_previous(text, number.start, out)
                lent = (
                    _elliptic_event(text, out, number.start, cand.category)
                    or (series.event if series and series.category == cand.category else None)
                    or _among_event(text, number.start, others)
                    or (
                        "admitted"  # "Trong số đảng viên mới, có 912 đảng viên nữ"
                        if events["context_admitted"].search(sentence, 0, number.start)
                        and cand.category in ("party_member", "trainee")
                        else None
                    )
                    or _lent_event(parent, lender, cand.category)
                )
                if lent:
                    event, weak = lent, False
            allowed = _vocabulary()["allowed_events"].get(cand.category)
            if allowed and event not in allowed:
                event = allowed[0]  # the stock reading: these things are counted, not founded
            rating = None
            if event in ("rated", "awarded"):
                rated = list(_find_all(events["ratings"], sentence, cand.end, region_end))
                if cand.predicate_from is not None:
                    rated = (
                        list(
                            _find_all(
                                events["ratings"], sentence, cand.predicate_from, number.start
                            )
                        )
                        or rated
                    )
                if not rated and pre and not pre.stock:
                    rated = list(_find_all(events["ratings"], sentence, pre.end, number.start))
                rating = rated[0][0] if rated else None

        if number.start in denominators:
            event, rating, weak = "total", None, False  # "548 trong tổng số 571 TCCSĐ": the whole
        if _is_lone_one(number) and event in ("total", "other", "rated"):
            continue  # "một đảng viên phải gương mẫu": an article, not a count
        category = out[-1].category if cand.share else cand.category
        if cand.entry and cand.entry.get("by_event"):
            category = cand.entry["by_event"].get(event)
            needs = cand.entry["by_event_needs"].get(event)
            if needs and not any(w in sentence.lower() for w in needs):
                category = None
            if category is None:
                continue

        # status: a plan word before the number in the sentence, not undone by "đã"
        status = "actual"
        # (an aside's plan word does not make the figure outside it a plan)
        targets = list(events["target"].finditer(text, 0, number.start))
        targets = [
            t
            for t in targets
            if not _blocked(others, t.start(), t.end())
            and not events["not_target"].match(text, t.start())
        ]
        if targets and not events["actual"].search(text, targets[-1].end(), number.start):
            status = "target"
            quota = (
                events["admission_quota"].fullmatch(targets[-1].group(0))
                and category == "party_member"
                and number.unit == "count"
                and event in ("total", "rated")
            )
            if quota and not _action_between(text, targets[-1].end(), number.start):
                event, rating = "admitted", None  # "chỉ tiêu huyện giao là 7 đảng viên"
        whole = _subset_parent(text, out, number.start, category)
        if whole is not None and whole.status == "target":
            status = "target"  # a part of a plan is planned too

        # a time inside an aside dates the aside, not the figures outside it
        dating = (
            times if aside else [t for t in times if not _inside_parentheses(sentence, t.start)]
        )
        time = _time_for(dating, c_start, c_end, number.start, carried_time)
        if time and category == "delegate" and time.kind == "span" and time.period_start:
            # a congress's delegates meet at its opening: "Đại hội ... nhiệm kỳ 2020 - 2025
            # ... 351 đại biểu" is 2020's, planned or held
            year, period_start, as_of = time.period_start, None, None
        elif time:
            year, period_start, as_of = time.resolve(article_date, plan=status == "target")
            future = known_date and article_date and year and year > article_date.year
            if status == "actual" and future:
                # "Đến năm 2025 phát triển thêm 5.000 đảng viên" in 2020: what lies after the
                # article's date can only be planned
                status = "target"
                year, period_start, as_of = time.resolve(article_date, plan=True)
        else:
            year, period_start, as_of = article_year, None, None
        body = _body_for(sentence, bodies, taken, number.start, cand.end)
        if out and events["subset"].search(sentence, out[-1].end, number.start):
            # a part takes the body of the figure it breaks down unless it names its own
            own = [b for b in bodies if out[-1].end <= b.start and b.end <= number.start]
            if not own:
                body = out[-1].body
        out.append(
            Quantity(
                value=number.text_value,
                unit=number.unit,
                category=category,
                event=event,
                rating=rating,
                status=status,
                approx=approx,
                year=year,
                period_start=period_start,
                as_of=as_of,
                subject=body.text if body else None,
                start=number.start,
                end=cand.end,
                of_total=number.of_total,
                time=time,
                body=body,
                weak=weak,
                part=share,
            )
        )
    return out


def _action_between(text: str, start: int, end: int) -> bool:
    """An action verb (not a stock word) other than admitting stands between ``start`` and
    ``end``: "chỉ tiêu kỷ luật 5 đảng viên" is no quota of admissions."""
    return any(
        event not in ("total", "admitted")
        for event, _s, _e in _find_all(_events()["before"], text, start, end)
    )


def _lent_event(parent: Quantity | None, lender, category: str) -> str | None:
    whole = lender(category) if lender is not None and parent is not None else parent
    return whole.event if whole is not None and whole.event != "total" else None


def _subset_parent(
    sentence: str, out: list[Quantity], start: int, category: str | None = None
) -> Quantity | None:
    """The figure a "trong đó" list before ``start`` breaks down, when it did something: the
    latest whole figure before "trong đó", of the same category if one is ("thành lập 34
    tổ chức đảng và kết nạp 500 đảng viên; trong đó 2 tổ chức đảng"), never one inside an
    aside of its own ("(giảm 69 so với năm 2017)")."""
    events = _events()
    subsets = list(events["subset"].finditer(sentence, 0, start))
    if not subsets:
        return None
    at = subsets[-1].start()
    parents = [
        q for q in out if q.end <= at and not q.part and not _inside_parentheses(sentence, q.start)
    ]
    same = [q for q in parents if q.category == category]
    parents = same or parents
    if not parents or parents[-1].event == "total" or (";" in sentence[at:start] and not same):
        return None
    return parents[-1]


_AMONG = re.compile(r"(?<!\w)trong\s+số(?!\s+đó)(?!\w)", re.IGNORECASE)


def _among_event(text: str, start: int, taken) -> str | None:
    """ "Trong số các đảng viên được tặng huy hiệu dịp này có 7 ...": the group's verb."""
    among = list(_AMONG.finditer(text, 0, start))
    if not among:
        return None
    return _first_after(text, among[-1].end(), start, taken)


def _list_head(text: str, c_start: int) -> int | None:
    """Where the head of a list ends ("... là: A (14), B (11)"), when the clause is an item
    of one: a colon before the clause, with no ";" closing the list in between."""
    if not c_start:
        return None
    colon = text.rfind(":", 0, c_start)
    if colon < 0:
        return None
    return colon


def _nearest_action(text: str, start: int, end: int, taken, category: str) -> _Trigger | None:
    """The nearest trigger before ``end`` that is an action, not a stock word."""
    events = _events()
    found = None
    for event, s, e in _find_all(events["before"], text, start, end):
        if event == "total" or _blocked(taken, s, e):
            continue
        if events["applies"][event] and category not in events["applies"][event]:
            continue
        found = _Trigger(event, s, e, False)
    return found


def _elliptic_event(text: str, out: list[Quantity], start: int, category: str) -> str | None:
    """The event of the list item before this one when this one has no verb of its own:
    items separated by ";" with a name and a figure each."""
    if not out:
        return None
    previous = out[-1]
    between = text[previous.end : start]
    if (
        previous.category != category
        or previous.weak
        or previous.event in ("total", "rated")
        or ";" not in between
        or re.search(r"\d", between)
        or any(True for _ in _find_all(_events()["before"], text, previous.end, start))
    ):
        return None
    return previous.event


def _body_for(sentence: str, bodies, taken, start: int, end: int):
    """The body a figure belongs to: one attached right after its counted phrase ("132 đảng
    viên tại quận 10", "68 đảng bộ trực thuộc Trung ương"), else the nearest before it in the
    sentence. A body named inside an official's title is returned marked ``official``: the
    paragraph's and the article's body come before it."""
    attach = party_bodies.attachment()
    for body in bodies:
        if body.end <= end or _blocked([t for t in taken if t[0] >= end], body.start, body.end):
            continue
        if body.start < end or attach.fullmatch(sentence, end, body.start):
            return body
        break
    # a body inside an aside ("(thị xã Hoàng Mai)", "(thôn A, thôn B)") is not the subject of
    # a figure outside it
    outside = not _inside_parentheses(sentence, start)
    before = [
        b
        for b in bodies
        if b.end <= start
        and not b.venue
        and not _blocked(taken, b.start, b.end)
        and not (outside and _inside_parentheses(sentence, b.start))
    ]
    plain = [b for b in before if not b.official]
    if plain:
        return plain[-1]
    return before[-1] if before else None


def _time_for(times, c_start: int, c_end: int, pos: int, carried):
    # "đi dự Đại hội ... lần thứ XIII của Đảng" names the congress, not the figure's year
    times = [t for t in times if t.dates_figures]
    in_clause = [t for t in times if t.start >= c_start and t.end <= c_end]
    before = [t for t in in_clause if t.end <= pos]
    if before:
        return before[-1]
    after = [t for t in in_clause if t.start >= pos]
    if after:
        return after[0]
    earlier = [t for t in times if t.end <= pos]
    if earlier:
        return earlier[-1]
    return carried
