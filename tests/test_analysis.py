"""The commands analysts and researchers use, each driven on a real database and checked on
its actual output: facts, officials, sql, views, export, show, reextract, serve, notebook."""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "partyfacts.cli", *args], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)  # fmt: skip
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("demo") / "demo.db"
    run("run", "--db", str(db))  # the main job, as `make run`
    return db


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory) -> Path:
    seeds = ROOT.parent / "shared" / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip("../shared is not present")
    db = tmp_path_factory.mktemp("seeds") / "seeds.db"
    run("extract", *sorted(str(p) for p in seeds.glob("*.txt")), "--db", str(db))
    return db


def test_lai_chau_town_figures_are_district_scope_not_the_provinces(seed_db):
    """The README's example: the seed article is about Đảng bộ thị xã Lai Châu, so its
    491 (2004) and 1,154 (2009) members are the town's, not the province's."""
    out = run("facts", "--db", str(seed_db), "--province", "Lai Châu", "--scope", "district",
              "--category", "party_member", "--event", "total").stdout  # fmt: skip
    lines = out.splitlines()
    rows = [line for line in lines if line.startswith(("491 ", "1.154 ", "1,154 "))]
    assert len(rows) == 2, out
    assert " 2004 " in rows[0] and "[491 đảng viên]" in rows[0]
    assert " 2009 " in rows[1] and "[1.154 đảng viên]" in rows[1]
    assert all("Đảng bộ thị xã Lai Châu" in row for row in rows)
    province_wide = run("facts", "--db", str(seed_db), "--province", "Lai Châu", "--scope",
                        "province", "--category", "party_member", "--event", "total").stdout  # fmt: skip
    assert "491" not in province_wide and "1.154" not in province_wide
    with sqlite3.connect(seed_db) as conn:
        in_view = conn.execute(
            "SELECT value FROM party_totals_by_province_year WHERE province = 'Lai Châu'"
        ).fetchall()
        districts = conn.execute(
            "SELECT unit_name, year, value FROM district_totals_by_year "
            "WHERE category = 'party_member' ORDER BY year"
        ).fetchall()
    assert (491.0,) not in in_view and (1154.0,) not in in_view
    assert [(y, v) for _, y, v in districts] == [(2004, 491), (2009, 1154)]
    assert {u for u, _, _ in districts} == {"Đảng bộ thị xã Lai Châu"}


def test_facts_filters_and_machine_formats(demo_db):
    rows = json.loads(run("facts", "--db", str(demo_db), "--event", "admitted", "--category", "party_member",
                          "--year", "2024-2025", "--format", "json").stdout)  # fmt: skip
    assert rows and all(r["event"] == "admitted" and 2024 <= r["year"] <= 2025 for r in rows)
    assert all(
        r["source"].startswith("http://bao-mau.partyfacts.invalid/") and r["sentence"] for r in rows
    )
    table = list(
        csv.DictReader(
            run(
                "facts", "--db", str(demo_db), "--format", "csv", "--limit", "5"
            ).stdout.splitlines()
        )
    )
    assert len(table) == 5 and {"value", "year", "article_published", "source", "sentence"} <= set(
        table[0]
    )
    lines = run(
        "facts", "--db", str(demo_db), "--official", "Giàng A Dế", "--format", "jsonl"
    ).stdout.splitlines()
    assert lines and all(json.loads(line)["article_id"] for line in lines)
    assert run("facts", "--db", str(demo_db), "--year", "soon", check=False).returncode == 2


def test_officials_lists_titles_with_dates_and_sources(demo_db):
    rows = json.loads(
        run("officials", "--db", str(demo_db), "--name", "Tao Văn Hùng", "--format", "json").stdout
    )
    titles = {r["title"] for r in rows}
    assert titles == {"Ủy viên Ban Thường vụ Tỉnh ủy", "Trưởng Ban Tổ chức Tỉnh ủy"}
    assert all(r["first_seen"] <= r["last_seen"] and r["sources"] for r in rows)


def test_sql_is_read_only(demo_db):
    out = run(
        "sql", "--db", str(demo_db), "SELECT count(*) AS n FROM articles", "--format", "csv"
    ).stdout
    assert out.splitlines() == ["n", "32"]  # the sample site's 32 party-building articles
    refused = run("sql", "--db", str(demo_db), "DELETE FROM quantities", check=False)
    assert refused.returncode == 1 and "read-only" in refused.stderr
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT count(*) FROM quantities").fetchone()[0] > 0


def test_views_answer_the_usual_questions(demo_db):
    with sqlite3.connect(demo_db) as conn:
        members = conn.execute(
            "SELECT year, value, source FROM party_totals_by_province_year "
            "WHERE province = 'Lai Châu' AND category = 'party_member' ORDER BY year"
        ).fetchall()
        # the province series holds province-wide figures only; districts have their own view
        province_subjects = conn.execute(
            "SELECT DISTINCT unit_name FROM party_totals_by_province_year"
        ).fetchall()
        district_units = conn.execute(
            "SELECT DISTINCT unit_name FROM district_totals_by_year"
        ).fetchall()
        admissions = conn.execute(
            "SELECT year, admitted FROM admissions_by_province_year"
        ).fetchall()
        titles = conn.execute("SELECT count(*) FROM official_titles_over_time").fetchone()[0]
    years = [m[0] for m in members]
    assert len(years) >= 4 and years == sorted(set(years))  # one figure per province-year
    assert province_subjects == [("Đảng bộ tỉnh Lai Châu",)]
    assert len(district_units) >= 4
    assert all(unit.startswith("Đảng bộ huyện") or unit == "Đảng bộ thành phố Lai Châu"
               for (unit,) in district_units)  # fmt: skip
    assert all(m[2] for m in members) and admissions and titles >= 5


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "parquet"])
def test_export_writes_tables_and_a_datapackage(demo_db, tmp_path, fmt):
    run("export", str(tmp_path), "--db", str(demo_db), "--format", fmt)
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        path = tmp_path / resource["path"]
        names = [f["name"] for f in resource["schema"]["fields"]]
        assert all(f["description"] for f in resource["schema"]["fields"])
        if fmt == "csv":
            with path.open(encoding="utf-8") as handle:
                assert next(csv.reader(handle)) == names
        elif fmt == "jsonl":
            first = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
            assert list(first) == names
        else:
            import pyarrow.parquet as pq

            assert pq.read_table(path).column_names == names
    category = next(
        f for f in package["resources"][1]["schema"]["fields"] if f["name"] == "category"
    )
    assert "party_member" in category["constraints"]["enum"]


def test_show_renders_every_fact_highlighted(demo_db, tmp_path):
    out = tmp_path / "article.html"
    run("show", "1", "--db", str(demo_db), "--html", str(out))
    page = out.read_text(encoding="utf-8")
    with sqlite3.connect(demo_db) as conn:
        n = conn.execute("SELECT count(*) FROM quantities WHERE article_id = 1").fetchone()[0]
        people = conn.execute("SELECT count(*) FROM officials WHERE article_id = 1").fetchone()[0]
    assert page.count("z-index: 10;") == n + people  # displaCy: one label per fact
    assert f"Quantities ({n})" in page
    assert (
        run("show", "99999", "--db", str(demo_db), "--html", str(out), check=False).returncode == 1
    )


def test_reextract_uses_workers_and_reports_what_changed(demo_db, tmp_path):
    db = tmp_path / "copy.db"
    with sqlite3.connect(demo_db) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE quantities SET event = 'other', rules_version = '0.9' WHERE id IN (1, 2)"
        )
        conn.execute("DELETE FROM quantities WHERE id = 3")
        conn.execute("UPDATE articles SET rules_version = '0.9' WHERE id = 1")
    out = run("reextract", "--db", str(db), "--workers", "2").stdout
    assert "Re-extracted 32 articles" in out and "2 workers" in out and "0.9 (1)" in out
    changed = sum(int(line.split()[3]) for line in out.splitlines() if line and line.split()[0] != "facts"
                  and len(line.split()) == 5 and line.split()[3].isdigit())  # fmt: skip
    added = sum(
        int(line.split()[1])
        for line in out.splitlines()
        if len(line.split()) == 5 and line.split()[1].isdigit()
    )
    assert changed >= 1 and added == 1
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT count(DISTINCT rules_version) FROM quantities").fetchone()[0] == 1
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_opens_datasette_with_facets_and_canned_queries(demo_db):
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "partyfacts.cli", "serve", "--db", str(demo_db),
                                "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    base = f"http://127.0.0.1:{port}/demo"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}.json", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        with urllib.request.urlopen(
            f"{base}/quantities.json?_facet=category&_size=0", timeout=10
        ) as r:
            facets = json.load(r)["facet_results"]
        results = facets.get("results", facets)
        assert any(item["value"] == "party_member" for item in results["category"]["results"])
        with urllib.request.urlopen(
            f"{base}/party_members_by_province.json?_shape=array&province=", timeout=10
        ) as r:
            rows = json.load(r)
        assert rows and {"province", "year", "party_members", "source"} <= set(rows[0])
        request = urllib.request.Request(f"{base}/-/query", method="POST")
        with pytest.raises(urllib.error.HTTPError):
            urllib.request.urlopen(request, data=b"sql=DELETE+FROM+articles", timeout=10)
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_notebook_runs_top_to_bottom_on_the_demo_database(demo_db):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(ROOT / "notebooks" / "party_building.ipynb", as_version=4)
    os.environ["PARTYFACTS_DB"] = str(demo_db)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()  # fmt: skip
    finally:
        del os.environ["PARTYFACTS_DB"]
    images = [
        o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})
    ]
    assert len(images) == 2  # the time series and the admissions
    assert any(
        "Tao Văn Hùng" in o.get("data", {}).get("text/plain", "")
        for o in notebook.cells[-1].outputs
    )


def _readme_examples() -> list[list[str]]:
    """The analysts' examples of the README: the `partyfacts` lines that read the database."""
    import shlex

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for line in readme.splitlines():
        if not line.startswith(".venv/bin/partyfacts "):
            continue
        words = shlex.split(line.split(" #")[0].split(" > ")[0])[1:]
        if words[0] in ("facts", "officials", "sql", "show", "export"):
            found.append(words)
    return found


def test_every_readme_example_gives_rows_on_the_make_run_database(demo_db, tmp_path):
    examples = _readme_examples()
    assert len(examples) >= 8
    for words in examples:
        # the examples' output folders go to a temporary folder, never into the repository
        words = [w.replace("article.html", str(tmp_path / "a.html")).replace("dataset/", str(tmp_path / "ds"))
                 .replace("review/", str(tmp_path / "review")) for w in words]  # fmt: skip
        if words[0] == "show" and not words[1].isdigit():
            continue  # a file of the reader's own
        if words[0] in ("facts", "officials", "sql") and "--format" not in words:
            words += ["--format", "json"]
        result = run(*words, "--db", str(demo_db), check=False)
        assert result.returncode == 0, (words, result.stderr)
        if words[0] in ("facts", "officials", "sql"):
            rows = json.loads(result.stdout) if "json" in words else result.stdout.splitlines()[1:]
            assert rows, f"no rows: {' '.join(words)}"
