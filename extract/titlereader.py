"""Names and titles read word by word: the reader under ``officials``.

A sentence is cut into words (syllables and punctuation). ``Reader`` answers small
questions at a word index: does an honorific or a rank start here, a person's name (a run of
capitalized syllables that starts with a family name), a title ("nguyên Phó Bí thư Thường
trực Huyện ủy Tân Yên") or a chain of titles joined by commas, dashes and links ("được bầu
giữ chức"). Where a title's place and a person's name run together ("Huyện ủy Tân Yên Dương
Đức Thảo"), the run is split where the name's family name starts, weighing known places and
what a place word expects. Which person holds which titles is ``officials``'s business.
Vocabularies are ``rules/titles.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from . import gazetteer, normalize
from . import ruleset as rules

# "T.Ư" and "T.W" (Trung ương), also inside "UVT.Ư", are one word: read letter by letter they
# would end a title at "T" ("Bí thư T.Ư Đảng").
TOKEN = re.compile(r"[A-ZĐ]{1,3}\.[ƯW](?!\w)|[^\W_]+(?:['’][^\W_]+)*|\S")


@dataclass
class Tok:
    text: str
    key: str
    start: int
    end: int


class Phrases:
    """Phrases matched over words, case-insensitively, longest first."""

    def __init__(self, phrases: dict[str, Any]):
        self.by_first: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for phrase, value in phrases.items():
            keys = tuple(w.casefold() for w in TOKEN.findall(normalize.text(phrase)))
            if keys:
                self.by_first.setdefault(keys[0], []).append((keys, value))
        for options in self.by_first.values():
            options.sort(key=lambda kv: -len(kv[0]))

    def match(self, toks: list[Tok], i: int) -> tuple[int, Any] | None:
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
def vocab() -> dict[str, Any]:
    data = rules.load("titles")
    heads = {h: h for h in data["heads"]}
    heads.update({f"Phó {h}": f"Phó {h}" for h in data["heads"] if not h.startswith("Phó")})
    levels = [normalize.text(w) for w in data["levels"]]
    committees = [normalize.text(w) for w in data["committees"]]
    org = {w: ("org", normalize.key(w)) for w in data["org_words"]}
    org.update({w: ("committee", normalize.key(w)) for w in committees})
    org.update({w: ("level", normalize.key(w)) for w in levels})
    abbreviations = {normalize.text(k): normalize.text(v) for k, v in data["abbreviations"].items()}
    kept = {normalize.text(k).casefold() for k in data["kept_as_written"]}
    abbr_keys = sorted(abbreviations, key=len, reverse=True)
    abbr_alts = "|".join(
        re.escape(k) + (r"\s*" if k.endswith(".") else r"(?!\w)") for k in abbr_keys
    )
    places = {"sài gòn", "hồ chí minh", "việt nam"}  # besides the gazetteer's provinces
    links = "|".join(f"(?:{p})" for p in data["links"])
    title_links = "|".join(f"(?:{p})" for p in data["links"][: data["title_links"]])
    clauses = "|".join(f"(?:{p})" for p in data["clauses"])
    prefilter_words = [*data["honorifics"], *data["introducers"], *heads]
    return {
        "honorifics": Phrases({normalize.text(k): v for k, v in data["honorifics"].items()}),
        "introducers": Phrases({w: True for w in data["introducers"]}),
        "heads": Phrases(heads),
        "org": Phrases(org),
        "former": _words(data["former"]),
        "acting": _words(data["acting"]),
        "new": _words(data["new"]),
        "numbered": _words(data["numbered"]),
        "levels": _words(data["levels"]),
        "province_orgs": _words(data["province_orgs"]),
        "joiners": _words(data["joiners"]),
        "not_names": Phrases({w: True for w in data["not_names"]}),
        "not_name_words": _words(data["not_names"]),
        "surnames_strong": _words(data["surnames_strong"]),
        "surnames": _words(data["surnames"]) | _words(data["surnames_strong"]),
        "places": places,
        "abbr": re.compile(r"(?<![\w.])(" + abbr_alts + r")"),
        "abbreviations": {k.casefold(): v for k, v in abbreviations.items()},
        "kept_as_written": kept,
        "links": re.compile(r"\s*(?:" + links + r")(?=\s|$)", re.IGNORECASE),
        "title_links": re.compile(r"\s*(?:" + title_links + r")(?=\s|$)", re.IGNORECASE),
        "qualifiers": re.compile(
            r"\s*(?:" + "|".join(f"(?:{q})" for q in data["qualifiers"]) + r")", re.IGNORECASE
        ),
        "fillers": re.compile(
            r"\s*(?:" + "|".join(f"(?:{f})" for f in data["fillers"]) + r")", re.IGNORECASE
        ),
        "clause_links": re.compile(
            r"\s*(?:" + clauses + r")\s+(?:" + links + r")(?=\s|$)", re.IGNORECASE
        ),
        "middle_names": _words(data["middle_names"]),
        "before_names": {
            tuple(w.casefold() for w in TOKEN.findall(normalize.text(p)))
            for p in data["before_names"]
        },
        "plurals": _words(data["plurals"]),
        "list_openers": Phrases({w: True for w in data["list_openers"]}),
        "list_fillers": re.compile(
            r"(?:\s+(?:"
            + "|".join(f"(?:{p})" for p in data["list_fillers"])
            + r"))+(?=\s*[:,]|\s+gồm)",
            re.IGNORECASE,
        ),
        "takeup_openers": re.compile(
            r"(?<!\w)(?:" + "|".join(f"(?:{p})" for p in data["takeup_openers"]) + r")"
            r"(?:\s+(?:các|cho))?\s*$",
            re.IGNORECASE,
        ),
        "event_roles": _words(data["event_roles"]),
        "name_endings": _words(data["name_endings"]),
        "title_stops": Phrases({w: True for w in data["title_stops"]}),
        "breakers": _words(data["breakers"]),
        "chain_joiners": Phrases({w: True for w in data["chain_joiners"]}),
        "adjacent_heads": Phrases({w: True for w in data["adjacent_heads"]}),
        "prefilter": {
            w.casefold()
            for phrase in prefilter_words
            for w in TOKEN.findall(normalize.text(phrase))[:1]
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


def is_cap(tok: Tok) -> bool:
    """A syllable of a name: capitalized, letters only, not an all-caps abbreviation."""
    text = tok.text
    if not text[0].isupper():
        return False
    letters = text.replace("'", "").replace("’", "")
    return letters.isalpha() and (len(letters) == 1 or not letters.isupper() or "'" in text)


def is_code(tok: Tok) -> bool:
    """An abbreviation or a unit's code: "UBND", "TP", "HCM", "5A", "Z751", "12"."""
    text = tok.text.replace(".", "") if len(tok.text) > 1 else tok.text  # "T.Ư"
    return text[0].isdigit() or (len(text) > 1 and text.isalnum() and text.isupper())


@dataclass
class Title:
    start: int  # token index
    end: int
    former: bool
    acting: bool
    head_end: int  # token index after the head
    bare: bool  # the head only, no organization
    places: list[str] = field(default_factory=list)


@dataclass
class Chain:
    titles: list[Title]
    end: int  # token index after the chain
    name: tuple[int, int] | None = None  # a name that follows the chain directly


class Reader:
    def __init__(self, sentence: str):
        self.s = sentence
        self.v = vocab()
        self.toks = [
            Tok(m.group(0), m.group(0).casefold(), m.start(), m.end())
            for m in TOKEN.finditer(sentence)
        ]
        self.n = len(self.toks)
        self.list_depth = 0  # inside a list, a semicolon starts the next item
        # where the verb that gives a post to the people named after it starts (a character
        # offset): "bầu đồng chí A, ... và đồng chí B, ... làm Phó Bí thư"
        self.takeup_from: int | None = None
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
        while j < self.n:
            if j > i and not self._single_space(j):
                break  # "Thăng Bình  Nguyễn": names are written with single spaces
            if not is_cap(self.toks[j]):
                if j == i + 1 and self._lower_middle(j):
                    j += 1  # "Phạm văn Quang"
                    continue
                break
            if j > i and (
                self.v["heads"].match(self.toks, j)
                or self.v["not_names"].match(self.toks, j)
                or self.v["title_stops"].match(self.toks, j)
            ):
                if self.name_ending(i, j):
                    j += 1  # "Nguyễn Minh Chánh phát biểu"
                break
            j += 1
        return j

    def _single_space(self, j: int) -> bool:
        gap = self.s[self.toks[j - 1].end : self.toks[j].start]
        return gap == " " or (len(gap) == 1 and gap.isspace())

    def _lower_middle(self, j: int) -> bool:
        """A middle name written in lower case after a family name: "Phạm văn Quang"."""
        tok = self.toks[j]
        return (
            tok.key in self.v["middle_names"]
            and tok.text.islower()
            and self.surname_at(j - 1) is not None
            and j + 1 < self.n
            and is_cap(self.toks[j + 1])
            and self._single_space(j + 1)
            and not self.v["not_names"].match(self.toks, j + 1)
            and not self.v["heads"].match(self.toks, j + 1)
        )

    def name_ending(self, i: int, j: int) -> bool:
        """Whether the word at ``j``, one that also begins titles, ends the name ``i:j``
        instead: "Nguyễn Minh Chánh" with no title after it ("Chánh Văn phòng ...") and not
        before one ("Quyền Chủ tịch ...")."""
        if j - i < 2 or self.key(j) not in self.v["name_endings"]:
            return False
        if self.v["heads"].match(self.toks, j):
            return False
        nxt = j + 1
        follows = nxt < self.n and self._single_space(nxt)
        return not (follows and (is_cap(self.toks[nxt]) or self.v["heads"].match(self.toks, nxt)))

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
        last = j - 1 if self.name_ending(i, j - 1) else j
        if any(self.key(k) in self.v["not_name_words"] for k in range(i, last)):
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

    def split_run(self, i: int, j: int, context: str, province_org: bool = False) -> int:
        """Where a person's name starts inside the capitalized run ``i:j`` that follows a
        title's words of kind ``context``; ``j`` when the whole run is a place or unit.
        ``province_org``: the organization before it can only be followed by a province."""
        best, best_score = j, self._score_place(i, j, context)
        named = province_org and j - i <= 4 and self.name_ok(i, j, honorific=False)
        if named and not any(self.is_place(i, k) for k in range(i + 1, j + 1)):
            return i  # "UBND tỉnh Ksor Hưng": no province starts the run
        for k in range(i, j):
            if not self.name_ok(k, j, honorific=False) or j - k > 5:
                continue
            if len(self.toks[j - 1].text) == 1:
                continue  # "xã Tân Lộc B": a letter ends a place's name, not a person's
            strength = self.surname_at(k)
            score = {1: 1.5, 2: 1.0, 3: 2.0, 4: 1.6, 5: 0.8}[j - k]
            score += 0.5 if strength == "strong" else 0
            score += 0.5 if j - k >= 3 and self.key(k + 1) in self.v["middle_names"] else 0
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
    def title(self, i: int) -> tuple[Title, tuple[int, int] | None] | None:
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
            if v["title_stops"].match(self.toks, j):
                break  # "Phó Bí thư Tỉnh ủy Báo cáo ...": the sentence goes on
            if tok.text == "(" and (after := self.abbreviation_in_title(j)):
                j = after  # "Ủy ban Kiểm tra (UBKT) Tỉnh ủy": the title goes on
                continue
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
                if tok.key == "&" and is_code(self.toks[j + 1]):
                    j += 1
                    continue
                if tok.key == "và" and is_cap(self.toks[j + 1]) and context == "proper":
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
            if is_code(tok):
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
            if is_cap(tok):
                end = self.cap_run(j)
                k = self.split_run(j, end, context, last_org in v["province_orgs"])
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
        title = Title(start, j, former, acting, head_end, bare=j == head_end, places=places)
        return title, name

    def abbreviation_in_title(self, i: int) -> int | None:
        """After "(UBKT)" at ``i`` when the organization's name goes on behind it."""
        close = i + 2
        if close >= self.n - 1 or self.toks[close].text != ")" or not is_code(self.toks[i + 1]):
            return None
        return close + 1 if self.v["org"].match(self.toks, close + 1) else None

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

    def chain(self, i: int) -> Chain | None:
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
        return Chain(titles, end, name)

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

    def followed_by_name(self, title: Title) -> bool:
        """Whether a name follows the title after a comma or a dash (a list item)."""
        j = title.end
        if j < self.n and self.toks[j].text in ",-–":
            j += 1
        return j < self.n and is_cap(self.toks[j]) and self.surname_at(j) is not None

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

    def titles_after_name(self, end: int) -> Chain | None:
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
        if link is None:  # "tham gia Ban Chấp hành và giữ chức ..."
            link = self.regex_after(self.v["clause_links"], i)
        if link is not None:
            i = link
            filler = self.regex_after(self.v["fillers"], i)
            if filler is not None:
                i = filler  # "là đại tá, nguyên Hiệu trưởng ..."
        return self.chain(i)

    def chain_in_parenthesis(self, i: int) -> Chain | None:
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
        titles: list[Title] = []
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
        return Chain(titles, close + 1 if close < self.n else close)

    def boundary_before(self, i: int) -> bool:
        """A name with no honorific stands at the start of a clause or a list item."""
        if i == 0:
            return True
        prev = self.toks[i - 1]
        if prev.text in ",;:(-–—\"“”'‘’*•+":
            return True
        return any(
            i >= len(words) and all(self.key(i - len(words) + n) == w for n, w in enumerate(words))
            for words in self.v["before_names"]
        )
