"""`partyfacts import`: articles researchers already have, from small files the tests write
in each format, checked on what was stored and what was skipped."""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from fault_cells import ROOT

from partyfacts import exitcodes
from partyfacts.crawler.sample_site import build

ONE = (
    "Năm 2018, Đảng bộ huyện Tam Đường kết nạp 215 đảng viên mới, nâng tổng số đảng viên "
    "toàn huyện lên 3.120 đồng chí."
)
TWO = "Đến cuối năm 2019, toàn tỉnh có 412 tổ chức cơ sở đảng với 28.640 đảng viên."
THREE = "Trong năm, Ủy ban Kiểm tra Tỉnh ủy tiến hành 36 cuộc kiểm tra và 18 cuộc giám sát."


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _pages(n: int) -> list[tuple[str, bytes]]:
    site = build(n_articles=max(n, 2))
    return [(f"http://bao-mau.partyfacts.invalid{path}",
             site.pages[path].body.replace(b"{base}", b"http://bao-mau.partyfacts.invalid"))
            for path in site.articles[:n]]  # fmt: skip


def test_jsonl_with_text_html_partial_dates_and_bad_records(cli, tmp_path):
    url, page = _pages(1)[0]
    lines = [
        json.dumps({"id": "a1", "title": "Tam Đường kết nạp đảng viên", "text": ONE,
                    "published": "2018", "province": "lai chau", "site": "my-archive"}),
        json.dumps({"url": url, "html": page.decode("utf-8")}),
        json.dumps({"id": "empty", "title": "Không có nội dung", "text": ""}),
        json.dumps({"id": "baddate", "text": TWO, "published": "someday"}),
        "{this is not json",
        json.dumps({"id": "a1-again", "title": "Tam Đường kết nạp đảng viên", "text": ONE,
                    "published": "2018", "province": "Lai Châu", "site": "my-archive"}),
    ]  # fmt: skip
    source = tmp_path / "articles.jsonl"
    source.write_bytes(("\n".join(lines) + "\n").encode() + b'{"text": "\xff\xfe bad"}\n')
    db = tmp_path / "imported.db"
    result = cli("import", str(source), "--db", str(db))
    assert result.exit_code == exitcodes.FAILED  # some records were bad; the rest is stored
    assert "Read 7 records: 2 stored (2 new, 0 updated), 1 unchanged, 4 skipped." in result.stdout
    for reason in ("no text", "bad date", "bad JSON", "not UTF-8"):
        assert reason in result.stdout
    for where in ("articles.jsonl line 3", "articles.jsonl line 4", "articles.jsonl line 5",
                  "articles.jsonl line 7"):  # fmt: skip
        assert where in result.stderr
    articles = _rows(db, "SELECT doc, url, published, province, site FROM articles ORDER BY id")
    assert articles[0] == ("a1", None, "2018", "Lai Châu", "my-archive")
    assert articles[1][1] == url and articles[1][2]  # the page's own date
    years = _rows(db, "SELECT DISTINCT q.year FROM quantities q JOIN articles a ON a.id = q.article_id "
                      "WHERE a.doc = 'a1'")  # fmt: skip
    assert years == [(2018,)]  # the partial date gives the facts their year


def test_csv_and_tsv_with_any_column_order(cli, tmp_path):
    source = tmp_path / "colleague.csv"
    source.write_text(
        "published,text,title,province,url\n"
        f'2019-07,"{TWO}",Tổng kết,Lào Cai,https://example.vn/a?utm_source=x\n'
        f'12/01/2020,"{THREE}",Kiểm tra,,https://example.vn/b\n'
        ',,Trống,,\n', encoding="utf-8",
    )  # fmt: skip
    tsv = tmp_path / "more.tsv"
    tsv.write_text(f"title\tmaintext\nMột bài\t{ONE}\n", encoding="utf-8")
    db = tmp_path / "csv.db"
    result = cli("import", str(source), str(tsv), "--db", str(db))
    assert "Read 4 records: 3 stored" in result.stdout and "colleague.csv row 4" in result.stderr
    stored = _rows(db, "SELECT url, published, province FROM articles ORDER BY id")
    assert stored[0] == ("https://example.vn/a", "2019-07", "Lào Cai")  # tracking parameter gone
    assert stored[1][1] == "2020-01-12"


def test_news_please_fundus_and_trafilatura_output_as_they_are(cli, tmp_path):
    news_please = {
        "authors": ["Phóng viên"],
        "date_download": "2024-01-02 10:00:00",
        "date_publish": "2023-12-30 08:15:00",
        "description": None,
        "filename": "x.json",
        "language": "vi",
        "maintext": ONE,
        "source_domain": "baomau.vn",
        "title": "Tam Đường",
        "url": "https://baomau.vn/tam-duong-1.html",
    }
    fundus = {
        "V1": {
            "authors": ["Tác giả"],
            "publishing_date": "2021-05-04 19:25:52+07:00",
            "title": "Kiểm tra, giám sát",
            "body": {
                "summary": ["Tóm tắt công tác kiểm tra."],
                "sections": [{"headline": [], "paragraphs": [THREE]}],
            },
        }
    }
    trafilatura = {"title": "Tổng kết", "author": "BBT", "hostname": "tinh.vn", "date": "2020-01-15",
                   "fingerprint": "abc123", "id": None, "text": TWO, "source": "https://tinh.vn/tk",
                   "source-hostname": "Báo Tỉnh", "excerpt": None}  # fmt: skip
    folder = tmp_path / "outputs"
    folder.mkdir()
    (folder / "news-please.json").write_text(
        json.dumps(news_please, ensure_ascii=False), encoding="utf-8"
    )
    (folder / "fundus.json").write_text(json.dumps(fundus, ensure_ascii=False), encoding="utf-8")
    (folder / "trafilatura.jsonl").write_text(json.dumps(trafilatura, ensure_ascii=False) + "\n",
                                             encoding="utf-8")  # fmt: skip
    db = tmp_path / "tools.db"
    result = cli("import", str(folder), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Read 3 records: 3 stored (3 new" in result.stdout
    stored = {
        r[0]: r[1:] for r in _rows(db, "SELECT title, published, url, site, author FROM articles")
    }
    assert stored["Tam Đường"] == ("2023-12-30", "https://baomau.vn/tam-duong-1.html", "baomau.vn",
                                   "Phóng viên")  # fmt: skip
    assert stored["Kiểm tra, giám sát"][0] == "2021-05-04"
    assert stored["Tổng kết"] == ("2020-01-15", "https://tinh.vn/tk", "tinh.vn", "BBT")
    values = {r[0] for r in _rows(db, "SELECT value FROM quantities")}
    assert {215, 3120, 36, 18, 412, 28640} <= values


def _warc(path: Path) -> list[str]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    pages = _pages(2)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                                  ("Last-Modified", "Mon, 02 Mar 2026 08:00:00 GMT")],
                                       protocol="HTTP/1.1")  # fmt: skip
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers))  # fmt: skip
        pdf = StatusAndHeaders("200 OK", [("Content-Type", "application/pdf")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("http://bao-mau.partyfacts.invalid/a.pdf", "response",
                                                      payload=io.BytesIO(b"%PDF-1.4 ..."), http_headers=pdf))  # fmt: skip
        gone = StatusAndHeaders(
            "404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1"
        )
        writer.write_record(writer.create_warc_record("http://bao-mau.partyfacts.invalid/gone", "response",
                                                      payload=io.BytesIO(b"<html>404</html>"), http_headers=gone))  # fmt: skip
    return [url for url, _ in pages]


def test_a_warc_gives_its_html_responses_and_passes_over_the_rest(cli, tmp_path):
    warc = tmp_path / "crawl.warc.gz"
    urls = _warc(warc)
    db = tmp_path / "warc.db"
    result = cli("import", str(warc), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert "Read 4 records: 2 stored (2 new, 0 updated), 0 unchanged, 2 skipped." in result.stdout
    assert "not html" in result.stdout and "http status" in result.stdout
    assert sorted(r[0] for r in _rows(db, "SELECT url FROM articles")) == sorted(urls)
    assert _rows(db, "SELECT count(*) FROM quantities")[0][0] > 0
    again = cli("import", str(warc), "--db", str(db))  # a re-import stores nothing new
    assert "0 stored (0 new, 0 updated), 2 unchanged" in again.stdout
    assert _rows(db, "SELECT count(*) FROM articles")[0][0] == 2


def test_standard_input_is_sniffed_for_its_format(tmp_path):
    db = tmp_path / "stdin.db"
    jsonl = (json.dumps({"title": "Một", "text": ONE}) + "\n" +
             json.dumps({"title": "Hai", "text": TWO}) + "\n").encode()  # fmt: skip
    for data in (jsonl, gzip.compress(jsonl)):
        done = subprocess.run([sys.executable, "-m", "partyfacts.cli", "import", "-", "--db", str(db)],
                              input=data, capture_output=True, cwd=ROOT, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stderr
    assert b"Read 2 records: 0 stored (0 new, 0 updated), 2 unchanged" in done.stdout
    warc = tmp_path / "w.warc.gz"
    _warc(warc)
    done = subprocess.run([sys.executable, "-m", "partyfacts.cli", "import", "-", "--db", str(db)],
                          input=warc.read_bytes(), capture_output=True, cwd=ROOT, timeout=300)  # fmt: skip
    assert b"2 stored (2 new" in done.stdout, done.stderr


@pytest.mark.parametrize("published", ["2019", "2019-07", "07/2019", "tháng 7/2019"])
def test_extract_takes_a_partial_date_a_province_and_stdin(cli, published):
    result = cli("extract", "-", "--published", published, "--province", "lao cai",
                 input=f"Tổng kết\n\n{TWO.replace('năm 2019', 'năm')}\n")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["doc"] == "-" and doc["province"] == "Lào Cai"
    assert doc["published"] in ("2019", "2019-07")
    assert {q["year"] for q in doc["quantities"]} == {2019}
    bad = cli("extract", "-", "--province", "Atlantis", input="x\n\ny\n")
    assert bad.exit_code == exitcodes.USAGE and "not a province" in bad.stderr
