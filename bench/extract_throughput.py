"""Extraction throughput: characters of article text per second in one process, model
load excluded, and peak memory, over at least 2 MB of text built from the project's own
sample articles (numbers varied per copy so no two articles are the same).

    python bench/extract_throughput.py [--mb 2]
"""

from __future__ import annotations

import argparse
import re
import resource
import time
from pathlib import Path

from partyfacts import extract

CORPUS = Path(__file__).resolve().parent.parent / "partyfacts" / "corpus" / "articles"


def build(megabytes: float) -> list[str]:
    samples = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    texts, size, copy = [], 0, 0
    while size < megabytes * 1_000_000:
        for sample in samples:
            # vary every figure so each copy is a different article
            shift = copy % 7
            text = re.sub(r"\b(\d{2,3})\b", lambda m, s=shift: str(int(m.group(1)) + s), sample)
            texts.append(text)
            size += len(text.encode("utf-8"))
        copy += 1
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mb", type=float, default=2.0, help="megabytes of text (UTF-8)")
    args = parser.parse_args()
    texts = build(args.mb)
    extract.facts(
        "Khởi động\n\nĐồng chí Lò Văn Chỉnh, Bí thư Thị ủy: kết nạp 80 đảng viên."
    )  # model load
    chars = sum(len(t) for t in texts)
    started = time.perf_counter()
    found = sum(len(extract.facts(t).quantities) for t in texts)
    elapsed = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"articles           {len(texts)}")
    print(
        f"text               {chars:,} characters ({sum(len(t.encode()) for t in texts) / 1e6:.2f} MB UTF-8)"
    )
    print(f"quantity facts     {found:,}")
    print(f"time               {elapsed:.2f} s")
    print(f"throughput         {chars / elapsed:,.0f} characters/s (one process)")
    print(f"peak memory (RSS)  {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
