"""Odd input never crashes the extractor: it yields facts or nothing, with offsets that
still point into the text."""

from __future__ import annotations

import random

import pytest

from partyfacts.extract import article, extractor

ODD_TEXTS = [
    "",
    "\n\n\n",
    "1.154",
    "năm năm năm năm 2019 2019 đảng viên đảng viên",
    "Đồng chí",
    "đồng chí " * 50,
    "Bí thư Tỉnh ủy, Chủ tịch UBND tỉnh, Phó Bí thư",
    "(((((;;;;:::: 85,7% ))))",
    "x" * 20000,
    "Kết nạp " + "1." * 300 + "154 đảng viên",
    "\u0000\u0001 kết nạp 5 đảng viên \ufffd",
    "Năm 2019, toàn tỉnh kết nạp 1.154 đảng viên" * 200,
    "từ 95 bản xuống còn; (chiếm %); trong đó; tỷ lệ đạt",
    "quý V/2021, tháng 13 năm 2020, ngày 32/13/2020, nhiệm kỳ 2020 - 2015: 5 chi bộ",
]


@pytest.mark.parametrize("text", ODD_TEXTS, ids=range(len(ODD_TEXTS)))
def test_odd_text_gives_facts_or_nothing(text):
    result = extractor.extract(text)
    for q in result.quantities:
        assert result.text[q["start"] : q["end"]] == q["text"]
    for person in result.officials:
        assert 0 <= person["start"] <= person["end"] <= len(result.text)


VOCABULARY = (
    "kết nạp, 1.154 đảng viên; 85,7% chi bộ trực thuộc năm 2019 (2010 - 2012) đồng chí "
    "Lò Văn Chỉnh Bí thư Tỉnh ủy hơn gần khoảng từ xuống còn giảm tặng trao Huy hiệu 30 năm "
    "tuổi Đảng trong đó chiếm tỷ lệ phấn đấu đã ; : ( ) hai mươi lăm một trăm linh năm"
)


def test_random_mixtures_of_vocabulary_never_crash():
    words = VOCABULARY.split()
    rng = random.Random(2026)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        result = extractor.extract(text)
        for q in result.quantities:
            assert result.text[q["start"] : q["end"]] == q["text"]


@pytest.mark.parametrize(
    "page",
    [b"<html>", b"<<<>>>", b"<html><body><p>" + b"a" * 100000 + b"</p></body></html>",
     "<html><body><h1>Tin</h1><p>Chỉ một câu.</p></body></html>".encode(), b"\x89PNG\r\n\x1a\n"],
    ids=["unclosed", "brackets", "huge", "tiny", "png"],
)  # fmt: skip
def test_odd_pages_give_a_page_or_a_clear_error(page):
    try:
        result = article.article(page)
    except article.PageError as error:
        assert str(error)
    else:
        assert isinstance(result.text, str)
