"""The store worker of a distributed crawl: the single writer of the SQLite database.

``partyfacts store-worker --redis redis://HOST:6379/0 --db data/partyfacts.db`` takes the
messages the crawl workers push (crawler/distributed.py) and does with them what a local
crawl's store pipeline does (crawler/pipelines.py: the same ``store_page``, one transaction
per article, relevance and facts). A message is moved (``BLMOVE``) into a processing list
while it is handled and removed from there only after its transaction committed; a store
worker that starts puts whatever a killed one was holding back in the queue. Handling a
message twice is harmless (an article stored again with the same text is ``unchanged``,
pages are remembered by upsert), so nothing is lost and nothing is stored twice.

It also answers each round's start (the run's crawl_runs row; the pages the database knows,
for the incremental re-crawl policy) and closes the run at the round's end (counts from
every worker, health verdict, the run log line). One store worker per Redis: a lock key,
refreshed while it runs, keeps a second one out (a killed one's lock is taken over at once
on the same host, else when it expires).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time
from collections import Counter
from datetime import date
from pathlib import Path

import redis

from .. import store
from . import distributed, extensions, pipelines, registry, state
from .distributed import ACTIVE, CONTROL, DEAD, ITEMS, PROCESSING, STORE_LOCK

log = logging.getLogger(__name__)
LOCK_TTL = 30.0


class AlreadyRunning(RuntimeError):
    """Another store worker holds this Redis."""


class StoreWorker:
    def __init__(self, redis_url: str, db_path: str | Path, lock_timeout: float = 60.0) -> None:
        self.server = redis.Redis.from_url(redis_url)
        self.db_path = str(db_path)
        self.lock_timeout = lock_timeout
        self.me = f"{socket.gethostname()} {os.getpid()}"
        self.db = None
        self.stopping = False
        self.done: Counter[str] = Counter()  # messages handled, by kind and outcome
        self.started = time.monotonic()
        self.busy = 0.0  # seconds spent on messages (the rest waiting for them)

    # -- the lock ---------------------------------------------------------------------------
    def acquire(self) -> None:
        ttl = int(LOCK_TTL * 1000)
        if self.server.set(STORE_LOCK, self.me, px=ttl, nx=True):
            return
        holder = (self.server.get(STORE_LOCK) or b"").decode()
        host, _, pid = holder.partition(" ")
        if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
            log.warning("store worker %s is gone; taking over", holder)
            self.server.set(STORE_LOCK, self.me, px=ttl)
            return
        raise AlreadyRunning(f"a store worker is already running on this Redis ({holder})")

    def refresh(self) -> None:
        if (self.server.get(STORE_LOCK) or b"").decode() != self.me:
            raise AlreadyRunning("the store worker lock was taken by another process")
        self.server.pexpire(STORE_LOCK, int(LOCK_TTL * 1000))

    def release(self) -> None:
        if (self.server.get(STORE_LOCK) or b"").decode() == self.me:
            self.server.delete(STORE_LOCK)

    # -- the loop ---------------------------------------------------------------------------
    def recover(self) -> int:
        """What a killed store worker was holding goes back to the head of the queue."""
        moved = 0
        while self.server.lmove(PROCESSING, ITEMS, "RIGHT", "RIGHT") is not None:
            moved += 1
        if moved:
            log.warning("%d message(s) a stopped store worker held are back in the queue", moved)
        return moved

    def idle(self) -> bool:
        """Nothing queued and no round still open."""
        pipe = self.server.pipeline()
        pipe.llen(ITEMS).llen(CONTROL).llen(PROCESSING).scard(ACTIVE)
        return not any(pipe.execute())

    def next_message(self, timeout: float) -> bytes | None:
        raw = self.server.lmove(CONTROL, PROCESSING, "RIGHT", "LEFT")
        if raw is None:
            raw = self.server.blmove(ITEMS, PROCESSING, timeout, "RIGHT", "LEFT")
        return raw

    def run(self, until_done: bool = False, poll: float = 1.0) -> int:
        """Serve until stopped (SIGTERM/SIGINT finish the message in hand), or with
        ``until_done`` until nothing is queued and no round is open. Returns an exit code."""
        try:
            self.acquire()
        except AlreadyRunning as error:
            log.error("%s", error)
            return 75
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._stop)
        self.db = store.connect(self.db_path, self.lock_timeout)
        self.recover()
        log.info("store worker %s: writing to %s", self.me, self.db_path)
        last_report = time.monotonic()
        try:
            while not self.stopping:
                self.refresh()
                raw = self.next_message(poll)
                if raw is None:
                    if until_done and self.idle():
                        break
                    continue
                began = time.monotonic()
                self.handle(raw)
                self.server.lrem(PROCESSING, 1, raw)  # acknowledged: committed
                self.busy += time.monotonic() - began
                if time.monotonic() - last_report > 30:
                    log.info("store worker: %s", self.summary())
                    last_report = time.monotonic()
        finally:
            self.db.conn.close()
            self.release()
        log.info("store worker: %s", self.summary())
        return 0

    def _stop(self, *_args) -> None:
        self.stopping = True

    def summary(self) -> str:
        elapsed = time.monotonic() - self.started
        parts = ", ".join(f"{n} {k}" for k, n in sorted(self.done.items()))
        return f"{parts or 'nothing yet'} in {elapsed:.0f} s (busy {self.busy:.1f} s)"

    # -- messages ---------------------------------------------------------------------------
    def handle(self, raw: bytes) -> None:
        try:
            message = distributed.decode(raw)
            kind, site_key = message["kind"], message["site"]
            site = registry.site(site_key)
        except (ValueError, KeyError, TypeError) as error:
            log.error("unreadable message kept in %s: %s", DEAD, error)
            self.server.lpush(DEAD, raw)
            self.done["unreadable"] += 1
            return
        handler = {
            "round_start": self.round_start,
            "round_end": self.round_end,
            "page": self.page,
            "checked": self.checked,
            "gone": self.gone,
        }.get(kind)
        if handler is None:
            log.error("unknown message kind %r kept in %s", kind, DEAD)
            self.server.lpush(DEAD, raw)
            return
        handler(site, message)
        self.done[kind] += 1

    def count(self, site: str, round_id, counts: dict[str, int]) -> None:
        if not counts:
            return
        pipe = self.server.pipeline()
        target = distributed.round_key(site, "stats", round_id)
        for name, value in counts.items():
            pipe.hincrby(target, name, value)
        pipe.execute()

    def page(self, site, message: dict) -> None:
        item = {**message["item"], "body": message["body"]}
        since = date.fromisoformat(message["since"]) if message.get("since") else None
        counts: Counter[str] = Counter()

        def count(name: str, value: int = 1) -> None:
            counts[name] += value

        try:
            outcome = pipelines.store_page(self.db, item, site, since)
        except Exception as error:  # a bad page or a database error: counted, like locally
            pipelines.count_failure(count, item["url"], error)
        else:
            pipelines.count_outcome(count, item["url"], outcome)
            self.done[f"page {outcome.status}"] += 1
        self.count(site.key, message["round"], counts)

    def checked(self, site, message: dict) -> None:
        state.mark_checked(self.db, site.key, message["url"])
        self.count(site.key, message["round"], {"articles_unchanged": 1})

    def gone(self, site, message: dict) -> None:
        state.remember_page(self.db, site.key, message["url"], "gone", message["reason"])

    def round_start(self, site, message: dict) -> None:
        """Open the run and send the workers what the database knows of the site."""
        round_id = message["round"]
        run_key = distributed.round_key(site.key, "run", round_id)
        run_id = self.server.get(run_key)
        if run_id is None:  # (a message handled again after a restart keeps its run)
            run_id = state.start_run(self.db, site.key)
            self.server.set(run_key, run_id)
        known = state.known(self.db, site.key)
        target = distributed.round_key(site.key, "known", round_id)
        self.server.delete(target)
        pages = list(known.pages.items())
        for start in range(0, len(pages), 1000):
            chunk = {
                url: distributed.known_to_json(page) for url, page in pages[start : start + 1000]
            }
            self.server.hset(target, mapping=chunk)
        round_hash = distributed.key(site.key, "round")
        if (self.server.hget(round_hash, "id") or b"").decode() == str(round_id):
            self.server.hset(round_hash, mapping={
                "known_ready": 1, "previous_complete": int(known.previous_run_complete),
                "run_id": int(run_id),
            })  # fmt: skip
        log.info("%s: round %s is run %s; %d pages known sent to the workers", site.key,
                 round_id, int(run_id), len(pages))  # fmt: skip

    def round_end(self, site, message: dict) -> None:
        """Every worker is done: close the run with the round's counters."""
        round_id = message["round"]
        run_key = distributed.round_key(site.key, "run", round_id)
        stats_key = distributed.round_key(site.key, "stats", round_id)
        run_id = self.server.get(run_key)
        if run_id is not None:
            row = self.db.execute(
                "SELECT status FROM crawl_runs WHERE id = ?", (int(run_id),)
            ).fetchone()
            if row and row[0] == "running":
                counters = {k.decode(): int(v) for k, v in self.server.hgetall(stats_key).items()}
                status, verdict = extensions.finish(
                    self.db, self.db_path, site, int(run_id), counters, finished=True
                )
                log.info("%s: run %s %s, health %s", site.key, int(run_id), status, verdict.health)
                self.done[f"run {status}"] += 1
        self.server.delete(run_key, stats_key)
        self.server.srem(ACTIVE, site.key)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
