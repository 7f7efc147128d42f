"""Re-extraction: the current rules over stored articles, without re-crawling.

Extraction runs in worker processes (one per core by default); the parent is the only
writer, replacing each article's facts in batched transactions. The report says what
changed against the rules version that produced the previous facts: facts added, removed
and changed, by category.
"""

from __future__ import annotations

import contextlib
import json
import logging
import multiprocessing
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import pipeline, processes, store
from .extract import extractor
from .extract.ruleset import version as rules_version
from .schemas import Official, QuantityFact

log = logging.getLogger(__name__)
COMPARED = ("value", "unit", "category", "event", "rating", "status", "approx", "year", "period_start",
            "as_of", "subject")  # fmt: skip
BATCH = 100


@dataclass
class Report:
    articles: int = 0
    changed_articles: int = 0
    seconds: float = 0.0
    workers: int = 1
    previous_versions: Counter = field(default_factory=Counter)
    version: str = ""
    by_category: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    officials: Counter = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.articles / self.seconds if self.seconds else 0.0


def _site_provinces() -> dict[str, str | None]:
    try:
        from .crawler import registry

        return {key: site.province for key, site in registry.sites().items()}
    except Exception:  # the crawler is optional for re-extraction
        return {}


def _extract(job: tuple) -> tuple:
    """In a worker: (article id, text, title, published, site province) -> new facts."""
    article_id, text, title, published, site_province = job
    day = date.fromisoformat(published) if published else None
    result = pipeline.extract_facts(text, published=day, title=title, province=site_province)
    # validated here, in the worker, in parallel; a bad field is dropped and logged
    where = f"article {article_id}"
    quantities = [
        q.model_dump(mode="json")
        for q in pipeline.validated(QuantityFact, result.quantities, where)
    ]
    people = [
        o.model_dump(mode="json")
        for o in pipeline.validated(
            Official, [pipeline.official_fields(o) for o in result.officials], where
        )
    ]
    return article_id, quantities, people, result.province, result.province_current


def _jobs(db, since: date | None) -> list[tuple]:
    provinces_by_site = _site_provinces()
    sql = "SELECT id, text, title, published, site FROM articles"
    params: tuple = ()
    if since:
        sql += " WHERE published >= ?"
        params = (since.isoformat(),)
    return [
        (r[0], r[1], r[2], r[3], provinces_by_site.get(r[4]) if r[4] else None)
        for r in db.execute(sql + " ORDER BY id", params)
    ]


def _diff(report: Report, old: list[dict], new: list[dict]) -> bool:
    before = {(q["start"], q["end"]): q for q in old}
    after = {(q["start"], q["end"]): q for q in new}
    changed = False
    for key in before.keys() | after.keys():
        if key not in after:
            report.by_category[before[key]["category"]]["removed"] += 1
        elif key not in before:
            report.by_category[after[key]["category"]]["added"] += 1
        elif any(before[key].get(c) != after[key].get(c) for c in COMPARED):
            report.by_category[after[key]["category"]]["changed"] += 1
        else:
            report.by_category[after[key]["category"]]["same"] += 1
            continue
        changed = True
    return changed


def _diff_people(report: Report, old: dict[str, list], new: dict[str, list]) -> bool:
    changed = False
    for key in old.keys() | new.keys():
        if key not in new:
            report.officials["removed"] += 1
        elif key not in old:
            report.officials["added"] += 1
        elif sorted(old[key]) != sorted(new[key]):
            report.officials["changed"] += 1
        else:
            report.officials["same"] += 1
            continue
        changed = True
    return changed


def _old_facts(db, article_id: int) -> tuple[list[dict], dict[str, list], str | None]:
    columns = ", ".join(f'"{c}"' for c in (*COMPARED, "start", "end", "rules_version"))
    rows = db.execute(f"SELECT {columns} FROM quantities WHERE article_id = ?", (article_id,))
    names = [*COMPARED, "start", "end", "rules_version"]
    old = [dict(zip(names, r, strict=True)) for r in rows]
    for q in old:
        q["value"] = float(q["value"])
    people = {r[0]: json.loads(r[1]) for r in db.execute(
        "SELECT name_key, titles FROM officials WHERE article_id = ?", (article_id,))}  # fmt: skip
    version = db.execute(
        "SELECT rules_version FROM articles WHERE id = ?", (article_id,)
    ).fetchone()[0]
    return old, people, version


def _write(
    db,
    article_id: int,
    quantities: list[dict],
    people: list[dict],
    province,
    province_current,
    version,
):
    db.execute("DELETE FROM quantities WHERE article_id = ?", (article_id,))
    db.execute("DELETE FROM officials WHERE article_id = ?", (article_id,))
    db.execute(
        "UPDATE articles SET province = ?, province_current = ?, rules_version = ?, updated_at = datetime('now') "
        "WHERE id = ?",
        (province, province_current, version, article_id),
    )
    store.insert_facts(db, article_id, quantities, people, province, version)


def _results(jobs: list[tuple], workers: int) -> Iterator[tuple]:
    if workers <= 1:
        yield from map(_extract, jobs)
        return
    # fork: the workers start with the rules and models the parent has already loaded; each
    # dies with the parent, even a SIGKILLed one
    context = multiprocessing.get_context("fork")
    with context.Pool(workers, initializer=processes.die_with_parent) as pool:
        yield from pool.imap(_extract, jobs, chunksize=16)


def reextract(
    db,
    *,
    since: date | None = None,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Re-run the current rules over the stored articles (published on or after ``since``)."""
    workers = workers or multiprocessing.cpu_count()
    version = rules_version()
    extractor.extract(
        "Khởi động\n\nĐồng chí Lò Văn Chỉnh, Bí thư Thị ủy kết nạp 80 đảng viên."
    )  # load models before fork
    store.retrying(db, lambda: None)  # the write lock is to be had (else wait, then say so)
    jobs = _jobs(db, since)
    report = Report(workers=workers, version=version)
    started = time.perf_counter()
    pending: list[tuple] = []
    written = [0]

    def flush() -> None:
        def work() -> None:
            for article_id, quantities, people, province, province_current in pending:
                old, old_people, previous = _old_facts(db, article_id)
                report.previous_versions[previous] += 1
                new_people = {p["name"].casefold(): p["titles"] for p in people}
                changed = _diff(
                    report, old, [{**q, "value": float(q["value"])} for q in quantities]
                )
                changed = _diff_people(report, old_people, new_people) or changed
                report.changed_articles += changed
                _write(db, article_id, quantities, people, province, province_current, version)

        try:
            store.retrying(db, work)
        except store.StoreError as error:
            raise store.StoreError(
                error.path, f"{error.problem}; the {written[0]} of {len(jobs)} articles "
                "re-extracted before stay written", error.code,
            ) from None  # fmt: skip
        written[0] += len(pending)
        pending.clear()

    # closing(): on an error (the lock lost to another writer) the workers stop at once;
    # the batches already committed stay
    with contextlib.closing(_results(jobs, workers)) as results:
        for done, result in enumerate(results, 1):
            pending.append(result)
            if len(pending) >= BATCH:
                flush()
            if progress:
                progress(done, len(jobs))
        if pending:
            flush()
    report.articles = len(jobs)
    report.seconds = time.perf_counter() - started
    return report


def summary_rows(report: Report) -> list[dict[str, Any]]:
    rows = []
    for category in sorted(report.by_category):
        c = report.by_category[category]
        rows.append({"facts": category, "added": c["added"], "removed": c["removed"], "changed": c["changed"],
                     "unchanged": c["same"]})  # fmt: skip
    o = report.officials
    rows.append({"facts": "officials", "added": o["added"], "removed": o["removed"], "changed": o["changed"],
                 "unchanged": o["same"]})  # fmt: skip
    return rows
