"""The SQLite store (sqlite-utils): articles with their facts, written atomically.

* An article is unique by its key (canonical URL, or the content hash for files).
* Writing an article and its facts is one transaction; re-extracting replaces the
  article's facts in that same transaction, and every fact row names its rules version.
* WAL mode, so readers never block the writer. A writer that meets a lock waits and
  retries (busy timeout, then backoff) instead of failing, up to ``lock_timeout``.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlite_utils

from .schemas import Extraction
from .schemas.sqlite import DDL, FTS_COLUMNS, FTS_TOKENIZE, SCHEMA_VERSION, VIEWS, upgrade

log = logging.getLogger(__name__)
T = TypeVar("T")


class StoreError(RuntimeError):
    """The database could not be opened or written."""


def _is_lock_error(error: sqlite3.OperationalError) -> bool:
    message = str(error).lower()
    return "locked" in message or "busy" in message


def retrying(
    db: sqlite_utils.Database, work: Callable[[], T], lock_timeout: float | None = None
) -> T:
    """Run ``work`` in one IMMEDIATE transaction, retrying while another writer holds the
    lock (up to ``lock_timeout``, by default the one the database was opened with).
    IMMEDIATE takes the write lock up front, so a transaction never has to upgrade a read
    lock half-way (which SQLite refuses rather than waits for)."""
    if lock_timeout is None:
        lock_timeout = getattr(db, "lock_timeout", 60.0)
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            if not _is_lock_error(error) or time.monotonic() > deadline:
                raise StoreError(f"database is locked by another writer: {error}") from error
            log.info("database busy, retrying in %.2fs", delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
            continue
        try:
            result = work()
        except BaseException:
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
        return result


def connect(path: str | Path, lock_timeout: float = 60.0) -> sqlite_utils.Database:
    """Open (and create, if new) the database at ``path`` with the partyfacts layout."""
    path = Path(path)
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = sqlite3.connect(str(path), timeout=min(lock_timeout, 5.0), isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"cannot open database {path}: {error}") from error
    db = sqlite_utils.Database(conn)
    db.lock_timeout = lock_timeout  # type: ignore[attr-defined]
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        if not db["meta"].exists() or _schema_version(db) != SCHEMA_VERSION:
            retrying(db, lambda: _create(db), lock_timeout)
    except sqlite3.DatabaseError as error:
        raise StoreError(f"cannot use database {path}: {error}") from error
    return db


def _schema_version(db: sqlite_utils.Database) -> int | None:
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def _create(db: sqlite_utils.Database) -> None:
    upgrade(db.conn)  # an older database's tables first: DDL's indexes may name new columns
    for statement in DDL.split(";"):
        if statement.strip():
            db.conn.execute(statement)
    for statement in VIEWS.split(";"):
        if statement.strip():
            db.conn.execute(statement)
    if not db["articles_fts"].exists():
        # sqlite-utils' FTS5 table plus triggers that keep it in step with articles
        db["articles"].enable_fts(list(FTS_COLUMNS), create_triggers=True, tokenize=FTS_TOKENIZE)
    db.conn.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (SCHEMA_VERSION,)
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(
    db: sqlite_utils.Database,
    extraction: Extraction,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    crawl: dict[str, Any] | None = None,
) -> str:
    """Store one article and its facts atomically. Returns ``new``, ``updated`` (text or
    rules changed: the facts were replaced) or ``unchanged`` (only the validators and
    ``crawl`` written). ``crawl``: the crawler's own columns (checked_at, relevance)."""
    article = extraction.article
    version = extraction.rules_version
    crawl = crawl or {}

    def work() -> str:
        row = db.execute(
            "SELECT id, content_hash, rules_version FROM articles WHERE key = ?", (article.key,)
        ).fetchone()
        if row and row[1] == article.content_hash and row[2] == version:
            if etag or last_modified or crawl:
                kept = {"etag": etag, "last_modified": last_modified, **crawl}
                columns = ", ".join(f"{k} = :{k}" for k in kept)
                db.execute(f"UPDATE articles SET {columns} WHERE id = :id", {**kept, "id": row[0]})
            return "unchanged"
        now = _now()
        values: dict[str, Any] = article.model_dump(mode="json")
        values.update(rules_version=version, updated_at=now, etag=etag, last_modified=last_modified)
        values.update(crawl)
        if row:
            article_id = row[0]
            columns = ", ".join(f"{k} = :{k}" for k in values)
            db.execute(
                f"UPDATE articles SET {columns} WHERE id = :id", {**values, "id": article_id}
            )
            db.execute("DELETE FROM quantities WHERE article_id = ?", (article_id,))
            db.execute("DELETE FROM officials WHERE article_id = ?", (article_id,))
        else:
            values["first_seen"] = now
            names = ", ".join(values)
            marks = ", ".join(f":{k}" for k in values)
            article_id = db.execute(
                f"INSERT INTO articles ({names}) VALUES ({marks})", values
            ).lastrowid
        _insert_facts(db, article_id, extraction)
        return "updated" if row else "new"

    return retrying(db, work)


def _insert_facts(db: sqlite_utils.Database, article_id: int, extraction: Extraction) -> None:
    insert_facts(
        db,
        article_id,
        [q.model_dump(mode="json") for q in extraction.quantities],
        [o.model_dump(mode="json") for o in extraction.officials],
        extraction.article.province,
        extraction.rules_version,
    )


def insert_facts(
    db: sqlite_utils.Database,
    article_id: int,
    quantities: list[dict[str, Any]],
    officials: list[dict[str, Any]],
    province: str | None,
    version: str,
) -> None:
    """Insert one article's facts (validated records as dicts); call inside a transaction,
    after deleting the article's previous facts."""
    common = {"article_id": article_id, "rules_version": version}
    # a fact's own province (its body's, or the person's) wins over the article's
    quantity_rows = [{**q, **common, "province": q.get("province") or province} for q in quantities]
    official_rows = [
        {**o, **common, "province": o.get("province") or province, "name_key": o["name"].casefold(),
         "titles": json.dumps(o["titles"], ensure_ascii=False)}
        for o in officials
    ]  # fmt: skip
    for table, rows in (("quantities", quantity_rows), ("officials", official_rows)):
        if not rows:
            continue
        names = list(rows[0])
        quoted = ", ".join(f'"{n}"' for n in names)
        marks = ", ".join(f":{n}" for n in names)
        db.conn.executemany(f"INSERT INTO {table} ({quoted}) VALUES ({marks})", rows)


def counts(db: sqlite_utils.Database) -> dict[str, Any]:
    """What the database holds: totals and facts by category and event."""
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "quantities": one("SELECT count(*) FROM quantities"),
        "officials": one("SELECT count(*) FROM officials"),
        "by_category": db.execute(
            "SELECT category, event, count(*) FROM quantities GROUP BY category, event "
            "ORDER BY category, count(*) DESC"
        ).fetchall(),
        "by_province": db.execute(
            "SELECT coalesce(province, '(unknown)'), count(*) FROM articles GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall(),
    }
