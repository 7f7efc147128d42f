"""Loading the rule files (``extract/rules/*.yaml``) and the rules version.

Rules are data: vocabularies, trigger phrases and their example corpora live in YAML files
beside the small matching modules. The rules version names both: a human version and a
hash of every rule file and matching module, so any change of rules shows up in the
stored facts and a re-extraction can be compared with the run before it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

RULES_MAJOR = "1.0"
_MATCHING_MODULES = (
    "normalize.py", "numbers.py", "timex.py", "sentences.py", "quantities.py",
    "officials.py", "provinces.py", "dates.py", "extractor.py", "ruleset.py", "bodies.py",
    "officials.py", "titlereader.py", "provinces.py", "dates.py", "extractor.py", "ruleset.py",
    "bodies.py", "breakdowns.py", "relevance.py", "gazetteer.py",
)  # fmt: skip


_HERE = Path(__file__).parent


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed rule file ``rules/NAME.yaml``."""
    with (_HERE / "rules" / f"{name}.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def names() -> list[str]:
    return sorted(p.stem for p in (_HERE / "rules").glob("*.yaml"))


@cache
def version() -> str:
    """``MAJOR+hash``: the hash covers every rule file and every matching module."""
    digest = hashlib.sha256()
    files = [_HERE / "rules" / f"{n}.yaml" for n in names()]
    files += [_HERE / m for m in _MATCHING_MODULES if (_HERE / m).exists()]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"{RULES_MAJOR}+{digest.hexdigest()[:10]}"


def phrase_regex(phrase: str) -> str:
    """A plain phrase as a regex: words joined by white space, commas with or without
    spaces around them, quotes optional. ``thôn, bản`` matches ``thôn,bản``; ``bản "trắng"``
    matches ``bản “trắng”`` and ``bản trắng``."""
    parts = re.findall(r'[,;]|["“”]|[^\s,;"“”]+', phrase)
    out = ""
    previous = None
    for part in parts:
        if part in {'"', "“", "”"}:
            out += r"\s*[\"“”']?\s*"
        elif part in {",", ";"}:
            out += r"\s*" + part + r"\s*"
        else:
            if previous is not None and previous not in {",", ";", '"', "“", "”"}:
                out += r"\s+"
            out += re.escape(part)
        previous = part
    return out


def alternation(phrases: list[str]) -> str:
    """Longest phrases first, so that ``chi bộ trực thuộc`` wins over ``chi bộ``."""
    ordered = sorted(set(phrases), key=lambda p: (-len(p), p))
    return "|".join(phrase_regex(p) for p in ordered)
