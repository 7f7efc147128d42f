"""An article with every extracted fact highlighted and labelled, as one HTML page, so a
researcher can check the extraction by eye: spaCy's displaCy span visualizer over the
stored text and the stored facts (no re-extraction), one block per paragraph, then the
facts in tables."""

from __future__ import annotations

import hashlib
import html
import sqlite3
import warnings
from pathlib import Path

COLOURS = {
    "party_member": "#fde68a", "base_party_org": "#bfdbfe", "base_party_committee": "#a5b4fc",
    "base_party_cell": "#c7d2fe", "subordinate_party_cell": "#ddd6fe", "party_committee": "#93c5fd",
    "party_cell": "#e9d5ff", "party_org": "#bae6fd", "village_without_members": "#fecaca",
    "village_without_cell": "#fed7aa", "party_badge": "#fbcfe8", "delegate": "#d9f99d",
    "inspection": "#a7f3d0", "supervision": "#99f6e4", "trainee": "#fef08a", "other": "#e5e7eb",
    "official": "#f5d0fe",
}  # fmt: skip


def _file_key(path: Path) -> str | None:
    """The key a file's article is stored under (the hash of its text as stored), so that a
    file is found however its path is written, from wherever."""
    from . import pipeline
    from .extract import normalize

    try:
        if pipeline.is_html(path):
            text = pipeline.page_text(pipeline.read_page(path))
        else:
            text = pipeline.read_text(path)
    except pipeline.InputError:
        return None
    return "sha256:" + hashlib.sha256(normalize.text(text).encode("utf-8")).hexdigest()


def find_article(conn: sqlite3.Connection, ref: str) -> sqlite3.Row | None:
    """By id, URL, canonical URL, key, or input path (matched by the file itself: its
    resolved path or its text, not the exact string given at extract time)."""
    conn.row_factory = sqlite3.Row
    if ref.isdigit():
        return conn.execute("SELECT * FROM articles WHERE id = ?", (int(ref),)).fetchone()
    refs = [ref]
    path = Path(ref)
    if path.is_file():
        refs.append(str(path.resolve()))
        refs += [key for key in [_file_key(path)] if key]
    for candidate in refs:
        row = conn.execute(
            "SELECT * FROM articles WHERE ? IN (url, canonical_url, key, doc) ORDER BY id LIMIT 1",
            (candidate,),
        ).fetchone()
        if row is not None:
            return row
    return None


def source_link(article: sqlite3.Row, ref: str | None = None) -> str | None:
    """Where the article can be opened: its URL, or its file as a file:// link (the file
    given on the command line, else the stored path if it resolves from here)."""
    if article["url"]:
        return article["url"]
    for candidate in (ref, article["doc"]):
        if candidate and not candidate.isdigit() and Path(candidate).is_file():
            return Path(candidate).resolve().as_uri()
    return None


def _shifted(fact: dict, by: int) -> dict:
    return {**fact, "start": fact["start"] - by, "end": fact["end"] - by}


def _paragraph_docs(nlp, article: sqlite3.Row, quantities: list, people: list) -> list:
    """One Doc per paragraph of the stored text, with the facts that fall in it."""
    from . import spacy_component

    text = article["text"]
    docs, start = [], 0
    for chunk in text.split("\n"):
        end = start + len(chunk)
        if chunk.strip():
            doc = nlp.make_doc(chunk)
            spacy_component.add_spans(
                doc,
                [{**_shifted(q, start), "category": spacy_component.label(q)}
                 for q in quantities if start <= q["start"] and q["end"] <= end],
                [_shifted(o, start) for o in people if start <= o["start"] and o["end"] <= end],
            )  # fmt: skip
            doc.spans["shown"] = list(doc.spans["party_facts"]) + [
                doc.char_span(s.start_char, s.end_char, label=f"official: {s._.name}")
                for s in doc.spans["officials"]
            ]
            docs.append(doc)
        start = end + 1
    return docs


def render(conn: sqlite3.Connection, article: sqlite3.Row, link: str | None = None) -> str:
    from spacy import displacy

    from . import spacy_component

    quantities, people = spacy_component.stored_facts(conn, article["id"])
    docs = _paragraph_docs(spacy_component.blank(), article, quantities, people)
    colours = {spacy_component.label(q): COLOURS.get(q["category"], "#eee") for q in quantities}
    colours.update({f"official: {o['name']}": COLOURS["official"] for o in people})
    with warnings.catch_warnings():  # a paragraph without facts is no news (W117)
        warnings.filterwarnings("ignore", message=r"\[W117\]")
        body = displacy.render(docs, style="span", page=False,
                               options={"spans_key": "shown", "colors": colours}) if docs else ""  # fmt: skip
    rows = "".join(
        f"<tr><td>{html.escape(spacy_component.label(q))}</td><td>{html.escape(q['text'])}</td><td>{q['start']}–{q['end']}</td>"
        f"<td>{html.escape(q['rules_version'])}</td></tr>"
        for q in quantities
    )
    people_rows = "".join(
        f"<tr><td>{html.escape(o['name'])}</td><td>{html.escape('; '.join(o['titles']))}</td>"
        f"<td>{o['start']}–{o['end']}</td></tr>"
        for o in people
    )
    source = article["url"] or article["doc"] or article["key"]
    link = link or article["url"]
    anchor = (
        f'<a href="{html.escape(link)}">{html.escape(source)}</a>' if link else html.escape(source)
    )
    return f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(article["title"] or source)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; line-height: 1.9; }}
.spans {{ margin-bottom: 1em; }}
.spans span[style*="z-index: 10"] {{ white-space: nowrap; }}
table {{ border-collapse: collapse; font-size: 0.9em; line-height: 1.4; }}
td, th {{ border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; }}
.meta {{ color: #555; }}
</style></head><body>
<h1>{html.escape(article["title"] or "")}</h1>
<p class="meta">Published {html.escape(article["published"] or "unknown")} · {html.escape(article["province"] or "province unknown")}
 · {anchor} · rules {html.escape(article["rules_version"])}</p>
<article class="displacy">{body}</article>
<h2>Quantities ({len(quantities)})</h2>
<table><tr><th>fact</th><th>text</th><th>offsets</th><th>rules</th></tr>{rows}</table>
<h2>Officials ({len(people)})</h2>
<table><tr><th>name</th><th>titles</th><th>offsets</th></tr>{people_rows}</table>
</body></html>
"""
