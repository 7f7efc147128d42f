"""Printing rows: a readable table, or CSV, JSON, JSON Lines."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl")


def _cell(value: Any, width: int | None, grouped: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if grouped and isinstance(value, int):
        value = f"{value:,}"
    text = " ".join(str(value).split())
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def write(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str = "table",
    out: TextIO | None = None,
    widths: dict[str, int] | None = None,
    grouped: Sequence[str] = ("value",),
    count: bool = True,
) -> None:
    out = out or sys.stdout
    if fmt == "json":
        json.dump([{c: r.get(c) for c in columns} for r in rows], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row.get(c) is None else row.get(c) for c in columns])
    else:
        widths = widths or {}
        table = [list(columns)] + [
            [_cell(r.get(c), widths.get(c), c in grouped) for c in columns] for r in rows
        ]
        sizes = [max(len(line[i]) for line in table) for i in range(len(columns))]
        for index, line in enumerate(table):
            out.write(
                "  ".join(cell.ljust(sizes[i]) for i, cell in enumerate(line)).rstrip() + "\n"
            )
            if index == 0:
                out.write("  ".join("-" * s for s in sizes) + "\n")
        if count:
            out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
