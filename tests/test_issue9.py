"""Each repro of issue 9 ("every command survives bad databases, hostile SQL, killed
parents and huge inputs"), run as written, with the behaviour it asks for."""

from __future__ import annotations

import gzip
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from fault_cells import ARTICLE, ROOT, free_port, make_healthy
from test_faults import MOUNT, _read_only_mount, _unprivileged

from partyfacts import exitcodes, options, pipeline, processes, reextract, store
from partyfacts.crawler import registry
from partyfacts.crawler.pipelines import extract_and_store
from partyfacts.crawler.sample_site import build, serve


@pytest.fixture
def healthy(tmp_path) -> Path:
    path = tmp_path / "partyfacts.db"
    make_healthy(path)
    return path


def _one_error(result, code: int, *words: str) -> str:
    assert result.exit_code == code, result.stdout + result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("partyfacts: error: "), line
    for word in words:
        assert word in line, line
    return line


def _python(
    *args: str, env: dict | None = None, timeout: float = 300, prefix=()
) -> subprocess.CompletedProcess:
    return subprocess.run([*prefix, sys.executable, "-m", "partyfacts.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})  # fmt: skip


# 1 -------------------------------------------------------------------------------------
def test_01_reading_commands_work_on_a_read_only_mount(tmp_path):
    (tmp_path / "ro").mkdir()
    healthy = tmp_path / "ro" / "partyfacts.db"
    make_healthy(healthy)
    prefix = _read_only_mount(tmp_path / "ro")
    if prefix is None:
        pytest.skip("unshare -m with a bind mount is not permitted here")
    script = (
        "from click.testing import CliRunner\nfrom partyfacts.cli import main\nimport json, sys\n"
        "db, out = sys.argv[1], sys.argv[2]\nresults = {}\n"
        "for args in (['facts', '--format', 'json'], ['officials'], ['export', out + '/x'],"
        " ['show', '1', '--html', out + '/a.html']):\n"
        "    r = CliRunner().invoke(main, [*args, '--db', db])\n"
        "    results[args[0]] = [r.exit_code, r.stdout, r.stderr]\n"
        "print(json.dumps(results))\n"
    )
    out = tmp_path / "out"
    out.mkdir()
    done = subprocess.run(
        [*prefix, "sh", "-c", MOUNT, "sh", str(healthy.parent), sys.executable, "-c", script,
         str(healthy), str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout.strip().splitlines()[-1])
    for command, (code, _stdout, stderr) in results.items():
        assert code == 0, (command, stderr)
    assert any(row["value"] == 1154 for row in json.loads(results["facts"][1]))
    assert (out / "x" / "quantities.csv").exists() and (out / "a.html").exists()


# 2 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("command", [["facts"], ["officials"], ["export", "{out}"],
                                     ["show", "1", "--html", "{out}/a.html"]])  # fmt: skip
def test_02_random_bytes_and_a_half_overwritten_database_give_one_line(
    cli, healthy, tmp_path, command
):
    random_db = tmp_path / "bad.db"
    random_db.write_bytes(os.urandom(20_000))
    malformed = tmp_path / "malformed.db"
    data = bytearray(healthy.read_bytes())
    third = len(data) // 3
    data[third : 2 * third] = os.urandom(third)
    malformed.write_bytes(bytes(data))
    args = [part.format(out=tmp_path / "out") for part in command]
    _one_error(cli(*args, "--db", str(random_db)), exitcodes.DATA, str(random_db), "not an SQLite")
    line = _one_error(cli(*args, "--db", str(malformed)), exitcodes.DATA, str(malformed))
    assert "corrupt" in line or "not a" in line  # which page is hit first varies


# 3 -------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["corrupt", "locked", "lock_folder_unusable"])
def test_03_crawl_refuses_a_bad_database_before_the_first_request(cli, healthy, tmp_path, state):
    if state == "corrupt":
        healthy.write_bytes(b"garbage" * 1000)
    elif state == "lock_folder_unusable":
        (healthy.parent / "locks").write_text("a file where the lock folder goes")
    holder = None
    if state == "locked":
        holder = sqlite3.connect(healthy, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
    try:
        with serve() as served:
            result = cli("crawl", "sample", "--base-url", served.url, "--db", str(healthy),
                         env={"PARTYFACTS_LOCK_TIMEOUT": "0.5"})  # fmt: skip
            demo = cli("run", "--db", str(healthy), env={"PARTYFACTS_LOCK_TIMEOUT": "0.5"})
            assert served.requests == []  # not one page was fetched
    finally:
        if holder:
            holder.close()
    code = {"corrupt": exitcodes.DATA, "locked": exitcodes.LOCKED,
            "lock_folder_unusable": exitcodes.CANT_WRITE}[state]  # fmt: skip
    _one_error(result, code, str(healthy))
    _one_error(demo, code, str(healthy))


def test_03_crawl_refuses_a_read_only_folder_before_the_first_request(healthy, tmp_path):
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("cannot drop root's file capabilities here")
    healthy.parent.chmod(0o555)
    try:
        with serve() as served:
            result = _python("crawl", "sample", "--base-url", served.url, "--db", str(healthy),
                             prefix=prefix)  # fmt: skip
            assert served.requests == []
    finally:
        healthy.parent.chmod(0o755)
    assert result.returncode == exitcodes.CANT_WRITE, result.stderr
    assert result.stderr.count("\n") == 1 and "is read-only" in result.stderr


# 4 -------------------------------------------------------------------------------------
def test_04_crawl_without_an_address_says_what_is_missing(cli):
    sample = cli("crawl", "sample")
    assert sample.exit_code == exitcodes.USAGE and "--base-url" in sample.stderr
    assert "Traceback" not in sample.stderr and "stats" not in sample.stderr
    generic = cli("crawl", "generic")
    assert generic.exit_code == exitcodes.USAGE and "--url" in generic.stderr
    assert cli("crawl", "vov", "--url", "https://example.vn/").exit_code == exitcodes.USAGE


def test_04_crawl_generic_with_urls_works_and_at_warning_prints_no_info(tmp_path):
    db = tmp_path / "generic.db"
    site = build(n_articles=2, per_page=1)  # the generic spider is polite: 2 s per request
    with serve(site) as served:
        result = _python("crawl", "generic", "--url", f"{served.url}/xay-dung-dang",
                         "--url", f"{served.url}/chinh-tri", "--db", str(db))  # fmt: skip
    assert result.returncode in (0, 3), result.stderr
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT count(*) FROM articles WHERE site = 'generic'").fetchone()[0] >= 2
        )
    assert " INFO" not in result.stderr  # the WARNING default holds for crawls too
    assert "generic" in result.stdout


# 5 -------------------------------------------------------------------------------------
def test_05_reextract_under_a_held_lock_waits_then_says_so(cli, healthy):
    holder = sqlite3.connect(healthy, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    before = healthy.read_bytes()
    try:
        result = cli("reextract", "--workers", "2", "--db", str(healthy),
                     env={"PARTYFACTS_LOCK_TIMEOUT": "1"})  # fmt: skip
    finally:
        holder.close()
    _one_error(result, exitcodes.LOCKED, "locked by another process; waited 1 s (lock_timeout")
    assert healthy.read_bytes() == before


def test_05_work_committed_before_the_lock_was_lost_stays(tmp_path, monkeypatch):
    db = store.connect(tmp_path / "many.db", lock_timeout=0.5)
    for n in range(30):
        store.save(db, pipeline.from_text(ARTICLE.replace("80", str(100 + n)), doc=f"{n}.txt"))
    db.execute("UPDATE articles SET rules_version = '0.9'")
    monkeypatch.setattr(reextract, "BATCH", 10)
    holder = sqlite3.connect(tmp_path / "many.db", isolation_level=None)

    def progress(done: int, _total: int) -> None:
        if done == 15:  # after the first batch of 10 was written
            holder.execute("BEGIN IMMEDIATE")

    with pytest.raises(store.StoreError, match="the 10 of 30 articles re-extracted before stay"):
        reextract.reextract(db, workers=1, progress=progress)
    holder.close()
    versions = dict(
        db.execute("SELECT rules_version, count(*) FROM articles GROUP BY 1").fetchall()
    )
    assert versions["0.9"] == 20 and sum(versions.values()) == 30


# 6 -------------------------------------------------------------------------------------
def test_06_a_truncated_gzip_page_is_one_error_and_the_rest_is_processed(cli, tmp_path):
    site = build(n_articles=2)
    page = gzip.compress(site.pages[site.articles[0]].body.replace(b"{base}", b"http://x"))
    truncated = tmp_path / "trunc.html.gz"
    truncated.write_bytes(page[: len(page) // 2])
    good = tmp_path / "seed.txt"
    good.write_text(ARTICLE, encoding="utf-8")
    result = cli("extract", str(truncated), str(good))
    _one_error(result, exitcodes.FAILED, "trunc.html.gz", "truncated gzip")
    (line,) = result.stdout.splitlines()
    assert json.loads(line)["doc"] == str(good)


# 7 -------------------------------------------------------------------------------------
def test_07_the_issues_statements_are_refused_and_create_no_file(cli, healthy, tmp_path):
    statements = [f"ATTACH DATABASE '{tmp_path}/x.db' AS e", f"VACUUM INTO '{tmp_path}/copy.db'",
                  "CREATE TEMP TABLE t(x)", "PRAGMA writable_schema=1"]  # fmt: skip
    for statement in statements:
        _one_error(cli("sql", statement, "--db", str(healthy)), exitcodes.FAILED, "refused")
    endless = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c"
    _one_error(cli("sql", endless, "--db", str(healthy), "--time-limit", "1"), exitcodes.FAILED,
               "stopped", "1 s time limit")  # fmt: skip
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "copy.db").exists()


# 8 -------------------------------------------------------------------------------------
def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5):
            return True
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_08_serve_killed_leaves_no_server(healthy, sig):
    port = free_port()
    process = processes.start([sys.executable, "-m", "partyfacts.cli", "serve", "--db", str(healthy),
                               "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _answers(port):
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.3)
        children = _children(process.pid)
        os.kill(process.pid, sig)
        process.wait(timeout=60)
    finally:
        processes.stop(process)
    assert not _answers(port)  # nobody keeps the port
    assert children == []  # Datasette runs in-process: there was never a child to leave
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


# 9 -------------------------------------------------------------------------------------
def test_09_a_fact_year_before_1900_is_dropped_not_the_article(tmp_path, caplog):
    site = build(n_articles=3, newest=datetime(1890, 5, 1))
    db = store.connect(tmp_path / "old.db")
    sample = registry.site("sample")
    path = site.articles[0]
    item = {"url": f"http://x{path}", "canonical_url": f"http://x{path}",
            "body": site.pages[path].body.replace(b"{base}", b"http://x")}  # fmt: skip
    with caplog.at_level(logging.WARNING, logger="partyfacts.pipeline"):
        assert extract_and_store(db, item, sample, None).status == "new"
    published, facts = db.execute(
        "SELECT a.published, count(q.id) FROM articles a JOIN quantities q ON q.article_id = a.id"
    ).fetchone()
    assert published.startswith("1890") and facts > 0
    assert db.execute("SELECT count(*) FROM quantities WHERE year < 1900").fetchone()[0] == 0
    assert re.search(r"year=18\d\d dropped", caplog.text)


# 10 ------------------------------------------------------------------------------------
def test_10_an_input_over_the_size_cap_is_refused_without_being_read(cli, tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # 50 MB, sparse: refused from its size alone
        handle.truncate(50_000_000)
    assert options.load().max_input_mb == 10  # defaults.toml
    _one_error(cli("extract", str(huge)), exitcodes.FAILED, "50.0 MB, over the 10 MB limit")
    small = tmp_path / "a.txt"
    small.write_text(ARTICLE, encoding="utf-8")
    _one_error(cli("extract", str(small), "--max-size", "0.0001"), exitcodes.FAILED, "0.0001 MB")
    monkeypatch.setenv("PARTYFACTS_MAX_INPUT_MB", "0.0001")
    _one_error(cli("extract", str(small)), exitcodes.FAILED, "PARTYFACTS_MAX_INPUT_MB")


def test_10_a_gzip_bomb_is_refused_with_memory_bounded(tmp_path):
    import tracemalloc

    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b"a" * 60_000_000))
    tracemalloc.start()
    with pytest.raises(pipeline.InputError, match="unpacks to more than 10 MB"):
        pipeline.read_bytes(bomb, 10_000_000)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 25_000_000  # never the 60 MB it would unpack to


def test_10_a_long_input_shows_its_progress(cli, tmp_path, monkeypatch):
    from partyfacts import cli as cli_module

    monkeypatch.setattr(cli_module, "LONG_INPUT", 1_000)
    long = tmp_path / "long.txt"
    long.write_text("Tin\n\n" + "\n\n".join(ARTICLE for _ in range(12)), encoding="utf-8")
    result = cli("--log-level", "INFO", "extract", str(long))
    assert result.exit_code == 0
    progress = [line for line in result.stderr.splitlines() if "% of" in line]
    assert len(progress) >= 5 and "long.txt" in progress[0]


# 11 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ["dantri1", "thanhnien1"])
def test_11_stored_text_has_no_markup_and_no_repeated_paragraph(cli, shared, page):
    result = cli("extract", str(shared / "corpus" / "html" / "myfeed" / f"{page}.html"))
    text = json.loads(result.stdout)["text"]
    assert not re.search(r"</?[a-zA-Z][^>]*>|&(?:[a-zA-Z]+|#\d+);", text)
    paragraphs = [p for p in text.split("\n") if len(p.strip()) >= 20]
    assert len(paragraphs) == len(set(paragraphs))


# 12 ------------------------------------------------------------------------------------
def test_12_a_page_with_a_10_mb_script_reports_its_size(cli, tmp_path):
    body = "<p>Năm 2023, Đảng bộ tỉnh kết nạp 1.200 đảng viên mới, nâng tổng số lên 35.000.</p>"
    page = tmp_path / "script.html"
    page.write_text(
        f"<html><head><title>Kết nạp đảng viên</title><script>var x = '{'a' * 10_500_000}';"
        f"</script></head><body><h1>Kết nạp đảng viên mới</h1><article>{body * 4}</article>"
        "</body></html>", encoding="utf-8",
    )  # fmt: skip
    _one_error(cli("extract", str(page)), exitcodes.FAILED, "10.5 MB, over the 10 MB limit")
    allowed = cli("extract", str(page), "--max-size", "20")
    assert allowed.exit_code == 0, allowed.stderr  # the script no longer hides the article
    assert "1.200 đảng viên" in json.loads(allowed.stdout)["text"]


# the smaller items -----------------------------------------------------------------------
def test_province_filters_fold_case_and_diacritics(cli, healthy):
    for name in ("Lai Châu", "Lai Chau", "lai châu", "LAI CHAU"):
        rows = json.loads(cli("facts", "--province", name, "--format", "json", "--db",
                              str(healthy)).stdout)  # fmt: skip
        assert rows and {r["province"] for r in rows} == {"Lai Châu"}, name
    nothing = cli("facts", "--province", "Hà Nội", "--db", str(healthy))
    assert "no province 'Hà Nội' in the database; it holds Lai Châu" in nothing.stderr


def test_reversed_years_and_bad_log_levels_are_refused_clearly(cli, healthy):
    reversed_years = cli("facts", "--year", "2013-2004", "--db", str(healthy))
    assert reversed_years.exit_code == exitcodes.USAGE
    assert "did you mean 2004-2013" in reversed_years.stderr
    assert cli("--log-level", "LOUD", "facts").exit_code == exitcodes.USAGE
    bad = cli("facts", "--db", str(healthy), env={"PARTYFACTS_LOG_LEVEL": "LOUD"})
    _one_error(bad, exitcodes.USAGE, "PARTYFACTS_LOG_LEVEL='LOUD'")


def test_counts_are_stored_and_printed_as_integers(cli, healthy, tmp_path):
    with sqlite3.connect(healthy) as conn:
        kinds = {
            r[0] for r in conn.execute("SELECT typeof(value) FROM quantities WHERE unit = 'count'")
        }
    assert kinds == {"integer"}
    rows = json.loads(cli("facts", "--format", "json", "--db", str(healthy)).stdout)
    assert all(isinstance(r["value"], int) for r in rows)
    assert "1154," in cli("facts", "--format", "csv", "--db", str(healthy)).stdout
    # a database of the previous layout (REAL values) is converted when next written
    old = tmp_path / "old.db"
    shutil.copy(healthy, old)
    with sqlite3.connect(old) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'quantities'").fetchone()[0]
        conn.execute("PRAGMA writable_schema = 1")
        conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = 'quantities'",
                     (sql.replace("value NUMERIC", "value REAL"),))  # fmt: skip
        conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE quantities SET value = value + 0.0")
        assert {r[0] for r in conn.execute("SELECT typeof(value) FROM quantities")} == {"real"}
    store.connect(old).conn.close()
    with sqlite3.connect(old) as conn:
        assert {r[0] for r in conn.execute("SELECT typeof(value) FROM quantities")} == {"integer"}
        assert conn.execute("SELECT count(*) FROM party_totals_by_province_year").fetchone()[0]


def test_show_finds_a_file_however_its_path_is_written(cli, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    (work / "article.txt").write_text(ARTICLE, encoding="utf-8")
    db = tmp_path / "show.db"
    monkeypatch.chdir(work)
    assert cli("extract", "article.txt", "--db", str(db)).exit_code == 0
    monkeypatch.chdir(tmp_path)
    for ref in (str(work / "article.txt"), "work/article.txt", "work/../work/article.txt"):
        out = tmp_path / "shown.html"
        result = cli("show", ref, "--html", str(out), "--db", str(db))
        assert result.exit_code == 0, result.stderr
        page = out.read_text(encoding="utf-8")
        assert f'href="{(work / "article.txt").resolve().as_uri()}"' in page


def test_export_into_a_used_folder_replaces_only_its_own_files(cli, healthy, tmp_path):
    folder = tmp_path / "dataset"
    assert cli("export", str(folder), "--format", "csv", "--db", str(healthy)).exit_code == 0
    (folder / "NOTES.md").write_text("the researcher's own notes", encoding="utf-8")
    result = cli("export", str(folder), "--format", "jsonl", "--db", str(healthy))
    assert result.exit_code == 0
    assert "removed the earlier export's" in result.stdout and "quantities.csv" in result.stdout
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["NOTES.md", "articles.jsonl", "datapackage.json", "officials.jsonl",
                     "quantities.jsonl"]  # fmt: skip


def test_scrapy_check_without_a_sample_site_fails_clearly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PARTYFACTS_SAMPLE_URL"}
    result = subprocess.run([sys.executable, "-m", "scrapy", "check", "sample"], cwd=ROOT,
                            env={**env, "PARTYFACTS_DB": str(tmp_path / "c.db")},
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode != 0
    assert "PARTYFACTS_SAMPLE_URL" in result.stderr and "OK" not in result.stderr


def test_scrapy_crawl_fails_when_every_request_failed(tmp_path):
    closed = f"http://127.0.0.1:{free_port()}"  # nobody listens there
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "sample", "-a", f"base_url={closed}",
         "-s", "RETRY_TIMES=0"], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PARTYFACTS_DB": str(tmp_path / "c.db")},
    )  # fmt: skip
    assert result.returncode == exitcodes.FAILED, result.stderr[-2000:]
