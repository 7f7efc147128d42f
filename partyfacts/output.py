"""Printing rows: a readable table, or CSV, JSON, JSON Lines.

Tables are for people: numbers in the Vietnamese way (``24.500``, ``85,7%``), long text
columns cut to fit the terminal. CSV and JSON are for programs: plain numbers, whole text.
"""

from __future__ import annotations

import csv
import json
import shutil
import sys
from collections.abc import Sequence
from typing import Any, TextIO

FORMATS = ("table", "csv", "json", "jsonl")
MIN_WIDTH = 12  # a text column is never cut narrower than this


def vietnamese_number(value: int | float, percent: bool = False) -> str:
    """``24500`` -> ``24.500``; ``85.7`` -> ``85,7``; with ``percent``, ``85,7%``."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}".replace(",", ".")
    else:
        whole, _, fraction = f"{value:,.2f}".rstrip("0").rstrip(".").partition(".")
        text = whole.replace(",", ".") + ("," + fraction if fraction else "")
    return text + ("%" if percent else "")


def _cell(value: Any, width: int | None, grouped: bool = False, percent: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if grouped and isinstance(value, int | float) and not isinstance(value, bool):
        value = vietnamese_number(value, percent)
    text = " ".join(str(value).split())
    if width and len(text) > width:
        text = text[: width - 1] + "…"
    return text


def terminal_width(out: TextIO) -> int | None:
    """The width to fit a table into when it goes to a terminal (COLUMNS, else the
    terminal's own); None for a pipe or a file, which get whole lines."""
    if not (hasattr(out, "isatty") and out.isatty()):
        return None
    return shutil.get_terminal_size().columns


def _fit(table: list[list[str]], width: int | None) -> list[int]:
    """Column sizes; the widest text columns are narrowed until the table fits ``width``."""
    sizes = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    if not width:
        return sizes
    while sum(sizes) + 2 * (len(sizes) - 1) > width:
        widest = max(range(len(sizes)), key=lambda i: sizes[i])
        if sizes[widest] <= MIN_WIDTH:
            break
        excess = sum(sizes) + 2 * (len(sizes) - 1) - width
        others = max((s for i, s in enumerate(sizes) if i != widest), default=0)
        # cut the widest down to the next widest (or by the excess), one character at least
        sizes[widest] = max(MIN_WIDTH, min(sizes[widest] - 1, max(sizes[widest] - excess, others)))
    return sizes


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
            [_cell(r.get(c), widths.get(c), c in grouped, r.get("unit") == "percent")
             for c in columns]
            for r in rows
        ]  # fmt: skip
        sizes = _fit(table, terminal_width(out))
        for index, line in enumerate(table):
            cells = [
                (cell if len(cell) <= sizes[i] else cell[: sizes[i] - 1] + "…").ljust(sizes[i])
                for i, cell in enumerate(line)
            ]
            out.write("  ".join(cells).rstrip() + "\n")
            if index == 0:
                out.write("  ".join("-" * s for s in sizes) + "\n")
        if count:
            out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
