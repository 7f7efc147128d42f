"""Text normalization shared by the whole project.

The stored article text is already normalized (NFC, one tone-mark style, no zero-width
characters, ``\\n`` line ends), so every character offset the extractor reports points into
the text as stored. The tone-mark move is length-preserving in NFC (``uỷ`` and ``ủy`` are
both two code points), which is what makes that possible.
"""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement -> the style underthesea uses (``hoà`` -> ``hòa``, ``uỷ`` -> ``ủy``).
_TONE_MOVES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa",
    "oè": "òe", "oé": "óe", "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe",
    "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
# Only at the end of a syllable ("hoàn" keeps its "oà") and never after q ("quý": qu- is
# one consonant).
_TONE_RE = re.compile(r"(?<![qQ])(" + "|".join(_TONE_MOVES) + r")(?!\w)", re.IGNORECASE)
_INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Letters that look alike are one letter (FACTS.md): Icelandic eth "Ð" (U+00D0) for "Đ".
_LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})


def _move_tone(match: re.Match[str]) -> str:
    old = match.group(1)
    new = _TONE_MOVES[old.lower()]
    # keep each position's case: "Uỷ" -> "Ủy", "UỶ" -> "ỦY"
    return "".join(n.upper() if o.isupper() else n for o, n in zip(old, new, strict=True))


def tone_style(text: str) -> str:
    """Move tone marks to the style underthesea uses; the length never changes."""
    return _TONE_RE.sub(_move_tone, text)


def text(raw: str) -> str:
    """Normalize article text for storage: NFC, one tone style, ``\\n`` line ends, no
    zero-width characters. Everything else (spacing, punctuation) is kept as written."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    raw = _INVISIBLE_RE.sub("", raw)
    return tone_style(unicodedata.normalize("NFC", raw).translate(_LOOKALIKES))


def squash(span: str) -> str:
    """Collapse runs of white space, for display (evidence sentences, names, titles)."""
    return " ".join(span.split())


def key(phrase: str) -> str:
    """A comparison key: normalized, case-folded, spacing collapsed."""
    return squash(text(phrase)).casefold()


def fold(phrase: str) -> str:
    """Case and diacritics folded (``Lai Châu``, ``lai chau``, ``LAI CHÂU`` -> ``lai chau``),
    for matching what a user types against names; never for storage."""
    decomposed = unicodedata.normalize("NFD", phrase.replace("đ", "d").replace("Đ", "D"))
    return squash("".join(c for c in decomposed if not unicodedata.combining(c))).casefold()
