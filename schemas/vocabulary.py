"""The closed vocabularies of the fact contract (FACTS.md v2). A value outside them is a
validation error in the records and a CHECK failure in SQLite, never a silent string."""

from __future__ import annotations

from typing import Literal, get_args

Unit = Literal["count", "percent"]
Category = Literal[
    "party_member", "base_party_org", "base_party_committee", "base_party_cell",
    "subordinate_party_cell", "party_committee", "party_cell", "party_org",
    "village_without_members", "village_without_cell", "party_badge", "delegate",
    "inspection", "supervision", "trainee", "other",
]  # fmt: skip
Event = Literal[
    "total", "admitted", "established", "dissolved", "merged", "consolidated",
    "disciplined", "awarded", "rated", "reduced", "trained", "conducted", "other",
]  # fmt: skip
Rating = Literal["excellent", "good", "completed", "not_completed", "clean_strong", "weak"]
Status = Literal["actual", "target"]
Scope = Literal["national", "region", "province", "district", "commune", "bloc", "unit"]
Approx = Literal["about", "over", "under"]
Honorific = Literal["đồng chí", "đ/c", "ông", "bà"]
RunStatus = Literal["running", "success", "partial", "failed"]
PageStatus = Literal["skipped", "gone", "irrelevant"]
Health = Literal["ok", "degraded", "failing"]

UNITS: tuple[str, ...] = get_args(Unit)
CATEGORIES: tuple[str, ...] = get_args(Category)
EVENTS: tuple[str, ...] = get_args(Event)
RATINGS: tuple[str, ...] = get_args(Rating)
STATUSES: tuple[str, ...] = get_args(Status)
SCOPES: tuple[str, ...] = get_args(Scope)
APPROXES: tuple[str, ...] = get_args(Approx)
RUN_STATUSES: tuple[str, ...] = get_args(RunStatus)
PAGE_STATUSES: tuple[str, ...] = get_args(PageStatus)
HEALTHS: tuple[str, ...] = get_args(Health)
