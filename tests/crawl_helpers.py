"""Running the crawler as a user does (a subprocess: Twisted's reactor starts once per
process) against the sample site served by the test on 127.0.0.1."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def crawl_command(db: Path, base_url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "partyfacts.cli", "crawl", "sample", "--base-url", base_url,
            "--db", str(db), *extra]  # fmt: skip


def crawl(
    db: Path, base_url: str, *extra: str, timeout: float = 180, now: datetime | None = None
) -> subprocess.CompletedProcess:
    """One crawl of the sample site; ``now`` freezes the crawler's clock (PARTYFACTS_NOW)."""
    return subprocess.run(
        crawl_command(db, base_url, *extra), capture_output=True, text=True, timeout=timeout,
        cwd=ROOT, env=environment(now),
    )  # fmt: skip


def environment(now: datetime | None = None) -> dict[str, str]:
    env = {**os.environ, "PARTYFACTS_LOG_LEVEL": "INFO"}
    env.pop("PARTYFACTS_NOW", None)
    if now is not None:
        env["PARTYFACTS_NOW"] = now.isoformat()
    return env


def conditional_paths(requests: list[tuple[str, int, bool]]) -> set[str]:
    """The pages a crawl revalidated (asked with If-None-Match / If-Modified-Since)."""
    return {path for path, _status, conditional in requests if conditional}


def snapshot(db: Path) -> dict:
    """Everything a crawl leaves in the database that must not depend on how it ran."""
    with sqlite3.connect(db) as conn:
        articles = sorted(
            conn.execute("SELECT canonical_url, content_hash, title, published FROM articles")
        )
        quantities = sorted(conn.execute(
            "SELECT a.canonical_url, q.value, q.unit, q.category, q.event, q.year, q.start, q.\"end\" "
            "FROM quantities q JOIN articles a ON a.id = q.article_id"
        ))  # fmt: skip
        officials = sorted(conn.execute(
            "SELECT a.canonical_url, o.name, o.titles FROM officials o JOIN articles a ON a.id = o.article_id"
        ))  # fmt: skip
    return {"articles": articles, "quantities": quantities, "officials": officials}


def runs(db: Path) -> list[dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM crawl_runs ORDER BY id")]
    for row in rows:
        row["errors"] = json.loads(row["errors"])
    return rows


def count_articles(db: Path) -> int:
    # read-only, so that polling never creates the file before the crawler does (an empty
    # file the crawler did not make, or a lock held while it sets the database up)
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
