"""Printed datelines of .txt articles (FACTS.md, `published`): the example corpus in
extract/rules/datelines.yaml, the finder's robustness, and the dateline measure on the
shared seed and real articles."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import date

import pytest

from partyfacts.extract import dates, extractor, normalize
from partyfacts.extract import ruleset as rules

CORPUS = rules.load("datelines")


def _first_lines(text: str) -> list[str]:
    return [line for line in normalize.text(text).split("\n") if line.strip()]


@pytest.mark.parametrize("example", CORPUS["positives"], ids=lambda e: e["form"])
def test_printed_dateline_is_read(example):
    assert dates.dateline(example["lines"]) == example["date"], example["sites"]


@pytest.mark.parametrize("example", CORPUS["negatives"], ids=lambda e: e["why"])
def test_date_that_is_no_dateline_is_left_alone(example):
    assert dates.dateline(example["lines"]) is None


def test_every_form_is_distinct_and_names_where_it_was_seen():
    forms = [e["form"] for e in CORPUS["positives"]]
    assert len(forms) == len(set(forms))
    assert all(e["sites"] for e in CORPUS["positives"])


def test_the_extractor_takes_the_dateline_when_no_date_is_given():
    text = "Kết nạp đảng viên mới\nThứ Hai, 12/10/2015, 09:20 [GMT+7]\nToàn huyện kết nạp 45 đảng viên."
    assert extractor.extract(text).published == date(2015, 10, 12)
    assert extractor.extract(text, published=date(2016, 1, 1)).published == date(2016, 1, 1)


def test_a_dateline_below_banners_and_menus_is_found():
    lines = ["Đọc báo in", "Tải ứng dụng", "Thời sự", "Xây dựng Đảng", "Chỉnh đốn Đảng:",
             "Tiêu đề bài viết", "Thứ tư: 16:10 ngày 13/03/2024"]  # fmt: skip
    assert dates.dateline(lines) == date(2024, 3, 13)


def test_the_search_stops_at_the_window():
    body = [f"Đoạn văn thứ {n} của bài." for n in range(CORPUS["window"])]
    assert dates.dateline(["Tiêu đề", *body, "12/03/2019 10:15"]) is None


def test_a_whole_text_can_be_given():
    assert dates.dateline("Tiêu đề\n\n12/03/2019 10:15\nNội dung.") == date(2019, 3, 12)


@pytest.mark.parametrize(
    "lines",
    [[], [""], ["   "], [None], [5], ["\x00\x01"], ["(" * 500], ["1/" * 400 + "2020"],
     ["Thứ " * 300], ["\ud800"], ["12/03/2019" * 50], ["31/02/2019 10:00"], ["29/02/2019"]],
)  # fmt: skip
def test_odd_input_gives_none_not_an_exception(lines):
    assert dates.dateline(lines) is None


def test_any_string_gives_a_date_or_none():
    rng = random.Random(7)
    alphabet = "0123456789/.-:, ()[]|+ThứHaiGMTSACHngàytháng nămĐđ"
    for _ in range(3000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        found = dates.dateline([line])
        assert found is None or isinstance(found, date)


def test_html_dates_are_still_parsed_the_same_way():
    assert dates.parse("Thứ Hai, 21/11/2026 - 08:15").date() == date(2026, 11, 21)
    assert dates.parse("Ngày 11.7", year=2013).date() == date(2013, 7, 11)


def test_seed_datelines_score_one_with_the_shared_scorer(shared, tmp_path):
    pred = tmp_path / "pred.jsonl"
    seeds = sorted(str(p) for p in (shared / "corpus" / "seeds").glob("*.txt"))
    with pred.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "partyfacts.cli", "extract", *seeds], stdout=out, check=False
        )
    assert done.returncode == 0
    score = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), "facts",
         str(shared / "gold" / "seeds"), str(pred), "--min", "dateline=1"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert score.returncode == 0, score.stdout + score.stderr
    assert "dateline" in score.stdout


def test_real_articles_gain_no_date_that_is_not_printed(shared):
    """realdev prints no datelines: where gold names none, the finder must find none."""
    corpus, gold = shared / "corpus" / "realdev", shared / "gold" / "realdev"
    for path in sorted(corpus.glob("*.txt")):
        expected = json.loads((gold / f"{path.stem}.json").read_text(encoding="utf-8"))
        found = dates.dateline(_first_lines(path.read_text(encoding="utf-8")))
        want = expected.get("dateline")
        assert found == (date.fromisoformat(want) if want else None), path.name
