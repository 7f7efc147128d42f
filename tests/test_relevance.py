"""Party-building relevance: precision and recall on the scorer's own example corpus, on the
sample site's labelled articles, and on real saved pages (../shared, skipped without it)."""

from __future__ import annotations

import pytest

from partyfacts import pipeline
from partyfacts.crawler.sample_site import build
from partyfacts.extract import article, relevance
from partyfacts.extract import ruleset as rules


def precision_recall(pairs: list[tuple[bool, bool]]) -> tuple[float, float]:
    """(label, decision) pairs -> precision and recall of the `relevant` decisions."""
    true_positive = sum(1 for label, decided in pairs if label and decided)
    decided = sum(1 for _, d in pairs if d)
    labelled = sum(1 for label, _ in pairs if label)
    return true_positive / decided, true_positive / labelled


def test_example_corpus_precision_and_recall():
    examples = rules.load("relevance")["examples"]
    pairs = [
        (e["relevant"], relevance.score(e["title"], e["body"], e.get("lead")).relevant)
        for e in examples
    ]
    near_misses = [e for e in examples if not e["relevant"]]
    assert len(pairs) >= 40 and len(near_misses) >= 15
    precision, recall = precision_recall(pairs)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


def test_sample_site_articles_precision_and_recall():
    site = build(n_articles=120)  # every template several times, with different figures
    pairs = []
    for path in site.articles:
        page = article.article(site.pages[path].body)
        judged = relevance.score(page.title, pipeline.page_text(page), page.lead)
        pairs.append((site.relevant[path], judged.relevant))
    assert {label for label, _ in pairs} == {True, False}
    precision, recall = precision_recall(pairs)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)


def test_the_deciding_terms_explain_the_label():
    pun = relevance.score(
        "Đội bóng thắng trận", 'Hàng nghìn "đảng viên" của câu lạc bộ cổ vũ các cầu thủ.'
    )
    assert not pun.relevant and "đảng viên" not in dict(pun.terms)  # the quoted pun is blanked
    assert dict(pun.terms)["cầu thủ"] < 0
    party = relevance.score("Kết nạp 12 đảng viên mới", "Chi bộ bản kết nạp 12 đảng viên mới.")
    assert party.relevant and party.score >= 5 and party.terms[0][1] > 0


def test_real_pages_party_texts_are_relevant_other_news_is_not(shared):
    """Held-out check on real texts: the seed and development articles (chosen for their
    party-building figures) and real pages of other news (sport, lifestyle, society)."""
    realdev = shared / "corpus" / "realdev"
    chosen = {
        line.split("\t")[0]
        for line in (realdev / "PROVENANCE.tsv").read_text(encoding="utf-8").splitlines()[1:]
        if line.rstrip().endswith("party-building figures")
    }
    party = sorted((shared / "corpus" / "seeds").glob("*.txt"))
    party += sorted(p for p in realdev.glob("*.txt") if p.stem in chosen)
    pairs = []
    for path in party:
        text = path.read_text(encoding="utf-8")
        pairs.append((True, relevance.score(text.strip().split("\n")[0], text).relevant))
    html = shared / "corpus" / "html"
    others = sorted((html / "myfeed").glob("*1.html")) + [
        html / "provincial" / name
        for name in ("vov1.html", "nhandan1.html", "baolaocai1.html", "baocantho1.html")
    ]
    others = [p for p in others if p.exists()]
    if len(party) < 20 or len(others) < 5:
        pytest.skip("the shared corpus is not the expected one")
    for path in others:
        page = article.article(path.read_bytes())
        pairs.append((False, relevance.score(page.title, page.text, page.lead).relevant))
    precision, recall = precision_recall(pairs)
    assert precision >= 0.95 and recall >= 0.95, (precision, recall)
