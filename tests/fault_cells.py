"""The fault-injection matrix: every command against every state a database file can be
in, with the outcome each must give. Shared by tests/test_faults.py and by the driver it
runs under dropped privileges or a read-only mount (``python tests/fault_cells.py``)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from partyfacts import exitcodes, processes
from partyfacts.schemas.sqlite import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
LOCK_TIMEOUT = "0.5"

ARTICLE = (
    "Lai Châu: kết nạp 80 đảng viên mới\nNgày đăng: 15/01/2013\n\n"
    "Năm 2012, Đảng bộ thị xã Lai Châu kết nạp 80 đảng viên mới; toàn Đảng bộ có 34 tổ chức "
    "cơ sở đảng với 1.154 đảng viên.\n"
)

# command -> (argv with {db} {dir} {url} {port} {article} placeholders, kind)
# kind: "adds" creates a database where there is none; "writes" needs an existing one and
# writes it; "reads" only reads.
COMMANDS: dict[str, tuple[list[str], str]] = {
    "extract": (["extract", "{article}", "--db", "{db}"], "adds"),
    "run": (["run", "--articles", "3", "--db", "{db}"], "adds"),
    "run --texts": (["run", "--texts", "--db", "{db}"], "adds"),
    "import": (["import", "{article}", "--db", "{db}"], "adds"),
    "crawl": (["crawl", "sample", "--base-url", "{url}", "--db", "{db}"], "adds"),
    "reextract": (["reextract", "--workers", "1", "--db", "{db}"], "writes"),
    "facts": (["facts", "--db", "{db}"], "reads"),
    "officials": (["officials", "--db", "{db}"], "reads"),
    "sql": (["sql", "SELECT count(*) FROM articles", "--db", "{db}"], "reads"),
    "export": (["export", "{dir}/export", "--db", "{db}"], "reads"),
    "show": (["show", "1", "--html", "{dir}/show.html", "--db", "{db}"], "reads"),
    "serve": (["serve", "--port", "{port}", "--db", "{db}"], "reads"),
    "status": (["status", "--db", "{db}"], "reads"),
}
# commands that start Scrapy's reactor or a server: run in a subprocess when they proceed
SUBPROCESS = {"crawl", "run", "serve"}

STATES = [
    "healthy", "missing", "empty", "random_bytes", "truncated", "read_only_file",
    "read_only_folder", "read_only_mount", "locked_by_writer", "locked_by_exclusive_reader",
    "newer_schema", "not_partyfacts",
]  # fmt: skip
# states whose file must be made unwritable for a user: as root, the command runs with the
# capabilities that bypass file permissions dropped (setpriv); the mount needs unshare -m
PRIVILEGED = {"read_only_file", "read_only_folder", "read_only_mount"}


def expected(command: str, state: str) -> tuple[int, str | None]:
    """(exit code, words the one stderr line must hold) for a command in a state."""
    code, words = _expected(command, state)
    if command == "crawl" and code == exitcodes.OK:
        return exitcodes.PARTIAL, None  # the sample site's deliberate 404
    return code, words


def _expected(command: str, state: str) -> tuple[int, str | None]:
    kind = COMMANDS[command][1]
    if state == "healthy":
        return exitcodes.OK, None
    if state == "missing":
        return (exitcodes.OK, None) if kind == "adds" else (exitcodes.NO_INPUT, "no database")
    if state == "empty":
        return (exitcodes.OK, None) if kind == "adds" else (exitcodes.DATA, "empty file")
    if state == "random_bytes":
        return exitcodes.DATA, "not an SQLite database"
    if state == "truncated":
        return exitcodes.DATA, "truncated"
    if state in ("read_only_file", "read_only_folder", "read_only_mount"):
        if kind == "reads":
            return exitcodes.OK, None
        why = {"read_only_file": "the file is read-only", "read_only_folder": "is read-only",
               "read_only_mount": "read-only file system"}[state]  # fmt: skip
        return exitcodes.CANT_WRITE, why
    if state == "locked_by_writer":  # WAL: readers go on, writers wait lock_timeout
        return (exitcodes.OK, None) if kind == "reads" else (exitcodes.LOCKED, "locked")
    if state == "locked_by_exclusive_reader":
        return exitcodes.LOCKED, "locked"
    if state == "newer_schema":
        return exitcodes.DATA, f"schema version {SCHEMA_VERSION + 1} is newer"
    if state == "not_partyfacts":
        return exitcodes.DATA, "not a partyfacts database"
    raise ValueError(state)


def writes(command: str, state: str) -> bool:
    """Whether the command may change the file in that state (it writes and succeeds)."""
    return COMMANDS[command][1] != "reads" and proceeds(command, state)


def checksum(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def make_healthy(path: Path) -> None:
    """A small partyfacts database: two articles with their facts, checkpointed and closed."""
    from partyfacts import pipeline, store

    db = store.connect(path)
    store.save(db, pipeline.from_text(ARTICLE, doc="a.txt"))
    store.save(db, pipeline.from_text(ARTICLE.replace("80", "95"), doc="b.txt"))
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()


def make_state(state: str, folder: Path, healthy: Path) -> Path:
    """The database file (in ``folder``, its own) in ``state``; locks are taken by the
    caller (``hold``), permissions and mounts by the runner."""
    db = folder / "partyfacts.db"
    if state == "missing":
        return db
    if state == "empty":
        db.write_bytes(b"")
        return db
    if state == "random_bytes":
        db.write_bytes(os.urandom(20_000))
        return db
    if state == "not_partyfacts":
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
            conn.execute("INSERT INTO notes (body) VALUES ('someone else''s data')")
        conn.close()
        return db
    shutil.copy(healthy, db)
    if state == "truncated":
        data = db.read_bytes()
        db.write_bytes(data[: len(data) // 2])
    elif state == "newer_schema":
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION + 1,)
        )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    return db


def hold(state: str, db: Path) -> sqlite3.Connection | None:
    """A connection holding the state's lock for as long as it stays open."""
    if state == "locked_by_writer":
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        return conn
    if state == "locked_by_exclusive_reader":
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("SELECT count(*) FROM articles").fetchone()
        return conn
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def argv(command: str, values: dict[str, str]) -> list[str]:
    return [part.format(**values) for part in COMMANDS[command][0]]


def _environment() -> dict[str, str]:
    return {**os.environ, "PARTYFACTS_LOCK_TIMEOUT": LOCK_TIMEOUT}


def _serve(args: list[str], port: int) -> dict:
    """Start serve; 0 once it answers over HTTP (then stopped), else its own exit."""
    command = [sys.executable, "-m", "partyfacts.cli", *args]
    with processes.running(command, cwd=ROOT, env=_environment(), stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True) as process:  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                return {"code": process.returncode, "stderr": process.stderr.read()}
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=5):
                    return {"code": 0, "stderr": ""}
            except OSError:
                time.sleep(0.3)
        return {"code": "no answer", "stderr": ""}


def run_cell(command: str, values: dict[str, str], in_process: bool) -> dict:
    """Run one command; {"code", "stderr", "seconds"}."""
    started = time.monotonic()
    result = _run_cell(command, values, in_process)
    return {**result, "seconds": round(time.monotonic() - started, 2)}


def _run_cell(command: str, values: dict[str, str], in_process: bool) -> dict:
    args = argv(command, values)
    if command == "serve" and not in_process:
        return _serve(args, int(values["port"]))
    if in_process:
        from click.testing import CliRunner

        from partyfacts.cli import main

        result = CliRunner(env={"PARTYFACTS_LOCK_TIMEOUT": LOCK_TIMEOUT}).invoke(
            main, args, catch_exceptions=False
        )
        return {"code": result.exit_code, "stderr": result.stderr}
    done = subprocess.run([sys.executable, "-m", "partyfacts.cli", *args], cwd=ROOT,
                          env=_environment(), capture_output=True, text=True, timeout=300)  # fmt: skip
    return {"code": done.returncode, "stderr": done.stderr}


def proceeds(command: str, state: str) -> bool:
    return _expected(command, state)[0] == exitcodes.OK


def main() -> None:
    """Driver: ``python tests/fault_cells.py STATE CELLS_JSON`` runs each command (with its
    own values: its own database) in one state, inside whatever privileges or mount the
    caller set up; prints the results as JSON on its last line."""
    state, cells = sys.argv[1], json.loads(sys.argv[2])
    results = {}
    for command, values in cells.items():
        in_process = not (command in SUBPROCESS and proceeds(command, state))
        results[command] = run_cell(command, values, in_process)
    print("\n" + json.dumps(results))


if __name__ == "__main__":
    main()
