import doctest
from datetime import date, datetime

import pytest

from partyfacts.extract import dates


def test_module_examples():
    assert doctest.testmod(dates).failed == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("04/11/2009 9:07:40 SA", datetime(2009, 11, 4, 9, 7, 40)),
        ("03/01/2020 5:12:28 CH", datetime(2020, 1, 3, 17, 12, 28)),
        ("Thứ Hai, 21/11/2026 - 08:15", datetime(2026, 11, 21, 8, 15)),
        ("Cập nhật lúc 05:37, Thứ Năm, 08/04/2021 (GMT+7)", datetime(2021, 4, 8, 5, 37)),
        ("11:08, 19/09/2024", datetime(2024, 9, 19, 11, 8)),
        ("2019-04-26T11:21:00+07:00", datetime(2019, 4, 26, 11, 21)),
    ],
)
def test_vietnamese_dates_are_day_first(text, expected):
    assert dates.parse(text) == expected


def test_dateline_near_the_top_gives_the_publication_day():
    lines = [
        "Trang chủ Tin hoạt động",
        "Đẩy mạnh công tác xây dựng Đảng",
        "(Ngày đăng :04/11/2009 9:07:40 SA)",
    ]
    assert dates.dateline(lines) == date(2009, 11, 4)


def test_a_date_inside_a_sentence_is_not_a_dateline():
    assert dates.dateline(["Ngày 11/01/2021, Ban Thường vụ Tỉnh ủy tổ chức hội nghị."]) is None


def test_a_bare_stamp_above_the_headline_is_not_the_title():
    from partyfacts.extract import extractor

    text = "Thứ bảy,  24/02/2024\n\nHuyện kết nạp 40 đảng viên\n\nNăm 2023, huyện kết nạp 40 đảng viên."
    result = extractor.extract(text)
    assert result.title == "Huyện kết nạp 40 đảng viên"
    assert result.published == date(2024, 2, 24)
    assert dates.stamp_only("(Ngày đăng :04/11/2009 9:07:40 SA)")
    assert not dates.stamp_only("Khối doanh nghiệp có thêm đảng viên mới 14/08/2025 09:05")


def test_a_later_year_makes_a_plan_only_when_the_article_date_is_known():
    from partyfacts.extract import extractor

    text = (
        "Kết quả công tác đảng\n\nNăm 2010, huyện kết nạp 105 đảng viên.\n\n"
        "Công tác phát triển đảng viên được chú trọng.\n\nNăm 2011, huyện kết nạp 53 đảng viên."
    )
    # no date printed: the article's year is a guess from its first lines (2010), which
    # says nothing of what was still to come when it was written
    undated = extractor.extract(text)
    assert undated.year == 2010
    assert [q["status"] for q in undated.quantities] == ["actual", "actual"]
    # written in 2010, a figure of 2011 can only be a plan
    dated = extractor.extract(text, published=date(2010, 6, 1)).quantities
    assert [q["status"] for q in dated] == ["actual", "target"]
