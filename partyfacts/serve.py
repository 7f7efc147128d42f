"""Datasette over the database: read-only, on 127.0.0.1, with titles, descriptions, column
help, facets, full-text search on articles and canned queries for the usual questions.

Datasette runs in this process (no child server to outlive a killed parent, no temporary
folder for its metadata), its connections guarded like every other reader's (``sqlguard``),
and the file opened ``immutable`` where the medium is read-only (``database``).
"""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

from . import database
from .export import TABLES, _field

FACETS = {
    "quantities": ["province", "scope", "category", "event", "year", "status"],
    "articles": ["province", "site"],
    "officials": ["province"],
    "crawl_runs": ["site", "status"],
    "facts_with_source": ["province", "scope", "category", "event", "year"],
}
DESCRIPTIONS = {
    "articles": "One row per article: where it came from, its text as stored (fact offsets point into it).",
    "quantities": "Quantity facts: a number about party organizations or members, read from one sentence.",
    "officials": "Named officials, one row per person per article, titles as a JSON list.",
    "crawl_runs": "One row per crawl of a site: pages fetched, articles new/updated/skipped/failed, errors.",
    "crawl_pages": "Pages a crawl fetched but did not store (not an article, empty, gone).",
    "facts_with_source": "Quantity facts joined with their article's date, title and source.",
    "party_totals_by_province_year": "Party members and base organizations of each province as a whole "
    "(scope = province) by year: the latest reported figure per province-year, with its source.",
    "district_totals_by_year": "The same for districts, towns and provincial cities (scope = district), "
    "one row per district body and year.",
    "admissions_by_province_year": "New members admitted per province and year (province-wide figures): "
    "the latest reported figure.",
    "official_titles_over_time": "Each official's titles, first and last seen, and the articles they come from.",
}
CANNED = {
    "party_members_by_province": {
        "title": "Party members by province and year",
        "sql": "SELECT province, year, value AS party_members, as_of, article_published, source, sentence "
        "FROM party_totals_by_province_year WHERE category = 'party_member' "
        "AND (:province = '' OR province = :province) ORDER BY province, year",
        "params": ["province"],
    },
    "base_organizations_by_province": {
        "title": "Base party organizations by province and year",
        "sql": "SELECT province, year, value AS base_party_orgs, as_of, article_published, source "
        "FROM party_totals_by_province_year WHERE category = 'base_party_org' ORDER BY province, year",
    },
    "admissions_by_province": {
        "title": "Admissions per province and year",
        "sql": "SELECT province, year, admitted, approx, reports, source FROM admissions_by_province_year "
        "ORDER BY province, year",
    },
    "officials_over_time": {
        "title": "Officials and their titles over time",
        "sql": "SELECT name, title, province, first_seen, last_seen, articles FROM official_titles_over_time "
        "WHERE (:name = '' OR name LIKE '%' || :name || '%') ORDER BY name, first_seen",
        "params": ["name"],
    },
}


def metadata(db_path: str | Path) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table, (model, columns) in TABLES.items():
        tables[table] = {
            "description": DESCRIPTIONS[table],
            "columns": {c: _field(model, c)["description"] for c in columns},
        }
    for table, description in DESCRIPTIONS.items():
        tables.setdefault(table, {})["description"] = description
    for table, facets in FACETS.items():
        tables.setdefault(table, {})["facets"] = facets
    tables["articles"].update({"fts_table": "articles_fts", "fts_pk": "id", "searchmode": "raw"})
    from . import dashboard

    return {
        "title": "partyfacts",
        "description": "Facts about party building from Vietnamese provincial news, each with its evidence. "
        "Charts: /-/dashboards/partyfacts",
        "plugins": dashboard.plugins(db_path),
        "databases": {
            Path(db_path).stem: {
                "description": "Articles, quantity facts, officials and crawl runs (read-only).",
                "tables": tables,
                "queries": CANNED,
            }
        },
    }


class PortInUse(OSError):
    pass


def _check_port(port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise PortInUse(
                f"port {port} on 127.0.0.1 is taken ({error.strerror}); choose another with --port"
            ) from None


def app(db_path: str | Path, time_limit: float = 10.0):
    """The Datasette instance for ``db_path`` (ready for any ASGI server, or its test client)."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    db_path = Path(db_path)
    read_only = database.read_only_medium(db_path) is not None
    files = [] if read_only else [str(db_path)]
    immutables = [str(db_path)] if read_only else []
    ds = Datasette(
        files, immutables=immutables, metadata=metadata(db_path),
        settings={"default_page_size": 50, "sql_time_limit_ms": int(time_limit * 1000),
                  "allow_download": False},
    )  # fmt: skip
    from . import datasette_plugin

    if not pm.is_registered(datasette_plugin):
        pm.register(datasette_plugin, name="partyfacts")
    datasette_plugin.GUARDED.add(db_path.stem)
    return ds


def serve(db_path: str | Path, port: int = 8001, time_limit: float = 10.0) -> int:
    """Serve Datasette in the foreground on 127.0.0.1 until SIGINT/SIGTERM; returns 0."""
    import uvicorn

    _check_port(port)
    ds = app(db_path, time_limit)
    asyncio.run(ds.invoke_startup())
    uvicorn.run(ds.app(), host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    return 0
