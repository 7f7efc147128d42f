"""partyfacts' Datasette plugin (registered by ``partyfacts serve``): the SQL guard on
every connection Datasette opens to a partyfacts database, as on every other reader's."""

from __future__ import annotations

import sqlite3

from datasette import hookimpl

from . import sqlguard

GUARDED: set[str] = set()  # Datasette's names of the databases to guard


@hookimpl
def prepare_connection(conn: sqlite3.Connection, database: str) -> None:
    if database in GUARDED:
        sqlguard.protect(conn)
