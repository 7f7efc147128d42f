"""Records, vocabularies and the SQLite layout of partyfacts.

The pydantic records load on first use (PEP 562): the vocabularies and the SQLite layout,
which every command that opens a database needs, do not pay for pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .vocabulary import CATEGORIES, EVENTS, RATINGS, SCOPES, STATUSES, UNITS

if TYPE_CHECKING:
    from .records import RECORDS, Article, CrawlRun, Extraction, Official, QuantityFact, json_schema

_RECORDS = {
    "RECORDS",
    "Article",
    "CrawlRun",
    "Extraction",
    "Official",
    "QuantityFact",
    "json_schema",
}

__all__ = [
    "CATEGORIES", "EVENTS", "RATINGS", "RECORDS", "SCOPES", "STATUSES", "UNITS",
    "Article", "CrawlRun", "Extraction", "Official", "QuantityFact", "json_schema",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    if name not in _RECORDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(".records", __name__), name)
    globals()[name] = value
    return value
