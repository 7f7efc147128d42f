"""spaCy (the pipeline component, displaCy in `show`, the DocBin export) and the review loop
through Label Studio (export tasks, correct, import as gold, score with `partyfacts eval`)."""

from __future__ import annotations

import copy
import json
import sqlite3
from pathlib import Path

import pytest
import spacy
from fault_cells import make_healthy
from spacy.tokens import DocBin

from partyfacts.cli import CORPUS
from partyfacts.extract import normalize

FIELDS = ("value", "unit", "category", "event", "status", "year")


@pytest.fixture(scope="module")
def nlp():
    pipeline = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    pipeline.add_pipe("partyfacts")  # found through the package's spacy_factories entry point
    return pipeline


def _articles(shared_dir: Path | None) -> list[Path]:
    own = sorted((CORPUS / "articles").glob("*.txt"))[:1]
    seeds = sorted((shared_dir / "corpus" / "seeds").glob("*.txt"))[:1] if shared_dir else []
    return own + seeds


@pytest.mark.parametrize("which", ["own", "seed"])
def test_the_component_gives_what_extract_gives(cli, nlp, request, which):
    shared_dir = request.getfixturevalue("shared") if which == "seed" else None
    path = _articles(shared_dir)[-1]
    extracted = json.loads(cli("extract", str(path)).stdout)
    doc = nlp(path.read_text(encoding="utf-8"))
    spans = list(doc.spans["party_facts"])
    assert len(spans) == len(extracted["quantities"]) > 0
    for span, fact in zip(spans, extracted["quantities"], strict=True):
        assert normalize.text(span.text) == fact["text"]  # the span covers exactly the phrase
        assert span.label_ == fact["category"]
        assert {f: getattr(span._, f) for f in FIELDS} == {f: fact[f] for f in FIELDS}
        assert span._.fact["sentence"] == fact["sentence"]
    people = list(doc.spans["officials"])
    assert [p._.name for p in people] == [o["name"] for o in extracted["officials"]]
    assert [p._.titles for p in people] == [o["titles"] for o in extracted["officials"]]


def test_the_component_maps_offsets_onto_text_as_written(nlp):
    import unicodedata

    text = "Tin\r\n\r\nNăm 2019, Đảng bộ huyện kết nạp 1.154 đảng viên; Huyện uỷ có 35 chi bộ."
    written = unicodedata.normalize("NFD", text).replace("Năm", "N\u200băm")
    doc = nlp(written)
    assert [normalize.text(s.text) for s in doc.spans["party_facts"]] == [
        "1.154 đảng viên", "35 chi bộ"]  # fmt: skip
    assert doc.text == written  # the Doc keeps the text as written


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "partyfacts.db"
    make_healthy(path)
    return path


def test_export_spacy_writes_a_docbin_that_round_trips(cli, db, tmp_path, nlp):
    assert cli("export", str(tmp_path / "out"), "--format", "spacy", "--db", str(db)).exit_code == 0
    docs = list(DocBin().from_disk(tmp_path / "out" / "articles.spacy").get_docs(nlp.vocab))
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT a.text, q.start, q.\"end\", q.category, q.value "
                              "FROM quantities q JOIN articles a ON a.id = q.article_id "
                              "ORDER BY a.id, q.start").fetchall()  # fmt: skip
        people = conn.execute("SELECT count(*) FROM officials").fetchone()[0]
    spans = [s for d in docs for s in d.spans["party_facts"]]
    assert [(s.text, s.label_, s._.value) for s in spans] == [
        (text[start:end], category, value) for text, start, end, category, value in stored
    ]
    assert sum(len(d.spans["sc"]) for d in docs) == len(stored) + people  # for spacy train


def test_show_renders_through_displacy(cli, db, tmp_path):
    out = tmp_path / "a.html"
    assert cli("show", "1", "--html", str(out), "--db", str(db)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    with sqlite3.connect(db) as conn:
        n = conn.execute("SELECT count(*) FROM quantities WHERE article_id = 1").fetchone()[0]
        people = conn.execute("SELECT count(*) FROM officials WHERE article_id = 1").fetchone()[0]
    assert 'class="spans"' in page  # displaCy's span visualizer
    assert page.count("z-index: 10;") == n + people  # one label per fact
    assert "party_member · admitted · 80" in page


def _as_label_studio_export(tasks: list[dict]) -> list[dict]:
    """What Label Studio's JSON export writes once each task is annotated: the predictions
    accepted as annotations, with its own bookkeeping fields."""
    exported = []
    for n, task in enumerate(tasks, 1):
        result = copy.deepcopy(task["predictions"][0]["result"])
        for item in result:
            item["origin"] = "prediction"
        exported.append({
            "id": n, "data": task["data"], "meta": {}, "project": 1, "inner_id": n,
            "created_at": "2026-11-30T10:00:00Z", "updated_at": "2026-11-30T10:05:00Z",
            "annotations": [{"id": 100 + n, "completed_by": 1, "result": result,
                             "was_cancelled": False, "ground_truth": False,
                             "created_at": "2026-11-30T10:05:00Z",
                             "updated_at": "2026-11-30T10:05:00Z", "lead_time": 12.5,
                             "prediction": {}, "result_count": 0, "task": n, "project": 1}],
            "predictions": [],
        })  # fmt: skip
    return exported


def test_label_studio_review_becomes_gold_that_eval_scores(cli, db, tmp_path):
    assert (
        cli("export", str(tmp_path / "ls"), "--format", "label-studio", "--db", str(db)).exit_code
        == 0
    )
    tasks = json.loads((tmp_path / "ls" / "label-studio-tasks.json").read_text(encoding="utf-8"))
    assert '<Labels name="label"' in (tmp_path / "ls" / "label-studio-config.xml").read_text()
    exported = _as_label_studio_export(tasks)
    exported.append({**copy.deepcopy(exported[0]), "id": 99, "annotations": []})  # not reviewed
    export_file = tmp_path / "export-unchanged.json"
    export_file.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    result = cli("review", "import", str(export_file), "--out", str(tmp_path / "gold"))
    assert "2 gold files" in result.stdout and "1 tasks not reviewed" in result.stdout
    scores = cli("eval", "--gold", str(tmp_path / "gold")).stdout
    assert "quantities.full   F1 1.000" in scores and "officials.full    F1 1.000" in scores

    # the reviewer corrects one fact's event, the way Label Studio's export records it
    edited = copy.deepcopy(exported[:2])
    region = next(i for i in edited[0]["annotations"][0]["result"] if i["from_name"] == "event")
    region["value"]["choices"] = ["expelled"]
    region["origin"] = "prediction-changed"
    edited[0]["annotations"][0]["updated_at"] = "2026-11-30T11:00:00Z"
    export_file.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    cli("review", "import", str(export_file), "--out", str(tmp_path / "gold2"))
    golds = [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((tmp_path / "gold2").glob("*.json"))
    ]
    assert any(q["event"] == "expelled" for g in golds for q in g["quantities"])
    scored = cli("eval", "--gold", str(tmp_path / "gold2"), "-v")
    assert "quantities.core   F1 1.000" in scored.stdout
    assert "quantities.full   F1 1.000" not in scored.stdout  # the correction shows
    assert "missed" in scored.stderr and "expelled" in scored.stderr


def test_a_file_that_is_not_a_label_studio_export_is_refused(cli, tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"not": "a list"}', encoding="utf-8")
    result = cli("review", "import", str(bad), "--out", str(tmp_path / "g"))
    assert result.exit_code == 1 and "not a Label Studio JSON export" in result.stderr
