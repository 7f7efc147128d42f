"""Every rule file carries its own positive and negative examples; these tests run them, so
a new phrasing is fixed by adding its example first."""

from __future__ import annotations

from datetime import date

import pytest

from partyfacts.extract import extractor, normalize, numbers, officials, provinces, relevance, timex
from partyfacts.extract import ruleset as rules


def _day(value):
    if isinstance(value, date):  # YAML reads an unquoted 2020-05-22 as a date
        return value
    return date.fromisoformat(value) if value else None


@pytest.mark.parametrize("example", rules.load("numbers")["examples"]["positive"], ids=str)
def test_number_example_is_read(example):
    found = numbers.find(normalize.text(example["text"]))
    assert found, example
    first = found[0]
    assert first.value == pytest.approx(example["value"])
    assert first.unit == example["unit"]
    assert first.approx == example.get("approx")
    assert first.of_total == example.get("of_total")


@pytest.mark.parametrize("text", rules.load("numbers")["examples"]["negative"])
def test_number_negative_example_has_no_number(text):
    assert numbers.find(normalize.text(text)) == []


@pytest.mark.parametrize("example", rules.load("time")["examples"], ids=str)
def test_time_example_resolves_to_its_year(example):
    found = timex.find(normalize.text(example["text"]))
    assert found, example
    year, period_start, as_of = found[-1].resolve(_day(example["published"]))
    assert year == example["year"]
    assert period_start == example.get("period_start")
    if "as_of" in example:
        assert as_of == example["as_of"]


@pytest.mark.parametrize("example", rules.load("time")["comparisons"], ids=str)
def test_a_comparison_baseline_is_not_the_figures_year(example):
    found = extractor.extract(example["text"], published=_day(example["published"])).quantities
    fact = next(q for q in found if q["value"] == example["value"])
    assert fact["year"] == example["year"]


@pytest.mark.parametrize("example", rules.load("time")["figure_years"], ids=str)
def test_a_figure_gets_the_year_its_sentence_gives_it(example):
    found = extractor.extract(example["text"], published=_day(example["published"])).quantities
    fact = next(q for q in found if q["value"] == example["value"])
    assert fact["year"] == example["year"]


@pytest.mark.parametrize("example", rules.load("time")["article_years"], ids=str)
def test_an_undated_articles_year_comes_from_its_first_lines(example):
    assert extractor.extract(example["text"]).year == example["year"]


@pytest.mark.parametrize("example", rules.load("time")["headlines"], ids=str)
def test_a_headline_figure_takes_the_year_the_lead_gives_it(example):
    found = extractor.extract(example["text"], published=_day(example["published"])).quantities
    headline = next(q for q in found if q["value"] == example["value"])  # the first: the title's
    assert headline["year"] == example["year"]


@pytest.mark.parametrize("text", rules.load("time")["negative"])
def test_time_negative_example_dates_no_figure(text):
    assert [t for t in timex.find(normalize.text(text)) if t.dates_figures] == []


@pytest.mark.parametrize("example", rules.load("categories")["examples"]["positive"], ids=str)
def test_category_example(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    assert [q["category"] for q in found][-1:] == [example["category"]], found


@pytest.mark.parametrize("text", rules.load("categories")["examples"]["negative"])
def test_category_negative_example_is_not_a_fact(text):
    assert extractor.extract(text, published=date(2020, 1, 1)).quantities == []


@pytest.mark.parametrize("example", rules.load("categories")["examples"]["not_a_fact"], ids=str)
def test_a_number_beside_facts_that_counts_nothing_is_no_fact(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    assert found, "the sentence's own fact is found"
    assert example["value"] not in [q["value"] for q in found], found


@pytest.mark.parametrize("example", rules.load("events")["examples"], ids=str)
def test_event_example(example):
    published = _day(example.get("published")) or date(2020, 1, 1)
    found = extractor.extract(example["text"], published=published).quantities
    assert found, example
    # the quantity the example is about: the one with its `value`, else the last one
    last = next((q for q in found if q["value"] == example.get("value")), found[-1])
    assert last["event"] == example["event"]
    if "rating" in example:
        assert last["rating"] == example["rating"]
    assert last["status"] == example.get("status", "actual")
    if "approx" in example:
        assert last["approx"] == example["approx"]
    if "year" in example:
        assert last["year"] == example["year"]


@pytest.mark.parametrize("example", rules.load("titles")["examples"]["positive"], ids=str)
def test_official_example(example):
    found = [m for m in officials.extract(normalize.text(example["text"])) if m.titles]
    people = example.get("people") or [{"name": example["name"], "titles": example["titles"]}]
    assert [(m.name, m.titles) for m in found] == [(p["name"], p["titles"]) for p in people]
    if "honorific" in example:
        assert found[0].honorific == example["honorific"]
    if "province" in example:
        person = extractor.extract("Tin\n\n" + example["text"]).officials[0]
        assert person["province"] == example["province"]


@pytest.mark.parametrize("text", rules.load("titles")["examples"]["negative"])
def test_official_negative_example_names_nobody(text):
    assert [m for m in officials.extract(normalize.text(text)) if m.titles] == []


@pytest.mark.parametrize("example", rules.load("provinces")["examples"], ids=str)
def test_province_example(example):
    found = provinces.detect(normalize.text(example["text"]), _day(example["published"]))
    assert found == (example["province"], example["current"])


@pytest.mark.parametrize("example", rules.load("layout")["examples"], ids=str)
def test_related_articles_heading_ends_the_article(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    assert [q["value"] for q in found] == example["values"]


@pytest.mark.parametrize("example", rules.load("bodies")["examples"], ids=str)
def test_body_example_gives_scope_and_unit(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    fact = found[-1] if found else {}
    keys = (
        ("subject", "subject"),
        ("scope", "scope"),
        ("unit", "unit_name"),
        ("province", "province"),
    )
    for field, key in keys:
        if field in example:
            assert fact.get(key) == example[field], (field, fact)


@pytest.mark.parametrize(
    "example", rules.load("breakdowns")["examples"]["positive"], ids=lambda e: e["text"][:50]
)
def test_breakdown_parts_take_their_figures_category_and_event(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    for part in example["parts"]:
        match = [q for q in found if q["value"] == part["value"]]
        assert match, (part, found)
        fact = match[0]
        assert fact["category"] == part["category"]
        assert fact["event"] == part["event"]
        assert fact["unit"] == part.get("unit", "count")
        if "rating" in part:
            assert fact["rating"] == part["rating"]
        assert fact["status"] == part.get("status", "actual")


@pytest.mark.parametrize(
    "example", rules.load("breakdowns")["examples"]["negative"], ids=lambda e: e["text"][:50]
)
def test_breakdown_negative_example_has_no_part(example):
    found = extractor.extract(example["text"], published=date(2020, 1, 1)).quantities
    assert example["value"] not in [q["value"] for q in found], found


@pytest.mark.parametrize(
    "example", rules.load("relevance")["examples"], ids=lambda e: e["title"][:40]
)
def test_relevance_example(example):
    judged = relevance.score(example["title"], example["body"], example.get("lead"))
    assert judged.relevant is example["relevant"], (judged.score, judged.terms)
