"""One options object, built from ``defaults.toml``, then the environment
(``PARTYFACTS_DB``, ``PARTYFACTS_LOCK_TIMEOUT``, ``PARTYFACTS_LOG_LEVEL``,
``PARTYFACTS_MAX_INPUT_MB``, ``PARTYFACTS_SQL_TIME_LIMIT``), then command-line flags, and
passed explicitly to whatever needs it."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_DEFAULTS = Path(__file__).with_name("defaults.toml")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


class SettingError(ValueError):
    """A PARTYFACTS_* setting (or defaults.toml) with a value that cannot be used."""


@dataclass(frozen=True)
class Options:
    db: Path
    lock_timeout: float
    log_level: str
    max_input_mb: float
    sql_time_limit: float

    def replace(self, **changes: Any) -> Options:
        changes = {k: v for k, v in changes.items() if v is not None}
        if "db" in changes:
            changes["db"] = Path(changes["db"])
        return dataclasses.replace(self, **changes)

    @property
    def max_input_bytes(self) -> int:
        return int(self.max_input_mb * 1_000_000)


def _number(name: str, value: Any, source: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingError(f"{source}={value!r}: not a number") from None
    if not number > 0:
        raise SettingError(f"{source}={value!r}: must be more than 0")
    return number


def load(environ: dict[str, str] | None = None) -> Options:
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, Any] = tomllib.loads(_DEFAULTS.read_text(encoding="utf-8"))
    sources = {name: f"defaults.toml {name}" for name in values}
    for field in dataclasses.fields(Options):
        env_name = f"PARTYFACTS_{field.name.upper()}"
        if environ.get(env_name) is not None:
            values[field.name] = environ[env_name]
            sources[field.name] = env_name
    level = str(values["log_level"]).upper()
    if level not in LOG_LEVELS:
        raise SettingError(
            f"{sources['log_level']}={values['log_level']!r}: one of {', '.join(LOG_LEVELS)}"
        )
    return Options(
        db=Path(values["db"]),
        lock_timeout=_number("lock_timeout", values["lock_timeout"], sources["lock_timeout"]),
        log_level=level,
        max_input_mb=_number("max_input_mb", values["max_input_mb"], sources["max_input_mb"]),
        sql_time_limit=_number(
            "sql_time_limit", values["sql_time_limit"], sources["sql_time_limit"]
        ),
    )
