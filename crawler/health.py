"""The health of a site, judged after every run against the site's own recent runs.

A site that changes its layout still answers 200: the run "succeeds" while it stores pages
with no date, a menu as the body, or finds no article links at all. So every run records
what it saw (listing pages and the article links on them, article pages parsed and the
share with a title, a date, a body over 300 characters, at least one fact, and the share
of the site's own selectors that still find something), and the verdict is:

* ``failing``: the run failed (nothing fetched, or it was interrupted);
* ``degraded``: listings gave no article links, new article pages gave no article, or a
  measure fell far below its median over the site's last healthy runs (``health`` in
  sites.yaml: ``window`` runs, a ``drop`` of 40 %, judged once a run parsed ``min_sample``
  article pages) or to zero;
* ``ok`` otherwise.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass, field
from pathlib import Path

from .. import store
from . import clock

COUNTS = (
    "listing_pages", "listings_failed", "article_links", "new_requested", "rechecked",
    "article_pages", "with_title", "with_date", "with_body", "stored", "with_facts",
    "relevant", "irrelevant", "selector_hits", "selector_tries",
)  # fmt: skip
# share name -> (numerator, denominator, label)
SHARES = {
    "title": ("with_title", "article_pages", "pages with a title"),
    "date": ("with_date", "article_pages", "pages with a date"),
    "body": ("with_body", "article_pages", "pages with a body over 300 characters"),
    "facts": ("with_facts", "stored", "stored articles with a fact"),
    "selectors": ("selector_hits", "selector_tries", "selector hit rate"),
}
DEFAULTS = {"window": 5, "drop": 0.4, "min_sample": 5}


@dataclass
class Verdict:
    health: str
    reasons: list[str] = field(default_factory=list)


def shares(counts: dict[str, int], min_sample: int = 1) -> dict[str, float | None]:
    """Each share, None where the run saw too few pages to judge it."""
    out: dict[str, float | None] = {}
    for name, (part, whole, _label) in SHARES.items():
        total = counts.get(whole, 0)
        out[name] = counts.get(part, 0) / total if total >= min_sample and total else None
    pages = counts.get("listing_pages", 0)
    out["links_per_listing"] = counts.get("article_links", 0) / pages if pages else None
    return out


def judge(
    counts: dict[str, int], run_status: str, history: list[dict[str, int]], settings: dict
) -> Verdict:
    """The verdict on one run; ``history``: the counts of the site's recent healthy runs,
    newest first."""
    settings = {**DEFAULTS, **settings}
    window, drop, sample = int(settings["window"]), settings["drop"], int(settings["min_sample"])
    if run_status == "failed":
        return Verdict("failing", ["the run failed"])
    reasons = []
    if counts.get("listings_failed") and not counts.get("listing_pages"):
        reasons.append("every listing page failed")
    if counts.get("listing_pages") and not counts.get("article_links"):
        reasons.append(f"no article links on {counts['listing_pages']} listing page(s)")
    parsed = counts.get("article_pages", 0)
    kept = counts.get("stored", 0) + counts.get("irrelevant", 0)
    if counts.get("new_requested", 0) >= sample and parsed and not kept:
        reasons.append(f"{parsed} article page(s) parsed, none an article")
    now = shares(counts, sample)
    past = [shares(h, sample) for h in history[:window]]
    labels = {name: label for name, (_p, _w, label) in SHARES.items()}
    labels["links_per_listing"] = "article links per listing page"
    for name, value in now.items():
        if value is None:
            continue
        usual = [p[name] for p in past if p[name] is not None]
        if not usual:
            continue
        median = statistics.median(usual)
        if median > 0 and (value == 0 or value < median * (1 - drop)):
            reasons.append(f"{labels[name]} {_show(name, value)} (usual {_show(name, median)})")
    return Verdict("degraded" if reasons else "ok", reasons)


def _show(name: str, value: float) -> str:
    return f"{value:.1f}" if name == "links_per_listing" else f"{value:.0%}"


def history(db, site: str, before_run: int, limit: int) -> list[dict[str, int]]:
    """The counts of the site's last healthy runs before ``before_run``, newest first."""
    columns = ", ".join(COUNTS)
    rows = db.execute(
        f"SELECT {columns} FROM crawl_health WHERE site = ? AND run_id < ? AND health = 'ok' "
        "ORDER BY run_id DESC LIMIT ?",
        (site, before_run, limit),
    ).fetchall()
    return [dict(zip(COUNTS, row, strict=True)) for row in rows]


def record(db, run_id: int, site: str, counts: dict[str, int], verdict: Verdict) -> None:
    values = {name: int(counts.get(name, 0)) for name in COUNTS}
    names = ", ".join(["run_id", "site", "health", "reasons", *values])
    marks = ", ".join("?" for _ in range(4 + len(values)))
    row = (run_id, site, verdict.health, json.dumps(verdict.reasons, ensure_ascii=False),
           *values.values())  # fmt: skip
    store.retrying(
        db,
        lambda: db.execute(f"INSERT OR REPLACE INTO crawl_health ({names}) VALUES ({marks})", row),
    )


def assess(db, run_id: int, site, counts: dict[str, int], run_status: str) -> Verdict:
    """Judge a finished run against the site's history and record the verdict."""
    settings = {**DEFAULTS, **site.health}
    past = history(db, site.key, run_id, int(settings["window"]))
    verdict = judge(counts, run_status, past, settings)
    record(db, run_id, site.key, counts, verdict)
    return verdict


def log_line(path: Path, entry: dict) -> None:
    """Append one JSON line to the run log (one line per site per run; append-only, so no
    rotation is needed for years of nightly runs of a few dozen sites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"time": clock.stamp(), **entry}, ensure_ascii=False, sort_keys=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def run_log_path(db_path: str | Path) -> Path:
    """``logs/crawl.jsonl`` beside the database (data/logs/crawl.jsonl by default)."""
    return Path(db_path).resolve().parent / "logs" / "crawl.jsonl"
