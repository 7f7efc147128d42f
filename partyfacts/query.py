"""Reading the database for analysts: filtered facts, officials, read-only SQL."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import database, sqlguard
from .extract.normalize import fold


class QueryError(ValueError):
    """A statement that cannot run: refused (not a read), stopped at the time limit, or
    bad SQL."""


def _fold(value: Any) -> str | None:
    return fold(value) if isinstance(value, str) else None


def connect_readonly(path: str | Path, lock_timeout: float = 60.0) -> sqlite3.Connection:
    """The database opened read-only (``database.open_read``) and guarded (``sqlguard``),
    with ``fold()`` for matching names whatever their case and diacritics. Raises
    ``database.DatabaseError``."""
    conn = database.open_read(path, lock_timeout)
    conn.create_function("fold", 1, _fold, deterministic=True)
    sqlguard.protect(conn)
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
    if where.province:
        # the stored names the user's spelling stands for ("lai chau" -> Lai Châu), looked up
        # once so that the filter itself can use the province index
        wanted = _fold(where.province)
        names = [
            p
            for (p,) in conn.execute(
                "SELECT DISTINCT province FROM articles WHERE province IS NOT NULL"
            )
            if _fold(p) == wanted
        ]
        if names:
            clauses.append(f"f.province IN ({', '.join('?' for _ in names)})")
            params.extend(names)
        else:
            clauses.append("fold(f.province) = fold(?)")
            params.append(where.province)
    for column in ("category", "event", "status", "scope"):
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
        clauses.append("fold(f.subject) LIKE '%' || fold(?) || '%'")
        params.append(where.subject)
    if where.unit:
        clauses.append("fold(f.unit_name) LIKE '%' || fold(?) || '%'")
        params.append(where.unit)
    if where.official:
        clauses.append(
            "f.article_id IN (SELECT article_id FROM officials WHERE fold(name) LIKE '%' || fold(?) || '%')"
        )
        params.append(where.official)
    sql = f"SELECT {', '.join('f.' + c for c in FACT_COLUMNS)}, f.start, f.sentence_start FROM facts_with_source f"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY f.year IS NULL, f.year, f.province, f.category, f.article_published, f.start"
    if where.limit:
        sql += f" LIMIT {int(where.limit)}"
    rows = [dict(row) for row in conn.execute(sql, params)]
    for row in rows:
        row["evidence"] = evidence(row)
        for key in ("value", "of_total"):  # a count is an integer (older layouts stored 7.0)
            if isinstance(row.get(key), float) and row[key].is_integer():
                row[key] = int(row[key])
    return rows


def officials(
    conn: sqlite3.Connection, name: str | None = None, province: str | None = None
) -> list[dict]:
    """People with each title they were seen with, when and where."""
    clauses, params = [], []
    if name:
        clauses.append("fold(name) LIKE '%' || fold(?) || '%'")
        params.append(name)
    if province:
        clauses.append("fold(province) = fold(?)")
        params.append(province)
    sql = "SELECT name, title, province, first_seen, last_seen, articles, sources FROM official_titles_over_time"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY name, first_seen, title"
    return [dict(row) for row in conn.execute(sql, params)]


def known_provinces(conn: sqlite3.Connection) -> list[str]:
    """The provinces the database holds, for a hint when a filter matches none."""
    return [r[0] for r in conn.execute(
        "SELECT DISTINCT province FROM articles WHERE province IS NOT NULL ORDER BY 1")]  # fmt: skip


def sql(
    conn: sqlite3.Connection, statement: str, *, time_limit: float = 10.0, max_rows: int = 100_000
) -> sqlguard.Result:
    """Run one reading statement through the SQL guard; QueryError when it is refused,
    stopped at the time limit, or bad SQL (KeyboardInterrupt on Ctrl-C)."""
    try:
        return sqlguard.run(conn, statement, time_limit=time_limit, max_rows=max_rows)
    except (sqlguard.Refused, sqlguard.TimeLimit) as error:
        raise QueryError(str(error)) from None
    except sqlite3.Error as error:
        if database.is_file_problem(error):
            raise  # the file's problem, not the statement's: the command names the file
        raise QueryError(f"SQL error: {error}") from None
