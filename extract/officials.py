"""Named officials and their titles in one sentence.

The sentence is cut into words and read left to right: an honorific or a rank, a person's
name (a run of capitalized syllables that starts with a family name), a chain of titles
("nguyên Phó Bí thư Thường trực Huyện ủy Tân Yên, Chủ tịch HĐND huyện"), in either order,
and lists after one shared title ("các Phó Thủ tướng: A, B, C"). Where a title's place and
the person's name run together ("Huyện ủy Tân Yên Dương Đức Thảo"), the run is split where
the name's family name starts, weighing known places and what a place word expects.
No word segmentation model is used: it split two-syllable and minority names and cost half of
the extraction time. Vocabularies are ``rules/titles.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import gazetteer, normalize
from . import ruleset as rules

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|\S")
_WORD = re.compile(r"[^\W_]+|/")


@dataclass
class Mention:
    name: str
    titles: list[str]
    honorific: str | None
    start: int  # offsets into the sentence
    end: int
    places: list[str] = field(default_factory=list)  # proper place names in the titles


@dataclass
class _Tok:
    text: str
    key: str
    start: int
    end: int


class _Phrases:
    """Phrases matched over words, case-insensitively, longest first."""

    def __init__(self, phrases: dict[str, Any]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, value in phrases.items():
            keys = tuple(w.casefold() for w in _TOKEN.findall(normalize.text(phrase)))
            if keys:
                self.by_first.setdefault(keys[0], []).append((keys, value))
        for options in self.by_first.values():
            options.sort(key=lambda kv: -len(kv[0]))

    def match(self, toks: list[_Tok], i: int) -> tuple[int, Any] | None:
        if i >= len(toks):
            return None
        for keys, value in self.by_first.get(toks[i].key, ()):
            end = i + len(keys)
            if end <= len(toks) and all(toks[i + n].key == k for n, k in enumerate(keys)):
                return end, value
        return None


def _words(phrases: list[str]) -> set[str]:
    return {normalize.key(p) for p in phrases}


@cache
def _vocab() -> dict[str, Any]:
    data = rules.load("titles")
    heads = {h: h for h in data["heads"]}
    heads.update({f"Phó {h}": f"Phó {h}" for h in data["heads"] if not h.startswith("Phó")})
    levels = [normalize.text(w) for w in data["levels"]]
    committees = [normalize.text(w) for w in data["committees"]]
    org = {w: ("org", normalize.key(w)) for w in data["org_words"]}
    org.update({w: ("committee", normalize.key(w)) for w in committees})
    org.update({w: ("level", normalize.key(w)) for w in levels})
    abbreviations = {normalize.text(k): normalize.text(v) for k, v in data["abbreviations"].items()}
    abbr_keys = sorted(abbreviations, key=len, reverse=True)
    abbr_alts = "|".join(
        re.escape(k) + (r"\s*" if k.endswith(".") else r"(?!\w)") for k in abbr_keys
    )
    places = {"sài gòn", "hồ chí minh", "việt nam"}  # besides the gazetteer's provinces
    links = "|".join(f"(?:{p})" for p in data["links"])
    title_links = "|".join(f"(?:{p})" for p in data["links"][: data["title_links"]])
    prefilter_words = [*data["honorifics"], *data["introducers"], *heads]
    return {
        "honorifics": _Phrases({normalize.text(k): v for k, v in data["honorifics"].items()}),
        "introducers": _Phrases({w: True for w in data["introducers"]}),
        "heads": _Phrases(heads),
        "org": _Phrases(org),
        "former": _words(data["former"]),
        "acting": _words(data["acting"]),
        "new": _words(data["new"]),
        "numbered": _words(data["numbered"]),
        "levels": _words(data["levels"]),
        "joiners": _words(data["joiners"]),
        "not_names": _Phrases({w: True for w in data["not_names"]}),
        "not_name_words": _words(data["not_names"]),
        "surnames_strong": _words(data["surnames_strong"]),
        "surnames": _words(data["surnames"]) | _words(data["surnames_strong"]),
        "places": places,
        "abbr": re.compile(r"(?<![\w.])(" + abbr_alts + r")"),
        "abbreviations": {k.casefold(): v for k, v in abbreviations.items()},
        "links": re.compile(r"\s*(?:" + links + r")(?=\s|$)", re.IGNORECASE),
        "title_links": re.compile(r"\s*(?:" + title_links + r")(?=\s|$)", re.IGNORECASE),
        "qualifiers": re.compile(
            r"\s*(?:" + "|".join(f"(?:{q})" for q in data["qualifiers"]) + r")", re.IGNORECASE
        ),
        "fillers": re.compile(
            r"\s*(?:" + "|".join(f"(?:{f})" for f in data["fillers"]) + r")", re.IGNORECASE
        ),
        "breakers": _words(data["breakers"]),
        "chain_joiners": _Phrases({w: True for w in data["chain_joiners"]}),
        "adjacent_heads": _Phrases({w: True for w in data["adjacent_heads"]}),
        "prefilter": {
            w.casefold()
            for phrase in prefilter_words
            for w in _TOKEN.findall(normalize.text(phrase))[:1]
        },
        "bylines": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["byline_words"]) + r")(?!\w)", re.IGNORECASE
        ),
        "credits": re.compile(data["credits"]),
        "dotted": {k.casefold() for k in abbreviations if k.endswith(".")},
    }


@cache
def _province(text: str) -> bool:
    """Whether ``text`` is exactly a province's name ("Lai Châu", "Hà Nội")."""
    name = gazetteer.province_name(text)
    return bool(name) and normalize.key(name) == normalize.key(text)


@cache
def _gazetteer_knows(phrase: str, length: int) -> bool:
    """Whether the gazetteer knows the place that ends ``phrase`` (its last ``length``
    characters, after a level word: "xã Mường Mô")."""
    found = gazetteer.places(phrase)
    return any(p.known and p.end == len(phrase) and p.end - p.start >= length for p in found)


def _is_cap(tok: _Tok) -> bool:
    """A syllable of a name: capitalized, letters only, not an all-caps abbreviation."""
    text = tok.text
    if not text[0].isupper():
        return False
    letters = text.replace("'", "").replace("’", "")
    return letters.isalpha() and (len(letters) == 1 or not letters.isupper() or "'" in text)


def _is_code(tok: _Tok) -> bool:
    """An abbreviation or a unit's code: "UBND", "TP", "HCM", "5A", "Z751", "12"."""
    text = tok.text
    return text[0].isdigit() or (len(text) > 1 and text.isalnum() and text.isupper())


@dataclass
class _Title:
    start: int  # token index
    end: int
    former: bool
    acting: bool
    head_end: int  # token index after the head
    bare: bool  # the head only, no organization
    places: list[str] = field(default_factory=list)


@dataclass
class _Chain:
    titles: list[_Title]
    end: int  # token index after the chain
    name: tuple[int, int] | None = None  # a name that follows the chain directly


class _Reader:
    def __init__(self, sentence: str):
        self.s = sentence
        self.v = _vocab()
        self.toks = [
            _Tok(m.group(0), m.group(0).casefold(), m.start(), m.end())
            for m in _TOKEN.finditer(sentence)
        ]
        self.n = len(self.toks)
        self.list_depth = 0  # inside a list, a semicolon starts the next item
        self.at_char = {t.start: i for i, t in enumerate(self.toks)}

    # --- small helpers -------------------------------------------------------------
    def key(self, i: int) -> str:
        return self.toks[i].key if i < self.n else ""

    def text_between(self, i: int, j: int) -> str:
        if i >= j:
            return ""
        return self.s[self.toks[i].start : self.toks[j - 1].end]

    def tok_at_char(self, pos: int) -> int | None:
        while pos < len(self.s) and self.s[pos].isspace():
            pos += 1
        return self.at_char.get(pos) if pos < len(self.s) else self.n

    def regex_after(self, pattern: re.Pattern[str], i: int) -> int | None:
        """Token index after ``pattern`` matched right after token ``i - 1``."""
        pos = self.toks[i - 1].end if i > 0 else 0
        if i >= self.n:
            return None
        m = pattern.match(self.s, pos)
        if not m or m.end() == pos:
            return None
        return self.tok_at_char(m.end())

    # --- names ---------------------------------------------------------------------
    def cap_run(self, i: int) -> int:
        """End of the run of name syllables starting at ``i``."""
        j = i
        while j < self.n and _is_cap(self.toks[j]):
            if j > i and (
                self.v["heads"].match(self.toks, j) or self.v["not_names"].match(self.toks, j)
            ):
                break
            if j > i and self.toks[j].start - self.toks[j - 1].end > 1:
                break  # "Thăng Bình  Nguyễn": names are written with single spaces
            if j > i and not self.s[self.toks[j - 1].end : self.toks[j].start].isspace():
                break
            j += 1
        return j

    def surname_at(self, i: int) -> str | None:
        """ "strong", "weak" or None: whether a family name starts at ``i``."""
        key = self.key(i)
        if key in self.v["surnames_strong"]:
            return "strong"
        if key in self.v["surnames"] or key[:2] in ("h'", "k'", "h’", "k’"):
            return "weak"
        return None

    def name_ok(self, i: int, j: int, honorific: bool) -> bool:
        length = j - i
        apostrophe = self.key(i)[1:2] in ("'", "’")  # "K'Sáu", "H'Hen"
        if not 1 <= length <= 5 or (length == 1 and not (honorific or apostrophe)):
            return False
        if any(self.key(k) in self.v["not_name_words"] for k in range(i, j)):
            return False
        if self.v["heads"].match(self.toks, i):
            return False
        text = self.text_between(i, j)
        if normalize.key(text) in self.v["places"] or (not honorific and _province(text)):
            return False
        return honorific or self.surname_at(i) is not None

    def is_place(self, i: int, j: int) -> bool:
        """Whether words ``i:j`` name a known place: a province, or a district or commune
        after the level word or committee before them ("Huyện ủy Tân Yên")."""
        text = self.text_between(i, j)
        if normalize.key(text) in self.v["places"] or _province(text):
            return True
        before = self.text_between(max(0, i - 3), i)  # "Đảng ủy xã", "UBND huyện"
        return _gazetteer_knows(f"{before} {text}", len(text))

    def split_run(self, i: int, j: int, context: str) -> int:
        """Where a person's name starts inside the capitalized run ``i:j`` that follows a
        title's words of kind ``context``; ``j`` when the whole run is a place or unit."""
        best, best_score = j, self._score_place(i, j, context)
        for k in range(i, j):
            if not self.name_ok(k, j, honorific=False) or j - k > 5:
                continue
            strength = self.surname_at(k)
            score = {1: 1.5, 2: 1.0, 3: 2.0, 4: 1.6, 5: 0.8}[j - k]
            score += 0.5 if strength == "strong" else 0
            if k == i:
                if context == "level":
                    score -= 0.5 if strength == "strong" else 2.5
            elif self.is_place(i, k):
                score += 2.0
            else:
                score += {"level": 0.5, "head": -3.0}.get(context, -0.5)
            if score > best_score:
                best, best_score = k, score
        return best

    def _score_place(self, i: int, j: int, context: str) -> float:
        if self.is_place(i, j):
            return 4.0
        if context == "head":
            return 0.3
        return {1: 1.5, 2: 1.5, 3: 1.2, 4: 0.5}.get(j - i, 0.0)

    # --- titles --------------------------------------------------------------------
    def title(self, i: int) -> tuple[_Title, tuple[int, int] | None] | None:
        """A title starting at token ``i``, and a name that follows it directly."""
        v, start = self.v, i
        former = acting = False
        while i < self.n and self.key(i) in v["former"] | v["acting"] | v["new"]:
            former |= self.key(i) in v["former"]
            acting |= self.key(i) in v["acting"]
            i += 1
        head = v["heads"].match(self.toks, i)
        if not head:
            return None
        if start < i and self.key(start) in v["new"] and not (former or acting):
            start = i  # "tân Bí thư": the title is "Bí thư"
        j = head[0]
        head_key = normalize.key(self.text_between(i, j))
        ends = [w for w in v["levels"] | v["numbered"] if head_key.endswith(" " + w)]
        head_end, context, last_org = j, "head", max(ends, key=len) if ends else None
        if last_org in v["levels"]:
            context = "level"  # "Trưởng ấp", "Trưởng thôn": a place name follows
        places: list[str] = []
        name = None
        # "Trưởng Ban chỉ đạo": the head's last word begins a longer organization name
        overlap = v["org"].match(self.toks, j - 1)
        if overlap and overlap[0] > j:
            j, (context, last_org) = overlap[0], overlap[1]
        while j < self.n:
            tok = self.toks[j]
            org = v["org"].match(self.toks, j)
            new_head = v["heads"].match(self.toks, j)
            if new_head and (not org or new_head[0] > org[0]):
                break  # the next title starts
            if org:
                j, (context, last_org) = org[0], org[1]
                dotted = f"{self.key(j - 1)}." in v["abbreviations"]
                if dotted and j + 1 < self.n and self.toks[j].text == ".":
                    j += 1  # "TP. HCM", "TP.HCM"
                continue
            if tok.key == "số" and j + 1 < self.n and self.toks[j + 1].text[0].isdigit():
                j, context = j + 2, "code"  # "Trường Tiểu học số 2"
                continue
            if tok.key in v["joiners"] and j + 1 < self.n:
                follow = v["org"].match(self.toks, j + 1)
                if follow and not v["heads"].match(self.toks, j + 1):
                    j = j + 1
                    continue
                if tok.key == "&" and _is_code(self.toks[j + 1]):
                    j += 1
                    continue
                if tok.key == "và" and _is_cap(self.toks[j + 1]) and context == "proper":
                    end = self.cap_run(j + 1)
                    if not self.surname_at(j + 1):
                        j = end
                        continue
                break
            if tok.text in "-–" and j + 1 < self.n and context != "head":
                follow = v["org"].match(self.toks, j + 1)
                if follow and not v["heads"].match(self.toks, j + 1) and follow[1][0] == "org":
                    j = j + 1
                    continue
                break
            if _is_code(tok):
                if tok.text[0].isdigit() and last_org not in v["numbered"] and context != "level":
                    break
                j, context = j + 1, "code"
                dotted = f"{tok.key}." in v["abbreviations"]
                if dotted and j + 1 < self.n and self.toks[j].text == ".":
                    j += 1  # "TP. HCM", "TP.HCM"
                continue
            dotted = len(tok.text) == 1 and f"{tok.key}." in v["abbreviations"]
            if dotted and j + 1 < self.n and self.toks[j + 1].text == ".":
                j, context = j + 2, "level"  # "H.Nghĩa Hành", "Q. 3"
                continue
            if _is_cap(tok):
                end = self.cap_run(j)
                k = self.split_run(j, end, context)
                if k > j:
                    places.append(self.text_between(j, k))
                    context = "proper"
                if k < end:
                    name = (k, end)
                    j = k
                    break
                j = end
                continue
            if tok.key not in v["breakers"] and tok.text[0].islower():
                reach = self.absorb(j)
                if reach:
                    j = reach
                    continue
            break
        title = _Title(start, j, former, acting, head_end, bare=j == head_end, places=places)
        return title, name

    def absorb(self, i: int) -> int | None:
        """The end of unknown words that still belong to an organization's name: those that
        run, with no word that ends a title, to a comma before the next title, a semicolon
        or a closing parenthesis ("Ban đổi mới quản lý doanh nghiệp, nguyên Bí thư")."""
        j = i
        while j < self.n and j - i < 10:
            tok = self.toks[j]
            if tok.text in ";)":
                return j
            if tok.text == ",":
                return j if self.v["heads"].match(self.toks, self.skip_former(j + 1)) else None
            if self.v["heads"].match(self.toks, j):
                return None
            org = self.v["org"].match(self.toks, j)
            if org:
                j = org[0]  # "phát triển", "Kế hoạch và Đầu tư"
                continue
            nxt = self.toks[j + 1] if j + 1 < self.n else None
            joined = tok.key == "và" and nxt and nxt.text[0].islower()
            if not tok.text[0].isalnum() or (tok.key in self.v["breakers"] and not joined):
                return None
            j += 1
        return None

    def skip_former(self, i: int) -> int:
        while i < self.n and self.key(i) in self.v["former"] | self.v["acting"]:
            i += 1
        return i

    def chain(self, i: int) -> _Chain | None:
        """Titles from token ``i`` joined by commas, dashes, "kiêm", links and terms."""
        first = self.title(i)
        if not first:
            return None
        titles, (title, name) = [first[0]], first
        end = title.end
        while name is None and end < self.n:
            nxt = self.skip_qualifiers(end)
            nxt = self.skip_parenthesis_without_title(nxt)
            if nxt < self.n and self.toks[nxt].text == "(":
                inner = self.chain_in_parenthesis(nxt)
                if inner:
                    titles += inner.titles
                    end = inner.end
                    continue
            if nxt < self.n and self.toks[nxt].text in ",;":
                filler = self.regex_after(self.v["fillers"], nxt + 1)
                if filler is not None and self.title(filler):
                    nxt = filler - 1  # "..., Đảng bộ xã Bình Sơn, đại biểu HĐND xã"
            joined = self.join_after(nxt)
            if joined is None:
                break
            following = self.title(joined)
            if not following:
                break
            if self.toks[nxt].text == ";":
                rest = self.chain(joined) if not self.list_depth else None
                if not rest or rest.name or self.followed_by_name(rest.titles[-1]):
                    break  # "; Trưởng ban X Nguyễn Văn B": the next item is another person
                titles += rest.titles
                end = rest.end
                break
            title, name = following
            titles.append(title)
            end = title.end
        return _Chain(titles, end, name)

    def join_after(self, i: int) -> int | None:
        """Token index of the next title after a joiner or a link at ``i``."""
        if i >= self.n:
            return None
        if self.v["adjacent_heads"].match(self.toks, i):
            return i
        link = self.regex_after(self.v["title_links"], i)
        if link is not None and link < self.n:
            return link
        joiner = self.v["chain_joiners"].match(self.toks, i)
        if joiner:
            j = joiner[0]
            if j < self.n and self.key(j) in ("là", "kiêm"):
                j += 1
            if self.key(i) == ",":
                link = self.regex_after(self.v["title_links"], j)
                if link is not None and link < self.n:
                    return link  # "..., được điều động giữ chức ..."
            return j
        return None

    def followed_by_name(self, title: _Title) -> bool:
        """Whether a name follows the title after a comma or a dash (a list item)."""
        j = title.end
        if j < self.n and self.toks[j].text in ",-–":
            j += 1
        return j < self.n and _is_cap(self.toks[j]) and self.surname_at(j) is not None

    def skip_qualifiers(self, i: int) -> int:
        """Past "nhiệm kỳ 2015 - 2020", "khóa XII", "(từ 9/2014 đến 2/2016)"."""
        while i < self.n:
            after = self.regex_after(self.v["qualifiers"], i)
            if after is None:
                return i
            i = after
        return i

    def skip_parenthesis_without_title(self, i: int) -> int:
        if i >= self.n or self.toks[i].text != "(":
            return i
        j = i + 1
        while j < self.n and self.toks[j].text != ")" and j - i < 30:
            if self.v["heads"].match(self.toks, j) or self.toks[j].text == "(":
                return i
            j += 1
        return j + 1 if j < self.n and self.toks[j].text == ")" else i

    # --- people --------------------------------------------------------------------
    def honorific(self, i: int) -> tuple[int, str | None] | None:
        """(token index after, honorific as reported) for an honorific or a rank at ``i``."""
        found = None
        j = i
        while j < self.n:
            hon = self.v["honorifics"].match(self.toks, j)
            intro = self.v["introducers"].match(self.toks, j)
            if hon:
                found, j = hon[1], hon[0]
            elif intro:
                j = intro[0]
            else:
                break
            while j < self.n and self.toks[j].text in (".", "-", "–", ",") and j + 1 < self.n:
                if not (
                    self.v["introducers"].match(self.toks, j + 1)
                    or self.v["honorifics"].match(self.toks, j + 1)
                ):
                    break
                j += 1
        if j == i:
            return None
        return j, found

    def titles_after_name(self, end: int) -> _Chain | None:
        """The titles written after a name: ", Bí thư ...", " - Bí thư", " (Bí thư ...)",
        " là Bí thư", " được bầu giữ chức Bí thư"."""
        if end >= self.n:
            return None
        i = end
        tok = self.toks[i]
        if tok.text == "(":
            chain = self.chain_in_parenthesis(i)
            if chain:
                return chain
            i = self.skip_parenthesis_without_title(i)
            if i == end:
                return None
            if i < self.n and self.toks[i].text in ",":
                i += 1
        elif tok.text in ",-–—:":
            i += 1
            while not self.title(i) and (filler := self.regex_after(self.v["fillers"], i)):
                i = filler
        link = self.regex_after(self.v["links"], i)
        if link is not None:
            i = link
            filler = self.regex_after(self.v["fillers"], i)
            if filler is not None:
                i = filler  # "là đại tá, nguyên Hiệu trưởng ..."
        return self.chain(i)

    def chain_in_parenthesis(self, i: int) -> _Chain | None:
        """The titles inside "( ... )" after a name; a member's cell before them is
        skipped: "(đảng viên Chi bộ khu phố 11 - nguyên Phó Giám đốc Công an tỉnh)"."""
        depth, j = 0, i
        close = None
        while j < self.n:
            if self.toks[j].text == "(":
                depth += 1
            elif self.toks[j].text == ")":
                depth -= 1
                if depth == 0:
                    close = j
                    break
            j += 1
        if close is None:
            close = self.n
        titles: list[_Title] = []
        k = i + 1
        while k < close:
            chain = self.chain(k)
            if chain and chain.name is None:
                titles += chain.titles
                k = max(chain.end, k + 1)
                continue
            if chain and chain.name is not None:
                return None  # another person inside
            k += 1
        if not titles:
            return None
        return _Chain(titles, close + 1 if close < self.n else close)

    def boundary_before(self, i: int) -> bool:
        """A name with no honorific stands at the start of a clause or a list item."""
        if i == 0:
            return True
        prev = self.toks[i - 1]
        if prev.text in ",;:(-–—\"“”'‘’*•+":
            return True
        return prev.key in ("và", "với", "cho", "gồm", "là", "có", "của", "thì", "như")


def _expand(title: str) -> str:
    vocab = _vocab()
    out, pos = [], 0
    for m in vocab["abbr"].finditer(title):
        out += [title[pos : m.start()], vocab["abbreviations"][m.group(1).rstrip().casefold()], " "]
        pos = m.end()
    out.append(title[pos:])
    return normalize.squash("".join(out)).strip(" ,;-–")


def _render(reader: _Reader, title: _Title, former: bool) -> str:
    v = reader.v
    i = title.start
    while i < title.end and reader.key(i) in v["former"] | v["acting"] | v["new"]:
        i += 1
    body = _expand(reader.text_between(i, title.end))
    body = body[:1].upper() + body[1:]
    if title.acting:
        body = f"Quyền {body}"
    if former or title.former:
        body = f"nguyên {body}"
    return body


def _committee_tail(title: str) -> str | None:
    """The party committee a title ends with: "Chủ nhiệm UBKT Đảng ủy Khối" -> "Đảng ủy Khối"."""
    m = re.search(
        r"(?:Tỉnh|Huyện|Thành|Thị|Quận|Đảng)\s+ủy(?:\s+(?:Khối|[A-ZÀ-ỸĐ][\wÀ-ỹ]*))*$", title
    )
    return m.group(0) if m else None


_PARTY_BARE = re.compile(
    r"^(?:nguyên\s+)?(?:Quyền\s+)?(?:Phó\s+)?(?:Bí thư(?:\s+Thường trực)?|Ủy viên Ban Thường vụ"
    r"|Ủy viên Ban Chấp hành|Thường trực|Chủ nhiệm Ủy ban Kiểm tra)$",
    re.IGNORECASE,
)


def _titles(reader: _Reader, chain: _Chain) -> tuple[list[str], list[str]]:
    """The chain's titles as written out: abbreviations expanded, "nguyên" carried over the
    rest of a chain that names it once, a bare party title completed by the committee of
    the next one ("Phó Bí thư, Chủ nhiệm UBKT Đảng ủy Khối")."""
    titles = chain.titles
    formers = [t.former for t in titles]
    out: list[str] = []
    carried = False
    for title in titles:
        if title.former and sum(formers) == 1:
            carried = True  # "nguyên Trưởng phòng, Bí thư chi bộ": both are former
        out.append(_render(reader, title, carried and not title.former))
    for n in range(len(out) - 1):
        if _PARTY_BARE.match(out[n]):
            tail = _committee_tail(out[n + 1])
            if tail:
                out[n] = f"{out[n]} {tail}"
    places = [p for t in titles for p in t.places]
    return out, places


def _mention(
    reader: _Reader,
    name: tuple[int, int],
    titles: list[str],
    places: list[str],
    honorific: str | None,
    start: int,
    end: int,
) -> Mention:
    toks = reader.toks
    return Mention(
        name=normalize.squash(reader.text_between(*name)),
        titles=titles,
        honorific=honorific,
        start=toks[start].start,
        end=toks[end - 1].end,
        places=places,
    )


def _read(
    reader: _Reader,
    i: int,
    stop: int,
    shared: list[str],
    out: list[Mention],
    in_list: bool = False,
    list_stop: int | None = None,
) -> int:
    """Every person between tokens ``i`` and ``stop``; ``shared`` titles (a list's head)
    go to each of them; in a list a bare name is a person too. A list that opens here runs
    to ``list_stop``; returns where reading ended."""
    n, item_start = stop, i
    list_stop = stop if list_stop is None else list_stop
    while i < n:
        tok = reader.toks[i]
        # an honorific or a rank, then a name or a list
        hon = reader.honorific(i)
        if hon:
            j, honorific = hon
            plural = i > 0 and reader.key(i - 1) == "các"
            chain = reader.chain(j) if j < n and not _is_cap_name_start(reader, j) else None
            if chain and chain.end < n and reader.toks[chain.end].text == ":":
                head = _titles(reader, chain)[0]
                return _read_list(reader, chain.end + 1, list_stop, _nest(shared, head), out)
            if j < n and reader.toks[j].text == ":" and plural:
                return _read_list(reader, j + 1, list_stop, shared, out, honorific)
            if plural and not shared and j < n and _is_cap_name_start(reader, j):
                return _read_list(
                    reader, j, list_stop, shared, out, honorific
                )  # "các ông A, ...; B, ..."
            if chain and chain.name:
                i = _title_first(reader, chain, shared, i, out)
                continue
            if chain is None and j < n and _is_cap(reader.toks[j]):
                end = reader.cap_run(j)
                if reader.name_ok(j, end, honorific=True):
                    i = _name_first(reader, (j, end), honorific, i, shared, out)
                    continue
            i = max(j, i + 1)
            continue
        # "các Phó Thủ tướng: A, B, C"
        plural = tok.key == "các"
        chain = reader.chain(i + 1 if plural else i)
        if chain and len(chain.titles) > 1 and _generic(reader, chain.titles[0]):
            i = chain.titles[1].start  # "đảng viên là trưởng thôn, Bí thư Huyện ủy X Y"
            continue
        if chain:
            if chain.end < n and reader.toks[chain.end].text == ":":
                head = _titles(reader, chain)[0]
                return _read_list(reader, chain.end + 1, list_stop, _nest(shared, head), out)
            if chain.name:
                i = _title_first(reader, chain, shared, i, out)
                continue
            titles, places = _titles(reader, chain)
            after = (
                _name_after_comma(reader, chain.end)
                or _name_after_doi_voi(reader, chain.end)
                or _name_after_parent_place(reader, chain.end)
            )
            if after:
                out.append(_mention(reader, after, shared + titles, places, None, i, after[1]))
                i = after[1]
                continue
            i = chain.end
            continue
        # a name with no honorific: "Trần Quang Sang, bí thư Đảng ủy xã ..."
        if _is_cap(tok) and (reader.boundary_before(i) or (in_list and i == item_start)):
            end = reader.cap_run(i)
            strong = reader.surname_at(i) == "strong" or end - i >= 3 or in_list
            if reader.name_ok(i, end, honorific=False) and strong:
                before = len(out)
                nxt = _name_first(reader, (i, end), None, i, shared, out)
                if len(out) > before or not in_list:
                    i = nxt
                    continue
                out.append(_mention(reader, (i, end), list(shared), [], None, i, end))
                i = end
                continue
            i = max(end, i + 1)
            continue
        i += 1
    return n


def _generic(reader: _Reader, title: _Title) -> bool:
    """A bare title in lower case followed by a comma names a kind of post, not a person's:
    "đảng viên là trưởng thôn, ..." """
    modified = title.former or title.acting
    return title.bare and not modified and reader.toks[title.start].text[0].islower()


def _name_after_parent_place(reader: _Reader, end: int) -> tuple[int, int] | None:
    """A name after the place's own district or province: "Chủ tịch UBND xã Ngọc Vân, huyện
    Tân Yên (Bắc Giang) Dương Văn Khải" (the title keeps its own place only)."""
    i = end
    if reader.key(i) == "," and (org := reader.v["org"].match(reader.toks, i + 1)):
        if org[1][0] != "level":
            return None
        i = org[0]
        while i < reader.n and (_is_code(reader.toks[i]) or reader.toks[i].text == "."):
            i += 1
        run = reader.cap_run(i) if i < reader.n and _is_cap(reader.toks[i]) else i
        k = reader.split_run(i, run, "level") if run > i else run
        if k < run:
            return (k, run) if k > i else None
        i = run
    if i < reader.n and reader.toks[i].text == "(":
        close = i + 1
        while close < reader.n and close - i < 6 and reader.toks[close].text != ")":
            close += 1
        if close >= reader.n or not reader.is_place(i + 1, close):
            return None
        i = close + 1
    if i == end or i >= reader.n or not _is_cap(reader.toks[i]):
        return None
    stop = reader.cap_run(i)
    return (i, stop) if reader.name_ok(i, stop, honorific=False) and stop - i >= 2 else None


def _nest(shared: list[str], head: list[str]) -> list[str]:
    """The shared titles of a list inside a list: added to the outer ones, unless the inner
    head names one of them again ("...; các đồng chí Bí thư Trung ương Đảng: ...")."""
    keys = {normalize.key(t) for t in shared}
    if any(normalize.key(t) in keys for t in head):
        return list(head)
    return shared + head


def _title_first(
    reader: _Reader, chain: _Chain, shared: list[str], start: int, out: list[Mention]
) -> int:
    """Titles, then the name; a title taken up after the name follows it through a link:
    "Tổng Bí thư Nguyễn Phú Trọng giữ chức Chủ tịch nước"."""
    assert chain.name
    titles, places = _titles(reader, chain)
    end = chain.name[1]
    link = reader.regex_after(reader.v["links"], end) if end < reader.n else None
    if link is not None and link < reader.n:
        more = reader.chain(link)
        if more and more.name is None:
            extra, extra_places = _titles(reader, more)
            titles, places, end = titles + extra, places + extra_places, more.end
    out.append(_mention(reader, chain.name, shared + titles, places, None, start, end))
    return end


def _name_after_doi_voi(reader: _Reader, end: int) -> tuple[int, int] | None:
    """ "cách chức Phó Bí thư Chi bộ 4 đối với ông Cao Văn Bình": the post is his."""
    if reader.key(end) != "đối" or reader.key(end + 1) != "với":
        return None
    hon = reader.honorific(end + 2) if end + 2 < reader.n else None
    if not hon or hon[0] >= reader.n or not _is_cap(reader.toks[hon[0]]):
        return None
    stop = reader.cap_run(hon[0])
    return (hon[0], stop) if reader.name_ok(hon[0], stop, honorific=True) else None


def _is_cap_name_start(reader: _Reader, j: int) -> bool:
    return _is_cap(reader.toks[j]) and not reader.v["heads"].match(reader.toks, j)


def _name_first(
    reader: _Reader,
    name: tuple[int, int],
    honorific: str | None,
    start: int,
    shared: list[str],
    out: list[Mention],
) -> int:
    """A name, then its titles; returns where reading goes on."""
    chain = reader.titles_after_name(name[1])
    if chain and chain.name:
        # "A, Trưởng ban X B": the title is B's, A has none here
        if shared or honorific:
            out.append(_mention(reader, name, list(shared), [], honorific, start, name[1]))
        return name[1]
    if chain:
        titles, places = _titles(reader, chain)
        out.append(_mention(reader, name, shared + titles, places, honorific, start, chain.end))
        return chain.end
    names, link_end = _names_then_link(reader, name)
    if link_end is not None:
        more = reader.chain(link_end)
        if more and more.name is None:
            titles, places = _titles(reader, more)
            for other in names:
                out.append(
                    _mention(reader, other, shared + titles, places, honorific, start, more.end)
                )
            return more.end
    if shared or honorific:
        out.append(_mention(reader, name, list(shared), [], honorific, start, name[1]))
    return name[1]


def _names_then_link(
    reader: _Reader, name: tuple[int, int]
) -> tuple[list[tuple[int, int]], int | None]:
    """ "Hồ Văn A, Võ Văn B và Châu Văn C trúng cử chức danh Phó Bí thư": names joined by
    commas and "và", then a link; the names and where the link ends."""
    names, end = [name], name[1]
    while end < reader.n and reader.key(end) in (",", "và"):
        i = end + 1
        if i >= reader.n or not _is_cap(reader.toks[i]):
            break
        stop = reader.cap_run(i)
        if not reader.name_ok(i, stop, honorific=False):
            break
        names.append((i, stop))
        end = stop
    link = reader.regex_after(reader.v["title_links"], end) if end < reader.n else None
    return names, link


def _name_after_comma(reader: _Reader, end: int) -> tuple[int, int] | None:
    """ "Trưởng ban Đối ngoại Trung ương, Hoàng Bình Quân cho hay": a name after a comma that
    has no title of its own."""
    end = reader.skip_parenthesis_without_title(reader.skip_qualifiers(end))
    if end >= reader.n or reader.toks[end].text != ",":
        return None
    i = end + 1
    hon = reader.honorific(i) if i < reader.n else None
    if hon:
        i = hon[0]
    if i >= reader.n or not _is_cap(reader.toks[i]):
        return None
    stop = reader.cap_run(i)
    if not reader.name_ok(i, stop, honorific=bool(hon)) or stop - i < (2 if hon else 3):
        return None
    if stop < reader.n and reader.toks[stop].text in ",-–(:":
        return None  # its own titles follow, or a list goes on
    return i, stop


def _list_items(reader: _Reader, i: int, stop: int) -> tuple[list[tuple[int, int]], int]:
    """The items of a list from ``i``: split at semicolons, ending at the sentence's end or
    at an ellipsis; and where the list ends."""
    items, start, j = [], i, i
    while j < stop:
        tok = reader.toks[j]
        if tok.text == ";":
            items.append((start, j))
            start = j + 1
        elif tok.text in ".…" and f"{reader.key(j - 1)}." not in reader.v["dotted"]:
            break
        j += 1
    items.append((start, j))
    return [(a, b) for a, b in items if a < b], j


def _read_list(
    reader: _Reader,
    i: int,
    stop: int,
    shared: list[str],
    out: list[Mention],
    honorific: str | None = None,
) -> int:
    """Items after "các Phó Bí thư:"; the shared titles stop at an item that names one of
    them again (a new group), and the list at an item that names nobody."""
    items, end = _list_items(reader, i, stop)
    sharing = list(shared)
    reader.list_depth += 1
    for a, b in items:
        found: list[Mention] = []
        reached = _read(reader, a, b, sharing, found, in_list=True, list_stop=end)
        for mention in found:
            own = mention.titles[len(sharing) :]
            if honorific and not mention.honorific:
                mention.honorific = honorific
            if sharing and {normalize.key(t) for t in own} & {normalize.key(t) for t in sharing}:
                mention.titles = own  # "; Bí thư Trung ương Đảng, ... X": a new group
                sharing = []
        out.extend(m for m in found if m.titles)
        if not found or reached > b:
            break  # the list ended, or a list inside it read on to the end
    reader.list_depth -= 1
    return end


def _mask_credits(sentence: str) -> str:
    """Photo credits and sources are not people: "Ảnh: Thu Hà/TTXVN" is blanked out (the
    offsets kept), up to the next title or a lower-case word."""
    vocab = _vocab()
    for m in reversed(list(vocab["credits"].finditer(sentence))):
        reader = _Reader(sentence[m.end() :])
        j = 0
        while j < reader.n and j < 6:
            tok = reader.toks[j]
            if vocab["heads"].match(reader.toks, j) or vocab["honorifics"].match(reader.toks, j):
                break
            if not (_is_cap(tok) or _is_code(tok) or tok.text in "/.-–"):
                break
            j += 1
        stop = m.end() + (reader.toks[j - 1].end if j else 0)
        sentence = sentence[: m.start()] + " " * (stop - m.start()) + sentence[stop:]
    return sentence


def extract(sentence: str) -> list[Mention]:
    """People named in one sentence with their titles (honorific/name/titles in either
    order). A person named with an honorific and no title comes with ``titles == []``: a
    later "ông Phúc" is that person; the article's merge keeps only people with titles."""
    vocab = _vocab()
    # a cheap look for a word that may begin an honorific, a rank or a title
    if vocab["prefilter"].isdisjoint(_WORD.findall(sentence.casefold())):
        return []
    if vocab["bylines"].search(sentence[:40]):
        return []
    reader = _Reader(_mask_credits(sentence))
    out: list[Mention] = []
    _read(reader, 0, reader.n, [], out)
    for mention in out:
        mention.titles = list(dict.fromkeys(t for t in mention.titles if t))
    return out
