"""The one place partyfacts starts child processes, so that none outlives its parent.

Every child (re-extraction workers, and whatever a test or a tool starts through
``start``/``running``) asks the kernel for a death signal (``prctl(PR_SET_PDEATHSIG)``,
Linux) so that it is terminated when its parent dies, even by SIGKILL; a command started
with ``start`` also gets its own process group, so ``stop`` ends it with everything it
started in turn. ``partyfacts serve`` needs none of this: Datasette runs in-process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGTERM, parent: int | None = None) -> None:
    """In a child process: be sent ``sig`` when the parent dies (Linux; elsewhere nothing).
    ``parent`` is the parent's pid as the parent knew it: if it is already gone by the time
    this runs, the child ends at once instead of running on as an orphan."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os.kill(os.getpid(), sig)


def start(command: Sequence[str], **popen: object) -> subprocess.Popen:
    """Start ``command`` in its own process group, dying with this process."""
    parent = os.getpid()
    return subprocess.Popen(
        list(command),
        process_group=0,
        preexec_fn=lambda: die_with_parent(signal.SIGTERM, parent),
        **popen,  # type: ignore[arg-type]
    )


def stop(process: subprocess.Popen, grace: float = 10.0) -> int:
    """End a child started by ``start`` and its whole process group: SIGTERM, then SIGKILL
    after ``grace`` seconds. Returns its exit status."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, None)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            return process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
    return process.wait()


@contextlib.contextmanager
def running(
    command: Sequence[str], grace: float = 10.0, **popen: object
) -> Iterator[subprocess.Popen]:
    """``with running([...]) as process:`` - the child is stopped on the way out, whatever
    happens inside."""
    process = start(command, **popen)
    try:
        yield process
    finally:
        stop(process, grace)
