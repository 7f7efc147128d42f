"""The distributed crawl on scrapy-redis: ``partyfacts crawl --redis redis://HOST:6379/0``.

Every worker (on any machine) runs the ordinary site spiders with scrapy-redis' scheduler,
so the request queue and the seen-request fingerprints of a site live in Redis and are
shared by all workers; article pages go to a Redis list that one store worker
(crawler/storeworker.py) writes to SQLite. What this module adds to plain scrapy-redis:

* **A reliable queue.** scrapy-redis pops a request, so a worker killed while the request is
  in flight loses it. Here a pop moves the request (atomically, in a Lua script) into the
  worker's own in-progress set, and it is removed from there only when the engine is done
  with it: its response went through the spider, its new requests were queued and its item
  pushed to Redis. Each worker keeps a heartbeat key alive; a live worker (and every worker
  as it starts) puts the in-progress set of a worker whose heartbeat expired back into the
  queue. A request's fingerprint and its place in the queue are written in one script, so a
  kill between the two cannot leave a request seen but never queued.
* **Rounds.** A round is one crawl of a site by any number of workers: the first worker
  creates it (its options — since, full, recheck — hold for all), the store worker answers
  with the pages the database knows (so the incremental re-crawl policy works with workers
  that have no database), and the round ends when the queue and every in-progress set are
  empty and every worker of the round has said so: the last one pushes the round's end to
  the store worker, which records the run (crawl_runs, health, run log), and clears the
  round's fingerprints, so the next round revalidates what is due.
* **Politeness per site, not per process**: the download handler takes a per-host token in
  Redis right before every request and lets it expire the site's delay after the answer,
  so all workers together ask a host one request at a time, a delay apart.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import secrets
import socket
import zlib
from datetime import date
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Request
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler as RedisScheduler
from twisted.internet import task, threads

from . import clock
from .recheck import KnownPage

log = logging.getLogger(__name__)

PREFIX = "partyfacts"
ITEMS = f"{PREFIX}:items"  # pages, 304s and gone pages for the store worker; round ends
PROCESSING = f"{PREFIX}:items:processing"  # what the store worker holds, until committed
CONTROL = f"{PREFIX}:control"  # round starts: answered before any backlog of items
DEAD = f"{PREFIX}:items:dead"  # messages the store worker could not read (kept, logged)
ACTIVE = f"{PREFIX}:rounds"  # sites with a round the store worker has not closed yet
STORE_LOCK = f"{PREFIX}:store-worker"
HEARTBEAT = 30.0  # seconds before a silent worker's requests go back to the queue
WORKER_ID = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def key(site: str, name: str) -> str:
    return f"{PREFIX}:{site}:{name}"


def round_key(site: str, name: str, round_id: int | str) -> str:
    return f"{PREFIX}:{site}:{name}:{round_id}"


def encode(message: dict) -> bytes:
    """A message for the store worker: JSON, a page's bytes compressed (base64)."""
    if isinstance(message.get("body"), bytes):
        message = {**message, "body": base64.b64encode(zlib.compress(message["body"])).decode()}
    return json.dumps(message, ensure_ascii=False).encode()


def decode(raw: bytes) -> dict:
    message = json.loads(raw)
    if isinstance(message.get("body"), str):
        message["body"] = zlib.decompress(base64.b64decode(message["body"]))
    return message


def known_to_json(page: KnownPage) -> str:
    return json.dumps([
        page.status, page.etag, page.last_modified,
        page.published.isoformat() if page.published else None,
        clock.stamp(page.first_seen) if page.first_seen else None,
        clock.stamp(page.checked_at) if page.checked_at else None,
    ])  # fmt: skip


def known_from_json(value: bytes | str) -> KnownPage:
    status, etag, modified, published, first_seen, checked = json.loads(value)
    return KnownPage(
        status, etag, modified, date.fromisoformat(published) if published else None,
        clock.parse(first_seen), clock.parse(checked),
    )  # fmt: skip


# -- Lua: each step that must not be split by a kill --------------------------------------
# KEYS: dupefilter, queue; ARGV: fingerprint ('' = don't filter), score, request
ENQUEUE = """
if ARGV[1] ~= '' and redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
# KEYS: a host's politeness token; ARGV: this request's token, delay (ms)
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
"""
# KEYS: queue, in-progress
POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
redis.call('ZADD', KEYS[2], r[2], r[1])
return r[1]
"""
# KEYS: queue, in-progress, workers, done, heartbeat; ARGV: worker, only if dead, leave
REQUEUE = """
if ARGV[2] == '1' and redis.call('EXISTS', KEYS[5]) == 1 then return -1 end
local items = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #items, 2 do redis.call('ZADD', KEYS[1], items[i + 1], items[i]) end
redis.call('DEL', KEYS[2])
if ARGV[3] == '1' then
  redis.call('SREM', KEYS[3], ARGV[1])
  redis.call('SREM', KEYS[4], ARGV[1])
end
return #items / 2
"""
# KEYS: round, counter, workers, control, active; ARGV: worker, site, since, full, recheck, now
JOIN = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  local id = redis.call('INCR', KEYS[2])
  redis.call('HSET', KEYS[1], 'id', id, 'since', ARGV[3], 'full', ARGV[4], 'recheck', ARGV[5],
             'started', ARGV[6])
  redis.call('SADD', KEYS[5], ARGV[2])
  redis.call('LPUSH', KEYS[4], cjson.encode({kind = 'round_start', site = ARGV[2], round = id}))
end
redis.call('SADD', KEYS[3], ARGV[1])
return redis.call('HGETALL', KEYS[1])
"""
# KEYS: round, workers, done, queue, seeded, dupefilter, items, known
# ARGV: worker, site, round id, in-progress key prefix
# 0: work remains; 1: this worker is done, others are not yet; 2: the round is over;
# 3: every worker is done and this call ended the round
DONE = """
if redis.call('HGET', KEYS[1], 'id') ~= ARGV[3] then return 2 end
local workers = redis.call('SMEMBERS', KEYS[2])
local busy = redis.call('EXISTS', KEYS[5]) == 0 or redis.call('ZCARD', KEYS[4]) > 0
for _, w in ipairs(workers) do
  if busy then break end
  busy = redis.call('ZCARD', ARGV[4] .. w) > 0
end
if busy then
  redis.call('SREM', KEYS[3], ARGV[1])
  return 0
end
redis.call('SADD', KEYS[3], ARGV[1])
for _, w in ipairs(workers) do
  if redis.call('SISMEMBER', KEYS[3], w) == 0 then return 1 end
end
redis.call('LPUSH', KEYS[7], cjson.encode({kind = 'round_end', site = ARGV[2],
                                           round = tonumber(ARGV[3])}))
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[8])
return 3
"""


class ReliableQueue(PriorityQueue):
    """scrapy-redis' priority queue whose pop moves the request into this worker's
    in-progress set instead of dropping it."""

    def __init__(self, server, spider, key, serializer=None, in_progress: str = "") -> None:
        super().__init__(server, spider, key, serializer)
        self.in_progress = in_progress
        self._pop = server.register_script(POP)

    def pop(self, timeout: int = 0):
        data = self._pop(keys=[self.key, self.in_progress])
        return (self._decode_request(data), data) if data else (None, None)


class Scheduler(RedisScheduler):
    """scrapy-redis' scheduler with the reliable queue, heartbeats, acknowledgements and
    rounds (see the module's docstring)."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.crawler = crawler
        return instance

    # -- opening: join (or start) the round, wait for the known pages ---------------------
    def open(self, spider):
        self.spider = spider
        self.site = spider.name
        self.worker = WORKER_ID
        self.ttl = self.crawler.settings.getfloat("PARTYFACTS_REDIS_HEARTBEAT", HEARTBEAT)
        self.keys = {
            name: key(self.site, name)
            for name in ("requests", "dupefilter", "round", "rounds", "workers", "done", "seeded")
        }
        self.in_progress_prefix = key(self.site, "inprogress:")
        self.in_progress = self.in_progress_prefix + self.worker
        self.heartbeat_key = key(self.site, f"alive:{self.worker}")
        self.queue = ReliableQueue(
            self.server, spider, self.keys["requests"], self.serializer, self.in_progress
        )
        self.df = RFPDupeFilter(self.server, self.keys["dupefilter"])
        scripts = {"enqueue": ENQUEUE, "requeue": REQUEUE, "join": JOIN, "done": DONE}
        self.scripts = {name: self.server.register_script(text) for name, text in scripts.items()}
        self.inflight: dict[int, tuple[Request, bytes]] = {}
        self.flushed: dict[str, int] = {}
        self.round_id: str | None = None
        self.finished_round = False
        spider.distributed = self
        self._beat()
        self._reap()
        engine = self.crawler.engine
        original = engine._handle_downloader_output

        def handled(result, request):  # the engine is done with a request: acknowledge it
            deferred = original(result, request)
            deferred.addBoth(self._acknowledge, request)
            return deferred

        # the single place every downloaded (or failed) request passes once its response
        # went through the spider and its output (requests, items) was handled
        engine._handle_downloader_output = handled
        self.crawler.signals.connect(self._idle, signal=signals.spider_idle)
        self.heartbeat = task.LoopingCall(self._tick)
        self.heartbeat.start(max(self.ttl / 3, 0.2), now=False)
        return deferred_from_coro(self._join(spider))

    async def _join(self, spider) -> None:
        """Join the site's round (or start one), take its options, and wait for the store
        worker's answer: the pages the database knows and whether the last run finished."""
        waited = 0.0
        while True:
            fields = self.scripts["join"](
                keys=[self.keys["round"], self.keys["rounds"], self.keys["workers"], CONTROL,
                      ACTIVE],
                args=[self.worker, self.site, spider.since.isoformat() if spider.since else "",
                      int(spider.full), int(spider.recheck_all), clock.stamp()],
            )  # fmt: skip
            info = _pairs(fields)
            self.round_id = info["id"]
            while info.get("id") == self.round_id and not info.get("known_ready"):
                if waited % 10 < 0.2:
                    log.info("%s: round %s: waiting for a store worker (`partyfacts "
                             "store-worker`) to send the pages the database knows",
                             self.site, self.round_id)  # fmt: skip
                await maybe_deferred_to_future(_later(0.2, lambda: None))
                waited += 0.2
                info = _pairs(self.server.hgetall(self.keys["round"]))
            if info.get("id") == self.round_id:
                break  # else the round ended meanwhile: join the next one
        since = info.get("since") or None
        spider.since = date.fromisoformat(since) if since else None
        spider.full = info.get("full") == "1"
        spider.recheck_all = info.get("recheck") == "1"
        known = self.server.hgetall(round_key(self.site, "known", self.round_id))
        spider.known = {url.decode(): known_from_json(value) for url, value in known.items()}
        complete = info.get("previous_complete") == "1"
        spider.trust_known = complete and not spider.full
        log.info("%s: worker %s in round %s; %d pages known; previous run %s", self.site,
                 self.worker, self.round_id, len(spider.known),
                 "complete" if complete else "incomplete or none")  # fmt: skip

    def seeded(self) -> bool:
        return bool(self.server.exists(self.keys["seeded"]))

    def mark_seeded(self) -> None:
        self.server.set(self.keys["seeded"], self.worker)

    # -- the queue ------------------------------------------------------------------------
    def enqueue_request(self, request: Request) -> bool:
        fingerprint = "" if request.dont_filter else self.df.request_fingerprint(request)
        added = self.scripts["enqueue"](
            keys=[self.keys["dupefilter"], self.keys["requests"]],
            args=[fingerprint, -request.priority, self.queue._encode_request(request)],
        )
        if not added:
            self.df.log(request, self.spider)
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        request, data = self.queue.pop()
        if request is None:
            return None
        self.inflight[id(request)] = (request, data)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def _acknowledge(self, result, request):
        held = self.inflight.pop(id(request), None)
        if held is not None:
            self.server.zrem(self.in_progress, held[1])
        return result

    # -- liveness -------------------------------------------------------------------------
    def _beat(self) -> None:
        self.server.set(self.heartbeat_key, self.worker, px=int(self.ttl * 1000))

    def _tick(self) -> None:
        try:
            self._beat()
            self._reap()
            self._flush_stats()
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None and len(self.queue):  # requests put back by another worker
                slot.nextcall.schedule()
        except Exception as error:  # Redis away for a moment: the next beat tries again
            log.warning("%s: heartbeat: %s", self.site, error)

    def _requeue(self, worker: str, *, only_if_dead: bool, leave: bool) -> int:
        return self.scripts["requeue"](
            keys=[self.keys["requests"], self.in_progress_prefix + worker, self.keys["workers"],
                  self.keys["done"], key(self.site, f"alive:{worker}")],
            args=[worker, int(only_if_dead), int(leave)],
        )  # fmt: skip

    def _reap(self) -> None:
        """Put the in-progress requests of workers whose heartbeat expired back."""
        for raw in self.server.smembers(self.keys["workers"]):
            worker = raw.decode()
            if worker == self.worker:
                continue
            moved = self._requeue(worker, only_if_dead=True, leave=True)
            if moved >= 0:
                log.warning("%s: worker %s is gone; %d of its requests back in the queue",
                            self.site, worker, moved)  # fmt: skip
                if self.stats:
                    self.stats.inc_value("partyfacts/requeued_from_dead", moved)

    def _flush_stats(self) -> None:
        """Add this worker's counters (since the last flush) to the round's."""
        if self.round_id is None or not self.stats or self.finished_round:
            return  # (after the round's end its counters are the store worker's)
        current = {
            name.split("/", 1)[1]: int(value)
            for name, value in self.stats.get_stats().items()
            if name.startswith("partyfacts/") and isinstance(value, int | float)
        }
        delta = {k: v - self.flushed.get(k, 0) for k, v in current.items()}
        delta = {k: v for k, v in delta.items() if v}
        if delta:
            pipe = self.server.pipeline()
            target = round_key(self.site, "stats", self.round_id)
            for name, value in delta.items():
                pipe.hincrby(target, name, value)
            pipe.execute()
            self.flushed = current

    # -- the end of a round ---------------------------------------------------------------
    def _idle(self, spider) -> None:
        """Nothing in flight here: close only when the whole round is over."""
        self._reap()
        if self.inflight:  # never acknowledged, yet nothing is in flight: ask them again
            log.warning("%s: %d requests left unacknowledged; back in the queue", self.site,
                        len(self.inflight))  # fmt: skip
            self.inflight.clear()
        self._requeue(self.worker, only_if_dead=False, leave=False)
        self._flush_stats()
        outcome = self.scripts["done"](
            keys=[self.keys["round"], self.keys["workers"], self.keys["done"],
                  self.keys["requests"], self.keys["seeded"], self.keys["dupefilter"], ITEMS,
                  round_key(self.site, "known", self.round_id)],
            args=[self.worker, self.site, self.round_id, self.in_progress_prefix],
        )  # fmt: skip
        if outcome == 3:
            log.info("%s: round %s is over; the store worker records the run", self.site,
                     self.round_id)  # fmt: skip
        if outcome in (2, 3):
            self.finished_round = True
            return
        raise DontCloseSpider

    def close(self, reason: str) -> None:
        if self.heartbeat.running:
            self.heartbeat.stop()
        self._flush_stats()
        if not self.finished_round:  # stopped mid-round: what it held goes back
            moved = self._requeue(self.worker, only_if_dead=False, leave=True)
            log.info("%s: worker left round %s (%s); %d requests back in the queue",
                     self.site, self.round_id, reason, moved)  # fmt: skip
        self.server.delete(self.heartbeat_key)


def _pairs(fields) -> dict[str, str]:
    """HGETALL's answer (a flat list from Lua, a dict from the client) as text."""
    if isinstance(fields, dict):
        items = list(fields.items())
    else:
        items = list(zip(fields[::2], fields[1::2], strict=True))
    text = lambda v: v.decode() if isinstance(v, bytes) else str(v)  # noqa: E731
    return {text(k): text(v) for k, v in items}


class Seed:
    """Spider middleware: the start requests (listings, sitemaps, feeds, the stored pages
    due for a re-check) are asked once per round, by the first worker that gets to them,
    and through the round's fingerprints (not ``dont_filter``): two workers that start
    together fetch each once. A worker joining a seeded round asks nothing of its own."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_start(self, start):
        scheduler = self.crawler.spider.distributed
        if scheduler.seeded():
            return
        async for request in start:
            if isinstance(request, Request) and request.dont_filter:
                request = request.replace(dont_filter=False)
            yield request
        scheduler.mark_seeded()  # the engine queued the last one before asking for more


class Politeness:
    """One request at a time per host across every worker, the next one starting no sooner
    than the site's delay after the last one ended: a token in Redis taken right before a
    request goes on the wire (in the download handler, after Scrapy's own per-slot queue)
    and, once its answer is in, left to expire after the delay. Holding the token during
    the request keeps the spacing even when a busy worker is slow to send what it took a
    token for; a worker that dies holding one frees it after the download timeout."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.server = connection.from_settings(crawler.settings)
        self.delay = crawler.settings.getfloat("PARTYFACTS_POLITE_DELAY", -1.0)
        self.hold = crawler.settings.getfloat("DOWNLOAD_TIMEOUT", 30.0) + 10.0
        self._release = self.server.register_script(RELEASE)
        self.taken = 0

    def delay_for(self, spider) -> float:
        return self.delay if self.delay >= 0 else spider.site.download_delay

    def try_take(self, host: str) -> tuple[str, int]:
        """(this request's token, 0) if it may ask ``host`` now, else ("", ms to wait)."""
        key = f"{PREFIX}:polite:{host}"
        self.taken += 1
        mine = f"{WORKER_ID}:{self.taken}"
        if self.server.set(key, mine, px=int(self.hold * 1000), nx=True):
            return mine, 0
        return "", max(int(self.server.pttl(key)), 1)

    def release(self, host: str, token: str, delay: float) -> None:
        """The answer is in: the next request to ``host`` may start after ``delay``."""
        self._release(keys=[f"{PREFIX}:polite:{host}"], args=[token, max(1, int(delay * 1000))])

    async def wait_turn(self, request) -> tuple[str, str, float] | None:
        delay = self.delay_for(self.crawler.spider)
        if delay <= 0:
            return None
        host = urlsplit(request.url).netloc.lower()
        while True:
            token, wait = self.try_take(host)
            if token:
                return host, token, delay
            self.crawler.stats.inc_value("partyfacts/polite_waits")
            pause = min(wait, 100, max(int(delay * 250), 10)) / 1000
            await maybe_deferred_to_future(_later(pause, lambda: None))


class PoliteDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, each request holding its host's token (Politeness)."""

    def __init__(self, crawler) -> None:
        super().__init__(crawler)
        self.politeness = Politeness(crawler)

    async def download_request(self, request):
        turn = await self.politeness.wait_turn(request)
        try:
            return await super().download_request(request)
        finally:
            if turn:
                self.politeness.release(*turn)


class Push:
    """Item pipeline: each page (and each 304) goes to the store worker's list; a page that
    answered 404/410 is remembered there too. Nothing is written here."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self.server = connection.from_settings(crawler.settings)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _message(self, spider, kind: str, **fields) -> bytes:
        round_id = spider.distributed.round_id
        since = spider.since.isoformat() if spider.since else None
        return encode({"kind": kind, "site": spider.name, "round": round_id, "since": since,
                       **fields})  # fmt: skip

    async def process_item(self, item, spider=None):
        spider = spider or self.crawler.spider
        if item.get("status") == 304:
            message = self._message(spider, "checked", url=item["canonical_url"])
        else:
            fields = {k: v for k, v in item.items() if k != "body"}
            message = self._message(spider, "page", item=fields, body=item["body"])
        await maybe_deferred_to_future(threads.deferToThread(self.server.lpush, ITEMS, message))
        self.crawler.stats.inc_value("partyfacts/items_pushed")
        return item

    def remember_gone(self, spider, url: str, reason: str):
        """From the spider's errback: pushed before the errback returns (so before the
        request is acknowledged)."""
        self.server.lpush(ITEMS, self._message(spider, "gone", url=url, reason=reason))
        return _later(0, lambda: None)


def settings(redis_url: str, heartbeat: float | None = None) -> dict:
    """The Scrapy settings of a distributed worker (on top of the project's)."""
    from . import settings as project

    heartbeat = heartbeat or float(os.environ.get("PARTYFACTS_REDIS_HEARTBEAT", HEARTBEAT))
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "partyfacts.crawler.distributed.Scheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_KEY": f"{PREFIX}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{PREFIX}:%(spider)s:dupefilter",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "ITEM_PIPELINES": {"partyfacts.crawler.distributed.Push": 300},
        "EXTENSIONS": {**project.EXTENSIONS, "partyfacts.crawler.extensions.RunRecorder": None},
        "SPIDER_MIDDLEWARES": {"partyfacts.crawler.distributed.Seed": 10},
        "DOWNLOAD_HANDLERS": {
            "http": "partyfacts.crawler.distributed.PoliteDownloadHandler",
            "https": "partyfacts.crawler.distributed.PoliteDownloadHandler",
        },
        # the Redis token spaces a site's requests across workers; AutoThrottle's
        # per-process delays would only add to it, blind to the other workers
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "PARTYFACTS_REDIS_HEARTBEAT": heartbeat,
    }


def crawl(
    sites: list[str],
    options,
    redis_url: str,
    *,
    since: date | None = None,
    base_url: str | None = None,
    full: bool = False,
    recheck: bool = False,
    overrides: dict | None = None,
) -> dict[str, dict]:
    """Run one worker for ``sites`` until each site's round is over (or the worker is
    stopped); returns, per site, how the spider closed and this worker's counters."""
    from ..crawl import run_spiders, settings_for

    config = settings_for(options, **settings(redis_url), **(overrides or {}))
    crawlers = run_spiders(
        config, sites, since=since, base_url=base_url, full=full, recheck=recheck
    )
    results = {}
    for site, crawler in crawlers.items():
        stats = crawler.stats.get_stats() if crawler.stats else {}
        results[site] = {
            "reason": stats.get("finish_reason", "failed"),
            "pages": int(stats.get("partyfacts/pages_fetched", 0)),
            "pushed": int(stats.get("partyfacts/items_pushed", 0)),
            "requeued": int(stats.get("partyfacts/requeued_from_dead", 0)),
            "polite_waits": int(stats.get("partyfacts/polite_waits", 0)),
        }
    return results


def _later(seconds: float, call):
    """A Deferred that fires after ``seconds`` (the reactor is imported here, not at the
    module's import: Scrapy installs the reactor it wants first)."""
    from twisted.internet import reactor

    return task.deferLater(reactor, seconds, call)
