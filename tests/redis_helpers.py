"""A real Redis for the distributed crawl's tests and benchmark: Debian's redis-server
(installed by `make test`), started on a free 127.0.0.1 port without persistence and
stopped afterwards, and the crawl's processes (workers, store worker) run as a user runs
them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def redis_missing() -> str | None:
    """Why no Redis can be started here, or None."""
    if shutil.which("redis-server") is None:
        return "redis-server is not installed (`make test` installs Debian's redis-server)"
    try:
        import redis  # noqa: F401
    except ImportError:
        return "the redis Python package is not installed"
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server on a free loopback port, no snapshots, no append-only file; yields
    its URL (database 0) and stops it, whatever happened."""
    import redis

    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None:
                    raise RuntimeError(f"redis-server exited: {process.stderr.read()}") from None
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def environment(now: datetime | None, heartbeat: float = 2.0) -> dict[str, str]:
    env = {**os.environ, "PARTYFACTS_LOG_LEVEL": "INFO",
           "PARTYFACTS_REDIS_HEARTBEAT": str(heartbeat)}  # fmt: skip
    env.pop("PARTYFACTS_NOW", None)
    if now is not None:
        env["PARTYFACTS_NOW"] = now.isoformat()
    return env


class Processes:
    """The crawl's processes started by a test, each logging to a file; all are stopped
    (SIGKILL) when the test ends, so none is left behind."""

    def __init__(self, directory: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.env = env
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *args: str, extra_env: dict | None = None) -> subprocess.Popen:
        log = (self.directory / f"{name}.log").open("w")
        process = subprocess.Popen(
            [sys.executable, "-m", "partyfacts.cli", *args], stdout=log,
            stderr=subprocess.STDOUT, cwd=ROOT, env={**self.env, **(extra_env or {})},
        )  # fmt: skip
        self.started.append((name, process))
        return process

    def worker(self, name: str, redis_url: str, base_url: str, *extra: str) -> subprocess.Popen:
        return self.start(name, "crawl", "--redis", redis_url, "sample", "--base-url",
                          base_url, *extra)  # fmt: skip

    def store_worker(self, name: str, redis_url: str, db: Path) -> subprocess.Popen:
        return self.start(name, "store-worker", "--redis", redis_url, "--db", str(db),
                          "--until-done")  # fmt: skip

    def output(self, name: str) -> str:
        return (self.directory / f"{name}.log").read_text()

    def wait(self, process: subprocess.Popen, timeout: float = 180) -> int:
        return process.wait(timeout=timeout)

    def stop_all(self) -> None:
        for _name, process in self.started:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait()


def wait_for(condition, timeout: float = 120, every: float = 0.05, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what or condition}")
        time.sleep(every)


def worker_row(output: str, site: str = "sample") -> dict[str, str]:
    """The worker's closing table row for ``site`` (reason, pages, pushed, requeued...)."""
    lines = output.splitlines()
    at = max(i for i, line in enumerate(lines) if line.startswith("site ") and "reason" in line)
    row = next(line for line in lines[at + 1 :] if line.split()[:1] == [site])
    return dict(zip(lines[at].split(), row.split(), strict=True))
