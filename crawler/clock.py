"""The crawler's clock. ``PARTYFACTS_NOW`` (an ISO time, UTC when no offset is given) sets
it: the tests and the benchmark run crawls "a day later" without sleeping, and an operator
can replay a schedule. Unset, it is the real time."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    value = os.environ.get("PARTYFACTS_NOW", "").strip()
    if not value:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise ValueError(f"PARTYFACTS_NOW: not an ISO time: {value!r}") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def stamp(moment: datetime | None = None) -> str:
    """The stored form of a time: ISO 8601, UTC, whole seconds."""
    return (moment or now()).astimezone(UTC).isoformat(timespec="seconds")


def parse(value: str | None) -> datetime | None:
    """A stored time back (naive values are UTC); None for nothing or garbage."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
