"""The SQL guard: an analyst's statement may read, nothing else. Every hostile statement
is refused or stopped at the time limit, through `partyfacts sql` and through Datasette;
no file appears, the database does not change, and Ctrl-C stops an endless query."""

from __future__ import annotations

import asyncio
import hashlib
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from fault_cells import ROOT, make_healthy

from partyfacts import query, sqlguard

# once Datasette is imported (by the test that serves), SQLite callback tracebacks are on and
# the refused printf() is also reported as an "unraisable" exception: that is expected here
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

# {out} is a folder the statements try to create files in
HOSTILE = [
    # files elsewhere
    "ATTACH DATABASE '{out}/attached.db' AS e",
    "VACUUM INTO '{out}/copy.db'",
    "VACUUM",
    "DETACH DATABASE main",
    # temp objects (they would live beside the read-only database)
    "CREATE TEMP TABLE t(x)",
    "CREATE TEMP VIEW v AS SELECT 1",
    "CREATE TEMP TRIGGER tr AFTER INSERT ON articles BEGIN SELECT 1; END",
    "CREATE TEMP TABLE t AS SELECT * FROM articles",
    # writes and DDL
    "CREATE TABLE t(x)",
    "CREATE INDEX i ON articles(title)",
    "CREATE VIEW v AS SELECT 1",
    "CREATE VIRTUAL TABLE f USING fts5(x)",
    "DROP TABLE quantities",
    "DROP VIEW facts_with_source",
    "ALTER TABLE articles ADD COLUMN x",
    "INSERT INTO meta VALUES ('x', 'y')",
    "UPDATE articles SET title = 'x'",
    "DELETE FROM quantities",
    "REPLACE INTO meta VALUES ('schema_version', '99')",
    "WITH x AS (SELECT 1) DELETE FROM quantities",
    "/* a comment first */ DELETE FROM quantities",
    "EXPLAIN DELETE FROM quantities",
    "SELECT 1; ATTACH DATABASE '{out}/second.db' AS s",
    # writable pragmas
    "PRAGMA writable_schema = 1",
    "PRAGMA journal_mode = DELETE",
    "PRAGMA user_version = 7",
    "PRAGMA query_only = 0",
    "PRAGMA foreign_keys = OFF",
    "PRAGMA temp_store_directory = '{out}'",
    "PRAGMA mmap_size = 1000000000",
    "PRAGMA cache_size = -2000000",
    # extensions and dangerous functions
    "SELECT load_extension('{out}/evil.so')",
    "SELECT fts3_tokenizer('simple')",
    # transactions
    "BEGIN",
    "SAVEPOINT s",
    "REINDEX",
    "ANALYZE",
    # endless and huge
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
    "SELECT count(*) FROM pragma_function_list a, pragma_function_list b, pragma_function_list c",
    "WITH RECURSIVE c(x) AS (SELECT 'a' UNION ALL SELECT x || x FROM c) SELECT length(x) FROM c",
    "SELECT randomblob(1000000000)",
    "SELECT zeroblob(1000000000)",
    "SELECT printf('%.*c', 2000000000, 'x')",
    "SELECT format('%2000000000d', 1)",
    "SELECT printf('%.*c', '2000000000 as text', 'x')",
    "SELECT printf('%*c', 1e300, 'x')",
    "SELECT replace(hex(zeroblob(40000000)), '00', 'abcdef')",
]
TIME_LIMIT = 1.0


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("guard") / "partyfacts.db"
    make_healthy(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("statement", HOSTILE)
def test_a_hostile_statement_is_refused_or_stopped(cli, db, tmp_path, statement):
    out = tmp_path / "out"
    out.mkdir()
    before = _digest(db)
    result = cli("sql", statement.format(out=out), "--db", str(db),
                 "--time-limit", str(TIME_LIMIT))  # fmt: skip
    assert result.exit_code == 1, result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(("partyfacts: error: refused: ", "partyfacts: error: stopped: ")), line
    assert list(out.iterdir()) == []  # no file was created anywhere we pointed it
    assert _digest(db) == before


def test_reading_still_works_under_the_guard(db):
    conn = query.connect_readonly(db)
    assert query.sql(conn, "SELECT count(*) FROM articles").rows == [(2,)]
    assert query.sql(conn, "PRAGMA table_info(articles)").rows
    assert query.sql(conn, "SELECT name FROM pragma_table_info('quantities')").rows
    assert query.sql(conn, "SELECT * FROM official_titles_over_time").columns  # json_each
    assert query.sql(conn, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                           "WHERE x < 5) SELECT sum(x) FROM c").rows == [(15,)]  # fmt: skip
    assert query.sql(conn, "SELECT printf('%5.1f|%-3d|', 85.66, 7)").rows == [(" 85.7|7  |",)]
    assert query.sql(conn, "SELECT * FROM articles_fts WHERE articles_fts MATCH 'đảng'").rows
    result = query.sql(conn, "SELECT value FROM quantities", max_rows=2)
    assert len(result.rows) == 2 and result.truncated


def test_the_guard_judges_by_action_not_by_spelling():
    judge = sqlguard.Guard.judge
    assert judge(sqlguard.sqlite3.SQLITE_ATTACH, "x.db", None, None) == "ATTACH"
    assert judge(sqlguard.sqlite3.SQLITE_PRAGMA, "table_info", "articles", None) is None
    assert (
        judge(sqlguard.sqlite3.SQLITE_PRAGMA, "user_version", "3", None)
        == "PRAGMA user_version = 3"
    )
    assert judge(sqlguard.sqlite3.SQLITE_UPDATE, "articles", "title", "main") == "UPDATE"
    assert judge(sqlguard.sqlite3.SQLITE_FUNCTION, None, "load_extension", None)


def test_datasette_connections_are_guarded_too(db):
    from partyfacts import serve

    ds = serve.app(db, time_limit=TIME_LIMIT)

    async def get(sql: str) -> dict:
        response = await ds.client.get(f"/{db.stem}.json", params={"sql": sql})
        return response.json()

    async def both():
        return (
            await get("SELECT count(*) AS n FROM articles"),
            await get("SELECT load_extension('x')"),
            await get("SELECT printf('%.*c', 2000000000, 'x')"),
        )

    fine, extension, padded = asyncio.run(both())
    assert fine["rows"] == [[2]]
    assert not extension["ok"] and "not authorized" in extension["error"]
    assert not padded["ok"]


def test_ctrl_c_stops_an_endless_query(db):
    statement = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "partyfacts.cli", "--log-level", "INFO", "sql", statement,
         "--db", str(db), "--time-limit", "3600"],
        cwd=ROOT, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        started = []
        reader = threading.Thread(target=lambda: started.append(process.stderr.readline()))
        reader.start()
        reader.join(timeout=120)  # logged just before the statement starts
        assert started and "running the statement" in started[0], started
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 130
        assert process.stderr.read().strip() == "partyfacts: error: interrupted"
    finally:
        process.kill()
        process.wait()


def test_the_readme_counts_the_statements_tried():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(HOSTILE)} hostile statements" in readme
