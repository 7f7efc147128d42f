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
from datetime import date, datetime

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

# A line that states when the article was published, near its top.
_DATELINE = re.compile(
    r"^\W*(?:" + LABEL + r"\s*:?\s*)?"
    r"(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?[\d\s/:.,()SACHPMGT+-]*$",
    re.IGNORECASE,
)


def dateline(lines: list[str]) -> date | None:
    """The publication date from a dateline among the first lines of a text file, such as
    ``(Ngày đăng :04/11/2009 9:07:40 SA)`` or ``Thứ Hai, 21/11/2026 - 08:15``."""
    for line in lines:
        stripped = line.strip()
        if stripped and _DATELINE.match(stripped) and _DMY.search(stripped):
            return parse_day(stripped)
    return None
