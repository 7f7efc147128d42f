"""Named officials and their titles in one sentence.

Title-then-name and name-then-title patterns, with underthesea's word segmentation telling
where a person's name is: it keeps ``Lò Văn Chỉnh`` together and apart from ``Lai Châu`` in
``Chủ tịch UBND tỉnh Lai Châu Lê Văn Lương``. underthesea's ``ner`` is not used: it misses
many names and is far too slow to run on every sentence. Vocabularies are
``rules/titles.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from underthesea import word_tokenize

from . import normalize, provinces
from . import ruleset as rules

_SEPARATORS = {",", "-", "–", "—", ":"}


@dataclass
class Mention:
    name: str
    titles: list[str]
    honorific: str | None
    start: int  # offsets into the sentence
    end: int


@cache
def _vocab() -> dict[str, Any]:
    data = rules.load("titles")
    heads = [normalize.text(h) for h in data["heads"]]
    org_words = [normalize.text(w) for w in data["org_words"]]
    levels = [normalize.text(w) for w in data["levels"]]
    abbreviations = {normalize.text(k): normalize.text(v) for k, v in data["abbreviations"].items()}
    abbr_keys = sorted(abbreviations, key=len, reverse=True)
    return {
        "honorifics": {normalize.key(h) for h in data["honorifics"]},
        "head": re.compile(r"(?<!\w)(?:" + rules.alternation(heads) + r")(?!\w)", re.IGNORECASE),
        "org_word": re.compile(r"(?:" + rules.alternation(org_words) + r")(?!\w)", re.IGNORECASE),
        "level_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(levels) + r")\s*$", re.IGNORECASE
        ),
        "not_names": {normalize.key(w) for w in data["not_names"]}
        | {normalize.key(h) for h in data["honorifics"]},
        "abbr": re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, abbr_keys)) + r")(?![\w])"),
        "abbreviations": abbreviations,
        "elliptic": [normalize.key(w) for w in data["elliptic_endings"]],
        "committees": [normalize.text(w) for w in data["committee_levels"]],
        "prefilter": re.compile(
            r"(?<!\w)(?:" + rules.alternation([*data["honorifics"], *heads]) + r")(?!\w)",
            re.IGNORECASE,
        ),
        "links": re.compile(
            r"\s*(?:" + rules.alternation(data["name_title_links"]) + r")\s+", re.IGNORECASE
        ),
        "bylines": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["byline_words"]) + r")(?!\w)", re.IGNORECASE
        ),
    }


_UPPER_START = re.compile(r"^[A-ZÀ-ỸĐ]", re.UNICODE)


def _is_capitalized(syllable: str) -> bool:
    return bool(_UPPER_START.match(syllable)) and syllable[0].isupper()


def _name_like(token: str) -> bool:
    syllables = token.split()
    if not 2 <= len(syllables) <= 5:
        return False
    if any(not s[0].isupper() or not s.isalpha() for s in syllables):
        return False
    if any(s.isupper() and len(s) > 1 for s in syllables):  # UBND, HĐND, UBKT
        return False
    vocab = _vocab()
    if normalize.key(token) in vocab["not_names"] or vocab["head"].search(token):
        return False  # "Trưởng Đoàn", "Trưởng Ban Tổ": a title, not a person
    return not any(normalize.key(s) in vocab["not_names"] for s in syllables[:1])


def _token_spans(sentence: str) -> list[tuple[int, int, str]]:
    """underthesea's words with their offsets in ``sentence``."""
    spans = []
    cursor = 0
    for token in word_tokenize(sentence):
        pattern = r"\s+".join(map(re.escape, token.split()))
        match = re.compile(pattern).search(sentence, cursor)
        if not match:
            continue
        spans.append((match.start(), match.end(), match.group(0)))
        cursor = match.end()
    return spans


def _name_spans(sentence: str) -> list[tuple[int, int]]:
    """Spans of person-name-like words: capitalized multi-syllable words that are not
    organizations. Where underthesea cut a name short ("Giàng Páo" + "Mỷ dự"), the
    capitalized syllables that follow are glued back on."""
    spans: list[list[int]] = []
    not_names = _vocab()["not_names"]
    for start, end, token in _token_spans(sentence):
        if _name_like(token):
            spans.append([start, end])
            continue
        if not spans or sentence[spans[-1][1] : start].strip():
            continue
        glued = spans[-1][1]
        for syllable in re.finditer(r"\S+", token):
            word = syllable.group(0)
            capitalized = word.isalpha() and word[0].isupper() and not word.isupper()
            if not capitalized or normalize.key(word) in not_names:
                break
            if len(sentence[spans[-1][0] : start + syllable.end()].split()) > 5:
                break
            glued = start + syllable.end()
        spans[-1][1] = glued
    return [(s, e) for s, e in spans]


def _expand(title: str) -> str:
    vocab = _vocab()
    title = vocab["abbr"].sub(lambda m: vocab["abbreviations"][m.group(1)], title)
    title = normalize.squash(title).strip(" ,;-–")
    return title[:1].upper() + title[1:]


def _is_place(sentence: str, span: tuple[int, int], names: list[tuple[int, int]]) -> bool:
    text = sentence[span[0] : span[1]]
    if provinces.as_of(text, None) in provinces.registry():
        return True
    if not _vocab()["level_before"].search(sentence[: span[0]]):
        return False
    # a capitalized word after "tỉnh"/"Huyện ủy" is a place when a name follows it
    return any(
        s == span[1] + 1 or (s > span[1] and sentence[span[1] : s].strip() == "") for s, _ in names
    )


def _title_chain(sentence: str, pos: int, names: list[tuple[int, int]]) -> tuple[list[str], int]:
    """Titles starting at ``pos`` ("Ủy viên BTV, Thường trực Tỉnh ủy, Chủ nhiệm UBKT Tỉnh
    ủy"), and where the chain ends."""
    vocab = _vocab()
    titles: list[str] = []
    end = pos
    while True:
        head = vocab["head"].match(sentence, pos)
        if not head:
            break
        cursor = head.end()
        title_end = cursor
        while True:
            gap = re.match(r"[ \t\u00a0]+", sentence[cursor:])
            at = cursor + (gap.end() if gap else 0)
            if at >= len(sentence) or not gap:
                break
            if vocab["head"].match(sentence, at) and not sentence[at].islower():
                break  # "Ủy viên BTV Thường trực Tỉnh ủy": a new title starts
            name = next(((s, e) for s, e in names if s == at), None)
            if name:
                if not _is_place(sentence, name, names):
                    break
                cursor = title_end = name[1]
                continue
            org = vocab["org_word"].match(sentence, at)
            word = re.match(r"[^\s,;:.()\[\]“”\"!?]+", sentence[at:])
            if org:
                cursor = title_end = org.end()
            elif word and word.group(0)[0].isupper():
                cursor = title_end = at + word.end()
            else:
                break
        titles.append(_expand(sentence[head.start() : title_end]))
        end = title_end
        comma = re.match(r"\s*(?:,|và)?\s*", sentence[end:])
        if not comma or not vocab["head"].match(sentence, end + comma.end()):
            break
        pos = end + comma.end()
    return _complete_elliptic(titles), end


def _complete_elliptic(titles: list[str]) -> list[str]:
    vocab = _vocab()
    out = list(titles)
    for i, title in enumerate(out[:-1]):
        if any(normalize.key(title).endswith(e) for e in vocab["elliptic"]):
            for level in vocab["committees"]:
                if out[i + 1].endswith(level):
                    out[i] = f"{title} {level}"
                    break
    return out


def extract(sentence: str) -> list[Mention]:
    """Officials named in one sentence: honorific/name/titles in either order."""
    vocab = _vocab()
    if not vocab["prefilter"].search(sentence) or vocab["bylines"].search(sentence[:40]):
        return []
    names = _name_spans(sentence)
    mentions: list[Mention] = []
    used: set[tuple[int, int]] = set()
    for name in names:
        if name in used or _is_place(sentence, name, names):
            continue
        before = sentence[max(0, name[0] - 12) : name[0]]
        honor = re.search(
            r"(?<!\w)(" + "|".join(map(re.escape, vocab["honorifics"])) + r")\s*$", before, re.I
        )
        # name, then titles: "Đồng chí Lò Văn Chỉnh - Ủy viên Ban Thường vụ Tỉnh ủy"
        link = vocab["links"].match(sentence, name[1])
        if link:  # "Lò Văn Tiến tiếp tục được bầu giữ chức Bí thư Huyện ủy"
            title_start = link.end()
        else:
            title_start = name[1] + re.match(r"\s*[,\-–—:]?\s*", sentence[name[1] :]).end()
        titles, end = _title_chain(sentence, title_start, names)
        start = name[0] - (len(before) - honor.start()) if honor else name[0]
        if not titles:
            # titles, then the name: "Bí thư Tỉnh ủy Giàng Páo Mỷ"
            for head in vocab["head"].finditer(sentence, 0, name[0]):
                chain, chain_end = _title_chain(sentence, head.start(), names)
                if chain and sentence[chain_end : name[0]].strip() == "":
                    titles, start, end = chain, head.start(), name[1]
                    break
        if not titles:
            continue
        used.add(name)
        mentions.append(
            Mention(
                name=normalize.squash(sentence[name[0] : name[1]]),
                titles=titles,
                honorific=normalize.key(honor.group(1)) if honor else None,
                start=start,
                end=max(end, name[1]),
            )
        )
    return mentions
