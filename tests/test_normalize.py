from partyfacts.extract import extractor, normalize


def test_tone_style_moves_marks_and_keeps_length():
    raw = "Thị uỷ Lai Châu, hoà bình, Thuỷ, khoẻ, UỶ BAN, hoàn thành, quý I"
    out = normalize.text(raw)
    assert out == "Thị ủy Lai Châu, hòa bình, Thủy, khỏe, ỦY BAN, hoàn thành, quý I"
    assert len(out) == len(raw)


def test_decomposed_input_is_composed_to_nfc():
    decomposed = "đa\u0309ng vie\u0302n"  # "đảng viên" with combining marks
    assert normalize.text(decomposed) == "đảng viên"


def test_fact_offsets_point_into_the_stored_text():
    raw = "Tiêu đề\r\n\r\nNăm 2012, Thị uỷ kết nạp 80 đảng viên;\u200b 3 tổ chức cơ sở đảng đạt trong sạch vững mạnh."
    result = extractor.extract(raw)
    assert result.quantities
    for q in result.quantities:
        assert result.text[q["start"] : q["end"]] == q["text"]
        assert result.text[q["sentence_start"] : q["sentence_end"]] == q["sentence"]
    assert "\r" not in result.text and "\u200b" not in result.text


def test_official_offsets_cover_name_and_titles():
    result = extractor.extract(
        "Tin\n\nĐồng chí Lò Văn Chỉnh - Uỷ viên Ban Thường vụ Tỉnh uỷ phát biểu."
    )
    person = result.officials[0]
    assert person["name"] == "Lò Văn Chỉnh"
    assert "Lò Văn Chỉnh" in result.text[person["start"] : person["end"]]


def test_package_example_runs():
    import doctest

    import partyfacts

    result = doctest.testmod(partyfacts)
    assert result.attempted == 2 and result.failed == 0  # the import and the extraction
