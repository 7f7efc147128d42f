"""partyfacts in spaCy, as the design names it: a pipeline component that runs the
project's extractor on a Doc and puts what it found in span groups.

    import spacy
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("partyfacts")       # the factory is registered by this package
    doc = nlp(text)
    for span in doc.spans["party_facts"]:   # quantities: label = category
        print(span.text, span._.value, span._.event, span._.year)
    for span in doc.spans["officials"]:     # label = "official"
        print(span.text, span._.titles)

Syllable tokens (``use_pyvi=False``): no model, nothing downloaded. Each span carries the
fact's fields (FACTS.md) as extension attributes, and the whole fact as ``span._.fact``.
The extractor works on normalized text (NFC, one tone style); its offsets are mapped back
onto the Doc's own text, so a Doc built from text as written still gets the right spans.

``doc_from_store`` builds the same Doc from a stored article and its stored facts (no
re-extraction): ``partyfacts show`` renders it with displaCy, and ``partyfacts export
--format spacy`` writes such Docs to a DocBin, spans also under ``sc`` for ``spacy train``
of a span categorizer.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import unicodedata
from datetime import date
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from . import pipeline
from .extract import extractor, normalize
from .schemas import Official, QuantityFact

QUANTITIES_KEY = "party_facts"
OFFICIALS_KEY = "officials"
TRAINING_KEY = "sc"  # spaCy's span categorizer reads this group by default
QUANTITY_FIELDS = ("value", "unit", "category", "event", "rating", "status", "approx", "year",
                   "period_start", "as_of", "subject", "of_total")  # fmt: skip
OFFICIAL_FIELDS = ("name", "titles", "honorific", "mentions")


def blank() -> Language:
    """A Vietnamese spaCy pipeline with syllable tokens and nothing to download."""
    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})


def _register_extensions() -> None:
    for name in (*QUANTITY_FIELDS, *OFFICIAL_FIELDS, "fact"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)
    if not Doc.has_extension("published"):
        Doc.set_extension("published", default=None)


_register_extensions()


def offset_map(original: str) -> tuple[list[int], list[int]] | None:
    """For each character of ``normalize.text(original)``: where it starts and ends in
    ``original`` (NFC may join a letter and its combining mark; ``\\r\\n`` becomes one
    character; invisible characters go). None when the pieces do not add up."""
    starts: list[int] = []
    ends: list[int] = []
    pieces = []
    i, n = 0, len(original)
    while i < n:
        ch = original[i]
        if ch == "\r":
            j = i + 2 if original[i + 1 : i + 2] == "\n" else i + 1
            piece = "\n"
        elif normalize.text(ch) == "" and ch.strip() != "":
            i += 1  # an invisible character: gone from the normalized text
            continue
        else:
            j = i + 1
            while j < n and unicodedata.combining(original[j]):
                j += 1
            piece = unicodedata.normalize("NFC", original[i:j])
        pieces.append(piece)
        starts += [i] * len(piece)
        ends += [j] * len(piece)
        i = j
    if normalize.tone_style("".join(pieces)) != normalize.text(original):
        return None
    return starts, ends


def _doc_offsets(start: int, end: int, mapping) -> tuple[int, int] | None:
    if mapping is None:
        return start, end
    starts, ends = mapping
    if not (0 <= start < end <= len(starts)):
        return None
    return starts[start], ends[end - 1]


def split_at(doc: Doc, boundaries: set[int]) -> Doc:
    """Split tokens at these character offsets, so that every fact starts and ends on a
    token boundary: syllable tokens keep punctuation on ("viên."), which would otherwise
    stretch a span over it."""
    cuts = []
    for token in doc:
        inside = sorted(b - token.idx for b in boundaries if token.idx < b < token.idx + len(token))
        if inside:
            edges = [0, *inside, len(token)]
            cuts.append((token, [token.text[a:b] for a, b in itertools.pairwise(edges)]))
    with doc.retokenize() as retokenizer:
        for token, orths in cuts:
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))
    return doc


def _span(doc: Doc, offsets: tuple[int, int] | None, label: str) -> Span | None:
    if offsets is None:
        return None
    return doc.char_span(*offsets, label=label, alignment_mode="expand")


def _set_fields(span: Span, fact: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        setattr(span._, name, fact.get(name))
    span._.fact = fact


def add_spans(doc: Doc, quantities: list[dict], officials: list[dict], mapping=None) -> Doc:
    """Put facts (FACTS.md dicts with offsets into the normalized text; ``mapping`` takes
    them onto the Doc's text) in the Doc's span groups."""
    where = {id(f): _doc_offsets(f["start"], f["end"], mapping) for f in [*quantities, *officials]}
    split_at(doc, {edge for offsets in where.values() if offsets for edge in offsets})
    found = []
    for fact in quantities:
        span = _span(doc, where[id(fact)], fact["category"])
        if span is not None:
            _set_fields(span, fact, QUANTITY_FIELDS)
            found.append(span)
    people = []
    for person in officials:
        span = _span(doc, where[id(person)], "official")
        if span is not None:
            _set_fields(span, person, OFFICIAL_FIELDS)
            people.append(span)
    doc.spans[QUANTITIES_KEY] = found
    doc.spans[OFFICIALS_KEY] = people
    return doc


class PartyFacts:
    """The component: the extractor over ``doc.text`` (``doc._.published``, a date or a
    partial ``2019-07``, gives the article's date when the text has none)."""

    def __init__(self, nlp: Language, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        published = pipeline.parse_published(doc._.published)
        result = extractor.extract(
            doc.text,
            published=published if isinstance(published, date) else None,
            year=int(published[:4]) if isinstance(published, str) else None,
        )
        where = f"doc {doc.text[:30]!r}"
        quantities = [
            q.model_dump(mode="json")
            for q in pipeline.validated(QuantityFact, result.quantities, where)
        ]
        people = [
            o.model_dump(mode="json") for o in pipeline.validated(Official, result.officials, where)
        ]
        mapping = None if result.text == doc.text else offset_map(doc.text)
        return add_spans(doc, quantities, people, mapping)


@Language.factory("partyfacts")
def make_component(nlp: Language, name: str) -> PartyFacts:
    return PartyFacts(nlp, name)


def label(fact: sqlite3.Row | dict) -> str:
    """A short label for a stored quantity: category · event · value · year."""
    value = fact["value"]
    value = int(value) if float(value).is_integer() else value
    parts = [fact["category"], fact["event"], f"{value}{'%' if fact['unit'] == 'percent' else ''}"]
    if fact["year"]:
        parts.append(str(fact["year"]))
    if fact["status"] == "target":
        parts.append("target")
    return " · ".join(str(p) for p in parts)


def stored_facts(conn: sqlite3.Connection, article_id: int) -> tuple[list[dict], list[dict]]:
    """An article's stored quantities and officials (titles decoded), in text order;
    ``conn`` returns ``sqlite3.Row``s."""
    quantities = [dict(r) for r in conn.execute(
        "SELECT * FROM quantities WHERE article_id = ? ORDER BY start", (article_id,))]  # fmt: skip
    officials = [dict(r) for r in conn.execute(
        "SELECT * FROM officials WHERE article_id = ? ORDER BY start", (article_id,))]  # fmt: skip
    for person in officials:
        person["titles"] = json.loads(person["titles"])
    return quantities, officials


def doc_from_store(nlp: Language, conn: sqlite3.Connection, article: sqlite3.Row) -> Doc:
    """A stored article as a Doc with its stored facts as spans (offsets point into the
    stored text, which is normalized): quantities, officials, and both under ``sc``."""
    conn.row_factory = sqlite3.Row
    doc = nlp.make_doc(article["text"])
    quantities, officials = stored_facts(conn, article["id"])
    add_spans(doc, quantities, officials)
    doc.spans[TRAINING_KEY] = list(doc.spans[QUANTITIES_KEY]) + list(doc.spans[OFFICIALS_KEY])
    doc.user_data["article"] = {
        k: article[k] for k in ("id", "key", "url", "doc", "title", "published")
    }
    return doc
