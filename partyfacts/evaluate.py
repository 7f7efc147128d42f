"""Scoring extracted facts against gold files.

Gold files (one JSON per article, paired with the article by base name) list the expected
``quantities`` (value, unit, category, event, status, year) and ``officials`` (name,
titles). A list in a gold field means "any of these"; a field left out matches anything; a
fact marked ``optional`` is never counted missed and absorbs the predictions it matches.

* quantities core: category, unit, value; full: also event, status, year (per mention);
  scope: category, unit, value, scope (over the gold facts that carry a scope)
* officials core: name; full: (name, title) pairs, titles equal or one containing the other
  after normalization (NFC, tone style, case, abbreviations expanded).
* province (where gold has one: a name, a list of names, or null for "no single province"):
  F1 of precision over documents given a province and recall over gold provinces;
  dateline: the share of gold datelines that ``published`` equals.
These mirror ``../shared/eval/score.py``, so the project's own corpus is scored the same way
without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .extract import normalize

QUANTITY_FIELDS = {
    "core": ("category", "unit", "value"),
    "full": ("category", "unit", "value", "event", "status", "year"),
    "scope": ("category", "unit", "value", "scope"),
}
_ABBREVIATIONS = {
    "btv": "ban thường vụ", "bch": "ban chấp hành", "ubkt": "ủy ban kiểm tra",
    "hđnd": "hội đồng nhân dân", "ubnd": "ủy ban nhân dân", "mttq": "mặt trận tổ quốc",
    "tw": "trung ương", "tccsđ": "tổ chức cơ sở đảng", "btc": "ban tổ chức",
}  # fmt: skip
_ABBR_RE = re.compile(r"\b(" + "|".join(_ABBREVIATIONS) + r")\b")


def _norm(text: str | None) -> str:
    text = normalize.key(text or "")
    text = _ABBR_RE.sub(lambda m: _ABBREVIATIONS[m.group(1)], text)
    return " ".join(re.sub(r"[^\w%]+", " ", text).split())


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 2)
    except (TypeError, ValueError):
        return None


def _quantity_matches(gold: dict, pred: dict, level: str) -> bool:
    for name in QUANTITY_FIELDS[level]:
        if name not in gold:
            continue
        want, got = gold[name], pred.get(name)
        wanted = want if isinstance(want, list) else [want]
        if name == "value":
            wanted, got = [_number(v) for v in wanted], _number(got)
        if name == "status":
            got = got or "actual"
        if got not in wanted:
            return False
    return True


def _titles_match(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and (a == b or a in b or b in a)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _match(gold: list[tuple[Any, bool]], preds: list[Any], same) -> tuple[int, int, list, list]:
    left = list(preds)
    tp, missed = 0, []
    for item, optional in sorted(gold, key=lambda g: g[1]):  # required ones first
        hits = [p for p in left if same(item, p)]
        if optional:
            left = [p for p in left if p not in hits]
        elif hits:
            left.remove(hits[0])
            tp += 1
        else:
            missed.append(item)
    return tp, len(left), missed, left


def _officials(people: list[dict], level: str) -> list[tuple[tuple, bool]]:
    out = []
    for person in people:
        name = _norm(person.get("name"))
        optional = bool(person.get("optional"))
        if level == "core":
            out.append(((name, None), optional))
        else:
            out += [((name, title), optional) for title in person.get("titles") or []]
    return out


def doc_id(name: str) -> str:
    base = Path(name).name
    for suffix in (".gz", ".html", ".htm", ".txt", ".json"):
        base = base.removesuffix(suffix)
    return base


def score(gold: dict[str, dict], preds: dict[str, dict]) -> tuple[dict[str, float], list[str]]:
    """F1 per kind and level, the macro averages, and a list of what was missed/extra."""
    totals: dict[str, float] = {}
    notes: list[str] = []
    for kind, level in (("quantities", "core"), ("quantities", "full"), ("quantities", "scope"),
                        ("officials", "core"), ("officials", "full")):  # fmt: skip
        result = Score()
        for doc, g in sorted(gold.items()):
            p = preds.get(doc, {})
            if kind == "quantities":
                items = [(q, bool(q.get("optional"))) for q in g.get(kind, [])]
                if level == "scope":
                    if not any("scope" in q for q, _ in items):
                        continue  # this gold says nothing about scope
                    items = [(q, o) for q, o in items if "scope" in q]
                predicted = list(p.get(kind) or [])

                def same(a, b, level=level):
                    return _quantity_matches(a, b, level)
            else:
                items = _officials(g.get(kind, []), level)
                predicted = list(dict.fromkeys(i for i, _ in _officials(p.get(kind) or [], level)))

                def same(a, b):
                    return a[0] == b[0] and (a[1] is None or _titles_match(a[1], b[1]))

            tp, fp, missed, extra = _match(items, predicted, same)
            result.tp, result.fp, result.fn = (
                result.tp + tp,
                result.fp + fp,
                result.fn + len(missed),
            )
            for item in missed:
                notes.append(f"{doc} {kind}.{level} missed: {_short(item)}")
            for item in extra:
                notes.append(f"{doc} {kind}.{level} extra: {_short(item)}")
        if level != "scope" or result.tp + result.fp + result.fn:
            totals[f"{kind}.{level}"] = result.f1
    totals["core"] = (totals["quantities.core"] + totals["officials.core"]) / 2
    totals["full"] = (totals["quantities.full"] + totals["officials.full"]) / 2
    totals.update(_documents(gold, preds, notes))
    return totals, notes


def _documents(gold: dict[str, dict], preds: dict[str, dict], notes: list[str]) -> dict:
    """Province F1 and the dateline share, over the documents whose gold states them."""
    out: dict[str, float] = {}
    right = given = wanted = 0
    datelines = read = 0
    for doc, g in sorted(gold.items()):
        p = preds.get(doc, {})
        if "province" in g:
            want = g["province"] if isinstance(g["province"], list) else [g["province"]]
            got = p.get("province")
            wanted += any(w is not None for w in want)
            given += got is not None
            if got is not None and _norm(got) in {_norm(w) for w in want if w}:
                right += 1
            elif got is not None or None not in want:
                notes.append(f"{doc} province: want {want} got {got}")
        if g.get("dateline"):
            datelines += 1
            read += p.get("published") == g["dateline"]
    if wanted or given:
        precision = right / given if given else 1.0
        recall = right / wanted if wanted else 1.0
        out["province"] = (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
    if datelines:
        out["dateline"] = read / datelines
    return out


def _short(item: Any) -> str:
    if isinstance(item, dict):
        fields = QUANTITY_FIELDS["full"]
        return "/".join(str(item.get(f)) for f in fields if f in item)
    return " · ".join(str(part) for part in item if part)


def load_gold(directory: Path) -> dict[str, dict]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(Path(directory).glob("*.json"))
    }
