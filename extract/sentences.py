"""Paragraphs and sentences with their character offsets in the article text.

underthesea's ``sent_tokenize`` does the splitting, one paragraph at a time (it is fast and
paragraphs keep its context small). It splits inside domain names ("laichau.gov.vn") and
abbreviations, so a piece that starts in lower case is glued back onto the sentence before.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from underthesea import sent_tokenize


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


_PARAGRAPH = re.compile(r"[^\n]+")


def paragraphs(text: str) -> Iterator[Span]:
    for match in _PARAGRAPH.finditer(text):
        if match.group(0).strip():
            yield Span(match.start(), match.end(), match.group(0))


# "Đảng ủy TT.Chợ Chùa", "TP. Hồ Chí Minh", "H. Nghĩa Hành": an abbreviation's dot ends no
# sentence.
_ABBREVIATION_END = re.compile(r"(?<![^\W\d_])(?:TT|TP|Tp|TX|H|Q|P|T|UVT|TS|ThS|GS|PGS|BS)\.$")


def _starts_new_sentence(piece: str) -> bool:
    head = piece.lstrip("\"“”'‘’([«-–— \u00a0")
    return bool(head) and not (head[0].islower() or head[0] in ",;:)]%")


def split(paragraph: Span) -> list[Span]:
    """The sentences of one paragraph, offsets into the article text."""
    pieces = sent_tokenize(paragraph.text)
    spans: list[list[int]] = []
    cursor = 0
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        at = paragraph.text.find(piece, cursor)
        if at < 0:  # the tokenizer changed the text; fall back to one sentence
            return [paragraph]
        end = at + len(piece)
        glue = spans and _ABBREVIATION_END.search(paragraph.text[spans[-1][0] : spans[-1][1]])
        if spans and (glue or not _starts_new_sentence(piece)):
            spans[-1][1] = end
        else:
            spans.append([at, end])
        cursor = end
    base = paragraph.start
    return [Span(base + s, base + e, paragraph.text[s:e]) for s, e in spans] or [paragraph]
