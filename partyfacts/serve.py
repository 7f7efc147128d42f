"""Datasette over the database: read-only, on 127.0.0.1, with titles, descriptions, column
help, facets, full-text search on articles and canned queries for the usual questions."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

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
    return {
        "title": "partyfacts",
        "description": "Facts about party building from Vietnamese provincial news, each with its evidence.",
        "databases": {
            Path(db_path).stem: {
                "description": "Articles, quantity facts, officials and crawl runs (read-only).",
                "tables": tables,
                "queries": CANNED,
            }
        },
    }


def command(db_path: str | Path, port: int, metadata_path: Path) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(db_path), "--host", "127.0.0.1",
            "--port", str(port), "--metadata", str(metadata_path),
            "--setting", "default_page_size", "50", "--setting", "sql_time_limit_ms", "3000"]  # fmt: skip


def serve(db_path: str | Path, port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit code."""
    with tempfile.TemporaryDirectory() as tmp:
        meta = Path(tmp) / "metadata.json"
        meta.write_text(
            json.dumps(metadata(db_path), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        try:
            return subprocess.call(command(db_path, port, meta))
        except KeyboardInterrupt:
            return 0
