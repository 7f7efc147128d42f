"""One options object, built from ``defaults.toml``, then the environment
(``PARTYFACTS_DB``, ``PARTYFACTS_LOCK_TIMEOUT``, ``PARTYFACTS_LOG_LEVEL``), then
command-line flags, and passed explicitly to whatever needs it."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DEFAULTS = Path(__file__).with_name("defaults.toml")


@dataclass(frozen=True)
class Options:
    db: Path
    lock_timeout: float
    log_level: str

    def replace(self, **changes: Any) -> Options:
        changes = {k: v for k, v in changes.items() if v is not None}
        if "db" in changes:
            changes["db"] = Path(changes["db"])
        return dataclasses.replace(self, **changes)


def load(environ: dict[str, str] | None = None) -> Options:
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = tomllib.loads(_DEFAULTS.read_text(encoding="utf-8"))
    for field in dataclasses.fields(Options):
        env = environ.get(f"PARTYFACTS_{field.name.upper()}")
        if env is not None:
            values[field.name] = env
    try:
        return Options(
            db=Path(values["db"]),
            lock_timeout=float(values["lock_timeout"]),
            log_level=str(values["log_level"]).upper(),
        )
    except (TypeError, ValueError) as error:
        raise ValueError(f"bad partyfacts setting: {error}") from error
