"""Vietnamese publication dates: day first, ``SA``/``CH`` for AM/PM, weekday names and
``(GMT+7)`` around them, ISO timestamps from metadata.

    >>> parse("04/11/2009 9:07:40 SA")
    datetime.datetime(2009, 11, 4, 9, 7, 40)
    >>> parse("Cập nhật lúc 05:37, Thứ Năm, 08/04/2021 (GMT+7)")
    datetime.datetime(2021, 4, 8, 5, 37)
    >>> parse("Ngày 11.7", year=2013)
    datetime.datetime(2013, 7, 11, 0, 0)
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from itertools import islice

from . import ruleset as rules

_ISO = re.compile(
    r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[T ](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)
_DMY = re.compile(
    r"(?<!\d)(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>(?:19|20)\d{2}|\d{2})(?![\d/])"
)
_DM = re.compile(
    r"(?:ngày|hôm)\s+(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})(?![\d/.-]*\d)", re.IGNORECASE
)
_LONG = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>(?:19|20)\d{2})", re.IGNORECASE
)
_TIME = re.compile(
    r"(?<!\d)(?P<H>\d{1,2})\s*[:h]\s*(?P<M>\d{2})(?:\s*:\s*(?P<S>\d{2}))?(?:\s*'?\s*(?P<ampm>SA|CH|AM|PM)\b)?",
    re.IGNORECASE,
)
_NOISE = re.compile(r"\(?\s*GMT\s*[+-]\s*\d{1,2}(?::?\d{2})?\s*\)?|\[\s*GMT[^\]]*\]", re.IGNORECASE)


def _build(y: int, m: int, d: int, clock: re.Match[str] | None) -> datetime | None:
    if y < 100:
        y += 2000
    hour = minute = second = 0
    if clock:
        hour, minute = int(clock["H"]), int(clock["M"])
        second = int(clock.groupdict().get("S") or 0)
        ampm = (clock.groupdict().get("ampm") or "").upper()
        if ampm in ("CH", "PM") and hour < 12:
            hour += 12
        elif ampm in ("SA", "AM") and hour == 12:
            hour = 0
    try:
        return datetime(y, m, d, hour, minute, second)
    except ValueError:
        return None


def parse(text: str | None, year: int | None = None) -> datetime | None:
    """The first date in ``text``, day first; ``year`` completes a day-month date."""
    if not text:
        return None
    text = _NOISE.sub(" ", text)
    iso = _ISO.search(text)
    if iso:
        return _build(int(iso["y"]), int(iso["m"]), int(iso["d"]), iso if iso["H"] else None)
    for pattern in (_LONG, _DMY):
        found = pattern.search(text)
        if found:
            rest = text[: found.start()] + " " + text[found.end() :]
            return _build(int(found["y"]), int(found["m"]), int(found["d"]), _TIME.search(rest))
    found = _DM.search(text)
    if found and year:
        return _build(year, int(found["m"]), int(found["d"]), None)
    return None


def parse_loose(text: str | None) -> datetime | None:
    """dateparser, Vietnamese and day first, for date forms ``parse`` does not know
    ("Đăng ngày 5 tháng 3, 2021"); only for text known to be a date, such as a site's
    date element: on running text it would find dates everywhere."""
    if not text:
        return None
    import dateparser

    cleaned = _LABEL_AT_START.sub("", _NOISE.sub(" ", text))
    try:
        return dateparser.parse(
            cleaned, languages=["vi"], settings={"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past"}
        )
    except Exception:  # dateparser raises on odd input; the date stays unknown
        return None


def parse_day(text: str | None, year: int | None = None) -> date | None:
    stamp = parse(text, year)
    return stamp.date() if stamp else None


# The words a page or a text puts before its publication date.
LABEL = (
    r"(?:ngày\s+đăng|đăng\s+ngày|ngày\s+xuất\s+bản|thời\s+gian\s+đăng|cập\s+nhật(?:\s+lúc)?|"
    r"ngày\s+cập\s+nhật|đăng\s+lúc)"
)
_LABEL_AT_START = re.compile(r"^\W*" + LABEL + r"\s*:?\s*", re.IGNORECASE)


# --- Printed datelines of .txt articles (rules/datelines.yaml) ---------------------------
#
# A line is cut into tokens (date, time, weekday, time zone, label, view counter, category,
# source tag, word, number, separator); it is a dateline when one full date sits in a run
# of stamp tokens and what is around that run is only what sites print beside a date
# (bylines, a source tag, a category, a view counter). Two looser shapes come from text
# flattened out of a page: a stamp with more than a date followed by the lead, after its
# source tag or a dash ("Thứ Năm, 08/10/2015, 07:55 [GMT+7] (QBĐT) - Sau ..."), and the
# headline followed by a labelled or time-zoned stamp on the same line.

_STAMP_KINDS = frozenset({"date", "time", "weekday", "tz", "label", "views", "sep"})
_AROUND_KINDS = frozenset({"sep", "name", "cat", "tag", "views", "byword"})
_NAME_BREAKS = frozenset("-–—|,;/")
_DASHES = ("-", "–", "—")
_AROUND = 80  # characters read on each side of the dates of a line
# A cheap first look (a superset of the dates the tokenizer reads): only the lines that
# hold one are cut into tokens, and only around it.
_MAYBE_DATE = re.compile(r"\d\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d\d|\d\s+tháng\s+\w", re.IGNORECASE)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    value: object = None  # the date of a date token, the label's kind for a label


@dataclass(frozen=True)
class _Dateline:
    day: date
    label: str | None  # publish, update, plain, today or None


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(re.findall(r"[^\W_]+", phrase.casefold()))


class _Grammar:
    """The dateline tokenizer, compiled once from rules/datelines.yaml. A regex cuts the
    line into dates, times, time zones, counters, tags, words, numbers and separators; the
    vocabulary's phrases (labels, weekdays, categories, byline words) are then joined from
    the words by lookup, which keeps the regex small and fast."""

    def __init__(self, spec: dict) -> None:
        self.window: int = spec["window"]
        self.openers = {_flat(w) for w in spec["sentence_openers"]}
        self.max_words: int = spec["byline_max_words"]
        self.max_names: int = spec["byline_max_names"]
        self.max_words_bare: int = spec["byline_max_words_unmarked"]
        self.vocab: dict[tuple[str, ...], tuple[str, str | None]] = {}
        for kind, words in spec["labels"].items():
            self.vocab.update((_words(w), ("label", kind)) for w in words)
        for key, kind in (
            ("weekdays", "weekday"),
            ("categories", "cat"),
            ("byline_words", "byword"),
            ("page_words", "byword"),
        ):
            self.vocab.update((_words(w), (kind, None)) for w in spec[key])
        self.starts = {key[0] for key in self.vocab}
        self.longest = max(len(key) for key in self.vocab)
        # Ordered for speed: white space and words, the most frequent tokens, are tried
        # first (after the counters, which begin with words, and with no word taken for a
        # time zone); then what starts with a digit; then punctuation.
        self.months = {_flat(w): n for w, n in spec["month_names"].items()}
        month_words = "|".join(
            r"\s+".join(w.split()) for w in sorted(spec["month_names"], key=len, reverse=True)
        )
        not_zone = r"(?!(?:GMT|UTC|G\dT|ICT)(?!\w))"
        parts = {
            "space": r"\s+",
            "views": spec["views"],
            "domain": r"[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov|info)(?![\w.])",
            "word": not_zone + r"[^\W\d_][\w'’]*(?:\.[^\W\d_][\w'’]*)*",
            "iso": r"(?<!\d)(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"
            r"(?:[T ]\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?(?![\d-])",
            # A month in figures needs "," or "năm" before the year; one in words may
            # be followed by the year straight away ("21 Tháng Bảy 2011").
            "long": r"(?<!\d)(?P<ld>\d{1,2})\s+tháng\s+(?:(?P<lm>\d{1,2})\s*(?:,|năm)|"
            rf"(?P<lw>{month_words})(?!\w)\s*(?:,|năm)?)\s*(?P<ly>(?:19|20)\d{{2}})(?!\d)",
            "dmy": r"(?<![\d/.])(?<!\d[-–])(?P<d>\d{1,2})\s*(?P<s>[/.-])\s*(?P<m>\d{1,2})\s*"
            r"(?P=s)\s*(?P<y>(?:19|20)\d{2}|\d{2})(?!\d|[/.-]\d)",
            "time": r"(?<![\d:.])(?P<H>\d{1,2})\s*(?::|h|giờ)\s*(?P<M>[0-5]\d)"
            r"(?:\s*:\s*(?P<S>[0-5]\d))?(?:\s*(?P<ap>SA|CH|AM|PM)(?!\w))?(?![\d:])",
            "num": r"\d+",
            "tz": "|".join(f"(?:{z})" for z in spec["time_zones"]),
            "tag": r"\(\s*[^\W\d_][^()\d]{0,30}\)",
            "sep": r"[^\w\s]|_",
        }
        self.pattern = re.compile(
            "|".join(f"(?P<{name}>{regex})" for name, regex in parts.items()), re.IGNORECASE
        )

    def tokens(self, line: str) -> list[_Token]:
        raw = []
        for match in self.pattern.finditer(line):
            kind = match.lastgroup or "sep"
            text = match.group(kind)
            value: object = None
            if kind in ("iso", "long", "dmy"):
                value = _day_of(match, kind, self.months)
                kind = "date"
            elif kind == "domain":
                kind = "name"  # a source: "Nguồn: baotinh.vn"
            elif kind == "space" or (kind == "tag" and not text.strip("( ")[:1].isupper()):
                kind = "sep"  # "(ảnh minh họa)" is no source tag
            raw.append(_Token(kind, text, value))
        return self._join_phrases(raw)

    def _join_phrases(self, raw: list[_Token]) -> list[_Token]:
        found: list[_Token] = []
        i = 0
        while i < len(raw):
            token = raw[i]
            if token.kind not in ("word", "num"):
                found.append(token)
                i += 1
                continue
            phrase = self._phrase_at(raw, i, found)
            if phrase:
                kind, value, end = phrase
                found.append(_Token(kind, "".join(t.text for t in raw[i:end]), value))
                i = end
                continue
            upper = token.kind == "word" and token.text[:1].isupper()
            found.append(_Token("name" if upper else "bad", token.text))
            i += 1
        return found

    def _phrase_at(
        self, raw: list[_Token], i: int, before: list[_Token]
    ) -> tuple[str, str | None, int] | None:
        """The longest vocabulary phrase starting at raw[i]: its kind, value and end."""
        if raw[i].text.casefold() not in self.starts:
            return None
        words: list[str] = []
        ends: list[int] = []
        j = i
        while j < len(raw) and len(words) < self.longest:
            token = raw[j]
            if token.kind in ("word", "num"):
                words.append(token.text.casefold())
                ends.append(j + 1)
            elif token.kind != "sep" or not (token.text.isspace() or token.text in "-–"):
                break
            j += 1
        for n in range(len(words), 0, -1):
            entry = self.vocab.get(tuple(words[:n]))
            if entry is None:
                continue
            previous = next((t for t in reversed(before) if t.kind != "sep"), None)
            if entry[0] == "weekday" and previous and previous.text.casefold() == "lần":
                return None  # "lần thứ ba" is "the third time", no weekday
            return entry[0], entry[1], ends[n - 1]
        return None


_DATE_GROUPS = {"iso": ("iy", "im", "id"), "long": ("ly", "lm", "ld"), "dmy": ("y", "m", "d")}


def _day_of(match: re.Match[str], kind: str, months: dict[str, int]) -> date | None:
    y, m, d = _DATE_GROUPS[kind]
    year = int(match[y])
    if year < 100:
        year += 2000
    month = int(match[m]) if match[m] else months[_flat(match["lw"])]
    try:
        return date(year, month, int(match[d]))
    except ValueError:  # 31/02: a date that does not exist is no date
        return None


@cache
def _grammar() -> _Grammar:
    return _Grammar(rules.load("datelines"))


def _solid(tokens: list[_Token]) -> list[_Token]:
    return [t for t in tokens if t.kind != "sep"]


def _bylines_fit(tokens: list[_Token], g: _Grammar) -> bool:
    """Only bylines, source tags, categories and view counters; names in at most a few
    groups of a few words, and no sentence opener ("Sáng 20/6/2019") in front."""
    if any(t.kind not in _AROUND_KINDS for t in tokens):
        return False
    solid = _solid(tokens)
    if solid and solid[0].kind == "name" and _flat(solid[0].text) in g.openers:
        return False
    groups, words = 0, 0
    for token in tokens:
        if token.kind == "name":
            if words == 0:
                groups += 1
            words += 1
            if words > g.max_words:
                return False
        elif token.kind != "sep" or _NAME_BREAKS & set(token.text):
            words = 0
    return groups <= g.max_names


def _unmarked_name_fits(prefix: list[_Token], stamp: list[_Token], g: _Grammar) -> bool:
    """Names run straight into the date, with no "|" or "-" between ("Hội Nghị Tổng Kết
    20/12/2019"), are a headline; a byline so written ("MINH TÂM 26/07/2016 15:48") is
    short and its stamp carries more than the date."""
    if len(prefix) < 2 or prefix[-1].text.strip() or prefix[-2].kind != "name":
        return True
    words = 0
    for token in reversed(_solid(prefix)):
        if token.kind != "name":
            break
        words += 1
    kinds = {t.kind for t in stamp}
    return words <= g.max_words_bare and bool(kinds & {"time", "weekday", "tz", "label"})


def _lead_follows(suffix: list[_Token], stamp: list[_Token]) -> bool:
    """The lead right after the stamp, after its source tag ("(QBĐT) - ...", "VOV.VN -
    ...") or a dash (" - Sáng nay ..."; not after "Lúc 15:00 ngày ...", an event's time)."""
    solid = _solid(suffix)
    if not solid:
        return False
    first = solid[0]
    if first.kind == "tag":
        return True
    if any(t.text in _DASHES for t in suffix[:2]):
        return not (stamp[0].kind == "label" and stamp[0].value == "plain")
    if first.kind != "name" or not first.text.isupper() or len(first.text) < 2:
        return False
    after = suffix[suffix.index(first) + 1 :]
    return any(t.text.strip() in _DASHES for t in after[:2])


def _primary(tokens: list[_Token]) -> int | None:
    """The index of the date the line gives: the only date, or on a line with several
    labelled ones the publication date. Unlabelled extra dates make a range: none."""
    dates: list[tuple[int, str | None]] = []
    label: str | None = None
    for i, token in enumerate(tokens):
        if token.kind == "label" and (label is None or token.value != "plain"):
            label = str(token.value)
        elif token.kind == "date":
            dates.append((i, label))
            label = None
        elif token.kind in ("name", "bad", "cat", "tag"):
            label = None
    if not dates:
        return None
    if any(kind not in ("publish", "update", "today") for _, kind in dates[1:]):
        return None
    publish = [i for i, kind in dates if kind == "publish"]
    return publish[0] if publish else dates[0][0]


def _read(line: str, g: _Grammar) -> _Dateline | None:
    """The dateline one line states, or None."""
    spans = [m.span() for m in _MAYBE_DATE.finditer(line)]
    if not spans:
        return None
    # Only the text around the dates is cut into tokens; what lies further off makes the
    # line a sentence or a headline, which only the two looser shapes allow.
    start, end = max(0, spans[0][0] - _AROUND), min(len(line), spans[-1][1] + _AROUND)
    space = line.find(" ", start)
    if start > 0 and space < spans[0][0]:
        start = max(space, start)  # from a word's start
    tokens = g.tokens(line[start:end])
    if start > 0:
        tokens.insert(0, _Token("bad", line[:start]))
    cut = end < len(line)
    at = _primary(tokens)
    if at is None or tokens[at].value is None:
        return None
    lo, hi = at, at + 1
    while lo > 0 and tokens[lo - 1].kind in _STAMP_KINDS:
        lo -= 1
    while hi < len(tokens) and tokens[hi].kind in _STAMP_KINDS:
        hi += 1
    while tokens[lo].kind == "sep":  # the separators at its edges belong around the stamp
        lo += 1
    while tokens[hi - 1].kind == "sep":
        hi -= 1
    prefix, stamp, suffix = tokens[:lo], _solid(tokens[lo:hi]), tokens[hi:]
    kinds = {t.kind for t in stamp}
    labels = {t.value for t in stamp if t.kind == "label"}
    label = next((t.value for t in stamp if t.kind == "label" and t.value != "plain"), None)
    if stamp[0].kind == "label" and _flat(stamp[0].text) == "ngày" and _solid(prefix):
        return None  # "Hà Nội, ngày 8 tháng 12 năm 2019": a place's or an event's date
    marked = "tz" in kinds or bool(labels & {"publish", "update"})
    strong = marked or bool(kinds & {"time", "weekday"})
    clean_before = _bylines_fit(prefix, g) and _unmarked_name_fits(prefix, stamp, g)
    clean_after = not cut and _bylines_fit(suffix, g)
    if not (
        (clean_before and clean_after)
        or (clean_before and strong and _lead_follows(suffix, stamp))
        or (clean_after and marked and (stamp[0].kind == "label" or "tz" in kinds))
        # a page's stamp glued to the end of its headline when the page was flattened:
        # a full date then a clock time, unlabelled (an event's time comes first: "lúc")
        or (clean_after and [t.kind for t in stamp if t.kind != "sep"] == ["date", "time"])
    ):
        return None
    day = tokens[at].value
    return _Dateline(day, str(label) if label else None) if isinstance(day, date) else None


_STAMP_CHARS = re.compile(r"[\d/:.,;()\[\]\-–+|]")


def stamp_only(line: str) -> bool:
    """Whether a line is a dateline and nothing more ("Thứ bảy, 24/02/2024", "(Ngày đăng
    :04/11/2009 9:07:40 SA)"): a page's stamp above its headline, not the headline."""
    words = _STAMP_CHARS.sub(" ", line).split()
    return len(words) <= 6 and dateline([line]) is not None


def dateline(lines: Iterable[str] | str) -> date | None:
    """The publication date printed near the top of a text file: the dateline among its
    first non-empty lines (``(Ngày đăng :04/11/2009 9:07:40 SA)``, ``07:42, Thứ Tư,
    05/06/2024 (GMT+7)``, ``Thu Hà - 10:15 20/03/2023``...), or None. A date inside a
    sentence, a document's date, a date range or a date in the headline is not one.

    >>> dateline(["Trang chủ", "Tiêu đề bài", "Cập nhật lúc 10:29, Thứ Hai, 27/08/2018 (GMT+7)"])
    datetime.date(2018, 8, 27)
    >>> dateline(["Ngày 11/7/2019, Cụm thi đua tổ chức hội nghị."]) is None
    True
    """
    g = _grammar()
    if isinstance(lines, str):
        lines = lines.split("\n")
    texts = (line.strip() for line in lines if isinstance(line, str) and line.strip())
    top = islice(texts, g.window)
    found = [(i, d) for i, line in enumerate(top) if (d := _read(line, g))]
    if any(d.label == "publish" for _, d in found):
        return next(d.day for _, d in found if d.label == "publish")
    if any(d.label != "today" for _, d in found):
        found = [(i, d) for i, d in found if d.label != "today"]
    # The last stamp wins (a site header's "today" comes above the article's own date),
    # but an "updated" stamp right under the published one does not replace it.
    best: tuple[int, _Dateline] | None = None
    for i, d in found:
        if best is not None and d.label == "update" and i == best[0] + 1:
            continue
        best = (i, d)
    return best[1].day if best else None
