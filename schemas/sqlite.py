"""The SQLite layout: tables, CHECK constraints from the closed vocabularies, foreign keys
and the indexes for the analysts' usual filters (category, event, year, province)."""

from __future__ import annotations

from .vocabulary import (
    APPROXES,
    CATEGORIES,
    EVENTS,
    HEALTHS,
    PAGE_STATUSES,
    RATINGS,
    RUN_STATUSES,
    SCOPES,
    STATUSES,
    UNITS,
)

# 2: crawl_pages; 3: views; 4: relevance and re-check columns, irrelevant pages,
# crawl_health, counts stored as integers (NUMERIC); 5: scope, unit_name and province
# of a fact
SCHEMA_VERSION = 5


def _among(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    listed = ", ".join(f"'{v}'" for v in values)
    check = f"{column} IN ({listed})"
    return f"CHECK ({column} IS NULL OR {check})" if nullable else f"CHECK ({check})"


DDL = f"""
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    doc TEXT,
    url TEXT,
    canonical_url TEXT,
    site TEXT,
    content_hash TEXT NOT NULL,
    title TEXT,
    published TEXT,
    author TEXT,
    lead TEXT,
    text TEXT NOT NULL,
    province TEXT,
    province_current TEXT,
    etag TEXT,
    last_modified TEXT,
    rules_version TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    checked_at TEXT,
    relevant INTEGER,
    relevance REAL,
    relevance_terms TEXT
);
CREATE INDEX IF NOT EXISTS articles_province ON articles(province);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);

CREATE TABLE IF NOT EXISTS quantities (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    value NUMERIC NOT NULL,
    unit TEXT NOT NULL {_among("unit", UNITS)},
    category TEXT NOT NULL {_among("category", CATEGORIES)},
    event TEXT NOT NULL {_among("event", EVENTS)},
    rating TEXT {_among("rating", RATINGS, nullable=True)},
    status TEXT NOT NULL {_among("status", STATUSES)},
    approx TEXT {_among("approx", APPROXES, nullable=True)},
    year INTEGER,
    period_start INTEGER,
    as_of TEXT,
    subject TEXT,
    scope TEXT {_among("scope", SCOPES, nullable=True)},
    unit_name TEXT,
    of_total NUMERIC,
    province TEXT,
    text TEXT NOT NULL,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence_start INTEGER,
    sentence_end INTEGER,
    rules_version TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quantities_article ON quantities(article_id);
CREATE INDEX IF NOT EXISTS quantities_category ON quantities(category, event, year);
CREATE INDEX IF NOT EXISTS quantities_province ON quantities(province, category, year);
CREATE INDEX IF NOT EXISTS quantities_event ON quantities(event);
CREATE INDEX IF NOT EXISTS quantities_year ON quantities(year);
CREATE INDEX IF NOT EXISTS quantities_scope ON quantities(province, scope, category, event, year);

CREATE TABLE IF NOT EXISTS officials (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    titles TEXT NOT NULL CHECK (json_valid(titles) AND json_array_length(titles) > 0),
    honorific TEXT,
    province TEXT,
    mentions INTEGER NOT NULL DEFAULT 1,
    sentence TEXT NOT NULL,
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    sentence_start INTEGER,
    sentence_end INTEGER,
    rules_version TEXT NOT NULL,
    UNIQUE (article_id, name_key)
);
CREATE INDEX IF NOT EXISTS officials_name ON officials(name_key);
CREATE INDEX IF NOT EXISTS officials_province ON officials(province);

CREATE TABLE IF NOT EXISTS crawl_runs (
    id INTEGER PRIMARY KEY,
    site TEXT NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    status TEXT NOT NULL {_among("status", RUN_STATUSES)},
    pages_fetched INTEGER NOT NULL DEFAULT 0,
    articles_new INTEGER NOT NULL DEFAULT 0,
    articles_updated INTEGER NOT NULL DEFAULT 0,
    articles_skipped INTEGER NOT NULL DEFAULT 0,
    articles_failed INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '{{}}' CHECK (json_valid(errors))
);
CREATE INDEX IF NOT EXISTS crawl_runs_site ON crawl_runs(site, id);

-- Pages a crawl fetched but did not store as articles: skipped (not an article, empty),
-- gone (404/410), irrelevant (not party building: remembered without their text, so they
-- are never fetched again). seen_at is the last time the page was checked.
CREATE TABLE IF NOT EXISTS crawl_pages (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL {_among("status", PAGE_STATUSES)},
    reason TEXT,
    etag TEXT,
    last_modified TEXT,
    seen_at TEXT NOT NULL,
    first_seen TEXT,
    title TEXT,
    published TEXT,
    relevance REAL,
    relevance_terms TEXT,
    PRIMARY KEY (site, url)
);

-- The health of each run: what it measured and the verdict against the site's own recent
-- runs (crawler/health.py).
CREATE TABLE IF NOT EXISTS crawl_health (
    run_id INTEGER PRIMARY KEY REFERENCES crawl_runs(id) ON DELETE CASCADE,
    site TEXT NOT NULL,
    health TEXT NOT NULL {_among("health", HEALTHS)},
    reasons TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(reasons)),
    listing_pages INTEGER NOT NULL DEFAULT 0,
    listings_failed INTEGER NOT NULL DEFAULT 0,
    article_links INTEGER NOT NULL DEFAULT 0,
    new_requested INTEGER NOT NULL DEFAULT 0,
    rechecked INTEGER NOT NULL DEFAULT 0,
    article_pages INTEGER NOT NULL DEFAULT 0,
    with_title INTEGER NOT NULL DEFAULT 0,
    with_date INTEGER NOT NULL DEFAULT 0,
    with_body INTEGER NOT NULL DEFAULT 0,
    stored INTEGER NOT NULL DEFAULT 0,
    with_facts INTEGER NOT NULL DEFAULT 0,
    relevant INTEGER NOT NULL DEFAULT 0,
    irrelevant INTEGER NOT NULL DEFAULT 0,
    selector_hits INTEGER NOT NULL DEFAULT 0,
    selector_tries INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS crawl_health_site ON crawl_health(site, run_id);
"""


# Views that answer the usual questions directly. "Latest" is the figure from the most
# recent article (then the most precise as_of), so a later report supersedes an earlier one.
VIEWS = """
DROP VIEW IF EXISTS facts_with_source;
CREATE VIEW facts_with_source AS
SELECT q.id, q.article_id, q.province, q.category, q.event, q.status, q.value, q.unit, q.approx,
       q.rating, q.year, q.period_start, q.as_of, q.subject, q.scope, q.unit_name, q.text,
       q.sentence, q.start, q."end",
       q.sentence_start,
       q.rules_version, a.published AS article_published, coalesce(a.url, a.doc) AS source,
       a.title AS article_title, a.site
FROM quantities q JOIN articles a ON a.id = q.article_id;

DROP VIEW IF EXISTS party_totals_by_province_year;
CREATE VIEW party_totals_by_province_year AS
SELECT province, year, category, value, approx, subject, unit_name, as_of, article_published,
       source, sentence, reports
FROM (
    SELECT f.*, count(*) OVER w AS reports,
           row_number() OVER (w ORDER BY f.article_published DESC, f.as_of DESC, f.id DESC) AS rank
    FROM facts_with_source f
    WHERE f.scope = 'province'
      AND f.category IN ('party_member', 'base_party_org') AND f.event = 'total'
      AND f.status = 'actual' AND f.unit = 'count' AND f.year IS NOT NULL AND f.province IS NOT NULL
    WINDOW w AS (PARTITION BY f.province, f.year, f.category)
) WHERE rank = 1;

-- The same for districts (towns, provincial cities), one row per district body and year.
DROP VIEW IF EXISTS district_totals_by_year;
CREATE VIEW district_totals_by_year AS
SELECT province, unit_name, year, category, value, approx, subject, as_of, article_published,
       source, sentence, reports
FROM (
    SELECT f.*, count(*) OVER w AS reports,
           row_number() OVER (w ORDER BY f.article_published DESC, f.as_of DESC, f.id DESC) AS rank
    FROM facts_with_source f
    WHERE f.scope = 'district'
      AND f.category IN ('party_member', 'base_party_org') AND f.event = 'total'
      AND f.status = 'actual' AND f.unit = 'count' AND f.year IS NOT NULL
    WINDOW w AS (PARTITION BY f.province, coalesce(f.unit_name, f.subject), f.year, f.category)
) WHERE rank = 1;

DROP VIEW IF EXISTS admissions_by_province_year;
CREATE VIEW admissions_by_province_year AS
SELECT province, year, value AS admitted, approx, subject, unit_name, article_published, source,
       sentence, reports
FROM (
    SELECT f.*, count(*) OVER w AS reports,
           row_number() OVER (w ORDER BY f.article_published DESC, f.value DESC, f.id DESC) AS rank
    FROM facts_with_source f
    WHERE f.scope = 'province'
      AND f.category = 'party_member' AND f.event = 'admitted' AND f.status = 'actual'
      AND f.unit = 'count' AND f.year IS NOT NULL AND f.province IS NOT NULL
    WINDOW w AS (PARTITION BY f.province, f.year)
) WHERE rank = 1;

DROP VIEW IF EXISTS official_titles_over_time;
CREATE VIEW official_titles_over_time AS
SELECT o.name, t.value AS title, o.province, min(a.published) AS first_seen,
       max(a.published) AS last_seen, count(DISTINCT o.article_id) AS articles,
       group_concat(DISTINCT coalesce(a.url, a.doc)) AS sources
FROM officials o JOIN articles a ON a.id = o.article_id, json_each(o.titles) t
GROUP BY o.name_key, t.value, o.province;
"""

# Full-text search over article title and text. Diacritics are kept: in Vietnamese
# "đảng" (party) and "đang" (currently) are different words.
FTS_COLUMNS = ("title", "text")
FTS_TOKENIZE = "unicode61 remove_diacritics 0"


# Columns added to tables of older databases (ALTER TABLE ADD COLUMN), and tables whose
# CHECK constraints changed (rebuilt, rows kept). Both are idempotent: upgrade() looks at
# what the database has, not at version numbers.
ADDED_COLUMNS = {
    "articles": ("checked_at TEXT", "relevant INTEGER", "relevance REAL", "relevance_terms TEXT"),
    "quantities": (f"scope TEXT {_among('scope', SCOPES, nullable=True)}", "unit_name TEXT"),
}
REBUILT = {"crawl_pages": "'irrelevant'"}  # table -> text its new definition has


def upgrade(conn) -> None:
    """Bring an older database's tables to this layout; call inside a transaction, before
    running DDL (whose indexes may name the new columns)."""
    tables = {
        r[0]: r[1] for r in conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'")
    }
    for table, columns in ADDED_COLUMNS.items():
        if table not in tables:
            continue
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        for column in columns:
            if column.split()[0] not in have:
                conn.execute(f"ALTER TABLE {table} ADD COLUMN {column}")
    for table, marker in REBUILT.items():
        if table in tables and marker not in tables[table]:
            old = f"{table}_before_upgrade"
            conn.execute(f"ALTER TABLE {table} RENAME TO {old}")
            start = DDL.index(f"CREATE TABLE IF NOT EXISTS {table} ")
            conn.execute(DDL[start : DDL.index(");", start) + 1])
            shared = [r[1] for r in conn.execute(f"PRAGMA table_info({old})")]
            names = ", ".join(shared)
            conn.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {old}")
            conn.execute(f"DROP TABLE {old}")
