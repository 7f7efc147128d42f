"""Article text and facts from Vietnamese party-building news.

extract.facts(text, published=None)  -> ArticleFacts (quantities, officials, province)
extract.text(raw)                    -> the normalized text offsets point into
"""

from .extractor import ArticleFacts
from .extractor import extract as facts
from .normalize import text
from .ruleset import version as rules_version

__all__ = ["ArticleFacts", "facts", "rules_version", "text"]
