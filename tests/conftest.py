from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture
def shared() -> Path:
    """The shared material beside the repository; tests that need it skip without it."""
    if not (SHARED / "gold" / "seeds").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


@pytest.fixture
def cli():
    """Run the partyfacts command in-process; returns click's result."""
    from click.testing import CliRunner

    from partyfacts.cli import main

    runner = CliRunner()

    def invoke(*args: str, **kwargs):
        return runner.invoke(main, list(args), catch_exceptions=False, **kwargs)

    return invoke


@pytest.fixture
def python() -> str:
    return sys.executable


# -- process hygiene ------------------------------------------------------------------
# Every process the suite starts inherits this variable, however it is started and
# wherever it ends up (an orphan is re-parented to init, but keeps its environment). At the
# end of the session the process table is read again: a process still carrying the tag is
# a leak, reported, killed, and the run fails.
SESSION_TAG = "PARTYFACTS_TEST_SESSION"


def tagged_processes(tag: str) -> dict[int, str]:
    """pid -> command line of every process whose environment carries ``tag``."""
    needle = f"{SESSION_TAG}={tag}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if needle in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (
                    (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                )
        except OSError:
            continue
    return found


def pytest_sessionstart(session) -> None:
    if not Path("/proc/self/environ").exists() or hasattr(session.config, "workerinput"):
        return
    tag = f"{os.getpid()}-{time.time_ns()}"
    os.environ[SESSION_TAG] = tag
    session.config.partyfacts_processes_before = set(tagged_processes(tag))


def pytest_sessionfinish(session, exitstatus) -> None:
    before = getattr(session.config, "partyfacts_processes_before", None)
    if before is None:
        return
    tag = os.environ[SESSION_TAG]
    deadline = time.monotonic() + 10  # a child that is already dying gets a moment
    while (left := {p: c for p, c in tagged_processes(tag).items() if p not in before}) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.2)
    if left:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        for pid, command in sorted(left.items()):
            if reporter:
                reporter.write_line(f"LEAKED PROCESS {pid}: {command}", red=True)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
