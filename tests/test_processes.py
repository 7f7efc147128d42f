"""Process hygiene: children die with their parents, and the suite knows when one did not
(tests/conftest.py reads the process table at the end of the session and fails the run
on any process the suite started that is still there)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from conftest import SESSION_TAG, tagged_processes
from fault_cells import ARTICLE, ROOT

from partyfacts import pipeline, processes, store


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _gone(pids, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while any(_alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_session_check_sees_a_leaked_process():
    tag = os.environ.get(SESSION_TAG)
    assert tag, "conftest tags every process the suite starts"
    leak = subprocess.Popen(["sleep", "600"])
    try:
        deadline = time.monotonic() + 30  # a loaded machine may show the new process late
        while leak.pid not in tagged_processes(tag):
            assert time.monotonic() < deadline, f"{leak.pid} never showed the tag"
            time.sleep(0.2)
    finally:
        leak.kill()
        leak.wait()
    assert leak.pid not in tagged_processes(tag)


def test_a_child_dies_with_its_killed_parent():
    # the parent starts a long child through processes.start, prints its pid, then waits
    parent = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom partyfacts import processes\n"
         "child = processes.start(['sleep', '600'])\nprint(child.pid, flush=True)\ntime.sleep(600)\n"],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.kill()  # SIGKILL: the parent can clean nothing up itself
    parent.wait()
    assert _gone([child])


def test_stop_ends_the_whole_process_group():
    shell = processes.start(["sh", "-c", "sleep 600 & sleep 600 & wait"])
    time.sleep(0.5)
    members = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _group(int(p.name)) == shell.pid
    ]
    assert len(members) >= 2
    processes.stop(shell, grace=5)
    assert _gone(members)


def _group(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[2])
    except (OSError, ValueError, IndexError):
        return None


def test_reextract_workers_die_with_a_killed_parent(tmp_path):
    db_path = tmp_path / "many.db"
    db = store.connect(db_path)
    for n in range(300):
        store.save(db, pipeline.from_text(ARTICLE.replace("80", str(100 + n)), doc=f"{n}.txt"))
    db.conn.close()
    parent = subprocess.Popen([sys.executable, "-m", "partyfacts.cli", "reextract", "--workers", "2",
                               "--db", str(db_path)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True)  # fmt: skip
    workers: list[int] = []
    deadline = time.monotonic() + 120
    while len(workers) < 2 and parent.poll() is None and time.monotonic() < deadline:
        workers = [
            int(p.name)
            for p in Path("/proc").iterdir()
            if p.name.isdigit() and _parent(int(p.name)) == parent.pid
        ]
        time.sleep(0.05)
    assert len(workers) == 2, parent.stderr.read() if parent.poll() is not None else "no workers"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    assert _gone(workers)


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None
