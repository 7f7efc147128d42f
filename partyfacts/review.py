"""Review and correct in Label Studio, and feed the corrections back as gold.

``partyfacts export DIR --format label-studio`` writes ``label-studio-tasks.json`` (one
task per stored article: its text, with every stored fact pre-annotated as a span whose
label is the category and whose fields are per-region choices and numbers) and
``label-studio-config.xml`` (the labeling interface to paste into the project settings).
``partyfacts review import EXPORT.json --out DIR`` reads Label Studio's JSON export back:
each reviewed task becomes a gold file in the ``../shared/gold`` format (``DIR/NAME.json``)
beside its text (``DIR/NAME.txt``), which ``partyfacts eval --gold DIR`` scores. The loop
extract → correct → measure → improve the rules is closed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from html import escape
from pathlib import Path
from typing import Any

from .schemas.vocabulary import APPROXES, CATEGORIES, EVENTS, RATINGS, STATUSES, UNITS

TASKS = "label-studio-tasks.json"
CONFIG = "label-studio-config.xml"
FILES = (TASKS, CONFIG)
# per-region fields: name -> (Label Studio tag type, its choices or None)
CHOICES = {"event": EVENTS, "unit": UNITS, "status": STATUSES, "rating": RATINGS,
           "approx": APPROXES}  # fmt: skip
NUMBERS = ("value", "year")
TEXTS = ("name", "titles")  # officials: one title per line


class ReviewError(ValueError):
    """A file that is not a Label Studio export of partyfacts tasks."""


def label_config() -> str:
    """The Label Studio labeling interface for partyfacts tasks."""
    labels = "\n".join(f'    <Label value="{escape(c)}"/>' for c in (*CATEGORIES, "official"))
    choices = "\n".join(
        f'    <Header value="{name}"/>\n    <Choices name="{name}" toName="text" perRegion="true" '
        f'choice="single" showInline="true">\n'
        + "\n".join(f'      <Choice value="{escape(v)}"/>' for v in values)
        + "\n    </Choices>"
        for name, values in CHOICES.items()
    )
    numbers = "\n".join(
        f'    <Header value="{name}"/>\n    <Number name="{name}" toName="text" perRegion="true"/>'
        for name in NUMBERS
    )
    texts = "\n".join(
        f'    <Header value="{name} (officials)"/>\n    <TextArea name="{name}" toName="text" '
        'perRegion="true" editable="true"/>'
        for name in TEXTS
    )
    return (
        "<View>\n  <Labels name=\"label\" toName=\"text\">\n" + labels + "\n  </Labels>\n"
        '  <Text name="text" value="$text" granularity="word"/>\n'
        '  <View visibleWhen="region-selected">\n' + choices + "\n" + numbers + "\n" + texts
        + "\n  </View>\n</View>\n"
    )  # fmt: skip


def _region(region_id: str, fact: dict, text: str, kind: str, value: dict) -> dict:
    return {
        "id": region_id, "from_name": kind, "to_name": "text",
        "type": {"label": "labels", **dict.fromkeys(CHOICES, "choices"),
                 **dict.fromkeys(NUMBERS, "number"), **dict.fromkeys(TEXTS, "textarea")}[kind],
        "value": {"start": fact["start"], "end": fact["end"], "text": text[fact["start"] : fact["end"]],
                  **value},
    }  # fmt: skip


def task(conn: sqlite3.Connection, article: sqlite3.Row) -> dict[str, Any]:
    """One Label Studio task: the article's text with its stored facts as predictions."""
    text = article["text"]
    result = []
    for q in conn.execute("SELECT * FROM quantities WHERE article_id = ? ORDER BY start",
                          (article["id"],)):  # fmt: skip
        region = f"q{q['id']}"
        result.append(_region(region, q, text, "label", {"labels": [q["category"]]}))
        for name in CHOICES:
            if q[name] is not None:
                result.append(_region(region, q, text, name, {"choices": [q[name]]}))
        for name in NUMBERS:
            if q[name] is not None:
                number = q[name]
                number = int(number) if float(number).is_integer() else number
                result.append(_region(region, q, text, name, {"number": number}))
    for o in conn.execute("SELECT * FROM officials WHERE article_id = ? ORDER BY start",
                          (article["id"],)):  # fmt: skip
        region = f"o{o['id']}"
        result.append(_region(region, o, text, "label", {"labels": ["official"]}))
        result.append(_region(region, o, text, "name", {"text": [o["name"]]}))
        result.append(_region(region, o, text, "titles", {"text": json.loads(o["titles"])}))
    return {
        "data": {
            "text": text, "article_id": article["id"], "doc": article["doc"], "url": article["url"],
            "title": article["title"], "published": article["published"],
            "province": article["province"],
        },
        "predictions": [{"model_version": article["rules_version"], "result": result}],
    }  # fmt: skip


def export(conn: sqlite3.Connection, directory: Path) -> int:
    """Write the tasks and the labeling config into ``directory``; returns the task count."""
    conn.row_factory = sqlite3.Row
    tasks = [task(conn, a) for a in conn.execute("SELECT * FROM articles ORDER BY id")]
    (directory / TASKS).write_text(
        json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    (directory / CONFIG).write_text(label_config(), encoding="utf-8")
    return len(tasks)


# -- back from Label Studio ----------------------------------------------------------------


def _latest_annotation(item: dict) -> list[dict] | None:
    """The result of a task's latest annotation that was not cancelled (None: unreviewed)."""
    annotations = [a for a in item.get("annotations") or [] if not a.get("was_cancelled")]
    if not annotations:
        return None
    latest = max(annotations, key=lambda a: (a.get("updated_at") or a.get("created_at") or "",
                                             a.get("id") or 0))  # fmt: skip
    return latest.get("result") or []


def gold_of(result: list[dict]) -> dict[str, list[dict]]:
    """Gold quantities and officials from one annotation's result (regions grouped by id)."""
    regions: dict[str, dict[str, Any]] = defaultdict(dict)
    order: list[str] = []
    for item in result:
        region = str(item.get("id"))
        value = item.get("value") or {}
        if region not in regions:
            order.append(region)
        fields = regions[region]
        fields.setdefault("_span", (value.get("start"), value.get("end"), value.get("text")))
        name, kind = item.get("from_name"), item.get("type")
        if kind == "labels" and value.get("labels"):
            fields["label"] = value["labels"][0]
        elif kind == "choices" and value.get("choices"):
            fields[name] = value["choices"][0]
        elif kind == "number" and value.get("number") is not None:
            fields[name] = value["number"]
        elif kind == "textarea" and value.get("text"):
            fields[name] = [t for line in value["text"] for t in str(line).split("\n") if t.strip()]
    quantities, officials = [], []
    for region in order:
        fields = regions[region]
        label = fields.get("label")
        start, end, text = fields["_span"]
        if label == "official":
            name = (fields.get("name") or [text or ""])[0]
            officials.append({"name": name, "titles": fields.get("titles") or []})
        elif label in CATEGORIES:
            fact = {"value": fields.get("value"), "unit": fields.get("unit", "count"),
                    "category": label, "event": fields.get("event"),
                    "status": fields.get("status", "actual"), "year": fields.get("year"),
                    "evidence": text, "start": start, "end": end}  # fmt: skip
            for name in ("rating", "approx"):
                if fields.get(name):
                    fact[name] = fields[name]
            quantities.append(fact)
    return {"quantities": quantities, "officials": officials}


def _name(data: dict, number: int) -> str:
    base = Path(str(data.get("doc") or "")).name
    base = re.sub(r"\.(txt|html?|gz)$", "", base) if base else ""
    if not base:
        base = f"article-{data.get('article_id') or number}"
    return re.sub(r"[^\w.-]+", "_", base)


def import_export(path: Path, out: Path) -> tuple[int, int]:
    """Label Studio's JSON export -> gold files (and texts) in ``out``. Returns (gold files
    written, tasks left out because nobody reviewed them)."""
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReviewError(f"{path}: not a Label Studio JSON export ({error})") from None
    if not isinstance(items, list) or not all(isinstance(i, dict) and "data" in i for i in items):
        raise ReviewError(f"{path}: not a Label Studio JSON export (a list of tasks with data)")
    out.mkdir(parents=True, exist_ok=True)
    written = unreviewed = 0
    for number, item in enumerate(items, 1):
        result = _latest_annotation(item)
        if result is None:
            unreviewed += 1
            continue
        data = item["data"]
        name = _name(data, number)
        gold = {"doc": name, "published": data.get("published"), "province": data.get("province"),
                **gold_of(result)}  # fmt: skip
        (out / f"{name}.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1),
                                          encoding="utf-8")  # fmt: skip
        (out / f"{name}.txt").write_text(data.get("text") or "", encoding="utf-8")
        written += 1
    return written, unreviewed
