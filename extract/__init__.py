"""Article text and facts from Vietnamese party-building news.

extract.facts(text, published=None)  -> ArticleFacts (quantities, officials, province)
extract.text(raw)                    -> the normalized text offsets point into

The names load on first use (PEP 562), so a command that only reads the database does not
pay for underthesea and the rules at start-up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .extractor import ArticleFacts
    from .extractor import extract as facts
    from .normalize import text
    from .ruleset import version as rules_version

_LAZY = {
    "ArticleFacts": ("extractor", "ArticleFacts"),
    "facts": ("extractor", "extract"),
    "text": ("normalize", "text"),
    "rules_version": ("ruleset", "version"),
}

__all__ = ["ArticleFacts", "facts", "rules_version", "text"]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = _LAZY[name]
    value = getattr(importlib.import_module(f".{module}", __name__), attribute)
    globals()[name] = value
    return value
