"""What a crawl knows before it starts and leaves behind when it ends: the articles already
stored (for incremental runs), the crawl_runs record, and the per-site lock that keeps two
runs of one site from overlapping under cron."""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .. import store
from . import clock
from .recheck import KnownPage


class AlreadyRunning(RuntimeError):
    """Another crawl of the same site holds its lock."""


class SiteLock:
    """An exclusive, non-blocking lock file per site beside the database. The kernel
    drops it when the process dies, so a SIGKILLed run never leaves a stale lock."""

    def __init__(self, db_path: Path, site: str) -> None:
        directory = Path(db_path).resolve().parent / "locks"
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{site}.lock"
        self.site = site
        self._handle = None

    def acquire(self) -> None:
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise AlreadyRunning(
                f"a crawl of {self.site!r} is already running ({holder})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%d %H:%M:%S}Z")
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None


@dataclass(frozen=True)
class Known:
    """Pages of a site the database knows: canonical URL -> KnownPage (stored articles,
    skipped, gone and irrelevant pages), and whether the previous run finished."""

    pages: dict[str, KnownPage]
    previous_run_complete: bool


def known(db, site: str) -> Known:
    pages: dict[str, KnownPage] = {}
    for url, etag, modified, published, first_seen, checked_at, updated_at in db.execute(
        "SELECT canonical_url, etag, last_modified, published, first_seen, checked_at, updated_at "
        "FROM articles WHERE site = ? AND canonical_url IS NOT NULL",
        (site,),
    ):
        pages[url] = KnownPage(
            "article", etag, modified, _day(published),
            clock.parse(first_seen), clock.parse(checked_at) or clock.parse(updated_at),
        )  # fmt: skip
    for url, status, etag, modified, published, first_seen, seen_at in db.execute(
        "SELECT url, status, etag, last_modified, published, first_seen, seen_at "
        "FROM crawl_pages WHERE site = ?",
        (site,),
    ):
        if url in pages and status == "skipped":
            continue  # stored since: the article row is what counts
        pages[url] = KnownPage(
            status, etag, modified, _day(published),
            clock.parse(first_seen) or clock.parse(seen_at), clock.parse(seen_at),
        )  # fmt: skip
    last = db.execute(
        "SELECT status FROM crawl_runs WHERE site = ? AND status != 'running' ORDER BY id DESC LIMIT 1",
        (site,),
    ).fetchone()
    return Known(pages, bool(last and last[0] in ("success", "partial")))


def remember_page(
    db,
    site: str,
    url: str,
    status: str,
    reason: str,
    etag: str | None = None,
    last_modified: str | None = None,
    *,
    title: str | None = None,
    published: date | None = None,
    relevance=None,
) -> None:
    """Note a page that was fetched but not stored: skipped (not an article, empty), gone
    (404/410) or irrelevant (not party building: its title, date and relevance are kept,
    not its text). The first time it was seen is kept across updates."""
    now = _now()
    values = (
        site, url, status, reason, etag, last_modified, now, now, title,
        published.isoformat() if published else None,
        relevance.score if relevance else None,
        json.dumps(relevance.terms, ensure_ascii=False) if relevance else None,
    )  # fmt: skip
    store.retrying(
        db,
        lambda: db.execute(
            "INSERT INTO crawl_pages (site, url, status, reason, etag, last_modified, seen_at, "
            "first_seen, title, published, relevance, relevance_terms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, url) DO UPDATE SET "
            "status = excluded.status, reason = excluded.reason, etag = excluded.etag, "
            "last_modified = excluded.last_modified, seen_at = excluded.seen_at, "
            "title = coalesce(excluded.title, title), published = coalesce(excluded.published, published), "
            "relevance = excluded.relevance, relevance_terms = excluded.relevance_terms, "
            "first_seen = coalesce(first_seen, excluded.first_seen)",
            values,
        ),
    )


def mark_checked(db, site: str, url: str) -> None:
    """A revalidation answered 304: the page is as stored; note when it was checked."""

    def work() -> None:
        changed = db.execute(
            "UPDATE articles SET checked_at = ? WHERE key = ?", (_now(), f"url:{url}")
        ).rowcount
        if not changed:
            db.execute(
                "UPDATE crawl_pages SET seen_at = ? WHERE site = ? AND url = ?", (_now(), site, url)
            )

    store.retrying(db, work)


def _now() -> str:
    return clock.stamp()


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def start_run(db, site: str) -> int:
    """Record a new run. Runs of this site still marked running were killed (this process
    holds the site lock now): they are closed as failed."""

    def work() -> int:
        db.execute(
            "UPDATE crawl_runs SET status = 'failed', ended_at = coalesce(ended_at, ?), "
            "errors = json_set(errors, '$.interrupted', 1) WHERE site = ? AND status = 'running'",
            (_now(), site),
        )
        return db.execute(
            "INSERT INTO crawl_runs (site, started_at, status) VALUES (?, ?, 'running')",
            (site, _now()),
        ).lastrowid

    return store.retrying(db, work)


def count_in_run(db, run_id: int | None, outcome: str) -> None:
    """Count a stored article in its run's row; called inside the article's own
    transaction, so a killed run's row says what it stored."""
    if run_id is not None and outcome in ("new", "updated"):
        db.execute(
            f"UPDATE crawl_runs SET articles_{outcome} = articles_{outcome} + 1 WHERE id = ?",
            (run_id,),
        )


def finish_run(
    db, run_id: int, counts: dict[str, int], errors: dict[str, int], finished: bool
) -> str:
    """Close a run with its counts; returns its status: success (nothing failed), partial
    (some pages failed, others were fetched), failed (nothing fetched, or the run broke)."""
    failed = counts.get("articles_failed", 0) + counts.get("listings_failed", 0)
    worked = counts.get("pages_fetched", 0) - failed > 0
    if finished and not failed:
        status = "success"
    elif worked:
        status = "partial"
    else:
        status = "failed"

    def work() -> None:
        db.execute(
            "UPDATE crawl_runs SET ended_at = ?, status = ?, pages_fetched = ?, articles_new = ?, "
            "articles_updated = ?, articles_skipped = ?, articles_failed = ?, errors = ? WHERE id = ?",
            (
                _now(), status, counts.get("pages_fetched", 0), counts.get("articles_new", 0),
                counts.get("articles_updated", 0), counts.get("articles_skipped", 0),
                counts.get("articles_failed", 0), json.dumps(errors, sort_keys=True), run_id,
            ),
        )  # fmt: skip

    store.retrying(db, work)
    return status
