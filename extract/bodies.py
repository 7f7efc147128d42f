"""The party bodies and places a sentence names, and whose figure a number is (FACTS.md
`subject`, `scope`, `unit`).

``find(sentence)`` returns every body mention with its level: "Huyện ủy Kim Bôi"
(district), "Đảng ủy xã Tà Tổng" (commune), "Đảng bộ Khối các cơ quan tỉnh" (bloc), "toàn
tỉnh" (province, the one the article is about), "cả nước" (national). ``Context`` then
decides which body a figure belongs to and names it in full. The vocabulary is
``rules/bodies.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from . import gazetteer, normalize
from . import provinces as province_names
from . import ruleset as rules

_UPPER = "A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
# one syllable of a place's name: capitalized ("Kim", "Bôi", "K'Dang") or a number ("7", "5A")
_NAME_SYLLABLE = re.compile(rf"(?:[{_UPPER}][\w'’]*|\d{{1,3}}[A-Z]?)(?!\w)")
# capitalized words that start something else, never a place's name
_NOT_PLACE = {
    "đảng", "ban", "ủy", "hội", "bí", "chủ", "phó", "trưởng", "thường", "nghị", "huy",
    "bằng", "giấy", "cờ", "kết", "đồng", "ông", "bà", "các", "trong", "năm", "ngày", "tháng",
    "theo", "tại", "ở", "tỉnh", "huyện", "quận", "xã", "phường", "thị", "thành", "chi", "mặt",
    "ubnd", "hđnd", "ubkt", "btv", "bch", "mttq", "quyết", "chỉ", "kế", "đại", "lần", "khóa",
    "tsvm",  # "chi bộ TSVM": a rating, trong sạch vững mạnh
}  # fmt: skip
# a person's name often follows a place in a title ("Huyện ủy Tân Yên Dương Đức Thảo")
_SURNAMES = {
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "lò", "giàng", "sùng", "mùa", "vàng", "thào", "lầu", "đinh",
    "lương", "lường", "cầm", "quàng", "tòng", "điêu", "đào", "đoàn", "trịnh", "mai", "tô",
    "tạ", "chu", "lâm", "thạch", "triệu", "ksor", "nay", "siu", "rơ", "trương", "văn", "cao",
}  # fmt: skip
_ABBREVIATED_LEVEL = {
    "tp.": "thành phố", "tp": "thành phố", "h.": "huyện", "q.": "quận", "p.": "phường",
    "tx.": "thị xã", "tx": "thị xã", "tt.": "thị trấn",
}  # fmt: skip
_COMMITTEE_KIND = {"tỉnh ủy": "tỉnh", "huyện ủy": "huyện", "thị ủy": "thị xã",
                   "quận ủy": "quận", "thành ủy": "thành phố"}  # fmt: skip


@dataclass(frozen=True)
class Body:
    start: int  # offsets into the sentence
    end: int
    text: str  # as written ("Quận ủy quận 7")
    level: str  # national region province city district commune bloc unit article
    place: str | None = None  # the place's name as written ("Kim Bôi", "7", "HCM")
    kind: str | None = None  # the level word in full ("huyện", "thành phố")
    name: str | None = None  # the unit named in full, where the text names it
    official: bool = False  # inside an official's title: a weaker subject
    venue: bool = False  # after "tại"/"ở" before the figure: where, not whose


def _bounded(alternation: str) -> str:
    return r"(?<!\w)(?:" + alternation + r")(?!\w)"


@cache
def _vocab() -> dict[str, Any]:
    data = rules.load("bodies")
    level_of_word: dict[str, str] = {}
    for level, words in data["levels"].items():
        for word in words:
            level_of_word[word.lower()] = level
    level_words = sorted(level_of_word, key=len, reverse=True)
    # a level word then a place: "huyện Kim Bôi", "TP. HCM", "quận 7"
    level_alt = "|".join(
        re.escape(w) + (r"" if w.endswith(".") else r"(?!\w)") for w in level_words
    )
    central = {normalize.key(c) for c in data["central_cities"]}
    aliases = {normalize.key(k): v for k, v in data["city_aliases"].items()}
    return {
        "level_of_word": level_of_word,
        "level_word": re.compile(r"(?<!\w)(?:" + level_alt + r")", re.IGNORECASE),
        "committee": re.compile(_bounded(rules.alternation(list(data["committees"]))), re.I),
        "committees": {k.lower(): v for k, v in data["committees"].items()},
        "party_head": re.compile(_bounded(rules.alternation(data["party_heads"])), re.I),
        "cell_head": re.compile(_bounded(rules.alternation(data["cell_heads"]))),
        "bloc_word": re.compile(r"(?:" + rules.alternation(data["bloc_words"]) + r")(?!\w)"),
        "whole": re.compile(_bounded(rules.alternation(list(data["whole"]))), re.I),
        "whole_level": {normalize.key(k): v for k, v in data["whole"].items()},
        "national": re.compile(_bounded(rules.alternation(data["national"]))),
        "title_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["title_before_national"]) + r")\s*$"
        ),
        "bloc_rest": re.compile(
            r"(?:\s+(?:các|tỉnh|huyện|thị xã|thành phố|quận|xã|phường|Trung ương|"
            + "(?i:"
            + rules.alternation(data["bloc_name_words"])
            + ")"
            + rf"|[{_UPPER}][\w'’]*|\d+)(?!\w))*"
        ),
        "region": re.compile(_bounded(rules.alternation(data["regions"])), re.IGNORECASE),
        "bare": re.compile(
            r"(?:^|[,;:]\s*|^\W*)(?i:("
            + rules.alternation(data["bare_openers"])
            + r"))(?=\s+(?i:"
            + rules.alternation(data["bare_opener_verbs"])
            + r")(?!\w))",
        ),
        "list_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["bare_openers"]) + r")\s*[,/]\s*$",
            re.IGNORECASE,
        ),
        "blocs": re.compile(_bounded(rules.alternation(data["blocs"])), re.IGNORECASE),
        "member_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["membership"]) + r")\s*$", re.IGNORECASE
        ),
        "named_member_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["named_members"]) + r")\s+"
            r"(?P<name>(?:\w+\s+){1,4}\w+)\s*(?:\([^()]{0,20}\)\s*)?[,–-]\s*(?:thuộc\s*)?$",
            re.IGNORECASE,
        ),
        "post_before": re.compile(
            r"(?<!\w)(?:"
            + rules.alternation(data["posts"])
            + r")(?:\s+(?:UBND|HĐND|Ủy ban nhân dân|"
            r"Hội đồng nhân dân|MTTQ|Ủy ban MTTQ))?\s*$",
            re.IGNORECASE,
        ),
        "guest_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["guests"]) + r")(?:\s+\w+){0,3}\s*$",
        ),
        "delegation_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["delegations"]) + r")\s*$"
        ),
        "agent_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["agents"]) + r")"
            r"\s+(?:" + rules.alternation(data["agent_organs"]) + r")\s*$",
            re.IGNORECASE,
        ),
        "venue_before": re.compile(
            r"(?<!\w)(?:" + rules.alternation(data["venues"]) + r")\s*$", re.IGNORECASE
        ),
        # what may stand between a counted phrase and the body it belongs to
        "attach": re.compile(
            r"\s*(?:(?:[^\d,;:()]{0,40}?\s)?(?:"
            + rules.alternation(data["attach_words"])
            + r")\s+)?",
            re.IGNORECASE,
        ),
        "central": central,
        "aliases": aliases,
        "alias_regex": re.compile(
            _bounded("|".join(re.escape(k) for k in sorted(data["city_aliases"], key=len)[::-1]))
        ),
    }


def attachment() -> re.Pattern[str]:
    """The words between a counted phrase and the body it belongs to ("tròn tuổi Đảng tại")."""
    return _vocab()["attach"]


# a number closing a bloc's name in a list item is the item's figure, unless a numbering
# word stands before it ("Chi bộ Tổ dân phố 12", "Đảng bộ Trung đoàn 2", "Khối 5")
_LIST_FIGURE = re.compile(
    r"(?<!số)(?<!Tổ)(?<!tổ)(?<!phố)(?<!Khối)(?<!khối)(?<!đoàn)(?<!Đội)(?<!đội)(?<!đoàn)"
    r"(?<!Trạm)(?<!ấp)(?<!Ấp)(?<!thôn)(?<!Thôn)(?<!khu)(?<!Khu)(?<!xóm)(?<!Xóm)(?<!bản)(?<!Bản)"
    r"(?<!Phòng)(?<!phòng)(?<!Lữ)(?<!Sư)\s+\d+$"
)
_LIST_ITEM_END = re.compile(r"\s*(?:[;.]|$)")


def _known_end(sentence: str, pos: int) -> int:
    """The end of the longest name starting at ``pos`` that the gazetteer knows, whatever
    its words ("Đồng Nai", "Bà Rịa - Vũng Tàu", "Lâm Đồng"); ``pos`` when none."""
    ends = []
    cursor = pos
    for count in range(5):
        gap = re.match(r"[ \t\u00a0]*(?:-\s*)?", sentence[cursor:]) if count else None
        at = cursor + (gap.end() if gap else 0)
        syllable = _NAME_SYLLABLE.match(sentence, at)
        if (count and at == cursor) or not syllable or syllable.group(0)[0].isdigit():
            break
        cursor = syllable.end()
        ends.append(cursor)
    for end in reversed(ends):
        place = sentence[pos:end]
        if _is_known(place) or gazetteer.knows(place):
            return end
    return pos


def _place_end(sentence: str, pos: int) -> int:
    """Where the place's name starting at ``pos`` ends (``pos`` when there is none): the
    longest name the gazetteer knows there, or what the words themselves say."""
    return max(_known_end(sentence, pos), _guessed_end(sentence, pos))


def _guessed_end(sentence: str, pos: int) -> int:
    """The end of a place's name read from its words: capitalized syllables, up to a word
    that starts something else or a person's name."""
    end = pos
    count = 0
    cursor = pos
    while count < 4:
        gap = re.match(r"[ \t\u00a0]*(?:-\s*)?", sentence[cursor:]) if count else None
        at = cursor + (gap.end() if gap else 0)
        if count and at == cursor:
            break
        syllable = _NAME_SYLLABLE.match(sentence, at)
        if not syllable:
            break
        word = syllable.group(0).lower()
        if word in _NOT_PLACE and not word[0].isdigit():
            break
        if word in _SURNAMES and (count >= 2 or (count and _is_known(sentence[pos:end]))):
            break  # a person's name follows the place
        if count and word[0].isdigit():
            break
        end = cursor = syllable.end()
        count += 1
        if word[0].isdigit():
            break  # "quận 7", "phường 11": a number is the whole name
    return end


def _level_after(sentence: str, pos: int) -> tuple[str, str, int, int] | None:
    """A level word and a place right at ``pos``: (level, kind, place_start, end)."""
    vocab = _vocab()
    match = vocab["level_word"].match(sentence, pos)
    if not match:
        return None
    word = match.group(0).lower()
    at = match.end()
    while at < len(sentence) and sentence[at] in " \t\u00a0":
        at += 1
    end = _place_end(sentence, at)
    if end == at:
        return None
    kind = _ABBREVIATED_LEVEL.get(word, word)
    return vocab["level_of_word"][word], kind, at, end


def _skip_space(sentence: str, pos: int) -> int:
    while pos < len(sentence) and sentence[pos] in " \t\u00a0":
        pos += 1
    return pos


_COUNTED_BEFORE = re.compile(
    r"(?:\d(?:[\d.,]*\d)?|các|những|mỗi|từng|số|nhiều|một|hai|ba)\s*$", re.I
)


def _counted(sentence: str, start: int) -> bool:
    """ "15 đảng bộ", "các chi bộ": the phrase is counted, not a body that counts."""
    return bool(_COUNTED_BEFORE.search(sentence[max(0, start - 12) : start]))


def _is_known(place: str) -> bool:
    """A province or a centrally-run city by any of its names ("HCM", "Kiên Giang")."""
    return _is_province(place) or normalize.key(place) in _vocab()["aliases"]


def _is_province(place: str) -> bool:
    return province_names.as_of(full_place(place), None) in province_names.registry()


def _city_level(place: str | None) -> str:
    vocab = _vocab()
    if place is None:
        return "city"
    key = normalize.key(place)
    key = normalize.key(vocab["aliases"].get(key, place))
    return "province" if key in vocab["central"] else "district"


def full_place(place: str) -> str:
    """A place's name in full: "HCM" -> "Hồ Chí Minh"."""
    return _vocab()["aliases"].get(normalize.key(place), place)


def _named(kind: str | None, place: str | None) -> str | None:
    if not kind or not place:
        return None
    if kind in ("thôn", "bản", "ấp", "làng", "xóm", "buôn", "bon", "tổ dân phố", "khu phố"):
        return f"Chi bộ {kind} {place}"
    return f"Đảng bộ {kind} {full_place(place)}"


def _find_all(sentence: str) -> list[Body]:
    vocab = _vocab()
    found: list[Body] = []

    for m in vocab["whole"].finditer(sentence):
        if re.search(
            r"Đại hội(?:\s+Đảng|\s+đại biểu)?\s*$", sentence[max(0, m.start() - 20) : m.start()]
        ):
            continue  # "Đại hội Đảng toàn quốc": a congress's name
        level = vocab["whole_level"][normalize.key(m.group(0))]
        found.append(Body(m.start(), m.end(), m.group(0), level))

    for m in vocab["national"].finditer(sentence):
        if vocab["title_before"].search(sentence, max(0, m.start() - 25), m.start()):
            continue  # "Ủy viên Bộ Chính trị": a title
        found.append(
            Body(m.start(), m.end(), m.group(0), "national", name="Đảng Cộng sản Việt Nam")
        )

    for m in vocab["region"].finditer(sentence):
        at = _skip_space(sentence, m.end())
        end = _place_end(sentence, at) if m.group(0)[0].isupper() else at
        text = sentence[m.start() : end if end > at else m.end()]
        found.append(Body(m.start(), m.start() + len(text), text, "region", name=text))

    for m in vocab["committee"].finditer(sentence):
        if sentence[m.end() : m.end() + 5].lower().startswith(" viên"):
            continue  # "Thành ủy viên" is a title
        if _counted(sentence, m.start()):
            continue
        level = vocab["committees"][m.group(0).lower()]
        kind = _COMMITTEE_KIND[m.group(0).lower()]
        at = _skip_space(sentence, m.end())
        after = _level_after(sentence, at)
        if after:
            level_after, kind, place_start, end = after
            place = sentence[place_start:end]
            level = _city_level(place) if level_after == "city" else level_after
        else:
            end = _place_end(sentence, at)
            place = sentence[at:end] if end > at else None
            end = end if place else m.end()
            if level == "city":
                level = _city_level(place)
        found.append(
            Body(m.start(), end, sentence[m.start() : end], level, place, kind, _named(kind, place))
        )

    for m in vocab["party_head"].finditer(sentence):
        if _counted(sentence, m.start()):
            continue
        at = _skip_space(sentence, m.end())
        after = _level_after(sentence, at)
        head = "Đảng bộ"
        if after:
            level, kind, place_start, end = after
            place = sentence[place_start:end]
            if level == "city":
                level = _city_level(place)
            name = f"{head} {kind} {full_place(place)}" if level != "unit" else None
            found.append(Body(m.start(), end, sentence[m.start() : end], level, place, kind, name))
            continue
        bloc = vocab["bloc_word"].match(sentence, at)
        if bloc:
            end = bloc.end()
            # the body's name runs on through its capitalized and organization words
            rest = vocab["bloc_rest"].match(sentence, end)
            end = rest.end() if rest else end
            listed = _LIST_FIGURE.search(sentence, m.start(), end)
            if listed and _LIST_ITEM_END.match(sentence, end):
                end = listed.start()  # "...; Đảng bộ Khối Doanh nghiệp 12;": the item's figure
            text = sentence[m.start() : end]
            name = head + text[len(m.group(0)) :]
            found.append(Body(m.start(), end, text, "bloc", name=name))
            continue
        bare = vocab["level_word"].match(sentence, at)
        if bare and not bare.group(0).endswith("."):
            word = bare.group(0).lower()
            level = vocab["level_of_word"][word]
            found.append(
                Body(m.start(), bare.end(), sentence[m.start() : bare.end()], level, kind=word)
            )
            continue
        end = _place_end(sentence, at)
        if end > at:
            place = sentence[at:end]
            unit = gazetteer.unit_at(sentence, at)
            if _is_province(place):
                kind = "tỉnh" if _city_level(place) == "district" else "thành phố"
                found.append(
                    Body(m.start(), end, sentence[m.start() : end], "province", place, kind,
                         _named(kind, place))
                )  # fmt: skip
            elif unit is not None and unit.level in ("district", "commune") and unit.known:
                # "Đảng bộ Mường Tè": a district the gazetteer knows by its bare name
                end = max(end, unit.end)
                found.append(
                    Body(m.start(), end, sentence[m.start() : end], unit.level, unit.text,
                         unit.kind or None, f"Đảng bộ {unit.name}")
                )  # fmt: skip
            else:
                text = sentence[m.start() : end]
                found.append(
                    Body(m.start(), end, text, "bloc", name=head + text[len(m.group(0)) :])
                )

    for m in vocab["cell_head"].finditer(sentence):
        if _counted(sentence, m.start()):
            continue
        at = _skip_space(sentence, m.end())
        after = _level_after(sentence, at)
        end = after[3] if after else _place_end(sentence, at)
        if end == at and sentence.startswith("Đảng", at):
            end = at + 4  # "chi bộ Đảng"
        opening = m.start() == 0 or re.search(r"[,:]\s*$", sentence[: m.start()])
        if end == at and not (opening and m.group(0)[0].isupper()):
            continue  # a bare "Chi bộ" is a body only as the subject opening its clause
        text = sentence[m.start() : max(end, m.end())]
        found.append(Body(m.start(), m.start() + len(text), text, "unit", name="Chi bộ" + text[6:]))

    for m in vocab["level_word"].finditer(sentence):
        after = _level_after(sentence, m.start())
        if not after:
            continue
        level, kind, place_start, end = after
        place = sentence[place_start:end]
        if level == "province" and not _is_province(place):
            continue  # "trong tỉnh Tin các địa phương": a menu, not a province
        if level == "city":
            level = _city_level(place)
        found.append(
            Body(m.start(), end, sentence[m.start() : end], level, place, kind, _named(kind, place))
        )

    for m in vocab["alias_regex"].finditer(sentence):
        place = m.group(0)
        found.append(Body(m.start(), m.end(), place, "province", place, "thành phố",
                          _named("thành phố", place)))  # fmt: skip

    for place in gazetteer.places(sentence):
        # a province named bare ("Hòa Bình: ...", "ở Kiên Giang"); the gazetteer already
        # knows "Chủ tịch Hồ Chí Minh" is a person
        if place.level == "province" and not place.kind:
            found.append(
                Body(place.start, place.end, place.text, "province", place.text, None,
                     f"Đảng bộ {place.name}")
            )  # fmt: skip

    for m in vocab["blocs"].finditer(sentence):
        found.append(Body(m.start(), m.end(), m.group(0), "bloc", name=m.group(0)))

    for m in vocab["bare"].finditer(sentence):
        word = m.group(1)
        if vocab["list_before"].search(sentence, 0, m.start(1)):
            continue  # "100% xã, thị trấn có đảng bộ": kinds of units listed, no body
        level = vocab["level_of_word"].get(word.lower(), "unit")
        found.append(Body(m.start(1), m.end(1), word, level))
    return found


def _named_member(sentence: str, start: int) -> bool:
    """The body follows a person named in full and a comma: "đảng viên Lê Văn Ba, Chi bộ
    xóm Đông" is where that person belongs ("đảng viên trẻ, Chi bộ ..." names nobody)."""
    found = _vocab()["named_member_before"].search(sentence[max(0, start - 80) : start])
    return bool(found) and all(word[0].isupper() for word in found["name"].split())


def find(sentence: str) -> list[Body]:
    """Body mentions in one sentence, in text order; a mention inside a longer one is
    dropped ("huyện Kim Bôi" inside "Huyện ủy huyện Kim Bôi")."""
    vocab = _vocab()
    found = sorted(_find_all(sentence), key=lambda b: (b.start, -(b.end - b.start)))
    out: list[Body] = []
    skipped: list[Body] = []
    for body in found:
        if any(o.start <= body.start and body.end <= o.end for o in skipped):
            continue
        before = sentence[max(0, body.start - 40) : body.start]
        if vocab["member_before"].search(before) or _named_member(sentence, body.start):
            skipped.append(body)
            continue  # "sinh hoạt tại chi bộ khu A": a person's cell, no body that counts
        guest = vocab["guest_before"].search(before) and not vocab["delegation_before"].search(
            before
        )
        agent = vocab["agent_before"].search(before)
        if vocab["post_before"].search(before) or guest or agent:
            # "nguyên chủ tịch xã A": a person's post; "dự có lãnh đạo Văn phòng Tỉnh ủy":
            # a guest's body; "được Ban Thường vụ Tỉnh ủy quyết định tặng": the agent
            body = replace(body, official=True)
        elif vocab["venue_before"].search(before):
            body = replace(body, venue=True)
        if any(o.start <= body.start and body.end <= o.end for o in out):
            continue
        if out and out[-1].start < body.start < out[-1].end:
            # overlapping names are one: "Đảng bộ cơ quan Ban Tuyên" + "Ban Tuyên giáo Trung
            # ương" is the body of one agency; "toàn Đảng bộ" + "Đảng bộ TP. HCM" is the city's
            last = out[-1]
            text = sentence[last.start : body.end]
            if last.level == "article":
                out[-1] = replace(body, start=last.start, text=text)
                continue
            name = last.name + sentence[last.end : body.end] if last.name else None
            out[-1] = replace(last, end=body.end, text=text, name=name)
            continue
        if (
            out
            and out[-1].level not in ("article", "national", "region")
            and re.fullmatch(r"\s*[,(]\s*", sentence[out[-1].end : body.start])
            and _LEVEL_RANK.get(body.level, 0) > _LEVEL_RANK.get(out[-1].level, 0)
        ):
            # "Quận ủy Q. 10, TP. HCM": the city is the district's address, not a new body
            last = out[-1]
            out[-1] = replace(last, end=body.end, text=sentence[last.start : body.end])
            continue
        out.append(body)
    return out


_LEVEL_RANK = {"unit": 1, "commune": 2, "district": 3, "bloc": 3, "city": 4, "province": 5}


@dataclass
class Context:
    """What the article and the paragraph say about whose figures these are."""

    province: str | None = None  # the article's province, as in force on its date
    article: Body | None = None  # the body the article is about
    carried: Body | None = None  # the body the paragraph is about so far
    named: dict[str, Body] = field(default_factory=dict)  # last named body per level

    def remember(self, bodies: list[Body]) -> None:
        for body in bodies:
            if body.name and body.level not in ("article", "city"):
                self.named[body.level] = body

    def resolve(self, body: Body | None) -> tuple[str | None, str | None, Body | None]:
        """(scope, unit, body) for a figure attached to ``body`` (None: no body named; one
        named only in an official's title yields to the paragraph's and the article's)."""
        if body is None or body.official:
            body = self.carried or self.article or body
            if body is None:
                return None, None, None
        if body.level == "article":
            body = (
                self.carried if self.carried and self.carried.level != "article" else self.article
            )
            if body is None:
                return None, None, None
        level = body.level
        if level == "city":
            level = _city_level(self.province) if self.province else "district"
        name = body.name
        if name is None:
            if level == "national":
                name = "Đảng Cộng sản Việt Nam"
            elif level == "province" and self.province:
                kind = "thành phố" if _city_level(self.province) == "province" else "tỉnh"
                name = f"Đảng bộ {kind} {self.province}"
            elif level in self.named:
                name = self.named[level].name
            elif self.article and self.article.level == level:
                name = self.article.name
        return level, name, replace(body, level=level, name=name)
