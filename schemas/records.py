"""Typed records: an article, a quantity fact, an official, a crawl run, and the
extraction result that carries one article with its facts (the JSON line of
``partyfacts extract``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .vocabulary import (
    Approx,
    Category,
    Event,
    Honorific,
    Rating,
    RunStatus,
    Scope,
    Status,
    Unit,
)

AsOf = Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
PartialDate = Annotated[str, Field(pattern=r"^\d{4}(-\d{2})?$")]
Year = Annotated[int, Field(ge=1900, le=2100)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Evidence(_Record):
    sentence: str = Field(description="The sentence the fact was read from.")
    start: int = Field(ge=0, description="Offset of the matched phrase in the article text.")
    end: int = Field(ge=0, description="End offset (exclusive) of the matched phrase.")
    sentence_start: int | None = Field(None, ge=0, description="Offset of the sentence.")
    sentence_end: int | None = Field(None, ge=0, description="End offset of the sentence.")

    @model_validator(mode="after")
    def _ordered(self):
        if self.end < self.start:
            raise ValueError(f"end ({self.end}) before start ({self.start})")
        return self


class QuantityFact(Evidence):
    """A number about party organizations or members, read from one sentence."""

    value: int | float = Field(description="1.154 -> 1154; 85,7% -> 85.7")
    unit: Unit = Field(description="count, or percent (value 85.7 means 85.7%).")
    category: Category = Field(description="What is counted.")
    event: Event = Field(description="What happened to it.")
    rating: Rating | None = Field(None, description="Quality grade, for rated and awarded.")
    status: Status = Field("actual", description="target: a plan or goal.")
    approx: Approx | None = Field(
        None, description="khoảng -> about; hơn/trên -> over; gần/dưới -> under"
    )
    year: Year | None = Field(None, description="The year the figure describes.")
    period_start: Year | None = Field(None, description="First year when the figure covers a span.")
    as_of: AsOf | None = Field(None, description="The most precise date the text gives.")
    subject: str | None = Field(None, description="Whose figure it is, as written.")
    scope: Scope | None = Field(
        None, description="The level of the body the figure belongs to (FACTS.md `scope`)."
    )
    unit_name: str | None = Field(
        None,
        description="That body named in full, e.g. 'Đảng bộ huyện Mường Tè' (FACTS.md calls "
        "it `unit`; here `unit` is count or percent).",
    )
    province: str | None = Field(
        None,
        description="The province the figure belongs to, as in force on the article's date: "
        "its body's when that body is named in another province, else the article's; null "
        "for national and regional figures.",
    )
    of_total: int | float | None = Field(None, description="662/686 -> value 662, of_total 686.")
    text: str = Field(description="The matched phrase: the number and what it counts.")


class Official(Evidence):
    """A named person with at least one title, one entry per person per article."""

    name: str = Field(min_length=2, description="Full name as written (NFC, one tone style).")
    titles: list[str] = Field(min_length=1, description="Every title, abbreviations expanded.")
    honorific: Honorific | None = Field(
        None, description="đồng chí, ông, bà, as written before the name."
    )
    mentions: int = Field(1, ge=1, description="How many times the article names the person.")
    province: str | None = Field(
        None, description="The person's province: the place of the title, else the article's."
    )


class Article(_Record):
    """One article: where it came from and its text as stored (offsets point into it)."""

    key: str = Field(description="Identity: 'url:<canonical url>' or 'sha256:<content hash>'.")
    doc: str | None = Field(None, description="The input path as given, for files.")
    url: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    content_hash: str = Field(pattern=r"^[0-9a-f]{64}$")
    title: str | None = None
    published: date | PartialDate | None = Field(
        None, description="Publication date (ISO); YYYY or YYYY-MM when only that is known."
    )
    author: str | None = None
    lead: str | None = None
    text: str
    province: str | None = Field(None, description="Province named as of the article's date.")
    province_current: str | None = Field(None, description="That territory's province today.")


class Extraction(_Record):
    """An article with every fact extracted from it by one rules version."""

    article: Article
    quantities: list[QuantityFact] = []
    officials: list[Official] = []
    rules_version: str


class CrawlRun(_Record):
    """One run of a crawler over one site."""

    id: int | None = None
    site: str
    started_at: datetime
    ended_at: datetime | None = None
    status: RunStatus = "running"
    pages_fetched: int = Field(0, ge=0)
    articles_new: int = Field(0, ge=0)
    articles_updated: int = Field(0, ge=0)
    articles_skipped: int = Field(0, ge=0)
    articles_failed: int = Field(0, ge=0)
    errors: dict[str, int] = Field({}, description="Error counts by kind.")


RECORDS: dict[str, type[BaseModel]] = {
    "article": Article,
    "quantity": QuantityFact,
    "official": Official,
    "crawl_run": CrawlRun,
    "extraction": Extraction,
}


def json_schema(name: str | None = None) -> dict:
    """The JSON Schema of one record, or of all of them under ``$defs``."""
    if name:
        return RECORDS[name].model_json_schema()
    defs = {}
    for record_name, model in RECORDS.items():
        schema = model.model_json_schema()
        defs.update(schema.pop("$defs", {}))
        defs[record_name] = schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "partyfacts records",
        "$defs": defs,
    }
