"""Property-based fuzzing (Hypothesis) of the parsers every article goes through: numbers,
dates, the dateline finder, normalization and the page decoder. For any input each gives a
result or its module's own error, never an uncaught exception, and the results keep their
promises (spans inside the text, normalization idempotent and length-preserving).

The 10,000-example runs are marked ``slow``; CI runs them (`make test` runs everything).
Examples are derandomized, so a CI failure replays the same way on any machine.
"""

from __future__ import annotations

import gzip
import math
import unicodedata
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partyfacts.extract import article, dates, extractor, normalize, numbers

EXAMPLES = 10_000
SETTINGS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip

# pieces of the text the parsers are written for, to reach their inner paths
WORDS = [
    "1.154",
    "85,7%",
    "49",
    "nghìn",
    "1,2",
    "triệu",
    "662/686",
    "04-NQ/TU",
    "31/3/2021",
    "8/2009",
    "11.7",
    "hai",
    "mươi",
    "lăm",
    "một",
    "trăm",
    "linh",
    "năm",
    "mười",
    "mốt",
    "gần",
    "hơn",
    "trên",
    "khoảng",
    "dưới",
    "đảng",
    "viên",
    "chi",
    "bộ",
    "tổ",
    "chức",
    "cơ",
    "sở",
    "đảng",
    "năm",
    "2019",
    "2010",
    "-",
    "2012",
    "ngày",
    "12/01/2021",
    "Thứ",
    "Hai,",
    "21/11/2026",
    "-",
    "08:15",
    "(GMT+7)",
    "SA",
    "CH",
    "Ngày",
    "đăng",
    ":04/11/2009",
    "9:07:40",
    "SA",
    "Cập",
    "nhật",
    "lúc",
    "05:37,",
    "Thứ",
    "Năm,",
    "08/04/2021",
    "uỷ",
    "hoà",
    "Uỷ",
    "thuỷ",
    "quý",
    ";",
    ":",
    "(",
    ")",
    ",",
    ".",
    "-",
    "/",
    "%",
    "\n",
    "\r\n",
    "\u200b",
    "\xad",
    "\ufeff",
    "đồng",
    "chí",
    "Lò",
    "Văn",
    "Chỉnh",
    "Bí",
    "thư",
    "Tỉnh",
    "ủy",
]
# kept small: generating examples, not running the parsers, is what 10,000 of them cost
MIXED = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=4)), max_size=8).map(" ".join)
TEXT = st.one_of(st.text(max_size=40), MIXED)


class Counter:
    """Counts the examples a property saw, to prove the 10,000."""

    def __init__(self) -> None:
        self.n = 0


def _ran(counter: Counter) -> None:
    assert counter.n >= EXAMPLES, f"only {counter.n} examples ran"


# -- numbers ---------------------------------------------------------------------------


def _numbers_property(text: str) -> None:
    for found in numbers.find(text):
        assert 0 <= found.start <= found.number_start < found.end <= len(text)
        assert math.isfinite(found.value) and found.value >= 0
        assert found.unit in ("count", "percent")
    words = text.split()[:8]
    value = numbers.parse_spelled(words)
    assert value is None or value >= 0


@pytest.mark.slow
def test_number_parser_never_fails():
    counter = Counter()

    @SETTINGS
    @given(TEXT)
    def prop(text):
        counter.n += 1
        _numbers_property(text)

    prop()
    _ran(counter)


# -- dates -----------------------------------------------------------------------------


def _dates_property(text: str, year: int | None) -> None:
    stamp = dates.parse(text, year)
    assert stamp is None or isinstance(stamp, datetime)
    day = dates.parse_day(text, year)
    assert day is None or isinstance(day, date)


@pytest.mark.slow
def test_date_parser_never_fails():
    counter = Counter()

    @SETTINGS
    @given(TEXT, st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**6)))
    def prop(text, year):
        counter.n += 1
        _dates_property(text, year)

    prop()
    _ran(counter)


@pytest.mark.slow
def test_dateline_finder_never_fails():
    counter = Counter()

    @SETTINGS
    @given(st.lists(TEXT, max_size=3))
    def prop(lines):
        counter.n += 1
        found = dates.dateline(lines)
        assert found is None or isinstance(found, date)

    prop()
    _ran(counter)


# -- normalization ---------------------------------------------------------------------


def _normalization_property(raw: str) -> None:
    moved = normalize.tone_style(raw)
    assert len(moved) == len(raw)  # offsets found in one are offsets in the other
    text = normalize.text(raw)
    assert normalize.text(text) == text  # stored text is a fixed point: offsets stay valid
    assert unicodedata.is_normalized("NFC", text) or text != unicodedata.normalize("NFC", text)
    assert "\r" not in text and "\u200b" not in text
    folded = normalize.fold(raw)
    assert folded == normalize.fold(folded)


@pytest.mark.slow
def test_normalization_keeps_offsets_valid_for_any_input():
    counter = Counter()

    @SETTINGS
    @given(TEXT)
    def prop(raw):
        counter.n += 1
        _normalization_property(raw)

    prop()
    _ran(counter)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(MIXED)
def test_extracted_offsets_point_into_the_stored_text(raw):
    """The whole extractor (quantities, officials, provinces) on odd text: every offset
    points at its phrase in the normalized text (300 examples: 10 ms each)."""
    result = extractor.extract(raw)
    for q in result.quantities:
        assert result.text[q["start"] : q["end"]] == q["text"]
        assert 0 <= q["sentence_start"] <= q["start"] <= q["end"] <= q["sentence_end"]
    for person in result.officials:
        assert 0 <= person["start"] <= person["end"] <= len(result.text)


# -- the page decoder ------------------------------------------------------------------

PAGE = (
    "<html><head><meta charset='utf-8'><title>Kết nạp đảng viên</title></head>"
    "<body><p>Năm 2023, Đảng bộ tỉnh kết nạp 1.200 đảng viên.</p></body></html>"
)
CHARSETS = st.one_of(
    st.none(), st.sampled_from(["utf-8", "cp1258", "windows-1252", "latin-1", "utf-16", "bogus",
                                "x-mac-roman", "", "UTF8"]), st.text(max_size=12),
)  # fmt: skip


def _page_bytes() -> st.SearchStrategy[bytes]:
    encoded = [PAGE.encode("utf-8"), PAGE.encode("cp1258", "replace")]
    truncated_gzip = st.integers(min_value=0, max_value=200).map(
        lambda n: gzip.compress(PAGE.encode())[:n]
    )
    mixed = st.lists(st.sampled_from([*encoded, b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b"]),
                     max_size=6).map(b"".join)  # fmt: skip
    return st.one_of(st.binary(max_size=400), truncated_gzip, mixed,
                     st.binary(max_size=50).map(lambda b: b"\x1f\x8b" + b))  # fmt: skip


@pytest.mark.slow
def test_html_decoder_gives_text_or_its_own_error():
    counter = Counter()

    @SETTINGS
    @given(_page_bytes(), CHARSETS)
    def prop(body, declared):
        counter.n += 1
        try:
            text, charset = article.decode(body, declared)
        except article.PageError as error:
            assert str(error)
        else:
            assert isinstance(text, str) and charset

    prop()
    _ran(counter)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])  # fmt: skip
@given(_page_bytes())
def test_page_extractor_gives_a_page_or_its_own_error(body):
    """The whole page extractor (decoder, parser, trafilatura) on the same bytes."""
    try:
        page = article.article(body)
    except article.PageError as error:
        assert str(error)
    else:
        assert isinstance(page.text, str)


# -- quick versions of the 10,000-example properties, for every run ---------------------


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(TEXT, st.one_of(st.none(), st.integers(min_value=1800, max_value=2100)))
def test_parsers_quickly(text, year):
    _numbers_property(text)
    _dates_property(text, year)
    _normalization_property(text)
