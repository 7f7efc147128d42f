"""The SQLite store: one article per key, facts replaced atomically, locks waited out."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import time

import pydantic
import pytest

from partyfacts import pipeline, store
from partyfacts.schemas import QuantityFact

TEXT = (
    "Lai Châu kết nạp đảng viên\n\n"
    "Năm 2019, Đảng bộ tỉnh Lai Châu đã kết nạp 1.154 đảng viên; 85,7% tổ chức đảng đạt "
    "trong sạch vững mạnh.\n\nĐồng chí Lò Văn Chỉnh, Bí thư Thị ủy phát biểu."
)


HOLD_LOCK = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
"""


@pytest.fixture
def db(tmp_path):
    return store.connect(tmp_path / "facts.db", lock_timeout=10)


def test_storing_the_same_article_twice_leaves_one_article_and_one_set_of_facts(db):
    extraction = pipeline.from_text(TEXT, doc="a.txt")
    assert store.save(db, extraction) == "new"
    assert store.save(db, pipeline.from_text(TEXT, doc="a.txt")) == "unchanged"
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM quantities").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM officials").fetchone()[0] == 1


def test_new_rules_version_replaces_the_facts_and_records_the_version(db):
    old = pipeline.from_text(TEXT, doc="a.txt").model_copy(update={"rules_version": "0.9+old"})
    old = old.model_copy(update={"quantities": old.quantities[:1]})
    store.save(db, old)
    assert db.execute("SELECT DISTINCT rules_version FROM quantities").fetchall() == [("0.9+old",)]
    new = pipeline.from_text(TEXT, doc="a.txt")
    assert store.save(db, new) == "updated"
    rows = db.execute("SELECT rules_version, count(*) FROM quantities GROUP BY 1").fetchall()
    assert rows == [(new.rules_version, 2)]
    assert db.execute("SELECT rules_version FROM articles").fetchone()[0] == new.rules_version


def test_a_failed_write_leaves_the_previous_facts_in_place(db, monkeypatch):
    store.save(db, pipeline.from_text(TEXT, doc="a.txt"))
    changed = pipeline.from_text(TEXT + "\n\nThêm 3 chi bộ.", doc="a.txt")
    changed = changed.model_copy(
        update={"article": changed.article.model_copy(update={"key": "sha256:" + "0" * 64})}
    )

    def boom(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "_insert_facts", boom)
    with pytest.raises(RuntimeError):
        store.save(db, changed)
    assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM quantities").fetchone()[0] == 2


def test_a_second_writer_waits_for_the_lock_instead_of_failing(tmp_path, python):
    path = tmp_path / "locked.db"
    store.connect(path)
    # another process takes the write lock and keeps it for 1.5 s
    holder = subprocess.Popen(
        [python, "-c", HOLD_LOCK, str(path), "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "locked"
    started = time.monotonic()
    db = store.connect(path, lock_timeout=15)
    assert store.save(db, pipeline.from_text(TEXT, doc="a.txt")) == "new"
    assert time.monotonic() - started > 0.5  # it really waited
    assert holder.wait(timeout=10) == 0


def test_a_writer_gives_up_with_a_clear_error_after_its_timeout(tmp_path):
    path = tmp_path / "locked.db"
    db = store.connect(path, lock_timeout=0.5)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(store.StoreError, match=r"locked by another writer; waited 0\.5 s"):
        store.save(db, pipeline.from_text(TEXT, doc="a.txt"))
    # opening it for writing already waits for the lock, then says so
    with pytest.raises(store.StoreError, match="locked by another process") as raised:
        store.connect(path, lock_timeout=0.5)
    assert raised.value.code == 75
    holder.execute("ROLLBACK")


def test_wal_mode_foreign_keys_and_indexes(db):
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    indexes = {row[1] for row in db.execute("SELECT * FROM sqlite_master WHERE type='index'")}
    assert {
        "quantities_category",
        "quantities_province",
        "quantities_year",
        "officials_name",
    } <= indexes
    store.save(db, pipeline.from_text(TEXT, doc="a.txt"))
    db.execute("DELETE FROM articles")
    assert db.execute("SELECT count(*) FROM quantities").fetchone()[0] == 0  # cascade


def test_values_outside_the_vocabularies_are_refused_by_records_and_by_sqlite(db):
    with pytest.raises(pydantic.ValidationError):
        QuantityFact(
            value=1,
            unit="count",
            category="party_members",
            event="total",
            text="1",
            sentence="1",
            start=0,
            end=1,
        )
    store.save(db, pipeline.from_text(TEXT, doc="a.txt"))
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE quantities SET event = 'celebrated'")


def test_full_text_search_finds_articles_by_vietnamese_words(db):
    store.save(db, pipeline.from_text(TEXT, doc="a.txt"))
    store.save(db, pipeline.from_text("Tin khác\n\nHội nghị bàn về kinh tế.", doc="b.txt"))
    hits = db.execute(
        "SELECT doc FROM articles_fts JOIN articles ON articles.rowid = articles_fts.rowid "
        "WHERE articles_fts MATCH ?",
        ('"đảng viên"',),
    ).fetchall()
    assert hits == [("a.txt",)]


def test_officials_are_one_row_per_person_with_titles_as_json(db):
    text = TEXT + "\n\nKết luận, đồng chí Lò Văn Chỉnh, Ủy viên Ban Thường vụ Tỉnh ủy nhấn mạnh."
    store.save(db, pipeline.from_text(text, doc="a.txt"))
    rows = db.execute("SELECT name, titles, mentions FROM officials").fetchall()
    assert len(rows) == 1
    name, titles, mentions = rows[0]
    assert name == "Lò Văn Chỉnh" and mentions == 2
    assert json.loads(titles) == ["Bí thư Thị ủy", "Ủy viên Ban Thường vụ Tỉnh ủy"]
