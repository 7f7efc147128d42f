"""Fault injection: every command against every state of its database file (missing, empty,
random bytes, truncated, read-only file, folder and mount, locked by a writer or by an
exclusive reader, a newer schema, another program's database). Each either works or
gives one line on stderr naming the file and the problem, with its documented exit code;
and the file is byte for byte the same afterwards unless the command writes it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fault_cells import (
    COMMANDS,
    PRIVILEGED,
    ROOT,
    STATES,
    SUBPROCESS,
    checksum,
    expected,
    free_port,
    hold,
    make_healthy,
    make_state,
    proceeds,
    run_cell,
    writes,
)

from partyfacts.crawler.sample_site import build, serve

# bind-mount a folder read-only over itself in a private mount namespace, then run the rest
MOUNT = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" "$1" && shift && exec "$@"'
DRIVER = str(Path(__file__).with_name("fault_cells.py"))


def _unprivileged() -> list[str] | None:
    """How to run a command as an ordinary user would meet file permissions: as root, with
    the capabilities that bypass them dropped; None where that is impossible."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv"):
        return ["setpriv", "--bounding-set=-dac_override,-dac_read_search"]
    return None


def _read_only_mount(probe: Path) -> list[str] | None:
    """The unshare prefix that can bind-mount ``probe`` read-only, or None."""
    if not shutil.which("unshare"):
        return None
    for prefix in (["unshare", "-m"], ["unshare", "-r", "-m"]):
        done = subprocess.run([*prefix, "sh", "-c", MOUNT, "sh", str(probe), "true"],
                              capture_output=True, check=False)  # fmt: skip
        if done.returncode == 0:
            return prefix
    return None


def _values(folder: Path, out: Path, url: str, article: Path) -> dict[str, str]:
    out.mkdir(parents=True, exist_ok=True)
    return {"db": str(folder / "partyfacts.db"), "dir": str(out), "url": url,
            "port": str(free_port()), "article": str(article)}  # fmt: skip


def _run_privileged(state, cells, base: Path, mount_prefix) -> dict:
    """Every command of one state in one driver process, with permissions that bite (or on
    a read-only mount); the driver runs the commands in-process."""
    if state == "read_only_mount":
        if mount_prefix is None:
            return {}
        prefix = [*mount_prefix, "sh", "-c", MOUNT, "sh", str(base / state)]
    else:
        prefix = _unprivileged()
        if prefix is None:
            return {}
        for values in cells.values():
            db = Path(values["db"])
            if state == "read_only_file":
                db.chmod(0o444)
            else:
                db.parent.chmod(0o555)
    try:
        done = subprocess.run([*prefix, sys.executable, DRIVER, state, json.dumps(cells)],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)  # fmt: skip
    finally:
        for values in cells.values():
            Path(values["db"]).parent.chmod(0o755)
            if Path(values["db"]).exists():
                Path(values["db"]).chmod(0o644)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> dict:
    """{state: {command: {"code", "stderr", "before", "after", "db"}}} for the whole matrix."""
    base = tmp_path_factory.mktemp("faults")
    healthy = base / "healthy.db"
    make_healthy(healthy)
    article = base / "article.txt"
    from fault_cells import ARTICLE

    article.write_text(ARTICLE, encoding="utf-8")
    (base / "probe").mkdir()
    mount_prefix = _read_only_mount(base / "probe")
    results: dict[str, dict] = {}
    with serve(build(n_articles=3)) as served:
        for state in STATES:
            cells = {}
            for command in COMMANDS:
                folder = base / state / command
                folder.mkdir(parents=True)
                make_state(state, folder, healthy)
                cells[command] = _values(folder, base / "out" / state / command, served.url,
                                         article)  # fmt: skip
            before = {c: checksum(Path(v["db"])) for c, v in cells.items()}
            if state in PRIVILEGED:
                found = _run_privileged(state, cells, base, mount_prefix)
            else:
                found = {}
                for command, values in cells.items():
                    holder = hold(state, Path(values["db"]))
                    in_process = not (command in SUBPROCESS and proceeds(command, state))
                    try:
                        found[command] = run_cell(command, values, in_process)
                    finally:
                        if holder is not None:
                            holder.close()
            results[state] = {
                command: {**cell, "db": cells[command]["db"], "before": before[command],
                          "after": checksum(Path(cells[command]["db"]))}
                for command, cell in found.items()
            }  # fmt: skip
    return results


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_in_every_database_state(matrix, command, state):
    cell = matrix[state].get(command)
    if cell is None:
        pytest.skip(f"{state} cannot be set up here (no setpriv, or no unshare -m)")
    code, words = expected(command, state)
    assert cell["code"] == code, cell["stderr"]
    assert "Traceback" not in cell["stderr"]
    if not proceeds(command, state):
        lines = cell["stderr"].strip().splitlines()
        assert len(lines) == 1, cell["stderr"]
        assert lines[0].startswith(f"partyfacts: error: database {cell['db']}: "), lines[0]
        assert words in lines[0], lines[0]
    if not writes(command, state):
        assert cell["after"] == cell["before"], "the database file changed"


def test_the_matrix_is_what_the_readme_lists():
    """The README's reliability section states the numbers this suite runs."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"{len(COMMANDS)} commands × {len(STATES)} database states" in readme
    for state in STATES:
        assert f"`{state}`" in readme, state
