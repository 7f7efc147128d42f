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

from . import database, exitcodes
from .schemas import Extraction
from .schemas.sqlite import DDL, FTS_COLUMNS, FTS_TOKENIZE, SCHEMA_VERSION, VIEWS, upgrade

log = logging.getLogger(__name__)
T = TypeVar("T")

# The database could not be opened or written: one line naming the file and the problem.
StoreError = database.DatabaseError


def _location(db: sqlite_utils.Database) -> str:
    return str(getattr(db, "location", None) or "(unnamed)")


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
            if not database.is_lock_error(error):
                raise database.explain(Path(_location(db)), error, writing=True) from error
            if time.monotonic() > deadline:
                raise StoreError(
                    _location(db),
                    f"locked by another writer; waited {lock_timeout:g} s (lock_timeout, "
                    "PARTYFACTS_LOCK_TIMEOUT)",
                    exitcodes.LOCKED,
                ) from None
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
    """Open (and create, if new) the database at ``path`` for writing, with the partyfacts
    layout (an older layout is upgraded). DatabaseError when it cannot be used."""
    conn, version = database.open_write(path, lock_timeout)
    db = sqlite_utils.Database(conn)
    db.lock_timeout = lock_timeout  # type: ignore[attr-defined]
    db.location = str(path)  # type: ignore[attr-defined]
    if version != SCHEMA_VERSION:
        try:
            retrying(db, lambda: _create(db), lock_timeout)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise database.explain(Path(path), error, writing=True) from None
    return db


def _create(db: sqlite_utils.Database) -> None:
    upgrade(db.conn)  # an older database's tables first: DDL's indexes may name new columns
    _store_counts_as_integers(db)
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


def _store_counts_as_integers(db: sqlite_utils.Database) -> None:
    """Layouts before 4 declared ``quantities.value`` REAL, so a count of 7 read back as
    7.0; NUMERIC keeps integers as integers. The table is rebuilt from its own CREATE
    statement (so whatever other columns it has now are kept)."""
    declared = {
        name: kind
        for name, kind in db.execute("SELECT name, type FROM pragma_table_info('quantities')")
    }
    if declared.get("value", "").upper() != "REAL":
        return
    sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'quantities'").fetchone()[0]
    new_sql = (
        sql.replace("value REAL", "value NUMERIC", 1)
        .replace("of_total REAL", "of_total NUMERIC", 1)
        .replace("quantities", "quantities_new", 1)
    )
    columns = ", ".join(f'"{name}"' for name in declared)
    for (view,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'view'").fetchall():
        db.execute(f'DROP VIEW "{view}"')  # made again by _create, over the new table
    db.execute(new_sql)
    db.execute(f"INSERT INTO quantities_new ({columns}) SELECT {columns} FROM quantities")
    db.execute("DROP TABLE quantities")
    db.execute("ALTER TABLE quantities_new RENAME TO quantities")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save(
    db: sqlite_utils.Database,
    extraction: Extraction,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    crawl: dict[str, Any] | None = None,
    also: Callable[[str], None] | None = None,
) -> str:
    """Store one article and its facts atomically. Returns ``new``, ``updated`` (text or
    rules changed: the facts were replaced) or ``unchanged`` (only the validators and
    ``crawl`` written). ``crawl``: the crawler's own columns (checked_at, relevance).
    ``also(outcome)`` runs inside the same transaction (a crawl counts the article in its
    run there, so the count survives a SIGKILL exactly as the article does)."""
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
        outcome = "updated" if row else "new"
        if also:
            also(outcome)
        return outcome

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
