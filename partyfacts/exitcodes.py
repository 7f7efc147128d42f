"""Exit codes of every ``partyfacts`` command, in one place (the README lists them).

The database codes follow BSD ``sysexits.h``, so cron and shell scripts can tell "try
again later" (75) from "fix the file" (65) from "fix the permissions or the mount" (73).
"""

from __future__ import annotations

OK = 0
FAILED = 1  # the work failed: some inputs, a refused or failed SQL statement, a crawl
USAGE = 2  # a bad option or argument (click), or a bad PARTYFACTS_* setting
PARTIAL = 3  # crawl: some pages failed, the rest stored
DEGRADED = 4  # crawl, status: a site is degraded (its pages stopped giving articles)
DATA = 65  # the database is unusable: not SQLite, corrupt, truncated, wrong schema version
NO_INPUT = 66  # no database at that path (for a command that reads one), or unreadable
CANT_WRITE = 73  # a writing command on a read-only file, folder or file system
LOCKED = 75  # locked by another process past lock_timeout; crawl: a run is already going
INTERRUPTED = 130  # Ctrl-C

TABLE = [
    (OK, "success"),
    (FAILED, "the work failed (some input files, a refused or failed SQL statement, a crawl)"),
    (USAGE, "bad option, argument or PARTYFACTS_* setting"),
    (PARTIAL, "crawl: some pages failed, the rest was stored"),
    (DEGRADED, "crawl, status: a site is degraded (health); status: 1 when a site is failing"),
    (DATA, "the database is not SQLite, corrupt, truncated, or of another schema version"),
    (NO_INPUT, "no database at that path (commands that read one), or it cannot be read"),
    (CANT_WRITE, "a writing command on a read-only file, folder or file system"),
    (LOCKED, "the database is locked by another process (after lock_timeout); crawl: a run "
             "of that site is already going"),
    (INTERRUPTED, "interrupted (Ctrl-C)"),
]  # fmt: skip
