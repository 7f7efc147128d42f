"""Reading the database for analysts: filtered facts, officials, read-only SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class QueryError(ValueError):
    """A query that cannot run: a missing database, bad SQL, or a write on a read-only one."""


def connect_readonly(path: str | Path) -> sqlite3.Connection:
    """The database opened read-only (``mode=ro``): no statement can change it."""
    path = Path(path)
    if not path.exists():
        raise QueryError(
            f"no database at {path}; fill one first (partyfacts demo / crawl / extract --db)"
        )
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


@dataclass
class FactFilter:
    province: str | None = None
    category: str | None = None
    event: str | None = None
    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    subject: str | None = None
    official: str | None = None
    limit: int | None = None
    scope: str | None = None  # national region province district commune bloc unit
    unit: str | None = None  # part of the body's name: "Mường Tè", "Đảng bộ huyện"


FACT_COLUMNS = ("value", "unit", "approx", "category", "event", "status", "year", "province",
                "scope", "unit_name", "subject", "article_published", "source", "sentence", "text", "id", "article_id")  # fmt: skip


def evidence(row: dict[str, Any], before: int = 50, after: int = 60) -> str:
    """The sentence around the matched phrase, the phrase in [brackets]."""
    sentence = row["sentence"] or ""
    at = (row.get("start") or 0) - (row.get("sentence_start") or 0)
    end = at + len(row.get("text") or "")
    if not 0 <= at <= end <= len(sentence):
        return " ".join(sentence.split())
    head = sentence[max(0, at - before) : at]
    tail = sentence[end : end + after]
    text = ("…" if at > before else "") + head + "[" + sentence[at:end] + "]" + tail
    return " ".join((text + ("…" if end + after < len(sentence) else "")).split())


def facts(conn: sqlite3.Connection, where: FactFilter) -> list[dict[str, Any]]:
    """Stored quantity facts matching the filter, oldest year first, with their source."""
    clauses, params = [], []
    for column in ("province", "category", "event", "status", "scope"):
        value = getattr(where, column)
        if value:
            clauses.append(f"f.{column} = ?")
            params.append(value)
    if where.year_from is not None:
        clauses.append("f.year >= ?")
        params.append(where.year_from)
    if where.year_to is not None:
        clauses.append("f.year <= ?")
        params.append(where.year_to)
    if where.subject:
        clauses.append("f.subject LIKE ?")
        params.append(f"%{where.subject}%")
    if where.unit:
        clauses.append("f.unit_name LIKE ?")
        params.append(f"%{where.unit}%")
    if where.official:
        clauses.append(
            "f.article_id IN (SELECT article_id FROM officials WHERE name LIKE ? OR name_key LIKE ?)"
        )
        params += [f"%{where.official}%", f"%{where.official.casefold()}%"]
    sql = f"SELECT {', '.join('f.' + c for c in FACT_COLUMNS)}, f.start, f.sentence_start FROM facts_with_source f"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY f.year IS NULL, f.year, f.province, f.category, f.article_published, f.start"
    if where.limit:
        sql += f" LIMIT {int(where.limit)}"
    rows = [dict(row) for row in conn.execute(sql, params)]
    for row in rows:
        row["evidence"] = evidence(row)
    return rows


def officials(
    conn: sqlite3.Connection, name: str | None = None, province: str | None = None
) -> list[dict]:
    """People with each title they were seen with, when and where."""
    clauses, params = [], []
    if name:
        clauses.append("name LIKE ?")
        params.append(f"%{name}%")
    if province:
        clauses.append("province = ?")
        params.append(province)
    sql = "SELECT name, title, province, first_seen, last_seen, articles, sources FROM official_titles_over_time"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY name, first_seen, title"
    return [dict(row) for row in conn.execute(sql, params)]


def sql(conn: sqlite3.Connection, statement: str) -> tuple[list[str], list[tuple]]:
    """Run one read-only statement; a write is refused with a clear QueryError."""
    try:
        cursor = conn.execute(statement)
        rows = cursor.fetchall()
    except sqlite3.OperationalError as error:
        if "readonly" in str(error).lower() or "read-only" in str(error).lower():
            raise QueryError(
                "refused: the database is opened read-only; only SELECT-style queries run here"
            ) from error
        raise QueryError(f"SQL error: {error}") from error
    except sqlite3.Error as error:
        raise QueryError(f"SQL error: {error}") from error
    columns = [d[0] for d in cursor.description or []]
    return columns, [tuple(r) for r in rows]
