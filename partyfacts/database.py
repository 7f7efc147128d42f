"""The one place a database file is opened, for every command, the crawler and Datasette.

* Reading commands open it with SQLite's ``mode=ro``, so no statement can change it; where
  the medium is read-only (a read-only mount, a share, a folder we cannot write) SQLite
  cannot create the WAL index (``-shm``) a reader needs, and the file is opened
  ``immutable=1`` instead: nobody can be writing it there.
* Writing commands open it read-write, set WAL mode, and prove they can write (a write
  transaction that is rolled back) before any work starts, waiting up to
  ``lock_timeout`` for another writer.
* Whatever is wrong with the file is one ``DatabaseError`` naming the file, the problem
  and the exit code (``exitcodes``): missing, empty, not SQLite, truncated, corrupt,
  read-only, locked, not a partyfacts database, or another schema version.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from . import exitcodes
from .schemas.sqlite import SCHEMA_VERSION

log = logging.getLogger(__name__)
T = TypeVar("T")

# The oldest layout the reading commands understand as it is (views arrived in 3); older
# ones are upgraded by any writing command.
READABLE_SINCE = 3
_HEADER = b"SQLite format 3\x00"


class DatabaseError(RuntimeError):
    """A database that cannot be used: one line naming the file and the problem."""

    def __init__(self, path: str | Path, problem: str, code: int = exitcodes.FAILED) -> None:
        self.path = str(path)
        self.problem = problem
        self.code = code
        super().__init__(f"database {path}: {problem}")


# The file most recently opened by this process, so that an SQLite error met later in a
# command (a page found corrupt half-way through a query) can still name its file.
last_opened: list[Path] = []


def _remember(path: Path) -> None:
    last_opened[:] = [path]


def is_lock_error(error: BaseException) -> bool:
    message = str(error).lower()
    return "locked" in message or "busy" in message


def read_only_medium(path: Path) -> str | None:
    """Why ``path`` cannot be written, or None: a read-only file system, file or folder."""
    folder = path.resolve().parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if folder.exists() and not os.access(folder, os.W_OK):
        return (
            f"its folder {folder} is read-only (SQLite needs to create {path.name}-wal "
            "and -shm beside it)"
        )
    return None


def check_file(path: Path) -> int:
    """The file's size, after refusing what is not an SQLite database or is cut short:
    checked on the header, before SQLite reads any page."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except IsADirectoryError:
        raise DatabaseError(path, "is a folder, not a database file", exitcodes.DATA) from None
    except OSError as error:
        raise DatabaseError(
            path, f"cannot read it ({error.strerror or error})", exitcodes.NO_INPUT
        ) from None
    if size == 0:
        return 0
    if len(header) < 100 or not header.startswith(_HEADER):
        raise DatabaseError(
            path, "not an SQLite database (the file does not start with SQLite's header)",
            exitcodes.DATA,
        )  # fmt: skip
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", header[28:32])[0]
    # the page count in the header is valid when the change counter matches the
    # version-valid-for number (SQLite file format, section 1.3.7)
    if pages and header[24:28] == header[92:96] and size < pages * page_size:
        raise DatabaseError(
            path, f"truncated: {size:,} bytes where its header says {pages * page_size:,}",
            exitcodes.DATA,
        )  # fmt: skip
    return size


def explain(
    path: Path, error: sqlite3.Error, *, writing: bool, waited: float = 0.0
) -> DatabaseError:
    """An SQLite error turned into a one-line DatabaseError with its exit code."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if is_lock_error(error):
        return DatabaseError(
            path,
            f"locked by another process; waited {waited:g} s (lock_timeout, "
            "PARTYFACTS_LOCK_TIMEOUT)",
            exitcodes.LOCKED,
        )
    if name == "SQLITE_NOTADB" or "not a database" in str(error):
        return DatabaseError(path, "not an SQLite database", exitcodes.DATA)
    if name.startswith("SQLITE_CORRUPT") or "malformed" in str(error):
        return DatabaseError(
            path, f"corrupt ({error}); restore it from a copy or build it again", exitcodes.DATA
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_PERM")):
        why = read_only_medium(path)
        if writing and why:
            return DatabaseError(path, f"cannot write: {why}", exitcodes.CANT_WRITE)
        if name.startswith("SQLITE_CANTOPEN"):
            return DatabaseError(path, f"cannot open it ({error})", exitcodes.NO_INPUT)
    return DatabaseError(path, f"cannot use it: {error}", exitcodes.DATA)


def patiently(work: Callable[[], T], lock_timeout: float) -> T:
    """Run ``work``, retrying while another process holds a lock, up to ``lock_timeout``
    seconds; then the lock error goes up."""
    deadline = time.monotonic() + lock_timeout
    delay = 0.05
    while True:
        try:
            return work()
        except sqlite3.OperationalError as error:
            if not is_lock_error(error) or time.monotonic() + delay > deadline:
                raise
            log.info("database busy, retrying in %.2fs", delay)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def schema_version(conn: sqlite3.Connection, path: Path, *, writing: bool) -> int | None:
    """The partyfacts schema version, None for an SQLite file with no tables yet;
    DatabaseError for another program's database or a version this code cannot use."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if not tables:
        return None
    if "meta" not in tables:
        raise DatabaseError(
            path, f"not a partyfacts database (it holds {', '.join(sorted(tables)[:5])})",
            exitcodes.DATA,
        )  # fmt: skip
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    try:
        version = int(row[0])
    except (TypeError, ValueError):
        raise DatabaseError(
            path, "not a partyfacts database (no schema version)", exitcodes.DATA
        ) from None
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            path, f"schema version {version} is newer than this partyfacts knows "
            f"({SCHEMA_VERSION}); update partyfacts", exitcodes.DATA,
        )  # fmt: skip
    if not writing and version < READABLE_SINCE:
        raise DatabaseError(
            path, f"schema version {version} is older than this partyfacts reads "
            f"({READABLE_SINCE}); `partyfacts reextract --db {path}` upgrades it", exitcodes.DATA,
        )  # fmt: skip
    return version


def _connect_ro(path: Path, lock_timeout: float) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=lock_timeout)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as error:
        name = getattr(error, "sqlite_errorname", "") or ""
        conn.close()
        if not name.startswith(("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR")):
            raise
        if not read_only_medium(path):
            raise
    # A read-only medium: no -shm can be made, and nobody can be writing the file.
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        log.warning(
            "%s: read from a read-only medium without its write-ahead log (%s bytes in %s): "
            "the latest writes may be missing", path, f"{wal.stat().st_size:,}", wal.name,
        )  # fmt: skip
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=lock_timeout)


def open_read(path: str | Path, lock_timeout: float = 60.0) -> sqlite3.Connection:
    """A partyfacts database opened read-only (rows as ``sqlite3.Row``); DatabaseError
    for anything that makes it unusable."""
    path = Path(path)
    if not path.exists():
        raise DatabaseError(
            path, "no database here; fill one first (partyfacts run, crawl, import, extract --db)",
            exitcodes.NO_INPUT,
        )  # fmt: skip
    if check_file(path) == 0:
        raise DatabaseError(path, "an empty file, not a partyfacts database yet", exitcodes.DATA)
    _remember(path)
    conn = None
    try:
        conn = _connect_ro(path, lock_timeout)
        version = patiently(lambda: schema_version(conn, path, writing=False), lock_timeout)
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise explain(path, error, writing=False, waited=lock_timeout) from None
    except DatabaseError:
        if conn is not None:
            conn.close()
        raise
    if version is None:
        conn.close()
        raise DatabaseError(path, "an SQLite database with no partyfacts data", exitcodes.DATA)
    conn.row_factory = sqlite3.Row
    return conn


def open_write(
    path: str | Path, lock_timeout: float = 60.0
) -> tuple[sqlite3.Connection, int | None]:
    """A connection that has proved it can write (WAL mode, autocommit: callers run their
    own transactions), and the schema version found (None for a new database)."""
    memory = str(path) == ":memory:"
    path = Path(path)
    if not memory:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseError(
                path, f"cannot create its folder ({error.strerror or error})",
                exitcodes.CANT_WRITE,
            ) from None  # fmt: skip
        if path.exists():
            check_file(path)
        _remember(path)
    try:
        conn = sqlite3.connect(str(path), timeout=min(lock_timeout, 5.0), isolation_level=None)
    except sqlite3.Error as error:
        raise explain(path, error, writing=True) from None
    try:
        version = patiently(lambda: schema_version(conn, path, writing=True), lock_timeout)
        patiently(lambda: conn.execute("PRAGMA journal_mode=WAL").fetchone(), lock_timeout)
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        if not memory:
            patiently(lambda: _prove_writable(conn), lock_timeout)
    except sqlite3.Error as error:
        conn.close()
        raise explain(path, error, writing=True, waited=lock_timeout) from None
    except DatabaseError:
        conn.close()
        raise
    return conn, version


def _prove_writable(conn: sqlite3.Connection) -> None:
    """Take the write lock and write the header's user version back unchanged, then roll
    back: a read-only file or medium fails here, before any work, not after it."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        value = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute(f"PRAGMA user_version = {int(value)}")
    finally:
        conn.execute("ROLLBACK")


def is_file_problem(error: sqlite3.Error) -> bool:
    """An error about the database file itself (corrupt, locked, unreadable), as opposed to
    a mistake in a statement."""
    name = getattr(error, "sqlite_errorname", "") or ""
    return (
        is_lock_error(error)
        or name.startswith(
            ("SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_IOERR", "SQLITE_CANTOPEN", "SQLITE_FULL")
        )
        or "malformed" in str(error)
    )
