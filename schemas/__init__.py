"""Records, vocabularies and the SQLite layout of partyfacts."""

from .records import RECORDS, Article, CrawlRun, Extraction, Official, QuantityFact, json_schema
from .vocabulary import CATEGORIES, EVENTS, RATINGS, STATUSES, UNITS

__all__ = [
    "CATEGORIES", "EVENTS", "RATINGS", "RECORDS", "STATUSES", "UNITS",
    "Article", "CrawlRun", "Extraction", "Official", "QuantityFact", "json_schema",
]  # fmt: skip
