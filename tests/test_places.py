"""Places and the province of an article (issue 8): the gazetteer built from the
vietnamadminunits package, one test per province rule, and the evaluation gate on the
shared corpora. The example texts are the project's own."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from partyfacts import pipeline
from partyfacts.extract import gazetteer, normalize, provinces
from partyfacts.extract import ruleset as rules

BEFORE_MERGER = date(2019, 5, 2)
AFTER_MERGER = date(2025, 8, 2)


def detect(text: str, published: date | None = None) -> tuple[str | None, str | None]:
    return provinces.detect(normalize.text(text), published)


def places(text: str, on: date | None = None, prefer: str | None = None):
    return gazetteer.places(normalize.text(text), on, prefer)


# --- the gazetteer ----------------------------------------------------------------------


def test_gazetteer_holds_the_library_units_before_and_after_the_2025_merger():
    counts = gazetteer.counts()
    assert counts["provinces"] == 63 and counts["provinces_2025"] == 34
    assert 650 <= counts["districts"] <= 720
    assert counts["communes"] > 9_000 and 3_000 < counts["communes_2025"] < 3_500


@pytest.mark.parametrize(
    "example", rules.load("provinces")["not_places"]["examples"]["positive"], ids=str
)
def test_place_example_is_found_with_its_level_and_province(example):
    found = [p for p in places(example["text"]) if p.name == example["place"]]
    assert found, places(example["text"])
    assert found[0].level == example["level"]
    assert found[0].province == example["province"]


@pytest.mark.parametrize("text", rules.load("provinces")["not_places"]["examples"]["negative"])
def test_negative_example_names_no_place(text):
    assert places(text) == []


def test_each_place_carries_offsets_into_the_text():
    text = normalize.text("Sáng nay, Đảng ủy xã Tà Tổng, huyện Mường Tè tổng kết.")
    for place in gazetteer.places(text):
        assert text[place.start : place.end] == place.text
    assert [p.name for p in gazetteer.places(text)] == ["xã Tà Tổng", "huyện Mường Tè"]


def test_a_provincial_city_is_a_district_and_a_centrally_run_city_a_province():
    found = places("Thành ủy thành phố Lai Châu và Thành ủy thành phố Hải Phòng dự.")
    assert [(p.name, p.level) for p in found] == [
        ("thành phố Lai Châu", "district"),
        ("thành phố Hải Phòng", "province"),
    ]


def test_a_d_written_as_eth_is_read_as_d():
    found = places("Tỉnh ủy \u00d0ắk Lắk và thành phố Buôn Ma Thuột (\u00d0ắk Lắk).")
    assert [p.province for p in found] == ["Đắk Lắk", "Đắk Lắk", "Đắk Lắk"]


def test_hue_was_a_provincial_city_before_2025():
    (before,) = places("Thành ủy thành phố Huế họp.", date(2020, 3, 1))
    (after,) = places("Thành ủy thành phố Huế họp.", date(2025, 3, 1))
    assert (before.level, before.province) == ("district", "Thừa Thiên Huế")
    assert (after.level, after.province) == ("province", "Huế")


def test_a_name_many_provinces_share_is_settled_by_its_district_or_the_article():
    alone = places("Đảng ủy xã An Thịnh kết nạp 5 đảng viên.")
    assert alone[0].province is None and set(alone[0].candidates) == {"Bắc Ninh", "Yên Bái"}
    with_district = places("Đảng ủy xã An Thịnh, huyện Văn Yên kết nạp 5 đảng viên.")
    assert with_district[0].province == "Yên Bái"
    preferred = places("Đảng ủy xã An Thịnh kết nạp 5 đảng viên.", prefer="Bắc Ninh")
    assert preferred[0].province == "Bắc Ninh"


def test_level_words_in_title_case_are_level_words():
    (place,) = places("Ban Thường vụ Tỉnh Ủy Lai Châu họp.")
    assert (place.level, place.province) == ("province", "Lai Châu")


def test_a_number_after_a_body_word_or_opening_a_title_is_no_district():
    assert places("Ban Thường vụ chỉ đạo kiểm điểm Đảng ủy 3 xã và Đảng bộ 2 phường.") == []
    assert places("6 tháng đầu năm kết nạp 105 đảng viên") == []


def test_a_place_ending_a_title_is_a_place_and_its_end_is_known():
    text = normalize.text("Bí thư Đảng ủy xã Mường Mô Lò Văn Pọ phát biểu.")
    place = gazetteer.unit_at(text, text.index("Mường Mô"))
    assert place is not None and place.name == "xã Mường Mô" and place.level == "commune"
    assert text[place.end :].startswith(" Lò Văn Pọ")
    assert gazetteer.unit_at(text, text.index("Lò Văn")) is None


@pytest.mark.parametrize(
    ("phrase", "level"),
    [
        ("Đảng bộ huyện Mường Tè", "district"),
        ("Đảng ủy xã Tà Tổng", "commune"),
        ("Tỉnh ủy Lai Châu", "province"),
        ("Thị ủy Lai Châu", "district"),
        ("Thành ủy TP HCM", "province"),
        ("Đảng bộ phường", "commune"),
        ("Ban Thường vụ Huyện ủy Mường Tè", "district"),
        ("Đảng ủy xã Tà Tổng, huyện Mường Tè", "commune"),
        ("Đảng bộ Khối các cơ quan tỉnh", None),
        ("Đảng bộ Khối các cơ quan tỉnh Lai Châu", None),
        ("Đảng bộ Quân sự tỉnh Lai Châu", None),
        ("Chi bộ thôn Nà Khoang, xã Bản Hon", None),
        ("toàn huyện", "district"),
    ],
)
def test_level_of_a_body_phrase(phrase, level):
    assert gazetteer.level_of(phrase) == level


@pytest.mark.parametrize(
    ("typed", "name"),
    [("lai chau", "Lai Châu"), ("LAI CHÂU", "Lai Châu"), ("tỉnh Hà Giang", "Hà Giang"),
     ("TP HCM", "Hồ Chí Minh"), ("thua thien hue", "Thừa Thiên Huế"), ("Atlantis", None)],
)  # fmt: skip
def test_a_province_is_named_case_and_diacritic_insensitively(typed, name):
    assert gazetteer.province_name(typed) == name


# --- one test per province rule --------------------------------------------------------


def test_a_person_named_after_a_place_is_not_the_place():
    text = (
        "Trao Huy hiệu Đảng tại Văn phòng Chính phủ\n\n"
        "Phó Thủ tướng Trương Hòa Bình trao Huy hiệu 50 năm tuổi Đảng cho 12 đảng viên."
    )
    assert detect(text) == (None, None)
    assert detect("Ông Lê Thanh Hóa, trưởng thôn, được kết nạp Đảng.") == (None, None)


def test_a_district_only_article_belongs_to_the_districts_province():
    text = (
        "Kết nạp đảng viên ở vùng cao\n\n"
        "Năm 2018, Đảng bộ huyện Mù Cang Chải kết nạp 120 đảng viên, nâng tổng số lên 2.300."
    )
    assert detect(text, BEFORE_MERGER) == ("Yên Bái", "Lào Cai")
    assert detect(text, AFTER_MERGER) == ("Lào Cai", "Lào Cai")


def test_a_commune_after_the_2025_reorganisation_belongs_to_the_new_province():
    text = (
        "Đảng bộ phường Quy Nhơn Bắc đại hội lần thứ nhất\n\n"
        "Đại hội Đảng bộ phường Quy Nhơn Bắc nhiệm kỳ 2025 - 2030 có 210 đại biểu dự."
    )
    assert detect(text, date(2025, 8, 20)) == ("Gia Lai", "Gia Lai")


def test_a_provincial_outlets_address_names_its_province():
    text = "Phát triển đảng viên vùng cao\n\nLaocaitv.vn - Các địa phương kết nạp 300 đảng viên."
    assert detect(text, BEFORE_MERGER) == ("Lào Cai", "Lào Cai")
    assert detect("Tin tổng hợp\n\nHội nghị bàn công tác cán bộ.\n\nNguồn: baolaichau.vn") == (
        "Lai Châu",
        "Lai Châu",
    )


def test_the_outlets_tag_names_its_province():
    text = "Hội nghị sơ kết\n\n(BLC) – Sáng nay, Ban Thường vụ Thị ủy tổ chức hội nghị sơ kết."
    assert detect(text) == ("Lai Châu", "Lai Châu")
    tagged = "Sơ kết công tác Đảng\nHGĐT- Ngày 11.7, Ban Tổ chức Tỉnh ủy tổ chức hội nghị."
    assert detect(tagged, date(2014, 7, 12)) == ("Hà Giang", "Tuyên Quang")
    assert detect(tagged, AFTER_MERGER) == ("Tuyên Quang", "Tuyên Quang")
    assert detect("Tin tổng hợp\n\nVOV.VN - Hội nghị bàn về công tác cán bộ.") == (None, None)


def test_a_regional_article_has_no_province():
    text = (
        "Tây Nguyên nâng chất lượng sinh hoạt chi bộ\n\n"
        "Các tỉnh Kon Tum, Gia Lai, Đắk Lắk, Đắk Nông và Lâm Đồng đã kết nạp hơn 10.000 "
        "đảng viên trong năm; tỉnh Gia Lai kết nạp nhiều nhất."
    )
    assert detect(text, date(2019, 1, 10)) == (None, None)


def test_an_article_from_before_2004_names_the_province_then_in_force():
    text = (
        "Tuần Giáo kết nạp 150 đảng viên\n\n"
        "Năm 2002, Đảng bộ huyện Tuần Giáo kết nạp 150 đảng viên; huyện Điện Biên kết nạp 90."
    )
    # Tuần Giáo is in Điện Biên today, which was part of Lai Châu until 2004
    assert detect(text, date(2002, 12, 20)) == ("Lai Châu", "Điện Biên")
    assert detect(text, date(2010, 12, 20)) == ("Điện Biên", "Điện Biên")
    dak_lak = "Đắk Mil: hơn 300 đảng viên mới\n\nHuyện ủy Đắk Mil tổng kết năm 2003."
    assert detect(dak_lak, date(2003, 12, 30)) == ("Đắk Lắk", "Lâm Đồng")


def test_a_district_of_ha_tay_before_2008_and_of_ha_noi_after():
    text = "Phúc Thọ: tọa đàm về chi bộ\n\nHuyện ủy Phúc Thọ tổ chức tọa đàm."
    assert detect(text, date(2006, 5, 19)) == ("Hà Tây", "Hà Nội")
    assert detect(text, date(2017, 5, 19)) == ("Hà Nội", "Hà Nội")


def test_ho_chi_minh_the_person_and_the_thought_are_not_the_city():
    text = (
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh\n\n"
        "Chủ tịch Hồ Chí Minh đã dạy cán bộ phải gần dân. Học viện Chính trị quốc gia Hồ Chí "
        "Minh và Đoàn Thanh niên Cộng sản Hồ Chí Minh tổ chức hội thảo. Đảng bộ tỉnh Quảng "
        "Nam có 2.100 đảng viên được khen thưởng vì học tập tư tưởng Hồ Chí Minh."
    )
    assert detect(text, date(2018, 5, 19)) == ("Quảng Nam", "Đà Nẵng")
    assert detect("Kỷ niệm ngày sinh Chủ tịch Hồ Chí Minh\n\nBác Hồ kính yêu.") == (None, None)
    assert detect("Thành ủy TP HCM kết nạp 8.000 đảng viên.")[0] == "Hồ Chí Minh"


def test_a_province_named_once_in_passing_is_not_the_subject():
    text = (
        "Nâng cao chất lượng sinh hoạt chi bộ\n\n"
        "Chi bộ là nền tảng của Đảng. Nhiều chi bộ đã đổi mới nội dung sinh hoạt.\n\n"
        "Tại một hội thảo ở Hà Nội tháng trước, các chuyên gia nêu nhiều kinh nghiệm."
    )
    assert detect(text, date(2019, 3, 1)) == (None, None)


def test_a_national_roundup_of_several_provinces_has_no_province():
    text = (
        "Cả nước kết nạp hơn 200.000 đảng viên\n\n"
        "Theo Ban Tổ chức Trung ương, năm qua toàn quốc kết nạp 201.000 đảng viên. Hà Nội "
        "kết nạp 12.000, TP HCM 10.000, Thanh Hóa 6.000, Nghệ An 5.500 đảng viên."
    )
    assert detect(text, date(2020, 1, 5)) == (None, None)


def test_a_meeting_of_many_provinces_has_no_province():
    text = (
        "Giao ban công tác tổ chức xây dựng Đảng 14 tỉnh, thành phố khu vực miền Bắc\n\n"
        "Ngày 20/6, tại huyện Mộc Châu, Ban Tổ chức Trung ương và Tỉnh ủy Sơn La đồng chủ trì "
        "hội nghị giao ban sáu tháng đầu năm."
    )
    assert detect(text, date(2023, 6, 21)) == (None, None)


def test_two_provinces_side_by_side_have_no_province():
    text = (
        "Nâng cao vai trò trưởng thôn\n\n"
        "Ở huyện Tân Yên, tỉnh Bắc Giang, nhiều trưởng thôn được kết nạp Đảng. Ở huyện Thuận "
        "Thành, tỉnh Bắc Ninh, 40 trưởng thôn là đảng viên."
    )
    assert detect(text, date(2017, 6, 1)) == (None, None)


def test_the_callers_province_wins_and_is_named_as_in_force():
    text = "Đảng bộ tỉnh Lai Châu có 30.000 đảng viên."
    assert provinces.detect(text, AFTER_MERGER, province="ha giang") == (
        "Tuyên Quang",
        "Tuyên Quang",
    )
    stored = pipeline.from_text(text, published=BEFORE_MERGER, province="Hà Giang")
    assert (stored.article.province, stored.article.province_current) == (
        "Hà Giang",
        "Tuyên Quang",
    )


def test_extract_takes_the_province_from_the_command_line(cli, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Hội nghị tổng kết\n\nToàn Đảng bộ có 1.154 đảng viên.\n", "utf-8")
    result = cli("extract", str(article), "--province", "lai chau")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["province"] == "Lai Châu"
    refused = cli("extract", str(article), "--province", "Atlantis")
    assert refused.exit_code != 0 and "not a province: 'Atlantis'" in refused.output


# --- the gate on the shared corpora ------------------------------------------------------


@pytest.mark.parametrize(("corpus", "floor"), [("seeds", 1.0), ("realdev", 0.95)])
def test_province_f1_on_the_shared_corpora(shared, tmp_path, corpus, floor):
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as out:
        for path in sorted((shared / "corpus" / corpus).glob("*.txt")):
            line = pipeline.as_json(pipeline.from_file(path))
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    score = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), "facts",
         str(shared / "gold" / corpus), str(pred), f"--min=province={floor}"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert score.returncode == 0, score.stdout + score.stderr


@pytest.mark.parametrize("name", sorted(gazetteer.known_provinces()))
def test_every_province_reads_whole_after_its_level_word(name):
    # names that begin or go on with a word that also starts a person's name or a title
    # ("Đồng Nai", "Bà Rịa - Vũng Tàu", "Lâm Đồng", "Cao Bằng") are places all the same
    from partyfacts.extract import bodies

    found = bodies.find(f"Đảng bộ tỉnh {name} có 1.250 tổ chức cơ sở đảng.")
    assert [b.place for b in found] == [name], found


@pytest.mark.parametrize("place", ["huyện Đồng Văn", "huyện Đồng Hỷ", "xã Đồng Tâm"])
def test_a_known_district_or_commune_reads_whole_after_its_level_word(place):
    from partyfacts.extract import bodies

    found = bodies.find(f"Đảng bộ {place} có 45 chi bộ.")
    assert [b.place for b in found] == [place.split(" ", 1)[1]], found
