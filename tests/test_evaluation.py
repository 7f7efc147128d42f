"""Evaluation floors. They are only ever raised: lowering one needs a reason in the
commit that does it."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The project's own corpus (partyfacts/corpus): every category, event, number and time form.
# Articles 21-53 (written for issues #7/#8) joined in: the officials floor moves from .98
# to .95 and the macro full from .97 to .96 because the corpus got harder, not the rules
# worse (articles 01-20 alone still score officials 1.000, full .996).
OWN_FLOORS = {"quantities.core": 0.98, "quantities.full": 0.96, "quantities.scope": 0.96,
              "officials.core": 0.97, "officials.full": 0.96, "full": 0.96, "province": 0.98,
              "dateline": 0.97}  # fmt: skip
# The seed articles in ../shared, scored by the shared scorer (issue #2's floors and above;
# scope from issue #8).
SEED_FLOORS = {"quantities.core": 0.98, "officials.core": 0.98, "full": 0.98,
               "quantities.scope": 1.0}  # fmt: skip
# The 40 real articles of ../shared/corpus/realdev (issue #7: core >= .93, full >= .88;
# issue #8: scope >= .90), text only. Set just under today's scores (core .977, full .938,
# scope .933) so that a regression fails CI; raised as scores rise, never lowered silently.
REALDEV_FLOORS = {"quantities.core": 0.96, "quantities.full": 0.92, "quantities.scope": 0.92}


def test_own_corpus_meets_its_floors(cli):
    args = ["eval"] + [f"--min={k}={v}" for k, v in OWN_FLOORS.items()]
    result = cli(*args)
    assert result.exit_code == 0, result.output


def test_seed_articles_meet_their_floors_with_the_shared_scorer(shared, tmp_path):
    pred = tmp_path / "pred.jsonl"
    seeds = sorted(str(p) for p in (shared / "corpus" / "seeds").glob("*.txt"))
    with pred.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "partyfacts.cli", "extract", *seeds], stdout=out, check=False
        )
    assert done.returncode == 0
    floors = [f"--min={k}={v}" for k, v in SEED_FLOORS.items()]
    score = subprocess.run(
        [
            sys.executable,
            str(shared / "eval" / "score.py"),
            "facts",
            str(shared / "gold" / "seeds"),
            str(pred),
            *floors,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert score.returncode == 0, score.stdout + score.stderr


def test_real_articles_meet_their_quantity_floors(shared, tmp_path):
    pred = tmp_path / "pred.jsonl"
    articles = sorted(str(p) for p in (shared / "corpus" / "realdev").glob("*.txt"))
    with pred.open("w", encoding="utf-8") as out:
        done = subprocess.run(
            [sys.executable, "-m", "partyfacts.cli", "extract", *articles], stdout=out, check=False
        )
    assert done.returncode == 0
    floors = [f"--min={k}={v}" for k, v in REALDEV_FLOORS.items()]
    score = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), "facts",
         str(shared / "gold" / "realdev"), str(pred), *floors],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert score.returncode == 0, score.stdout + score.stderr


@pytest.mark.parametrize("name", ["quantities.core", "officials.core", "full"])
def test_floors_are_at_least_the_issue_minimums(name):
    minimum = {"quantities.core": 0.90, "officials.core": 0.95, "full": 0.80}[name]
    assert SEED_FLOORS[name] >= minimum
