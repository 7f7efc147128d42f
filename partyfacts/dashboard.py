"""The dashboard `partyfacts serve` shows (the ``datasette-dashboards`` plugin, which ships
Vega, Vega-Lite and vega-embed itself: nothing is fetched from the internet).

Five Vega-Lite charts over the views: party members and base organizations per year for a
chosen province, admissions per year, Party badges per year, the top provinces by
admissions in a chosen year, officials by title. Each mark links to the rows behind it
(a click opens the filtered table in Datasette), and each chart's page links to its query.
Charts render as SVG (``usermeta.embedOptions``), so their marks are in the page.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

SLUG = "partyfacts"


def _href(db: str, table: str, *pairs: str) -> str:
    """An SQL expression for a link to ``table`` filtered on ``column=<sql value>`` pairs."""
    parts = " || '&' || ".join(f"'{column}=' || replace(coalesce({value}, ''), ' ', '%20')"
                               for column, value in (p.split("=", 1) for p in pairs))  # fmt: skip
    return f"'/{db}/{table}?' || {parts}"


def _chart(title: str, db: str, query: str, display: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": title, "db": db, "query": query, "library": "vega-lite",
        "display": {**display, "usermeta": {"embedOptions": {"renderer": "svg", "actions": False}}},
    }  # fmt: skip


def _defaults(conn: sqlite3.Connection) -> tuple[str, str]:
    """The province with the most facts and the latest year with admissions: what the
    dashboard opens on."""
    province = conn.execute(
        "SELECT province FROM quantities WHERE province IS NOT NULL GROUP BY province "
        "ORDER BY count(*) DESC LIMIT 1"
    ).fetchone()
    year = conn.execute("SELECT max(year) FROM admissions_by_province_year").fetchone()
    return (province[0] if province else ""), (str(year[0]) if year and year[0] else "")


def dashboard(conn: sqlite3.Connection, db: str) -> dict[str, Any]:
    """The datasette-dashboards configuration for the database named ``db``."""
    province, year = _defaults(conn)
    tooltip = {"type": "nominal"}

    def totals(title: str, category: str, colour: str) -> dict[str, Any]:
        """A province's own figure per year (province scope: the latest report of each
        year, as the view gives it)."""
        return _chart(
            title, db,
            "SELECT year, value, subject, "
            + _href(db, "facts_with_source", "province=province", f"category='{category}'",
                    "event='total'", "year=year")
            + f" AS href FROM party_totals_by_province_year WHERE province = :province "
            f"AND category = '{category}' ORDER BY year",
            {"mark": {"type": "line", "point": {"size": 60, "color": colour}, "tooltip": True, "color": colour},
             "encoding": {"x": {"field": "year", "type": "ordinal"},
                          "y": {"field": "value", "type": "quantitative", "title": "count"},
                          "href": {"field": "href"},
                          "tooltip": [{"field": "year", **tooltip}, {"field": "subject", **tooltip},
                                      {"field": "value", "type": "quantitative"}]}},
        )  # fmt: skip

    members = totals("Party members per year (chosen province)", "party_member", "#d97706")
    orgs = totals(
        "Base party organizations per year (chosen province)", "base_party_org", "#0891b2"
    )
    admissions = _chart(
        "New party members admitted per year", db,
        "SELECT year, sum(admitted) AS admitted, count(*) AS provinces, "
        + _href(db, "admissions_by_province_year", "year=year")
        + " AS href FROM admissions_by_province_year WHERE 1 [[ AND province = :province ]] "
        "GROUP BY year ORDER BY year",
        {"mark": {"type": "bar", "tooltip": True},
         "encoding": {"x": {"field": "year", "type": "ordinal"},
                      "y": {"field": "admitted", "type": "quantitative"},
                      "href": {"field": "href"}}},
    )  # fmt: skip
    badges = _chart(
        "Party badges awarded per year", db,
        "SELECT year, sum(value) AS badges, "
        + _href(db, "facts_with_source", "category='party_badge'", "event='awarded'", "year=year")
        + " AS href FROM facts_with_source WHERE category = 'party_badge' AND event = 'awarded' "
        "AND status = 'actual' AND year IS NOT NULL [[ AND province = :province ]] "
        "GROUP BY year ORDER BY year",
        {"mark": {"type": "bar", "tooltip": True, "color": "#d97706"},
         "encoding": {"x": {"field": "year", "type": "ordinal"},
                      "y": {"field": "badges", "type": "quantitative"},
                      "href": {"field": "href"}}},
    )  # fmt: skip
    top = _chart(
        "Top provinces by admissions in the chosen year", db,
        "SELECT province, admitted, "
        + _href(db, "admissions_by_province_year", "province=province", "year=year")
        + " AS href FROM admissions_by_province_year WHERE year = CAST(:year AS INTEGER) "
        "ORDER BY admitted DESC LIMIT 10",
        {"mark": {"type": "bar", "tooltip": True, "color": "#2563eb"},
         "encoding": {"y": {"field": "province", "type": "nominal", "sort": "-x"},
                      "x": {"field": "admitted", "type": "quantitative"},
                      "href": {"field": "href"}}},
    )  # fmt: skip
    officials = _chart(
        "Officials by title", db,
        "SELECT title, count(DISTINCT name) AS officials, "
        + _href(db, "official_titles_over_time", "title=title")
        + " AS href FROM official_titles_over_time WHERE 1 [[ AND province = :province ]] "
        "GROUP BY title ORDER BY officials DESC, title LIMIT 15",
        {"mark": {"type": "bar", "tooltip": True, "color": "#7c3aed"},
         "encoding": {"y": {"field": "title", "type": "nominal", "sort": "-x"},
                      "x": {"field": "officials", "type": "quantitative"},
                      "href": {"field": "href"}}},
    )  # fmt: skip
    return {
        SLUG: {
            "title": "Party building",
            "description": "Figures read from the articles, each mark a link to the rows "
            "behind it. Choose a province and a year above.",
            "layout": [["members", "orgs"], ["admissions", "badges"], ["top", "officials"]],
            "filters": {
                "province": {
                    "name": "Province",
                    "type": "select",
                    "default": province,
                    "db": db,
                    "query": "SELECT DISTINCT province FROM quantities "
                    "WHERE province IS NOT NULL ORDER BY province",
                },
                "year": {
                    "name": "Year (top provinces)",
                    "type": "select",
                    "default": year,
                    "db": db,
                    "query": "SELECT DISTINCT CAST(year AS TEXT) FROM admissions_by_province_year "
                    "ORDER BY year DESC",
                },
            },
            "charts": {
                "members": members,
                "orgs": orgs,
                "admissions": admissions,
                "badges": badges,
                "top": top,
                "officials": officials,
            },
        }
    }


def plugins(db_path: str | Path) -> dict[str, Any]:
    """The plugin configuration for ``metadata["plugins"]``."""
    from . import database

    conn = database.open_read(db_path)
    try:
        return {"datasette-dashboards": dashboard(conn, Path(db_path).stem)}
    finally:
        conn.close()
