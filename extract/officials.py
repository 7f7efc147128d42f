"""Named officials and their titles in one sentence.

The sentence is read left to right (``titlereader`` reads its words): an honorific or a
rank, a person's name, a chain of titles ("nguyên Phó Bí thư Thường trực Huyện ủy Tân Yên,
Chủ tịch HĐND huyện"), in either order, and lists after one shared title ("các Phó Thủ
tướng: A, B, C"). This module decides who holds which titles and writes them out.
No word segmentation model is used: it split two-syllable and minority names and cost half of
the extraction time. Vocabularies are ``rules/titles.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import normalize
from .titlereader import Chain, Reader, Title, is_cap, is_code, vocab

_WORD = re.compile(r"[^\W_]+|/")


@dataclass
class Mention:
    name: str
    titles: list[str]
    honorific: str | None
    start: int  # offsets into the sentence
    end: int
    places: list[str] = field(default_factory=list)  # proper place names in the titles


def _expand(title: str) -> str:
    words = vocab()
    out, pos = [], 0
    for m in words["abbr"].finditer(title):
        key = m.group(1).rstrip().casefold()
        if key in words["kept_as_written"]:
            continue  # "Viện KSND", "UBND H.Nghĩa Hành": as the article writes them
        out += [title[pos : m.start()], words["abbreviations"][key], " "]
        pos = m.end()
    out.append(title[pos:])
    return normalize.squash("".join(out)).strip(" ,;-–")


def _render(reader: Reader, title: Title, former: bool) -> str:
    v = reader.v
    i = title.start
    while i < title.end and reader.key(i) in v["former"] | v["acting"] | v["new"]:
        i += 1
    # an abbreviation in parentheses inside the title is said again by the words before it
    body = _expand(re.sub(r"\s*\([^()]*\)", "", reader.text_between(i, title.end)))
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


def _titles(reader: Reader, chain: Chain) -> tuple[list[str], list[str]]:
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
    reader: Reader,
    name: tuple[int, int],
    titles: list[str],
    places: list[str],
    honorific: str | None,
    start: int,
    end: int,
) -> Mention:
    toks = reader.toks
    # a middle name written in lower case is reported as names are written: "Phạm Văn Quang"
    words = normalize.squash(reader.text_between(*name)).split()
    return Mention(
        name=" ".join(w[:1].upper() + w[1:] for w in words),
        titles=titles,
        honorific=honorific,
        start=toks[start].start,
        end=toks[end - 1].end,
        places=places,
    )


def _read(
    reader: Reader,
    i: int,
    stop: int,
    shared: list[str],
    out: list[Mention],
    in_list: bool = False,
    list_stop: int | None = None,
    grouped: bool = False,
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
            _note_opener(reader, tok.start)
            chain = reader.chain(j) if j < n and not _is_cap_name_start(reader, j) else None
            if chain and (start := _list_start(reader, chain.end, plural)) is not None:
                head = _titles(reader, chain)[0]
                return _read_list(reader, start, list_stop, _nest(shared, head), out)
            colon = _group_colon(reader, j, n) if plural and chain is None else None
            if colon is not None:  # "các đồng chí: ...", "các đồng chí nguyên lãnh đạo ...: "
                return _read_list(reader, colon + 1, list_stop, shared, out, honorific)
            if plural and not shared and j < n and _is_cap_name_start(reader, j):
                return _read_list(
                    reader, j, list_stop, shared, out, honorific
                )  # "các ông A, ...; B, ..."
            if chain and chain.name:
                start, i = i, _title_first(reader, chain, shared, i, out)
                if plural:
                    i = _more_names(reader, i, out[-1].titles, start, out)
                continue
            if chain is None and j < n and is_cap(reader.toks[j]):
                end = reader.cap_run(j)
                if reader.name_ok(j, end, honorific=True):
                    i = _name_first(reader, (j, end), honorific, i, shared, out)
                    continue
            i = max(j, i + 1)
            continue
        # "các Phó Thủ tướng: A, B, C", "2 cựu bí thư Tỉnh ủy A, B"
        plural = tok.key in reader.v["plurals"] or tok.text.isdigit()
        chain = reader.chain(i + 1 if plural else i)
        if chain and len(chain.titles) > 1 and _generic(reader, chain.titles[0]):
            i = chain.titles[1].start  # "đảng viên là trưởng thôn, Bí thư Huyện ủy X Y"
            continue
        if chain:
            if (start := _list_start(reader, chain.end, plural)) is not None:
                head = _titles(reader, chain)[0]
                return _read_list(reader, start, list_stop, _nest(shared, head), out)
            if chain.name:
                start, i = i, _title_first(reader, chain, shared, i, out)
                if plural or (in_list and grouped):
                    # in a list's item "nguyên Tổng Bí thư A, B; ..." B holds it too (only
                    # where ";" groups the list by title: in one comma list of leaders the
                    # first one's title is his own)
                    i = _more_names(reader, i, out[-1].titles, start, out, bare=not plural)
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
        if is_cap(tok) and (reader.boundary_before(i) or (in_list and i == item_start)):
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


def _note_opener(reader: Reader, pos: int) -> None:
    """Remember a verb that gives a post ("bầu", "do") right before the person at ``pos``."""
    opener = reader.v["takeup_openers"].search(reader.s, 0, pos)
    if opener:
        reader.takeup_from = opener.start()


def _group_colon(reader: Reader, j: int, n: int) -> int | None:
    """The colon after "các đồng chí" and a few words that say who they are, not a title
    ("các đồng chí nguyên lãnh đạo Đảng, Nhà nước: ...")."""
    for k in range(j, min(n, j + 12)):
        tok = reader.toks[k]
        if tok.text == ":":
            return k
        if tok.text in ".;()" or reader.v["heads"].match(reader.toks, k):
            return None
        if tok.key in reader.v["breakers"] and tok.key not in ("và", "các", "những", "có"):
            return None  # "các đồng chí lãnh đạo tỉnh nhấn mạnh: ...": what they said
        if is_cap(tok) and reader.surname_at(k):
            stop = reader.cap_run(k)
            if stop - k >= 2 and reader.name_ok(k, stop, honorific=False):
                return None  # a person is named: no list of a group
    return None


def _list_start(reader: Reader, end: int, plural: bool) -> int | None:
    """Where the list of a title's holders starts after the title (ending at ``end``): after
    a colon, or after "gồm" when the title is plural ("Các Phó Bí thư Tỉnh ủy gồm: A, B")."""
    i = end
    if plural and (filler := reader.regex_after(reader.v["list_fillers"], i)) is not None:
        i = filler  # "các nguyên Tổng Bí thư của Đảng ta qua các thời kỳ: A, B"
    opener = reader.v["list_openers"].match(reader.toks, i)
    if opener:
        i = opener[0]
    if i < reader.n and reader.toks[i].text == ":":
        return i + 1
    return i if opener and plural and i < reader.n else None


_COORDINATION = re.compile(r"[\s,]|\bvà\b")


def _taken_up(
    reader: Reader, start: int, name_end: int, chain: Chain | None, out: list[Mention]
) -> tuple[list[str], list[str], int] | None:
    """A post given by a verb before the names ("bầu", "chỉ định", "do"): after a name and
    its titles, "làm <post>" ("do đồng chí X, Chính trị viên đơn vị làm Bí thư"); the post
    also goes to the others named since the verb ("bầu đồng chí A, ... và đồng chí B, ... làm
    Phó Bí thư Tỉnh ủy"). ``start`` is where the last name's mention starts (a character
    offset). Returns the post's titles, places and end, for the last name."""
    since = reader.takeup_from
    if since is None or chain is None or chain.name:
        return None
    if reader.regex_after(reader.v["links"], name_end) is not None:
        post, extra = chain, False  # "... và đồng chí B giữ chức Phó Bí thư": B's only title
    elif (at := chain.end + (reader.key(chain.end) == ",")) < reader.n and reader.key(at) == "làm":
        post = reader.chain(at + 1)
        if post is None or post.name:
            return None
        roles = reader.v["event_roles"]
        if any(t.bare and _key(reader, t) in roles for t in post.titles):
            return None  # "do đồng chí X, Phó Bí thư Tỉnh ủy làm trưởng đoàn"
        extra = True
    else:
        return None
    titles, places = _titles(reader, post)
    for mention in reversed(out):
        between = reader.s[mention.end : start]
        if mention.start < since or _COORDINATION.sub("", between):
            break  # not joined to this name: "bầu A vào Ban Thường vụ và B làm ..."
        mention.titles += [t for t in titles if t not in mention.titles]
        mention.places += places
        start = mention.start
    # the verb goes on to the next ones ("...; đồng chí B, ... làm Phó Bí thư Thường trực"),
    # not back to these
    reader.takeup_from = reader.toks[post.end - 1].end
    return (titles, places, post.end) if extra else ([], [], post.end)


def _key(reader: Reader, title: Title) -> str:
    return normalize.key(reader.text_between(title.start, title.end))


def _generic(reader: Reader, title: Title) -> bool:
    """A bare title in lower case followed by a comma names a kind of post, not a person's:
    "đảng viên là trưởng thôn, ..." """
    modified = title.former or title.acting
    return title.bare and not modified and reader.toks[title.start].text[0].islower()


def _name_after_parent_place(reader: Reader, end: int) -> tuple[int, int] | None:
    """A name after the place's own district or province: "Chủ tịch UBND xã Ngọc Vân, huyện
    Tân Yên (Bắc Giang) Dương Văn Khải" (the title keeps its own place only)."""
    i = end
    if reader.key(i) == "," and (org := reader.v["org"].match(reader.toks, i + 1)):
        if org[1][0] != "level":
            return None
        i = org[0]
        while i < reader.n and (is_code(reader.toks[i]) or reader.toks[i].text == "."):
            i += 1
        run = reader.cap_run(i) if i < reader.n and is_cap(reader.toks[i]) else i
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
    if i == end or i >= reader.n or not is_cap(reader.toks[i]):
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
    reader: Reader, chain: Chain, shared: list[str], start: int, out: list[Mention]
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


def _more_names(
    reader: Reader,
    end: int,
    titles: list[str],
    start: int,
    out: list[Mention],
    bare: bool = False,
) -> int:
    """The other names after a plural title's first one: "các Phó Chủ tịch UBND tỉnh A, B và
    C" - each holds the title (and any of its own after it; with ``bare``, only names with
    none of their own); returns where reading goes on."""
    while end < reader.n and reader.key(end) in (",", "và"):
        i = end + 1
        if i >= reader.n or not is_cap(reader.toks[i]) or not reader.surname_at(i):
            break
        stop = reader.cap_run(i)
        if stop - i < 2 or not reader.name_ok(i, stop, honorific=False):
            break
        if bare and reader.titles_after_name(stop):
            break
        end = _name_first(reader, (i, stop), None, start, list(titles), out)
    return end


def _name_after_doi_voi(reader: Reader, end: int) -> tuple[int, int] | None:
    """ "cách chức Phó Bí thư Chi bộ 4 đối với ông Cao Văn Bình": the post is his."""
    if reader.key(end) != "đối" or reader.key(end + 1) != "với":
        return None
    hon = reader.honorific(end + 2) if end + 2 < reader.n else None
    if not hon or hon[0] >= reader.n or not is_cap(reader.toks[hon[0]]):
        return None
    stop = reader.cap_run(hon[0])
    return (hon[0], stop) if reader.name_ok(hon[0], stop, honorific=True) else None


def _is_cap_name_start(reader: Reader, j: int) -> bool:
    return is_cap(reader.toks[j]) and not reader.v["heads"].match(reader.toks, j)


def _name_first(
    reader: Reader,
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
        end = chain.end
        if taken := _taken_up(reader, reader.toks[start].start, name[1], chain, out):
            titles, places, end = titles + taken[0], places + taken[1], taken[2]
        out.append(_mention(reader, name, shared + titles, places, honorific, start, end))
        return end
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
    reader: Reader, name: tuple[int, int]
) -> tuple[list[tuple[int, int]], int | None]:
    """ "Hồ Văn A, Võ Văn B và Châu Văn C trúng cử chức danh Phó Bí thư": names joined by
    commas and "và", then a link; the names and where the link ends."""
    names, end = [name], name[1]
    while end < reader.n and reader.key(end) in (",", "và"):
        i = end + 1
        if i >= reader.n or not is_cap(reader.toks[i]):
            break
        stop = reader.cap_run(i)
        if not reader.name_ok(i, stop, honorific=False):
            break
        names.append((i, stop))
        end = stop
    link = reader.regex_after(reader.v["title_links"], end) if end < reader.n else None
    return names, link


def _name_after_comma(reader: Reader, end: int) -> tuple[int, int] | None:
    """ "Trưởng ban Đối ngoại Trung ương, Hoàng Bình Quân cho hay": a name after a comma that
    has no title of its own."""
    end = reader.skip_parenthesis_without_title(reader.skip_qualifiers(end))
    if end >= reader.n or reader.toks[end].text != ",":
        return None
    i = end + 1
    hon = reader.honorific(i) if i < reader.n else None
    if hon:
        i = hon[0]
    if i >= reader.n or not is_cap(reader.toks[i]):
        return None
    stop = reader.cap_run(i)
    if not reader.name_ok(i, stop, honorific=bool(hon)) or stop - i < (2 if hon else 3):
        return None
    if stop < reader.n and reader.toks[stop].text in ",-–(:":
        return None  # its own titles follow, or a list goes on
    return i, stop


def _list_items(reader: Reader, i: int, stop: int) -> tuple[list[tuple[int, int]], int]:
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
    reader: Reader,
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
    bare_group = False  # the first item names people with no titles of their own
    for number, (a, b) in enumerate(items):
        found: list[Mention] = []
        reached = _read(
            reader, a, b, sharing, found, in_list=True, list_stop=end, grouped=len(items) > 1
        )
        for mention in found:
            own = mention.titles[len(sharing) :]
            if honorific and not mention.honorific:
                mention.honorific = honorific
            if sharing and {normalize.key(t) for t in own} & {normalize.key(t) for t in sharing}:
                mention.titles = own  # "; Bí thư Trung ương Đảng, ... X": a new group
                sharing = []
            elif sharing and bare_group and own:
                # "nguyên Tổng Bí thư: A, B; C, nguyên Chủ tịch nước; ...": the title was
                # the bare names' group; a person with titles of his own is another guest
                mention.titles = own
                sharing = []
        if number == 0:
            bare_group = bool(found) and all(len(m.titles) == len(sharing) for m in found)
        out.extend(m for m in found if m.titles)
        if not found or reached > b:
            break  # the list ended, or a list inside it read on to the end
    reader.list_depth -= 1
    return end


def _mask_credits(sentence: str) -> str:
    """Photo credits and sources are not people: "Ảnh: Thu Hà/TTXVN" is blanked out (the
    offsets kept), up to the next title or a lower-case word."""
    words = vocab()
    for m in reversed(list(words["credits"].finditer(sentence))):
        reader = Reader(sentence[m.end() :])
        j = 0
        while j < reader.n and j < 6:
            tok = reader.toks[j]
            if words["heads"].match(reader.toks, j) or words["honorifics"].match(reader.toks, j):
                break
            if not (is_cap(tok) or is_code(tok) or tok.text in "/.-–"):
                break
            j += 1
        stop = m.end() + (reader.toks[j - 1].end if j else 0)
        sentence = sentence[: m.start()] + " " * (stop - m.start()) + sentence[stop:]
    return sentence


def extract(sentence: str) -> list[Mention]:
    """People named in one sentence with their titles (honorific/name/titles in either
    order). A person named with an honorific and no title comes with ``titles == []``: a
    later "ông Phúc" is that person; the article's merge keeps only people with titles."""
    words = vocab()
    # a cheap look for a word that may begin an honorific, a rank or a title
    if words["prefilter"].isdisjoint(_WORD.findall(sentence.casefold())):
        return []
    if words["bylines"].search(sentence[:40]):
        return []
    reader = Reader(_mask_credits(sentence))
    out: list[Mention] = []
    _read(reader, 0, reader.n, [], out)
    for mention in out:
        mention.titles = list(dict.fromkeys(t for t in mention.titles if t))
    return out
