"""Analysts' queries at scale: a database of 1,000,000 quantity rows (63 provinces, every
scope, category and event, 2004-2026), then the province-year series for one province
through the view and through `partyfacts facts`, and the start-up time of the query
commands (they must not import underthesea or Scrapy).

    python bench/query_scale.py [--rows 1000000] [--db /tmp/partyfacts-scale.db]

Prints query time (SQLite, best of 5) and the wall time of each command (best of 3).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from partyfacts import store
from partyfacts.extract import provinces
from partyfacts.schemas.vocabulary import CATEGORIES, EVENTS, SCOPES

SCOPE_WEIGHTS = {"province": 3, "district": 4, "commune": 3, "bloc": 1, "unit": 1, "national": 0.2,
                 "region": 0.1}  # fmt: skip


def build(path: Path, rows: int, seed: int = 3) -> None:
    rng = random.Random(seed)
    names = sorted(
        n for n, p in provinces.registry().items() if p.until is None or p.until.year >= 2025
    )
    db = store.connect(path)
    db.conn.execute("PRAGMA synchronous=OFF")
    articles = max(1, rows // 20)
    db.conn.execute("BEGIN")
    db.conn.executemany(
        "INSERT INTO articles (id, key, content_hash, text, province, published, rules_version, "
        "first_seen, updated_at) VALUES (?, ?, ?, '', ?, ?, 'bench', '2026-01-01', '2026-01-01')",
        (
            (i, f"bench:{i}", f"{i:064x}", names[i % len(names)], f"{2004 + i % 23}-06-01")
            for i in range(1, articles + 1)
        ),
    )
    scopes = list(SCOPES)
    weights = [SCOPE_WEIGHTS[s] for s in scopes]

    def quantity(i: int) -> tuple:
        article = 1 + i % articles
        province = names[(article - 1) % len(names)]
        year = 2004 + rng.randrange(23)
        scope = rng.choices(scopes, weights)[0]
        return (
            article, rng.randrange(1, 60000), "count", rng.choice(CATEGORIES[:3]) if i % 3 else
            rng.choice(CATEGORIES), rng.choice(("total", "total", "admitted", *EVENTS)), "actual",
            year, scope, province, "…", "…", 0, 1, "bench",
        )  # fmt: skip

    db.conn.executemany(
        "INSERT INTO quantities (article_id, value, unit, category, event, status, year, scope, "
        'province, text, sentence, start, "end", rules_version) '
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (quantity(i) for i in range(rows)),
    )
    db.conn.execute("COMMIT")
    db.conn.execute("ANALYZE")
    db.conn.close()


def best(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "scale.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.rows)
        print(f"built {args.rows:,} quantity rows in {time.perf_counter() - started:.1f} s: {path}")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    count = conn.execute("SELECT count(*) FROM quantities").fetchone()[0]
    series = (
        "SELECT year, category, value FROM party_totals_by_province_year "
        "WHERE province = 'Lai Châu' ORDER BY year"
    )
    rows = conn.execute(series).fetchall()
    seconds = best(5, lambda: conn.execute(series).fetchall())
    print(f"quantity rows                 {count:,}")
    print(f"province-year series (view)   {seconds * 1000:.1f} ms query time, {len(rows)} rows")
    facts = (
        "SELECT * FROM facts_with_source WHERE province = 'Lai Châu' AND scope = 'province' "
        "AND category = 'party_member' AND event = 'total' ORDER BY year"
    )
    seconds = best(5, lambda: conn.execute(facts).fetchall())
    print(f"facts --scope province (SQL)  {seconds * 1000:.1f} ms query time")
    command = [sys.executable, "-m", "partyfacts.cli"]
    for name, extra in (
        ("facts", ["--province", "Lai Châu", "--scope", "province", "--category", "party_member",
                   "--event", "total", "--limit", "20"]),
        ("officials", ["--name", "Lò"]),
        ("sql", ["SELECT count(*) FROM articles"]),
    ):  # fmt: skip
        seconds = best(
            3,
            lambda name=name, extra=extra: subprocess.run(
                [*command, name, "--db", str(path), *extra], capture_output=True, check=True
            ),
        )
        print(f"partyfacts {name:<10}         {seconds:.2f} s wall (start-up and query)")


if __name__ == "__main__":
    main()
