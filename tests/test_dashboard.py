"""The dashboard `partyfacts serve` shows, loaded in headless Chromium (Debian's package,
installed by `make test` where it can be; skipped cleanly where it cannot): every chart
draws its marks from the data, and every mark links to the rows behind it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import lxml.html
import pytest
from fault_cells import ROOT, free_port

from partyfacts import dashboard, database, processes

CHARTS = ("members", "orgs", "admissions", "badges", "top", "officials")


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.skip("chromium is not installed (make test installs Debian's chromium where it can)")
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    db = tmp_path_factory.mktemp("dash") / "demo.db"
    subprocess.run([sys.executable, "-m", "partyfacts.cli", "run", "--db", str(db)], cwd=ROOT,
                   capture_output=True, check=True, timeout=300)  # fmt: skip
    port = free_port()
    with processes.running([sys.executable, "-m", "partyfacts.cli", "serve", "--db", str(db),
                            "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL):  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "serve did not answer"
                time.sleep(0.3)
        yield base, db


def _json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def _chart_rows(base: str, db: Path, slug: str) -> list[dict]:
    """The rows a chart draws: its query with the dashboard's default filters, through
    Datasette's own JSON API, as the page's script fetches them."""
    from datasette_dashboards import replace_opts_in_query

    conn = database.open_read(db)
    config = dashboard.dashboard(conn, db.stem)[dashboard.SLUG]
    conn.close()
    options = {k: str(f["default"]) for k, f in config["filters"].items()}
    chart = config["charts"][slug]
    query = replace_opts_in_query(chart["query"], options)
    params = urllib.parse.urlencode({"sql": query, "_shape": "objects", **options})
    return _json(f"{base}/{db.stem}.json?{params}")["rows"]


def test_every_chart_renders_marks_from_its_data_and_links_to_its_rows(served, chromium, tmp_path):
    base, db = served
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=30000",
               "--dump-dom", f"{base}/-/dashboards/{dashboard.SLUG}"]  # fmt: skip
    with processes.running(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as browser:
        dom, _ = browser.communicate(timeout=180)
    page = lxml.html.fromstring(dom)
    for slug in CHARTS:
        (chart,) = page.xpath(f'//div[@id="chart-{slug}"]')
        assert chart.xpath(".//svg"), f"{slug}: no chart drawn"
        marks = [m for m in chart.xpath('.//*[@role="graphics-symbol"]')
                 if m.get("aria-roledescription") in ("bar", "point")]  # fmt: skip
        rows = _chart_rows(base, db, slug)
        assert rows, f"{slug}: the demo data gives this chart no rows"
        assert len(marks) == len(rows), slug  # one mark per row of data
        href = rows[0]["href"]  # each mark's link (Vega's href channel)
        path, _, query = urllib.parse.quote(href, safe="/?&=%").partition("?")  # as a browser does
        behind = _json(f"{base}{path}.json?{query}&_shape=objects")
        assert behind["rows"], f"{slug}: {href} shows no rows"


def test_each_chart_page_links_to_its_query(served):
    base, _db = served
    for slug in CHARTS:
        with urllib.request.urlopen(
            f"{base}/-/dashboards/{dashboard.SLUG}/{slug}", timeout=30
        ) as r:
            assert "?sql=" in r.read().decode("utf-8"), slug
