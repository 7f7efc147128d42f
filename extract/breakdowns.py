"""The parts of a figure whose noun is left out (FACTS.md "Breakdowns").

"kỷ luật 48 tổ chức đảng (khiển trách 34, cảnh cáo 14)": 34 and 14 count nothing by
themselves; they break 48 down, so they take its category, event, status, year and body.
A part is a number inside parentheses after the figure, or after a subset word ("trong
đó", "gồm", a colon) in its sentence, or in the next sentence of its paragraph when that
sentence opens with a continuation ("Hình thức: khiển trách 20, cảnh cáo 17"). A part's
label may name a rating ("hoàn thành tốt nhiệm vụ 102") or a body of its own. The
vocabulary is ``rules/breakdowns.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from typing import Any

from . import quantities
from . import ruleset as rules


def _bounded(alternation: str) -> str:
    return r"(?<!\w)(?:" + alternation + r")(?!\w)"


@cache
def _vocab() -> dict[str, Any]:
    data = rules.load("breakdowns")
    words = [w for w in data["subset_words"] if w != ":"]
    return {
        "subset": re.compile(_bounded(rules.alternation(words)) + "|:", re.IGNORECASE),
        "remaining": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["remaining_words"]) + r")\s*$", re.IGNORECASE
        ),
        "opener": re.compile(
            r"^\W*(?:" + rules.alternation(data["continuation_openers"]) + r")(?!\w)", re.I
        ),
        "item_end": re.compile(
            r"(\s*(?:" + rules.alternation(data["group_words"]) + r")?)(?:\s*trở\s+lên)?"
            r"\s*(?:[,;.)(]|$|và\s)",
            re.IGNORECASE,
        ),
        "not_part": re.compile(_bounded(rules.alternation(data["not_parts"])) + r"\s*$", re.I),
        "not_part_any": re.compile(_bounded(rules.alternation(data["not_parts"])), re.I),
        "plan": re.compile(_bounded(rules.alternation(data["plan_words"])), re.I),
        "family": {c: name for name, cats in data["families"].items() for c in cats},
    }


def lender(
    category: str, parent: quantities.Quantity | None, recent: list[quantities.Quantity]
) -> quantities.Quantity | None:
    """The figure a part of ``category`` in a continuing sentence breaks down: ``parent``
    when it counts the same family of things, else the newest such figure among ``recent``
    ("thành lập 12 tổ chức đảng, kết nạp 1.500 đảng viên. Trong đó, 2 tổ chức đảng ...":
    the organizations are the founded ones); None when no figure before counts them."""
    if parent is None:
        return None
    family = _vocab()["family"]
    kind = family.get(category)
    if kind is None or family.get(parent.category) in (None, kind):
        return parent
    return next((q for q in reversed(recent) if family.get(q.category) == kind), None)


def continues(sentence: str) -> bool:
    """Whether the sentence goes on breaking down the figure before it."""
    return bool(_vocab()["opener"].search(sentence))


def inherit(
    fact: quantities.Quantity,
    parent: quantities.Quantity,
    recent: list[quantities.Quantity] = (),
) -> quantities.Quantity:
    """A figure in a sentence that goes on breaking down ``parent`` ("Trong đó, có 64 đảng
    viên ...") takes its event and status when its own came only from a stock word (from
    the figure of its own kind: see ``lender``), and its time and body when it names none."""
    if parent.unit != "count":
        return fact
    changes: dict = {}
    whole = lender(fact.category, parent, list(recent))
    if whole is None or whole.unit != "count":
        pass  # another kind of thing: no part of it, its own event stands
    elif fact.weak and whole.event != "total" and fact.unit == "count":
        changes.update(event=whole.event, rating=whole.rating, status=whole.status)
    elif whole.status == "target" and fact.status != "target":
        changes.update(status="target")  # "Phấn đấu ... Cụ thể: thành phố A kết nạp 600"
    # a share in such a sentence ("Trong đó, đảng viên tốt nghiệp THPT chiếm hơn 80%") is
    # of the same figure: its time and body too
    if fact.time is None:
        changes.update(year=parent.year, period_start=parent.period_start, as_of=parent.as_of)
    if fact.body is None and parent.body is not None:
        changes.update(body=parent.body, subject=parent.subject)
    return replace(fact, **changes) if changes else fact


def whole_for(sentence: str, recent: list[quantities.Quantity]) -> quantities.Quantity | None:
    """Among the latest whole figures (newest last), the newest that is at least as large as
    every count in ``sentence``: the figure the sentence's parts can belong to."""
    counts = [n.value for n in quantities.find_numbers(sentence) if n.unit == "count"]
    if not counts:
        return None
    largest = max(counts)
    return next((q for q in reversed(recent) if q.value >= largest), None)


# "... Tam Kỳ 150 đảng viên mới; Hội An 110; Điện Bàn 95": an item of a list that names a
# place or body and its figure, the noun left out
_SIBLING = re.compile(
    r"[^\S\n]*(?:[^\w\s]\S*)?[^\S\n]*[;,][^\S\n]*"
    r"(?:(?:thành phố|thị xã|huyện|quận|xã|phường|thị trấn|Đảng bộ|Chi bộ|Công an|Quân sự)\s+)?"
    r"[A-ZÀ-ỸĐ][\w'’-]*(?:\s+[\w'’-]+){0,4}\s+"
)


# "... 40 đảng viên trình độ đại học; cao đẳng 19; trung cấp 30": after a part that names
# its label, an item of a lower-case label (a few words) and its figure, the noun left out
_LABEL_SIBLING = re.compile(
    r"[^;,.()\d]{0,60}[;,][^\S\n]*[a-zà-ỹđ][\w'’-]*(?:[^\S\n]+[a-zà-ỹđ][\w'’-]*){0,3}[^\S\n]+"
)


def _open_paren(gap: str) -> bool:
    return gap.count("(") > gap.count(")")


def _closed_aside(sentence: str, fact: quantities.Quantity, upto: int) -> bool:
    """``fact`` stands in parentheses that close before ``upto``."""
    opened = sentence.rfind("(", 0, fact.start)
    if opened < 0 or sentence.rfind(")", 0, fact.start) > opened:
        return False
    return 0 <= sentence.find(")", fact.end, upto) < upto


def children(
    sentence: str,
    facts: list[quantities.Quantity],
    masked: list[tuple[int, int]],
    carried: quantities.Quantity | None,
    bodies: list = (),
) -> list[quantities.Quantity]:
    """The parts in one sentence of the figures in ``facts`` (that sentence's quantities,
    in order) or of ``carried``, the last figure of the sentence before it; ``bodies`` are
    the sentence's bodies (a part may name its own)."""
    vocab = _vocab()
    inherited = carried if carried is not None and continues(sentence) else None
    taken = [(f.start, f.end) for f in facts] + masked
    out: list[quantities.Quantity] = []
    for number in quantities.find_numbers(sentence):
        if any(number.start < e and s < number.end for s, e in taken):
            continue
        # a comparison in an aside that closed before the number is not what it breaks down:
        # "kỷ luật 320 đảng viên (giảm 40 ...) bằng các hình thức: khiển trách 210" is 320's
        before = [
            f
            for f in facts
            if f.end <= number.start and not f.part and not _closed_aside(sentence, f, number.start)
        ]
        if number.unit == "count" and before and before[-1].unit != "count":
            # "kết nạp 215 đảng viên, đạt 107,5% chỉ tiêu; trong đó nữ 98": the share of the
            # plan is said of 215, which the counts after it break down
            before = [f for f in before if f.unit == "count"] or before
        parent = before[-1] if before else inherited
        if parent is None:
            continue
        gap_start = parent.end if before else 0
        gap = sentence[gap_start : number.start]
        in_parentheses = _open_paren(gap)
        previous_item = max([*out, *before], key=lambda f: f.end, default=None)
        sibling = (
            previous_item is not None
            and previous_item.unit == number.unit == "count"
            and (
                _SIBLING.fullmatch(sentence, previous_item.end, number.start) is not None
                or (
                    # only inside a breakdown: the item before is a part, or follows a
                    # subset word, or the sentence goes on breaking a figure down
                    (
                        previous_item.part
                        or inherited is not None
                        or vocab["subset"].search(sentence, 0, previous_item.start) is not None
                    )
                    and _LABEL_SIBLING.fullmatch(sentence, previous_item.end, number.start)
                    is not None
                )
            )
        )
        if not (
            in_parentheses or vocab["subset"].search(gap) or (not before and inherited) or sibling
        ):
            continue
        if any(
            f.start > gap_start
            and f.end <= number.start
            and not f.part
            and not _closed_aside(sentence, f, number.start)
            and not (number.unit == "count" and f.unit != "count")
            for f in facts
        ):
            continue  # another figure stands between: its own parts are its business
        item = vocab["item_end"].match(sentence, number.end)
        if not item:
            continue
        label_start = max(sentence.rfind(sep, 0, number.start) for sep in ",;:(") + 1
        label = sentence[label_start : number.start]
        only_sibling = not (in_parentheses or vocab["subset"].search(gap) or inherited)
        if only_sibling and vocab["not_part_any"].search(label):
            continue  # "..., tuổi bình quân 45": a label item that is no part
        if vocab["not_part"].search(label) or re.search(
            r"(?<!\w)(?:tăng|giảm|so với)(?!\w)", label
        ):
            continue
        previous = max([*out, *before] or [parent], key=lambda f: f.end)
        opened = sentence.rfind("(", 0, number.start)
        planned = vocab["plan"].search(label) or (
            # "vượt chỉ tiêu Nghị quyết đề ra (95%)": the plan is named right before the aside
            label.strip() == "" and vocab["plan"].search(sentence, max(0, opened - 40), opened)
        )
        if in_parentheses and planned and previous.unit == number.unit:
            # "đạt 89,6% (chỉ tiêu Nghị quyết đề ra là 85%)": the plan beside the actual
            out.append(
                replace(previous, value=number.text_value, approx=number.approx, status="target",
                        start=number.start, end=number.end, of_total=None, part=True)
            )  # fmt: skip
            taken.append((number.start, number.end))
            continue
        if number.unit == "percent":
            if not in_parentheses or previous.unit != "count":
                continue  # a share stands in parentheses after the count it divides
            base = previous
        else:
            base = parent
            if parent.unit != "count":
                continue
        event, rating = base.event, base.rating
        rated = [r for r, s, _ in quantities.find_ratings(label)]
        if rated:
            event, rating = "rated", rated[0]
        elif vocab["remaining"].search(label):
            event, rating = "total", None
        end = number.end + len(item.group(1).rstrip())
        own = [b for b in bodies if gap_start <= b.start and b.end <= number.start]
        part = replace(
            base,
            value=number.text_value,
            unit=number.unit,
            event=event,
            rating=rating,
            approx=number.approx,
            start=number.start,
            end=end,
            of_total=number.of_total,
            part=True,
            body=own[-1] if own else base.body,
            subject=own[-1].text if own else base.subject,
        )
        out.append(part)
        taken.append((number.start, end))
    return out
