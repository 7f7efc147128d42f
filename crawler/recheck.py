"""The re-check policy: which stored pages a run asks again (conditionally).

A page is young while its publication date (for pages without one, the day it was first
seen) is at most ``recheck_days`` old: it is revalidated on every run, but not twice within
``recheck_young_hours``, so an immediate re-crawl asks nothing again. Older pages follow
``recheck_backoff``, a list of (age up to, interval) in days: revalidated when their last
check is at least the interval old; past the last age, never. Pages that answered 404/410
and pages that are not party building are never asked again. ``--recheck`` revalidates
every stored page once, whatever its age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta


@dataclass(frozen=True)
class KnownPage:
    """What the database knows of a page the crawler has seen."""

    status: str  # article, skipped, gone, irrelevant
    etag: str | None = None
    last_modified: str | None = None
    published: date | None = None
    first_seen: datetime | None = None
    checked_at: datetime | None = None


@dataclass(frozen=True)
class Policy:
    young_days: int = 7
    young_hours: float = 12.0
    backoff: tuple[tuple[int, float], ...] = ((60, 7.0), (365, 30.0))

    @classmethod
    def of(cls, site) -> Policy:
        return cls(site.recheck_days, site.recheck_young_hours, tuple(site.recheck_backoff))

    def age_days(self, page: KnownPage, now: datetime) -> int | None:
        born = page.published or (page.first_seen.date() if page.first_seen else None)
        return (now.date() - born).days if born else None

    def due(self, page: KnownPage, now: datetime) -> bool:
        """Whether a run at ``now`` revalidates ``page``."""
        if page.status in ("gone", "irrelevant"):
            return False
        if page.checked_at is None:
            return True  # never checked by the crawler (stored by an older version)
        since_check = now - page.checked_at
        age = self.age_days(page, now)
        if age is None or age <= self.young_days:
            return since_check >= timedelta(hours=self.young_hours)
        for max_age, every in self.backoff:
            if age <= max_age:
                return since_check >= timedelta(days=every)
        return False

    def describe(self) -> str:
        steps = ", ".join(f"up to {a} d: every {e:g} d" for a, e in self.backoff)
        return (
            f"young (<= {self.young_days} d): every run, at most every {self.young_hours:g} h; "
            f"{steps}; older: never"
        )
