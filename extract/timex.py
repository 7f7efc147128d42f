"""Time expressions and the year a figure belongs to (FACTS.md, "Which year").

``find(text)`` returns the time expressions in a piece of text; each one resolves, given
the article's date, to ``(year, period_start, as_of)``. Patterns live in
``rules/time.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

from . import ruleset as rules

NOT_DATING = ("congress", "baseline", "personal")


@dataclass(frozen=True)
class TimeExpr:
    start: int
    end: int
    kind: str  # span | open_span | date | month | quarter | year | this_year | last_year |
    # past_term | congress (the national Party congress: the article's time, not a figure's) |
    # baseline (after "so với") | personal ("sinh năm"): times that date no figure

    @property
    def dates_figures(self) -> bool:
        """Whether a figure near this time may take it as its own."""
        return self.kind not in NOT_DATING

    year: int | None = None
    period_start: int | None = None
    month: int | None = None
    day: int | None = None
    count: int | None = None  # "5 năm qua": five years up to the article's year

    def resolve(
        self, article: date | None, plan: bool = False
    ) -> tuple[int | None, int | None, str | None]:
        """(year, period_start, as_of) for a figure in an article published on ``article``;
        a ``plan``'s span keeps its end (a target for the term is the term's)."""
        article_year = article.year if article else None
        if self.kind == "span":
            end = self.year
            # a span never ends after the article's date (FACTS.md rule 3)
            if (
                not plan
                and article_year
                and end
                and self.period_start
                and self.period_start <= article_year < end
            ):
                end = article_year
            return end, self.period_start, None
        if self.kind == "open_span":
            start = self.period_start
            if self.count is not None:
                start = article_year - self.count if article_year else None
            return article_year, start, None
        if self.kind == "this_year":
            return article_year, None, None
        if self.kind == "past_term":  # "nhiệm kỳ qua": the term that ends now
            if not article_year:
                return None, None, None
            return article_year, article_year - _term_years(), None
        if self.kind == "last_year":
            return (article_year - 1 if article_year else None), None, None
        as_of = f"{self.year:04d}" if self.year else None
        if self.kind == "date" and self.month and self.day:
            as_of = f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        elif self.kind == "month" and self.month:
            as_of = f"{self.year:04d}-{self.month:02d}"
        return self.year, None, as_of


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    return [
        (p["kind"], re.compile(p["regex"], re.IGNORECASE)) for p in rules.load("time")["patterns"]
    ]


@cache
def _comparison() -> re.Pattern[str]:
    data = rules.load("time")
    words = rules.alternation(data["not_after"])
    fillers = rules.alternation(data["not_after_fillers"])
    return re.compile(r"(?<!\w)(?:" + words + r")(?:\s+(?:" + fillers + r"))*\s*$", re.IGNORECASE)


@cache
def _term_years() -> int:
    return int(rules.load("time")["term_years"])


@cache
def _congresses() -> dict[str, int]:
    return {str(k).upper(): v for k, v in rules.load("time")["national_congresses"].items()}


@cache
def _compared() -> re.Pattern[str]:
    return re.compile(r"(?<!\w)so\s+(?:với|cùng\s+kỳ)(?!\w)", re.IGNORECASE)


@cache
def _personal() -> re.Pattern[str]:
    words = rules.alternation(rules.load("time")["personal"])
    return re.compile(r"(?<!\w)(?:" + words + r")\s*(?:năm\s+|ngày\s+)?$", re.IGNORECASE)


def _valid(kind: str, groups: dict[str, str | None]) -> bool:
    if groups.get("congress"):
        return groups["congress"].upper() in _congresses()
    if kind in ("date", "month"):
        month = int(groups["month"] or 0)
        if not 1 <= month <= 12:
            return False
        if kind == "date" and not 1 <= int(groups["day"] or 0) <= 31:
            return False
    if kind == "span":
        return int(groups["start"]) <= int(groups["end"])  # type: ignore[arg-type]
    return True


def find(text: str) -> list[TimeExpr]:
    """Non-overlapping time expressions in ``text``, in text order. Where two overlap the
    one whose pattern comes first in the rule file wins."""
    taken: list[TimeExpr] = []
    for pattern_kind, pattern in _patterns():
        for match in pattern.finditer(text):
            if any(match.start() < t.end and t.start < match.end() for t in taken):
                continue
            groups = match.groupdict()
            if not _valid(pattern_kind, groups):
                continue
            clause = max(text.rfind(mark, 0, match.start()) for mark in ",;()") + 1
            if _comparison().search(text, max(0, match.start() - 40), match.start()) or (
                _compared().search(text, clause, match.start())
            ):
                # "so với năm trước", "bằng 12% so với ... cuối năm 2018": a baseline, which
                # dates no figure (still a time: its digits are no count)
                kind = "baseline"
            elif _personal().search(text, max(0, match.start() - 30), match.start()):
                kind = "personal"  # "đồng chí A sinh năm 1936": a person's date
            else:
                kind = pattern_kind
            year = int(groups.get("end") or groups.get("year") or 0) or None
            if groups.get("congress"):  # "Đại hội XII của Đảng": the national congress's year
                year = _congresses().get(groups["congress"].upper())
            expr = TimeExpr(
                start=match.start(),
                end=match.end(),
                kind=kind,
                year=year,
                period_start=int(groups["start"]) if groups.get("start") else None,
                month=int(groups["month"]) if groups.get("month") else None,
                day=int(groups["day"]) if groups.get("day") else None,
                count=int(groups["count"]) if groups.get("count") else None,
            )
            taken.append(expr)
    return sorted(taken, key=lambda t: t.start)
