"""The SQLite layout: tables, CHECK constraints from the closed vocabularies, foreign keys
and the indexes for the analysts' usual filters (category, event, year, province)."""

from __future__ import annotations

from .vocabulary import APPROXES, CATEGORIES, EVENTS, RATINGS, RUN_STATUSES, STATUSES, UNITS

SCHEMA_VERSION = 2  # 2: crawl_pages


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
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_province ON articles(province);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
CREATE INDEX IF NOT EXISTS articles_site ON articles(site);

CREATE TABLE IF NOT EXISTS quantities (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    value REAL NOT NULL,
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
    of_total REAL,
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

-- Pages a crawl fetched but did not store as articles (not an article, empty, gone), so
-- that a re-crawl revalidates them conditionally or leaves them alone.
CREATE TABLE IF NOT EXISTS crawl_pages (
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('skipped', 'gone')),
    reason TEXT,
    etag TEXT,
    last_modified TEXT,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (site, url)
);
"""

# Full-text search over article title and text. Diacritics are kept: in Vietnamese
# "đảng" (party) and "đang" (currently) are different words.
FTS_COLUMNS = ("title", "text")
FTS_TOKENIZE = "unicode61 remove_diacritics 0"
