"""An article with every extracted fact highlighted and labelled, as one HTML page, so a
researcher can check the extraction by eye (in the manner of spaCy's displaCy)."""

from __future__ import annotations

import hashlib
import html
import json
import sqlite3
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


def _label(q: sqlite3.Row) -> str:
    value = int(q["value"]) if float(q["value"]).is_integer() else q["value"]
    parts = [q["category"], q["event"], f"{value}{'%' if q['unit'] == 'percent' else ''}"]
    if q["year"]:
        parts.append(str(q["year"]))
    if q["status"] == "target":
        parts.append("target")
    return " · ".join(str(p) for p in parts)


def render(conn: sqlite3.Connection, article: sqlite3.Row, link: str | None = None) -> str:
    text = article["text"]
    quantities = conn.execute(
        "SELECT * FROM quantities WHERE article_id = ? ORDER BY start", (article["id"],)
    ).fetchall()
    people = conn.execute(
        "SELECT * FROM officials WHERE article_id = ? ORDER BY start", (article["id"],)
    ).fetchall()
    spans = [(q["start"], q["end"], q["category"], _label(q)) for q in quantities]
    spans += [
        (o["start"], o["end"], "official", f"{o['name']}: {'; '.join(json.loads(o['titles']))}")
        for o in people
    ]
    spans.sort(key=lambda s: (s[0], -s[1]))
    pieces, cursor = [], 0
    for start, end, kind, label in spans:
        if start < cursor:
            continue  # overlaps a span already drawn; it is still in the table below
        pieces.append(html.escape(text[cursor:start]))
        pieces.append(
            f'<mark class="fact" style="background:{COLOURS.get(kind, "#eee")}" title="{html.escape(label)}">'
            f'{html.escape(text[start:end])}<span class="label">{html.escape(label)}</span></mark>'
        )
        cursor = end
    pieces.append(html.escape(text[cursor:]))
    body = "".join(pieces).replace("\n", "<br>\n")
    rows = "".join(
        f"<tr><td>{html.escape(_label(q))}</td><td>{html.escape(q['text'])}</td><td>{q['start']}–{q['end']}</td>"
        f"<td>{html.escape(q['rules_version'])}</td></tr>"
        for q in quantities
    )
    people_rows = "".join(
        f"<tr><td>{html.escape(o['name'])}</td><td>{html.escape('; '.join(json.loads(o['titles'])))}</td>"
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
mark.fact {{ padding: 0.1em 0.3em; border-radius: 0.3em; }}
mark.fact .label {{ font-size: 0.65em; font-weight: bold; margin-left: 0.4em; text-transform: uppercase; opacity: 0.75; }}
table {{ border-collapse: collapse; font-size: 0.9em; line-height: 1.4; }}
td, th {{ border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; }}
.meta {{ color: #555; }}
</style></head><body>
<h1>{html.escape(article["title"] or "")}</h1>
<p class="meta">Published {html.escape(article["published"] or "unknown")} · {html.escape(article["province"] or "province unknown")}
 · {anchor} · rules {html.escape(article["rules_version"])}</p>
<article>{body}</article>
<h2>Quantities ({len(quantities)})</h2>
<table><tr><th>fact</th><th>text</th><th>offsets</th><th>rules</th></tr>{rows}</table>
<h2>Officials ({len(people)})</h2>
<table><tr><th>name</th><th>titles</th><th>offsets</th></tr>{people_rows}</table>
</body></html>
"""
