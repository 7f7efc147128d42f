"""Every place a text names: provinces, districts, communes and regions, with the province
each belonged to on a given day.

The units come from the ``vietnamadminunits`` package (PyPI), read offline from the files
it installs: the 63 provinces with their ~700 districts and ~10,000 communes as they stood
before 1 July 2025, the 34 provinces and their ~3,300 communes since, and its old -> new
province conversion. ``rules/provinces.yaml`` adds only what the library lacks: provinces
before its snapshot (Hà Tây, Thừa Thiên Huế), the 2004 splits, districts that moved,
spellings, regions, outlet tags and what is never a place (a person or a thing named after
one). The tables are built once, at first use, in memory (a few tenths of a second), and
every name is found by one compiled regex: no per-sentence library call.

API::

    places(text, on=None, prefer=None) -> list[Place]
        every place mention, in text order. ``on``: the article's date (decides the
        province in force: before 2025-07-01 one of the 63, after one of the 34; before
        2008-08-01 Hà Tây; before 2004 Lai Châu / Đắk Lắk / Cần Thơ undivided).
        ``prefer``: the article's province, which settles a name several provinces share.
    unit_at(text, pos, on=None, prefer=None) -> Place | None
        the place covering ``pos`` (officials: "xã Mường Mô" ends a title, "Mường Mô" is
        not a name).
    level_of(phrase) -> "province" | "district" | "commune" | "region" | None
        the level of the unit a body phrase names: "Đảng bộ huyện Mường Tè" -> district,
        "Đảng ủy xã Tà Tổng" -> commune, "Tỉnh ủy Lai Châu" -> province, "Đảng bộ Khối
        các cơ quan tỉnh" -> None (not a territorial unit).
    province_name(name) -> str | None
        a province as a user types it ("lai chau", "TP HCM") -> its name ("Lai Châu").
    in_force(province, on) / current(province)
        a province's name on a day / today.

A ``Place`` is ``(start, end, text, level, name, province, province_current)`` plus
``kind`` (the level word as written out: "huyện", "thành phố", "" for a bare name, "tag"
for an outlet's tag), ``candidates`` (the provinces, as in force, a shared name may
belong to; ``province`` is None when they are several and nothing settles it) and
``known`` (False: a capitalized name after a level word that the gazetteer lacks).
"""

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from importlib.util import find_spec
from pathlib import Path

from . import normalize
from . import ruleset as rules

LEVELS = ("province", "district", "commune", "region")


@dataclass(frozen=True)
class Place:
    start: int
    end: int
    text: str
    level: str  # province | district | commune | region
    name: str  # in full with its kind: "huyện Mù Cang Chải", "tỉnh Lai Châu", "Tây Nguyên"
    province: str | None  # as in force on the day asked for
    province_current: str | None  # today's
    kind: str = ""  # the level word written out: tỉnh, thành phố, huyện, xã... ("" bare)
    candidates: tuple[str, ...] = ()  # provinces a shared name may belong to
    known: bool = True


@dataclass(frozen=True)
class _Unit:
    name: str  # the library's short name: "Mù Cang Chải"
    province: str  # library province (legacy: one of the 63; era 2025: one of the 34)
    district: str | None = None  # a legacy commune's district
    kind: str = ""  # huyện, quận, thị xã, thành phố; xã, phường, thị trấn, đặc khu


@dataclass
class _Tables:
    provinces: dict[str, str] = field(default_factory=dict)  # key -> province (63 + history)
    central: set[str] = field(default_factory=set)  # centrally-run cities (legacy snapshot)
    districts: dict[str, list[_Unit]] = field(default_factory=dict)
    communes: dict[str, list[_Unit]] = field(default_factory=dict)  # legacy
    communes_2025: dict[str, list[_Unit]] = field(default_factory=dict)
    to_2025: dict[str, str] = field(default_factory=dict)  # legacy province -> one of the 34
    counts: dict[str, int] = field(default_factory=dict)


# --- keys -------------------------------------------------------------------------------

# "Ð" (U+00D0, Icelandic eth) is written for "Đ" by some sites
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": "-", "Ð": "Đ"})


@lru_cache(maxsize=65536)
def _exact(name: str) -> str:
    """Case-folded, spacing normalized, apostrophes and dashes unified (``name`` is
    normalized text already)."""
    name = name.translate(_APOSTROPHES).casefold()
    return " ".join(re.sub(r"\s*-\s*", " - ", name).split())


@lru_cache(maxsize=65536)
def _loose(name: str) -> str:
    """Without accents, spaces or punctuation: the library's own keys ("mucangchai")."""
    stripped = unicodedata.normalize("NFD", name.casefold().replace("đ", "d").replace("ð", "d"))
    return "".join(c for c in stripped if c.isalnum() and not unicodedata.combining(c))


def _add(table: dict[str, list[_Unit]], keys: set[str], unit: _Unit) -> None:
    for key in keys:
        units = table.get(key)
        if units is None:
            table[key] = [unit]
        elif units[-1] != unit:  # the same unit comes in a row (one row per commune)
            units.append(unit)


# --- building the tables ----------------------------------------------------------------


def _library_dir() -> Path:
    # find_spec does not import the package (its import loads geopy and JSON: ~3 s)
    spec = find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@lru_cache(maxsize=65536)
def _short(name: str) -> str:
    """A library short name as text writes it: without the parenthesized disambiguation
    ("Hồng Ngự (Thành phố)"), numbered units by their number ("Quận 7" -> "7")."""
    name = _PARENTHESES.sub("", name)
    name = _NUMBERED.sub("", name)
    return normalize.text(name).strip()


_PARENTHESES = re.compile(r"\s*\(.*?\)")
_NUMBERED = re.compile(r"^(?:Quận|Phường|Xã|Thị trấn)\s+(?=\d)")


@cache
def _tables() -> _Tables:
    data = _library_dir()
    rules_data = rules.load("provinces")
    t = _Tables()
    with sqlite3.connect(f"file:{data / 'dataset.db'}?mode=ro", uri=True) as conn:
        legacy = conn.execute(
            "SELECT provinceShort, provinceKey, province, districtShort, districtKeywords,"
            " wardShort, wardKeywords, districtType, wardType FROM admin_units_legacy"
        ).fetchall()
        province_rows = conn.execute(
            "SELECT DISTINCT provinceShort, provinceKeywords FROM admin_units_legacy"
        ).fetchall()
        new = conn.execute(
            "SELECT provinceShort, provinceKey, wardShort, wardKeywords, wardType FROM admin_units"
        ).fetchall()
    province_by_key: dict[str, str] = {}
    district_done: set[tuple[str, str]] = set()
    for short, pkey, full, district, dkeys, ward, wkeys, dtype, wtype in legacy:
        province = province_by_key.get(pkey) or province_by_key.setdefault(pkey, _short(short))
        district = _short(district)
        if (province, district) not in district_done:
            district_done.add((province, district))
            if full.startswith("Thành phố"):
                t.central.add(province)
            unit = _Unit(district, province, kind=(dtype or "").lower())
            _add(
                t.districts, {_exact(district), _loose(district), *json.loads(dkeys or "[]")}, unit
            )
        if ward:
            unit = _Unit(_short(ward), province, district, (wtype or "").lower())
            _add(
                t.communes, {_exact(unit.name), _loose(unit.name), *json.loads(wkeys or "[]")}, unit
            )
    new_by_key: dict[str, str] = {}
    for short, pkey, ward, wkeys, wtype in new:
        province = new_by_key.get(pkey) or new_by_key.setdefault(pkey, _short(short))
        unit = _Unit(_short(ward), province, kind=(wtype or "").lower())
        _add(
            t.communes_2025,
            {_exact(unit.name), _loose(unit.name), *json.loads(wkeys or "[]")},
            unit,
        )
    with (data / "converter_2025.json").open(encoding="utf-8") as handle:
        converter = json.load(handle)["DICT_PROVINCE"]
    for new_key, old_keys in converter.items():
        for old_key in old_keys:
            t.to_2025[province_by_key[old_key]] = new_by_key[new_key]
    for province in province_by_key.values():
        for name in [province, *(rules_data["aliases"].get(province) or [])]:
            t.provinces[_exact(normalize.text(name))] = province
            t.provinces.setdefault(_loose(name), province)
    for entry in rules_data["history"]:
        for name in [entry["name"], *entry.get("aliases", [])]:
            t.provinces[_exact(normalize.text(name))] = entry["name"]
            t.provinces.setdefault(_loose(name), entry["name"])
    for short, keywords in province_rows:  # "hcm", "hn": after a level word only (TP.HCM)
        for keyword in json.loads(keywords or "[]"):
            t.provinces.setdefault(keyword, _short(short))
    t.counts = {
        "provinces": len(set(province_by_key.values())),
        "provinces_2025": len(set(new_by_key.values())),
        "districts": len(district_done),
        "communes": sum(1 for row in legacy if row[5]),
        "communes_2025": len(new),
    }
    return t


def counts() -> dict[str, int]:
    """How many units the gazetteer holds: provinces, districts, communes (legacy and 2025)."""
    return dict(_tables().counts)


# --- provinces over time -------------------------------------------------------------------


def _day(value: object) -> date:
    return date.fromisoformat(str(value))


@cache
def _history() -> tuple[date, dict[str, tuple[date, str]], dict[str, tuple[date, str]], dict]:
    data = rules.load("provinces")
    merger = _day(data["merger_2025"])
    successors = {e["name"]: (_day(e["until"]), e["successor"]) for e in data["history"]}
    earlier = {e["province"]: (_day(e["since"]), e["was"]) for e in data["earlier"]}
    moved = {}
    for entry in data["moved_districts"]:
        for district in entry["districts"]:
            moved[(entry["province"], district)] = (_day(entry["since"]), entry["was"])
    return merger, successors, earlier, moved


def in_force(province: str | None, on: date | None, district: str | None = None) -> str | None:
    """The name in force on ``on`` of the province that ``province`` (a name of the library's
    63, the 34, or an older one) stands for; a ``district`` of it may have belonged
    elsewhere then (Phúc Thọ: Hà Tây before 2008). Without a date, the name as given."""
    if not province or on is None:
        return province
    merger, successors, earlier, moved = _history()
    if district and (province, district) in moved and on < moved[(province, district)][0]:
        province = moved[(province, district)][1]
    seen = set()
    while province in successors and province not in seen:  # forward: Hà Tây -> Hà Nội
        seen.add(province)
        until, successor = successors[province]
        if on < until:
            return province
        province = successor
    if province in earlier and on < earlier[province][0]:  # backward: Điện Biên in 2002
        return earlier[province][1]
    if on >= merger:
        return _tables().to_2025.get(province, province)
    return province


def current(province: str | None) -> str | None:
    """Today's name of the territory ``province`` stands for (after the 2025 merger)."""
    return in_force(province, date.max)


def known_provinces() -> set[str]:
    """Every province name the gazetteer knows: the 63, the 34 and the older ones."""
    t = _tables()
    return set(t.provinces.values()) | set(t.to_2025.values())


def province_name(name: str) -> str | None:
    """A province as a user types it, case- and diacritic-insensitively ("lai chau",
    "tỉnh Lai Châu", "TP HCM") -> the gazetteer's name, or None when unknown."""
    text = normalize.squash(normalize.text(name))
    text = re.sub(r"(?i)^(?:tỉnh|thành phố|tp\.?)\s*", "", text)
    t = _tables()
    return t.provinces.get(_exact(text)) or t.provinces.get(_loose(text))


def knows(name: str) -> bool:
    """Whether ``name`` is exactly the name of a province, district or commune (legacy or
    2025) the library knows ("Đồng Nai", "Đồng Văn", "Tiền An")."""
    key = _exact(name)
    t = _tables()
    return key in t.provinces or key in t.districts or key in t.communes or key in t.communes_2025


# --- matching ---------------------------------------------------------------------------

_UPPER = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x1F00)) if c.isupper())  # with Ð
_WORD = rf"[{_UPPER}0-9][\w'’]*"
_NAME_RUN = rf"{_WORD}(?:(?:[ \t]+|[ \t]*[-–][ \t]*){_WORD}){{0,5}}"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class _Matchers:
    scan: re.Pattern[str]
    level: re.Pattern[str]  # a level word (or two) and the name after it, with groups
    body: frozenset[str]  # "Đảng bộ" before a bare district's name: Đảng bộ Xuân Lộc
    level_of_word: dict[str, str]
    kind_of_word: dict[str, str]
    bare: dict[str, str]  # bare name as written -> province
    needs_level: frozenset[str]
    regions: dict[str, str]
    tags: dict[str, str | None]
    not_before: frozenset[str]  # phrases (space-joined words) a place's name never follows
    surnames: frozenset[str]
    domain: re.Pattern[str]


def _trie(entries: dict[str, str], tails: dict[str, str]) -> str:
    """One regex for many literals, as a trie: every branch starts with a literal, so the
    engine skips the positions no name can start at and tries few branches at the others
    (a flat alternation of ~400 names tried at every position was 13x slower). ``entries`` maps
    a literal to its kind, ``tails`` a kind to what must follow it. A name must not start
    inside a word (the lookbehind after the first character)."""
    root: dict = {}
    for literal, kind in entries.items():
        node = root
        for char in literal:
            node = node.setdefault(char, {})
        node.setdefault("", kind)

    def build(node: dict, depth: int) -> str:
        alternatives = []
        for char in sorted(k for k in node if k):
            head = re.escape(char) + (r"(?<!\w.)" if depth == 0 else "")
            alternatives.append(head + build(node[char], depth + 1))
        if "" in node:
            alternatives.append(tails[node[""]])  # last: the longer names first
        if len(alternatives) == 1:
            return alternatives[0]
        return "(?:" + "|".join(alternatives) + ")"

    return build(root, 0)


def _cases(word: str) -> set[str]:
    return {word, word[:1].upper() + word[1:], word.title(), word.upper()}  # Tỉnh Ủy


def _eth(literals: dict[str, str]) -> dict[str, str]:
    """Each literal also as written with "Ð" (U+00D0) for "Đ"."""
    return {**literals, **{k.replace("Đ", "Ð"): v for k, v in literals.items() if "Đ" in k}}


@cache
def _matchers() -> _Matchers:
    data = rules.load("provinces")
    t = _tables()
    level_of_word, kind_of_word = {}, {}
    for level, words in data["levels"].items():
        for word in words:
            level_of_word[word.casefold()] = level
            kind = data["kind_names"].get(word.casefold(), word.casefold())
            kind_of_word[word.casefold()] = kind
    bare: dict[str, str] = {}
    names = {p: p for p in set(t.provinces.values())}
    for province in set(t.provinces.values()):
        for alias in data["aliases"].get(province) or []:
            names[alias] = province
    for entry in data["history"]:
        for alias in [entry["name"], *entry.get("aliases", [])]:
            names[alias] = entry["name"]
    for written, province in names.items():
        written = normalize.text(written)
        bare[written] = province
        bare[written.upper()] = province  # titles in capitals
    bare = _eth(bare)
    regions = _eth({normalize.text(r): r for r in data["regions"]})
    tags = dict(data["outlet_tags"])
    # the name after a level word is capitalized ("huyện Mường Tè", "quận 7")
    gap = r"(?:[ \t]+|(?<=\.)[ \t]*)"
    words = _alternation(list(level_of_word))
    described = rf"(?:(?:{_alternation(data['descriptors'])})[ \t]+)?"  # huyện vùng cao X
    entries: dict[str, str] = {}
    for word in level_of_word:
        for variant in _cases(normalize.text(word)):
            entries.setdefault(variant, "level")
    for word in data["body_words"]:
        for variant in _cases(normalize.text(word)):
            entries.setdefault(variant, "body")
    for literal in tags:
        entries.setdefault(literal, "tag")
    for literal in bare:
        entries.setdefault(literal, "bare")
    for literal in regions:
        entries.setdefault(literal, "region")
    tails = {
        "level": r"(?=[ \t.])",  # the name after it: ``level`` below (once, not per word)
        "body": rf"[ \t]+(?={_WORD})",
        "tag": r"(?=\s*[)\-–:]|\s)",
        "bare": r"(?!\w)",
        "region": r"(?:(?: số)?(?: [IVX]+| \d+))?(?!\w)",
    }
    level = re.compile(
        rf"(?P<lvl>(?i:{words}))(?:{gap}(?P<lvl2>(?i:{words})))?{gap}{described}"
        rf"(?P<name>{_NAME_RUN})"
    )
    return _Matchers(
        scan=re.compile(_trie(entries, tails)),
        level=level,
        body=frozenset(k for k, v in entries.items() if v == "body"),
        level_of_word=level_of_word,
        kind_of_word=kind_of_word,
        bare=bare,
        needs_level=frozenset(
            v
            for n in data["needs_level_word"]
            for v in (normalize.text(n), normalize.text(n).upper())
        ),
        regions=regions,
        tags=tags,
        not_before=frozenset(
            " ".join(normalize.text(w).split()) for w in data["not_places"]["before"]
        ),
        surnames=frozenset(normalize.text(s) for s in data["not_places"]["surnames"]),
        domain=re.compile(data["outlet_domain"]),
    )


def _named_after(text: str, start: int, end: int) -> bool:
    """A bare name that is part of a person's name or of a thing named after one, or a
    reporter's name alone on a line (a byline "Thái Bình", "Khánh Hòa")."""
    m = _matchers()
    before = text[max(0, start - 60) : start]
    if before[-1:] in (" ", "\t"):  # the words right before: a phrase of not_places.before
        words = [w.lstrip("([\"'“‘") for w in before.split()[-6:]]
        phrases = (" ".join(words[-n:]) for n in range(1, len(words) + 1))
        if words and (words[-1] in m.surnames or any(p in m.not_before for p in phrases)):
            return True
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    return line.strip(" \t.,;") == text[start:end] and bool(text[:line_start].strip())


def _words(run: str) -> list[tuple[int, int]]:
    return [(w.start(), w.end()) for w in re.finditer(r"[^\s\-–]+", run)]


def _lookup(
    run: str, level: str, on: date | None
) -> tuple[int, str, list[_Unit], str | None] | None:
    """The longest known unit name at the start of ``run``: (its length, level, units,
    province when the name is a province)."""
    t = _tables()
    words = _words(run)
    after_merger = on is not None and on >= _history()[0]
    for n in range(len(words), 0, -1):
        end = words[n - 1][1]
        name = run[:end]
        keys = (_exact(name), _loose(name))
        if level in ("province", "city"):
            province = next((t.provinces[k] for k in keys if k in t.provinces), None)
            if province and (level == "province" or _central(province, on)):
                return end, "province", [], province
        if level in ("district", "city"):
            units = next((t.districts[k] for k in keys if k in t.districts), None)
            if units:
                return end, "district", units, None
        if level == "city":
            province = next((t.provinces[k] for k in keys if k in t.provinces), None)
            if province:  # "thành phố Huế" before 2025: the city of Thừa Thiên Huế
                return end, "district", [_Unit(name, province)], None
        if level == "commune":
            if on is None:  # no date: a commune of before or after 2025
                units = [u for table in (t.communes, t.communes_2025) for k in keys[:1]
                         for u in table.get(k, ())]  # fmt: skip
                units = units or [u for table in (t.communes, t.communes_2025)
                                  for u in table.get(keys[1], ())]  # fmt: skip
                if units:
                    return end, "commune", units, None
                continue
            tables = (t.communes_2025, t.communes) if after_merger else (t.communes,)
            for table in tables:
                units = next((table[k] for k in keys if k in table), None)
                if units:
                    return end, "commune", units, None
    return None


def _central(province: str, on: date | None) -> bool:
    """A centrally-run city on ``on`` (Huế only since 2025: before, a provincial city)."""
    if province not in _tables().central:
        return False
    earlier = _history()[2].get(province)
    return not (earlier and on is not None and on < earlier[0])


_RUN = re.compile(_NAME_RUN)
_PARENTHESIZED = re.compile(rf"[ \t]*\([ \t]*(?P<name>{_NAME_RUN})[ \t]*\)")


def _scan(text: str, on: date | None) -> list[dict]:
    """Raw mentions, before shared names are settled."""
    m = _matchers()
    found: list[dict] = []
    pos = 0
    while match := m.scan.search(text, pos):
        pos = match.end()
        written = match.group()
        if written in m.tags:
            province = m.tags[written]
            if province:
                found.append(dict(span=match.span(), level="province", kind="tag",
                                  name=province, units=[], province=province))  # fmt: skip
        elif written in m.bare:
            province = m.bare[written]
            if written in m.needs_level or _named_after(text, match.start(), match.end()):
                continue
            found.append(dict(span=match.span(), level="province", kind="", name=province,
                              units=[], province=province))  # fmt: skip
        elif written.rstrip() in m.body:
            item = _body_mention(text, match.end())
            if item:
                found.append(item)
                pos = item["span"][1]
        elif level_match := m.level.match(text, match.start()):
            item = _level_mention(text, level_match, on)
            found.append(item)
            pos = item["span"][1]
            district = _parenthesized_district(text, pos)
            if district:
                found.append(district)
                pos = district["span"][1]
        elif (region := _NUMBERED_REGION.sub("", written)) in m.regions:
            found.append(dict(span=match.span(), level="region", kind="",
                              name=m.regions[region], units=[], province=None))  # fmt: skip
    return found


_NUMBERED_REGION = re.compile(r"(?: số)?(?: [IVX]+| \d+)$")  # Cụm thi đua số 3


def _known_district(run: str) -> tuple[int, list[_Unit]] | None:
    """The longest district name (as written, one province's) opening ``run``; never a
    number ("Đảng ủy 3 xã" is no quận 3)."""
    if not run[:1].isalpha():
        return None
    t = _tables()
    for _, end in reversed(_words(run)):
        units = t.districts.get(_exact(run[:end]))
        if units and len({u.province for u in units}) == 1:
            return end, units
    return None


def _body_mention(text: str, start: int) -> dict | None:
    """A district named bare after "Đảng bộ": "Đảng bộ Xuân Lộc" (a province there is
    found as a bare name)."""
    run = _RUN.match(text, start)
    hit = _known_district(run.group()) if run else None
    if not hit or run.group()[: hit[0]] in _matchers().bare:
        return None
    end, units = hit
    return dict(span=(start, start + end), level="district", kind="", name=text[start:start + end],
                units=units, province=None)  # fmt: skip


def _parenthesized_district(text: str, pos: int) -> dict | None:
    """A district in parentheses after a unit: "xã Vĩnh Phú (Thoại Sơn)"."""
    match = _PARENTHESIZED.match(text, pos)
    if not match:
        return None
    hit = _known_district(match.group("name"))
    if not hit or match.group("name")[: hit[0]] in _matchers().bare:
        return None
    start = match.start("name")
    return dict(span=(start, start + hit[0]), level="district", kind="",
                name=text[start:start + hit[0]], units=hit[1], province=None)  # fmt: skip


def _level_mention(text: str, match: re.Match[str], on: date | None) -> dict:
    """A level word and the unit's name after it: the longest name the gazetteer knows,
    else (an unknown unit: its level is still known) at most two syllables."""
    m = _matchers()
    word = (match.group("lvl2") or match.group("lvl")).casefold()
    level, kind = m.level_of_word[word], m.kind_of_word[word]
    run = match.group("name")
    hit = _lookup(run, level, on)
    start = match.start("lvl2") if match.group("lvl2") else match.start()
    if hit is None:
        words = _words(run)
        end = match.start("name") + words[min(len(words), 2) - 1][1]
        return dict(span=(start, end), level=_LEVEL_OF[level], kind=kind,
                    name=text[match.start("name"):end], units=[], province=None,
                    known=False)  # fmt: skip
    length, unit_level, units, province = hit
    end = match.start("name") + length
    return dict(span=(start, end), level=unit_level, kind=kind,
                name=text[match.start("name"):end], units=units, province=province)  # fmt: skip


_LEVEL_OF = {"province": "province", "city": "district", "district": "district",
             "commune": "commune"}  # fmt: skip

_CHAIN_GAP = re.compile(r"[\s,(\-–]*(?:thuộc\s+|của\s+)?$")


def _settle(found: list[dict], on: date | None, prefer: str | None) -> None:
    """Give each district and commune its province: the only one it can be, else the one
    the next higher unit named beside it says ("xã Tà Tổng, huyện Mường Tè"), else the
    article's (``prefer``) when it is one of them, else none."""
    for i, item in enumerate(found):
        units: list[_Unit] = item["units"]
        if not units:
            continue
        # the units named right after it, each of a higher level, narrow it down
        end = item["span"][1]
        for nxt in found[i + 1 : i + 3]:
            if nxt["span"][0] - end > 12:
                break
            if nxt["level"] == "district" and item["level"] == "commune" and nxt["units"]:
                names = {(u.province, u.name) for u in nxt["units"]}
                narrowed = [u for u in units if (u.province, u.district) in names]
                units = narrowed or units
            elif nxt["level"] == "province" and nxt["province"]:
                narrowed = [u for u in units if _same_province(u.province, nxt["province"], on)]
                units = narrowed or units
            end = nxt["span"][1]
        item["units"] = units
        provinces = {in_force(u.province, on, u.district or u.name) for u in units}
        if len(provinces) > 1 and prefer:
            preferred = in_force(prefer, on)
            if preferred in provinces:
                provinces = {preferred}
                units = [u for u in units if in_force(u.province, on) == preferred]
        item["candidates"] = tuple(sorted(p for p in provinces if p))
        if len(provinces) == 1:
            item["province"] = units[0].province
            item["district"] = units[0].district or (
                units[0].name if item["level"] == "district" else None
            )


def _same_province(unit_province: str, named: str, on: date | None) -> bool:
    return unit_province == named or in_force(unit_province, on) == in_force(named, on)


def _place(text: str, item: dict, on: date | None) -> Place:
    start, end = item["span"]
    province = item.get("province")
    district = item.get("district")
    kind = item["kind"]
    if item["level"] == "region":
        name = item["name"]
    elif item["level"] == "province":
        written = item["province"] or item["name"]
        name = f"{'thành phố' if _central(written, on) else 'tỉnh'} {written}"
    else:
        kinds = {u.kind for u in item["units"]}
        if not kind and len(kinds) == 1:
            kind = kinds.pop()  # a bare name: the library's kind ("Xuân Lộc" is a huyện)
        name = f"{kind} {normalize.squash(item['name'])}".strip()
        kind = item["kind"]
    as_of = in_force(province, on, district)
    now = current(in_force(province, date(2025, 6, 30), district)) if province else None
    candidates = item.get("candidates") or ((as_of,) if as_of else ())
    return Place(start, end, text[start:end], item["level"], name, as_of, now, kind,
                 candidates, item.get("known", True))  # fmt: skip


_OPENING = re.compile(rf"\s*(?P<name>{_NAME_RUN})(?=\s*[:\-–]|\s+[a-zđà-ỹ])")


def _title_district(text: str) -> dict | None:
    """A district a title opens with, bare ("Phúc Thọ: Tọa đàm ...", "Hiệp Hòa kết nạp
    ..."): only a name one province has, and none of rules' ``bare_district_never``."""
    match = _OPENING.match(text)
    hit = _known_district(match.group("name")) if match else None
    if not hit:
        return None
    end, units = hit
    name = match.group("name")[:end]
    start = match.start("name")
    if name in _bare_district_never() or name in _matchers().bare:
        return None  # a name too common, or a province's (counted as one)
    if start + end != match.end("name"):
        return None  # more name follows: a person's or an organization's
    return dict(span=(start, start + end), level="district", kind="", name=name,
                units=units, province=None)  # fmt: skip


@cache
def _bare_district_never() -> frozenset[str]:
    return frozenset(normalize.text(n) for n in rules.load("provinces")["bare_district_never"])


def places(text: str, on: date | None = None, prefer: str | None = None) -> list[Place]:
    """Every place mention in ``text`` (normalized), in order. See the module docstring.
    The last few answers are kept: asking again for the same article costs nothing."""
    return list(_places(text, on, prefer))


@lru_cache(maxsize=8)
def _places(text: str, on: date | None, prefer: str | None) -> tuple[Place, ...]:
    return _find(text, on, prefer)


def _find(text: str, on: date | None, prefer: str | None) -> tuple[Place, ...]:
    found = _scan(text, on)
    opening = _title_district(text)
    if opening and not (found and found[0]["span"][0] < opening["span"][1]):
        found.insert(0, opening)
    _settle(found, on, prefer)
    return tuple(_place(text, item, on) for item in found)


def unit_at(text: str, pos: int, on: date | None = None, prefer: str | None = None) -> Place | None:
    """The place mention covering ``pos`` in ``text``, or None."""
    return next((p for p in _places(text, on, prefer) if p.start <= pos < p.end), None)


_LEVEL_WORD = re.compile(
    r"(?i)(?:(?P<province>tỉnh ủy|tỉnh)|(?P<district>huyện ủy|quận ủy|thị ủy|huyện|quận|"
    r"thị xã)|(?P<commune>xã|phường|thị trấn|đặc khu))(?!\w)"
)


@cache
def _body_prefix() -> re.Pattern[str]:
    """Words a territorial body's name may open with before its unit ("Ban Thường vụ
    Huyện ủy", "Đảng bộ xã"): only these may stand before the place ``level_of`` reads."""
    words = rules.alternation([normalize.text(w) for w in rules.load("provinces")["body_prefixes"]])
    return re.compile(rf"(?i)\s*(?:(?:{words})\s+)*")


@lru_cache(maxsize=4096)
def level_of(phrase: str) -> str | None:
    """The level of the unit a body phrase names: the place right after its body words
    ("Đảng bộ huyện Mường Tè" -> district, "Ban Thường vụ Tỉnh ủy Lai Châu" -> province),
    else the level word there ("Đảng bộ huyện" -> district); None when something else
    comes first, a body that is not a territory's ("Đảng bộ Khối các cơ quan tỉnh Lai
    Châu", "Đảng bộ Quân sự tỉnh", "Chi bộ thôn Nà Khoang, xã Bản Hon")."""
    text = normalize.text(phrase)
    start = _body_prefix().match(text).end()
    found = _find(text, None, None)  # not through the articles' cache
    between = text[start : found[0].start].strip().casefold() if found else None
    if between == "" or between in _matchers().level_of_word:  # "Thành ủy TP HCM"
        return found[0].level
    match = _LEVEL_WORD.match(text, start)
    return match.lastgroup if match else None


def outlet_domain(text: str) -> str | None:
    """The province of a provincial newspaper or station whose address the text gives
    (baolaichau.vn, Laocaitv.vn)."""
    if ".vn" not in text:
        return None
    t = _tables()
    affixes = _matchers().domain
    for match in _DOMAIN.finditer(text):
        key = affixes.sub("", match.group(1).lower())
        if key in t.provinces:
            return t.provinces[key]
    return None


_DOMAIN = re.compile(r"\b([A-Za-z]+)\.(?:com\.)?vn\b")
