"""The partyfacts command, driven as a user would and checked on its real output."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

from partyfacts.schemas import CATEGORIES

ARTICLE = (
    "Lai Châu: kết nạp 80 đảng viên mới\n"
    "Ngày đăng: 15/01/2013\n\n"
    "Năm 2012, Đảng bộ thị xã Lai Châu kết nạp 80 đảng viên mới; toàn Đảng bộ có 34 tổ chức "
    "cơ sở đảng với 1.154 đảng viên.\n\n"
    "Đồng chí Lò Văn Chỉnh - Uỷ viên Ban Thường vụ Tỉnh uỷ, Bí thư Thị uỷ chủ trì hội nghị.\n"
)


def test_extract_prints_one_facts_line_per_file(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = cli("extract", str(path))
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    doc = json.loads(line)
    assert doc["doc"] == str(path)
    assert doc["published"] == "2013-01-15"
    assert doc["province"] == "Lai Châu"
    values = [(q["value"], q["category"], q["event"], q["year"]) for q in doc["quantities"]]
    assert (1154, "party_member", "total", 2012) in values
    # the headline's 80 is the lead's (a figure said twice is two facts), of the lead's year
    assert values.count((80, "party_member", "admitted", 2012)) == 2
    assert doc["officials"][0]["titles"] == ["Ủy viên Ban Thường vụ Tỉnh ủy", "Bí thư Thị ủy"]


def test_bad_files_get_one_line_errors_and_the_rest_is_still_stored(cli, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "legacy.txt").write_bytes(b"\xd0a\xd2ng vi\xean")  # "Đảng viên", windows-1258
    (tmp_path / "utf16.txt").write_bytes("Đảng viên".encode("utf-16"))
    db = tmp_path / "out.db"
    names = ["missing.txt", "empty.txt", "binary.txt", "legacy.txt", "utf16.txt", "good.txt"]
    result = cli("extract", *[str(tmp_path / n) for n in names], "--db", str(db))
    assert result.exit_code == 1
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 5
    assert "missing.txt: no such file" in errors[0]
    assert "empty.txt: empty file" in errors[1]
    assert "binary.txt: binary file" in errors[2]
    assert "legacy.txt: not UTF-8" in errors[3]
    assert "utf16.txt: UTF-16 text" in errors[4]
    assert len(result.stdout.splitlines()) == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT doc FROM articles").fetchall() == [(str(good),)]


def test_published_option_sets_the_article_year(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("Tin\n\nToàn tỉnh hiện có 1.200 chi bộ.", encoding="utf-8")
    doc = json.loads(cli("extract", str(path), "--published", "2019-05-02").stdout)
    assert doc["published"] == "2019-05-02"
    assert doc["quantities"][0]["year"] == 2019
    assert cli("extract", str(path), "--published", "someday").exit_code == 2


def test_run_fills_the_database_and_prints_a_summary(cli, tmp_path):
    from partyfacts.cli import CORPUS

    n = len(list((CORPUS / "articles").glob("*.txt")))
    db = tmp_path / "demo.db"
    result = cli("run", "--texts", "--db", str(db))
    assert result.exit_code == 0, result.output
    assert f"Processed {n} article files ({n} new); 0 failed." in result.stdout
    assert "party_member" in result.stdout
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n
        assert conn.execute("SELECT count(*) FROM quantities").fetchone()[0] > 5 * n
    again = cli("run", "--texts", "--db", str(db))
    assert f"({n} unchanged)" in again.stdout


def test_database_path_comes_from_the_environment(cli, tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("PARTYFACTS_DB", str(db))
    assert cli("run", "--texts").exit_code == 0
    assert db.exists()


def test_schema_prints_the_json_schema_with_the_closed_vocabularies(cli):
    schema = json.loads(cli("schema", "quantity").stdout)
    assert schema["properties"]["category"]["enum"] == list(CATEGORIES)
    everything = json.loads(cli("schema").stdout)
    assert {"article", "quantity", "official", "crawl_run"} <= set(everything["$defs"])


def test_the_schema_command_offers_every_record_without_loading_pydantic_at_start_up():
    from partyfacts import cli
    from partyfacts.schemas import RECORDS

    assert sorted(cli.RECORD_NAMES) == sorted(RECORDS)


def test_reading_commands_start_without_the_extraction_stack():
    # facts/sql/officials on a big database must answer in well under a second: importing
    # the CLI must not pull in underthesea, scrapy or pydantic (they load on first use)
    code = "import sys, partyfacts.cli; print(sorted(m for m in ('underthesea', 'scrapy', 'pydantic', 'sqlite_utils') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_every_command_has_an_example_in_its_help(cli):
    for command in ("extract", "run", "eval", "schema", "crawl", "import", "review", "facts", "officials", "sql",
                    "export", "serve", "show", "reextract"):  # fmt: skip
        assert "Example:" in cli(command, "--help").stdout


def test_a_corrupt_database_gets_a_clear_error(cli, tmp_path):
    db = tmp_path / "broken.db"
    db.write_bytes(b"this is not an SQLite database" * 100)
    article = tmp_path / "a.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    result = cli("extract", str(article), "--db", str(db))
    assert result.exit_code == 65  # exitcodes.DATA
    assert (
        result.stderr
        == f"partyfacts: error: database {db}: not an SQLite database (the file does not start with SQLite's header)\n"
    )
