"""Tables for people: Vietnamese number separators, long columns cut to the terminal."""

from __future__ import annotations

import io

from partyfacts import output


def test_numbers_print_the_vietnamese_way_in_tables_and_plainly_elsewhere():
    rows = [
        {"value": 24500, "unit": "count", "year": 2024},
        {"value": 85.7, "unit": "percent", "year": 2019},
    ]
    table = io.StringIO()
    output.write(rows, ["value", "year"], out=table)
    assert "24.500  2024" in table.getvalue() and "85,7%   2019" in table.getvalue()
    csv = io.StringIO()
    output.write(rows, ["value", "year"], "csv", out=csv)
    assert csv.getvalue().splitlines()[1:] == ["24500,2024", "85.7,2019"]
    assert output.vietnamese_number(1234567.25) == "1.234.567,25"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_table_wider_than_the_terminal_is_cut_to_fit(monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    out = Terminal()
    output.write([{"a": "x" * 80, "b": "y" * 80, "c": "z" * 80}], ["a", "b", "c"], out=out)
    lines = out.getvalue().splitlines()
    assert all(len(line) <= 50 for line in lines[:3]) and lines[2].count("…") == 3
    whole = io.StringIO()  # not a terminal: whole lines for whatever reads them
    output.write([{"a": "x" * 80}], ["a"], out=whole)
    assert "x" * 80 in whole.getvalue()
