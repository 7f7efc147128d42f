"""Records, vocabularies and the SQLite layout of partyfacts."""

from .records import RECORDS, Article, CrawlRun, Extraction, Official, QuantityFact, json_schema
from .vocabulary import CATEGORIES, EVENTS, RATINGS, SCOPES, STATUSES, UNITS

__all__ = [
    "CATEGORIES", "EVENTS", "RATINGS", "RECORDS", "SCOPES", "STATUSES", "UNITS",
    "Article", "CrawlRun", "Extraction", "Official", "QuantityFact", "json_schema",
]  # fmt: skip
