"""Numbers in Vietnamese news text: digits with ``.`` thousands and ``,`` decimals,
``nghìn``/``triệu`` multipliers, spelled-out numerals (``hai mươi lăm``, ``một trăm linh
năm``), percentages, ``X/Y`` forms and the approximation word before a number.

The vocabulary is ``rules/numbers.yaml``; this module is the small parser over it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from . import ruleset as rules


@dataclass(frozen=True)
class Number:
    value: float
    unit: str  # "count" | "percent"
    start: int  # span of the whole mention, approximation word included
    end: int
    number_start: int  # span of the figure alone
    approx: str | None = None
    of_total: float | None = None  # 662/686 -> value 662, of_total 686
    spelled: bool = False

    @property
    def text_value(self) -> float | int:
        return int(self.value) if float(self.value).is_integer() else self.value


# Dates and identifiers whose digits are not quantities: 31/3/2021, 8/2009, 11.7, 04-NQ/TU.
_DATE_LIKE = re.compile(
    r"(?<![\w/.-])(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{1,2}/\d{4}|[IV]+/\d{4})(?![\w/])"
)
_DIGITS = re.compile(
    r"(?<![\w.,/-])"
    r"(?P<num>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?|\d+\.\d{1,2}(?!\d))"
    r"(?:/(?P<total>\d{1,3}(?:\.\d{3})+|\d+))?"
    r"(?![\w/-]|[.,]\d)"
)


@cache
def _compiled():
    data = rules.load("numbers")
    spelled_words = (
        list(data["digit_words"]) + list(data["one_words"]) + list(data["after_tens"])
        + [data["ten_word"], data["tens_word"], data["hundred_word"]]
        + list(data["zero_link"]) + list(data["multipliers"])
    )  # fmt: skip
    word = "|".join(sorted(map(re.escape, spelled_words), key=len, reverse=True))
    spelled = re.compile(rf"(?<!\w)(?:{word})(?:\s+(?:{word}))*(?!\w)", re.IGNORECASE)
    multiplier = re.compile(
        r"\s*(?P<mult>" + "|".join(map(re.escape, data["multipliers"])) + r")(?!\w)",
        re.IGNORECASE,
    )
    percent = re.compile(
        r"\s*(?P<pct>" + rules.alternation(data["percent_words"]) + r")(?!(?<=\w)\w)",
        re.IGNORECASE,
    )
    approx_words = {w: kind for kind, words in data["approx"].items() for w in words}
    approx = re.compile(
        r"(?<!\w)(?P<approx>" + rules.alternation(list(approx_words)) + r")\s+$", re.IGNORECASE
    )
    return data, spelled, multiplier, percent, approx, approx_words


def parse_digits(token: str) -> float:
    """``1.154`` -> 1154, ``85,7`` -> 85.7, ``1.234.567`` -> 1234567."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", token):
        token = token.replace(".", "")
    elif re.fullmatch(r"\d+\.\d{1,2}", token):  # "1.5": a decimal point, English style
        return float(token)
    return float(token.replace(",", "."))


def parse_spelled(words: list[str]) -> int | None:
    """Value of a spelled-out numeral, or None when the words do not form one."""
    data = _compiled()[0]
    digits = {**data["digit_words"], **{w: 1 for w in data["one_words"]}}
    after_tens = data["after_tens"]
    multipliers = data["multipliers"]
    words = [w.lower() for w in words]
    if not words or not any(w in digits or w == data["ten_word"] for w in words):
        return None
    if words == data["one_words"][:1] or words[-1] in data["zero_link"]:
        return None  # "một" alone is an article, not a count
    total = current = 0
    last: int | None = None
    previous = None
    for word in words:
        if word in digits:
            if last is not None:
                return None  # two digits in a row: "hai ba" is not a numeral
            last = digits[word]
        elif word in after_tens:
            if previous not in (data["tens_word"], data["ten_word"]):
                return None
            last = after_tens[word]
        elif word == data["ten_word"]:
            current += 10
        elif word == data["tens_word"]:
            if last is None:
                return None
            current += last * 10
            last = None
        elif word == data["hundred_word"]:
            current += (1 if last is None else last) * 100
            last = None
        elif word in data["zero_link"]:
            if previous != data["hundred_word"]:
                return None
        elif word in multipliers:
            group = current + (last or 0)
            total += (group or 1) * multipliers[word]
            current, last = 0, None
        previous = word
    return total + current + (last or 0)


def _approx_before(text: str, start: int) -> tuple[str | None, int]:
    _, _, _, _, approx, approx_words = _compiled()
    window = text[max(0, start - 20) : start]
    match = approx.search(window)
    if not match:
        return None, start
    word = match.group("approx")
    kind = approx_words.get(" ".join(word.lower().split()))
    return kind, start - (len(window) - match.start())


def find(text: str) -> list[Number]:
    """Every number mention in ``text``, in order, with its unit and approximation."""
    _, spelled, multiplier, percent, _, _ = _compiled()
    masked = [False] * (len(text) + 1)
    for match in _DATE_LIKE.finditer(text):
        for i in range(match.start(), match.end()):
            masked[i] = True
    found: list[Number] = []
    candidates: list[tuple[int, int, float, float | None, bool]] = []
    for match in _DIGITS.finditer(text):
        if masked[match.start()]:
            continue
        value = parse_digits(match.group("num"))
        total = parse_digits(match.group("total")) if match.group("total") else None
        candidates.append((match.start(), match.end(), value, total, False))
    for match in spelled.finditer(text):
        spans = list(re.finditer(r"\S+", match.group(0)))
        # keep the longest prefix that is a numeral: "hai mươi năm" is 25 only if it
        # parses; otherwise "hai mươi" and "năm" (a year) part ways
        for size in range(len(spans), 0, -1):
            value = parse_spelled([s.group(0) for s in spans[:size]])
            if value is not None:
                end = match.start() + spans[size - 1].end()
                candidates.append((match.start(), end, float(value), None, True))
                break
    candidates.sort()
    for start, end, value, total, is_spelled in candidates:
        if found and start < found[-1].end:
            continue
        unit = "count"
        tail = multiplier.match(text, end)
        if tail and not is_spelled:
            value *= _compiled()[0]["multipliers"][tail.group("mult").lower()]
            end = tail.end()
        tail = percent.match(text, end)
        if tail:
            unit = "percent"
            end = tail.end()
        elif total is None and not value.is_integer() and not is_spelled:
            # "1,154 đảng viên": a fractional count with three decimals was written with an
            # English thousands comma
            raw = text[start:end]
            if re.fullmatch(r"\d{1,3},\d{3}", raw):
                value = float(raw.replace(",", ""))
        kind, mention_start = _approx_before(text, start)
        found.append(Number(value, unit, mention_start, end, start, kind, total, is_spelled))
    return found
