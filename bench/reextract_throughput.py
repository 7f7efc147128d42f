"""Re-extraction throughput: 10,000 stored articles re-extracted with the current rules,
with 1 worker process and with 2, printing articles/s for each.

    python bench/reextract_throughput.py [--articles 10000]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import tempfile
from pathlib import Path

from partyfacts import reextract, store
from partyfacts.crawler.sample_site.generate import texts


def fill(db_path: Path, n: int) -> None:
    db = store.connect(db_path)
    rows = []
    for i, (title, text, when) in enumerate(texts(n)):
        digest = hashlib.sha256(f"{i}:{text}".encode()).hexdigest()
        rows.append({
            "key": f"sha256:{digest}", "doc": f"bench/{i}.txt", "content_hash": digest, "title": title,
            "published": when.date().isoformat(), "text": text, "rules_version": "bench",
            "first_seen": "2026-11-22T00:00:00", "updated_at": "2026-11-22T00:00:00",
        })  # fmt: skip
    names = list(rows[0])
    with db.conn:
        db.conn.executemany(
            f"INSERT INTO articles ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)})",
            rows,
        )
    db.conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base.db"
        fill(base, args.articles)
        print(f"{args.articles:,} stored articles")
        for workers in (1, 2):
            path = Path(tmp) / f"w{workers}.db"
            shutil.copy(base, path)
            db = store.connect(path)
            report = reextract.reextract(db, workers=workers)
            facts = db.execute("SELECT count(*) FROM quantities").fetchone()[0]
            print(f"{workers} worker{'s' if workers > 1 else ' '}  {report.seconds:6.1f} s  "
                  f"{report.per_second:7.1f} articles/s  {facts:,} facts written")  # fmt: skip
            db.conn.close()


if __name__ == "__main__":
    main()
