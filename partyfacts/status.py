"""``partyfacts status``: each crawled site's last run, last new article and health, for a
person (a table), a machine (``--json``) or a monitor (``--prom FILE``, the Prometheus text
format, written atomically as node_exporter's textfile collector expects).

Exit codes: 0 every site ok, 4 a site is degraded, 1 a site is failing (or no database).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from .crawler import health as health_module

EXIT = {"ok": 0, "degraded": 4, "failing": 1}
HEALTH_VALUE = {"ok": 0, "degraded": 1, "failing": 2}


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def sites_status(conn: sqlite3.Connection, sites: list[str] | None = None) -> list[dict[str, Any]]:
    """One entry per site that has a finished run (or per site asked for)."""
    tables = _tables(conn)
    if "crawl_runs" not in tables:
        return []
    known = [r[0] for r in conn.execute("SELECT DISTINCT site FROM crawl_runs ORDER BY site")]
    out = []
    for site in sites or known:
        run = conn.execute(
            "SELECT id, started_at, ended_at, status, pages_fetched, articles_new, articles_updated, "
            "articles_skipped, articles_failed, errors FROM crawl_runs "
            "WHERE site = ? AND status != 'running' ORDER BY id DESC LIMIT 1",
            (site,),
        ).fetchone()
        if run is None:
            out.append({"site": site, "health": None, "why": "never crawled", "reasons": []})
            continue
        entry: dict[str, Any] = {
            "site": site, "run_id": run[0], "last_run": run[1], "ended": run[2],
            "run_status": run[3], "pages_fetched": run[4], "articles_new": run[5],
            "articles_updated": run[6], "articles_skipped": run[7], "articles_failed": run[8],
            "errors": json.loads(run[9] or "{}"),
        }  # fmt: skip
        entry["running"] = bool(
            conn.execute(
                "SELECT 1 FROM crawl_runs WHERE site = ? AND status = 'running' AND id > ?",
                (site, run[0]),
            ).fetchone()
        )
        entry["last_new_article"] = _last_new(conn, site, tables)
        verdict = None
        if "crawl_health" in tables:
            columns = ", ".join(health_module.COUNTS)
            verdict = conn.execute(
                f"SELECT health, reasons, {columns} FROM crawl_health WHERE run_id = ?", (run[0],)
            ).fetchone()
        if verdict:
            counts = dict(zip(health_module.COUNTS, verdict[2:], strict=True))
            entry["health"], entry["reasons"] = verdict[0], json.loads(verdict[1])
            entry["measures"] = counts
            entry["shares"] = health_module.shares(counts)
        else:  # a run killed before it could judge itself, or an older database
            failed = run[3] == "failed"
            entry["health"] = "failing" if failed else "ok"
            entry["reasons"] = ["the run failed"] if failed else []
        entry["why"] = "; ".join(entry["reasons"]) or "-"
        out.append(entry)
    return out


def _last_new(conn: sqlite3.Connection, site: str, tables: set[str]) -> str | None:
    """When the site last gave a new article: the end of the last run that stored one, or
    the first sighting of its newest article that is not party building."""
    times = [
        conn.execute(
            "SELECT max(coalesce(ended_at, started_at)) FROM crawl_runs "
            "WHERE site = ? AND articles_new > 0",
            (site,),
        ).fetchone()[0]
    ]
    if "crawl_pages" in tables and "first_seen" in {
        r[1] for r in conn.execute("PRAGMA table_info(crawl_pages)")
    }:
        times.append(
            conn.execute(
                "SELECT max(first_seen) FROM crawl_pages WHERE site = ? AND status = 'irrelevant'",
                (site,),
            ).fetchone()[0]
        )
    times = [t for t in times if t]
    return max(times) if times else None


def exit_code(entries: list[dict[str, Any]]) -> int:
    healths = {e["health"] for e in entries}
    if "failing" in healths:
        return EXIT["failing"]
    return EXIT["degraded"] if "degraded" in healths else 0


def table_rows(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "site": e["site"],
            "last run": _short(e.get("last_run")) + (" (running now)" if e.get("running") else ""),
            "run": e.get("run_status") or "-",
            "new": e.get("articles_new", ""),
            "last new article": _short(e.get("last_new_article")) or "-",
            "health": e["health"] or "-",
            "why": e["why"],
        }
        for e in entries
    ]


TABLE_COLUMNS = ["site", "last run", "run", "new", "last new article", "health", "why"]


def _short(stamp: str | None) -> str:
    return stamp.replace("T", " ")[:16] if stamp else ""


def _seconds(stamp: str | None) -> float | None:
    if not stamp:
        return None
    moment = datetime.fromisoformat(stamp)
    return moment.timestamp()


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def prometheus(entries: list[dict[str, Any]]) -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    metrics: list[tuple[str, str, list[tuple[dict[str, str], float]]]] = [
        ("partyfacts_site_health", "Health of the site's last run: 0 ok, 1 degraded, 2 failing.", []),
        ("partyfacts_site_last_run_timestamp_seconds", "Start of the site's last finished run.", []),
        ("partyfacts_site_last_new_article_timestamp_seconds", "When the site's newest article was first seen.", []),
        ("partyfacts_site_run_pages_fetched", "Pages fetched by the last run.", []),
        ("partyfacts_site_run_articles_new", "New articles in the last run.", []),
        ("partyfacts_site_run_articles_failed", "Article pages that failed in the last run.", []),
        ("partyfacts_site_run_article_links", "Article links found on listing pages in the last run.", []),
        ("partyfacts_site_run_share", "Shares measured in the last run (title, date, body, facts, selectors).", []),
    ]  # fmt: skip
    by_name = {name: samples for name, _help, samples in metrics}
    for e in entries:
        if e.get("health") is None:
            continue
        site = {"site": e["site"]}
        by_name["partyfacts_site_health"].append((site, HEALTH_VALUE[e["health"]]))
        for name, key in (("last_run_timestamp_seconds", "last_run"),
                          ("last_new_article_timestamp_seconds", "last_new_article")):  # fmt: skip
            value = _seconds(e.get(key))
            if value is not None:
                by_name[f"partyfacts_site_{name}"].append((site, value))
        for name in ("pages_fetched", "articles_new", "articles_failed"):
            by_name[f"partyfacts_site_run_{name}"].append((site, e.get(name) or 0))
        measures = e.get("measures") or {}
        if measures:
            by_name["partyfacts_site_run_article_links"].append((site, measures["article_links"]))
        for measure, value in (e.get("shares") or {}).items():
            if value is not None and measure != "links_per_listing":
                by_name["partyfacts_site_run_share"].append(({**site, "measure": measure}, value))
    lines = []
    for name, help_text, samples in metrics:
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
        for labels, value in samples:
            text = ",".join(f'{k}="{_label(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{text}}} {_number(value)}")
    return "\n".join(lines) + "\n"


def write_prometheus(path: str | Path, entries: list[dict[str, Any]]) -> None:
    """Write the file atomically (a temporary file renamed over it), so the collector never
    reads half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(prometheus(entries))
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
