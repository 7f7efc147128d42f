"""The one SQL guard, for analysts' statements (``partyfacts sql``, Datasette) and every
read-only connection: reading is allowed, nothing else.

Three layers, each enough on its own for the usual cases:

1. an SQLite authorizer that allows only reads: SELECT, reading tables and views,
   functions (but not ``load_extension`` and the like), recursive CTEs, and the pragmas
   that only report; it refuses ATTACH (and so ``VACUUM INTO``), temp tables, views and
   triggers, every write, DDL, transaction and savepoint, and any pragma that sets;
2. ``PRAGMA query_only``, set before the authorizer, which refuses writes even to the
   temp database (and which the authorizer then keeps from being unset);
3. the first keyword: SELECT, WITH, VALUES, EXPLAIN or PRAGMA.

A statement runs under a time limit (a progress handler, as Datasette does), a cap on the
size of any value (``randomblob(1e9)`` is refused, not allocated) and a cap on rows; Ctrl-C
stops it at once.
"""

from __future__ import annotations

import logging
import re
import signal
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

log = logging.getLogger(__name__)
MAX_VALUE_BYTES = 50_000_000  # the longest string or blob a statement may build

# Pragmas that only report. Those in NAMED take a table or index name as argument (that
# is still a read); every other pragma is allowed only without an argument.
READ_PRAGMAS = frozenset({
    "application_id", "auto_vacuum", "cache_size", "collation_list", "compile_options",
    "data_version", "database_list", "encoding", "foreign_keys", "freelist_count",
    "function_list", "journal_mode", "module_list", "page_count", "page_size", "pragma_list",
    "query_only", "schema_version", "table_list", "user_version",
})  # fmt: skip
NAMED_PRAGMAS = frozenset({
    "table_info", "table_xinfo", "index_info", "index_xinfo", "index_list", "foreign_key_list",
    "foreign_key_check", "integrity_check", "quick_check", "table_list",
})  # fmt: skip
REFUSED_FUNCTIONS = frozenset({
    "load_extension", "fts3_tokenizer", "readfile", "writefile", "edit", "sqlite_dbpage",
})  # fmt: skip
FIRST_WORDS = ("select", "with", "values", "explain", "pragma")

_ACTION_NAMES = {
    sqlite3.SQLITE_ATTACH: "ATTACH", sqlite3.SQLITE_DETACH: "DETACH",
    sqlite3.SQLITE_INSERT: "INSERT", sqlite3.SQLITE_UPDATE: "UPDATE",
    sqlite3.SQLITE_DELETE: "DELETE", sqlite3.SQLITE_TRANSACTION: "a transaction",
    sqlite3.SQLITE_SAVEPOINT: "a savepoint", sqlite3.SQLITE_ANALYZE: "ANALYZE",
    sqlite3.SQLITE_REINDEX: "REINDEX", sqlite3.SQLITE_ALTER_TABLE: "ALTER TABLE",
    sqlite3.SQLITE_CREATE_TEMP_TABLE: "a temp table", sqlite3.SQLITE_CREATE_TEMP_VIEW: "a temp view",
    sqlite3.SQLITE_CREATE_TEMP_TRIGGER: "a temp trigger",
    sqlite3.SQLITE_CREATE_TEMP_INDEX: "a temp index", sqlite3.SQLITE_CREATE_VTABLE: "a virtual table",
}  # fmt: skip
# the columns SQLite's own machinery "updates" in sqlite_master while it sets up an
# eponymous virtual table (json_each, pragma_table_info) for a plain SELECT
_SCHEMA_COLUMNS = frozenset({"type", "name", "tbl_name", "rootpage", "sql"})


class Refused(Exception):
    """A statement the guard does not run: anything but reading."""


class TimeLimit(Exception):
    """A statement stopped at the time limit."""


class Guard:
    """The authorizer of one connection; remembers why it last refused, for the message."""

    def __init__(self) -> None:
        self.refused: str | None = None

    def __call__(self, action: int, arg1, arg2, db_name, _trigger) -> int:
        verdict = self.judge(action, arg1, arg2, db_name)
        if verdict is not None:
            self.refused = verdict
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    @staticmethod
    def judge(action: int, arg1, arg2, db_name) -> str | None:
        """None when allowed, else what is refused."""
        if action in (sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_RECURSIVE):
            return None
        if action == sqlite3.SQLITE_FUNCTION:
            name = (arg2 or "").lower()
            return f"the function {name}()" if name in REFUSED_FUNCTIONS else None
        if action == sqlite3.SQLITE_PRAGMA:
            name = (arg1 or "").lower()
            if arg2 is None and name in READ_PRAGMAS | NAMED_PRAGMAS:
                return None
            if arg2 is not None and name in NAMED_PRAGMAS:
                return None
            return f"PRAGMA {name}" + (f" = {arg2}" if arg2 is not None else "")
        if (
            action == sqlite3.SQLITE_UPDATE
            and arg1 == "sqlite_master"
            and db_name == "main"
            and arg2 in _SCHEMA_COLUMNS
        ):
            return None  # SQLite's set-up of a table-valued function, not a write
        return _ACTION_NAMES.get(action, f"that statement (action {action})")


MAX_WIDTH = 10_000  # the widest field printf() may pad to
# a printf conversion: flags, width (digits or *), precision (digits or *), the conversion
_CONVERSION = re.compile(r"%([-+ 0#!,]*)(\d+|\*)?(?:\.(\d+|\*))?([a-zA-Z%])")
_printer = None
_refusals = threading.local()  # why a guarded function refused, for the message


def _printf(fmt, *args):
    """SQLite's printf()/format(), refusing a width or precision over MAX_WIDTH: padding
    happens inside one virtual-machine step, which no time limit can interrupt
    (``printf('%.*c', 2000000000, 'x')`` would run for a minute)."""
    global _printer
    if not isinstance(fmt, str):
        return None
    if _printer is None:
        _printer = sqlite3.connect(":memory:", check_same_thread=False)
    values = list(args)
    for _flags, width, precision, kind in _CONVERSION.findall(fmt):
        if kind == "%":
            continue
        for part in (width, precision):
            if part == "*":  # the amount is the next argument, read as SQLite reads it
                value = values.pop(0) if values else 0
                amount = _printer.execute("SELECT CAST(? AS INTEGER)", (value,)).fetchone()[0]
            else:
                amount = int(part or 0)
            if abs(amount) > MAX_WIDTH:
                _refusals.last = f"a printf() width of {amount:,} (over {MAX_WIDTH:,})"
                raise ValueError(_refusals.last)
        if values:
            values.pop(0)  # the value this conversion prints
    marks = ", ".join("?" for _ in range(len(args) + 1))
    return _printer.execute(f"SELECT printf({marks})", (fmt, *args)).fetchone()[0]


def protect(conn: sqlite3.Connection) -> Guard:
    """Make ``conn`` read-only in every way SQLite allows; returns its authorizer (a new
    one each time: calling this again on a protected connection is harmless)."""
    conn.set_authorizer(None)
    conn.execute("PRAGMA query_only = 1")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_VALUE_BYTES)
    conn.setlimit(sqlite3.SQLITE_LIMIT_ATTACHED, 0)
    for name in ("printf", "format"):
        conn.create_function(name, -1, _printf)
    if hasattr(conn, "enable_load_extension"):  # Pythons built without it cannot load any
        conn.enable_load_extension(False)
    guard = Guard()
    conn.set_authorizer(guard)
    return guard


def _first_word(statement: str) -> str:
    text = statement
    while True:  # skip white space, comments and opening parentheses
        stripped = re.sub(r"^(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/|\()", "", text, flags=re.S)
        if stripped == text:
            break
        text = stripped
    match = re.match(r"[A-Za-z]+", text)
    return match.group(0).lower() if match else ""


@dataclass
class Result:
    columns: list[str]
    rows: list[tuple]
    truncated: bool  # more rows than max_rows: the rest was not read


def run(
    conn: sqlite3.Connection,
    statement: str,
    params: Sequence = (),
    *,
    time_limit: float = 10.0,
    max_rows: int = 100_000,
) -> Result:
    """Run one reading statement on a protected connection. Raises Refused, TimeLimit,
    KeyboardInterrupt (Ctrl-C), or sqlite3.Error for plain SQL errors."""
    word = _first_word(statement)
    if word not in FIRST_WORDS:
        raise Refused(
            f"refused: {word.upper() or 'an empty statement'} (only reading statements run "
            "here: SELECT, WITH, VALUES, EXPLAIN, read-only PRAGMAs)"
        )
    guard = protect(conn)
    _refusals.last = None
    deadline = time.monotonic() + time_limit
    stop = threading.Event()

    def progress() -> int:
        return 1 if stop.is_set() or time.monotonic() > deadline else 0

    previous = None
    if threading.current_thread() is threading.main_thread():
        # SIGINT only sets a flag: the progress handler (a Python callback) then stops the
        # statement inside SQLite, which a KeyboardInterrupt alone cannot do
        previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    conn.set_progress_handler(progress, 1000)
    log.info("running the statement (time limit %g s; Ctrl-C stops it)", time_limit)
    try:
        cursor = conn.execute(statement, tuple(params))
        rows = cursor.fetchmany(max_rows + 1)
        columns = [d[0] for d in cursor.description or []]
        cursor.close()
    except sqlite3.Error as error:
        if stop.is_set():
            raise KeyboardInterrupt from None
        message = str(error)
        if "interrupted" in message:
            raise TimeLimit(
                f"stopped: the statement ran past the {time_limit:g} s time limit "
                "(--time-limit, PARTYFACTS_SQL_TIME_LIMIT)"
            ) from None
        if "not authorized" in message or "prohibited" in message or "readonly" in message:
            what = guard.refused or "a write"
            raise Refused(
                f"refused: {what} (the database is read-only here; only reading statements run)"
            ) from None
        if "one statement at a time" in message:
            raise Refused("refused: more than one statement (one at a time)") from None
        if "user-defined function raised" in message and getattr(_refusals, "last", None):
            raise Refused(f"refused: {_refusals.last}") from None
        if "too big" in message:
            raise Refused(
                f"refused: a value over {MAX_VALUE_BYTES // 1_000_000} MB ({message})"
            ) from None
        raise
    finally:
        conn.set_progress_handler(None, 0)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if stop.is_set():
        raise KeyboardInterrupt
    return Result(columns, [tuple(r) for r in rows[:max_rows]], len(rows) > max_rows)
