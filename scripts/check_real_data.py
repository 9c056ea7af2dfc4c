"""Read the real Twitter support files in ``../shared/data/twcs`` and check exact accounting.

Usage: ``python scripts/check_real_data.py [TWCS_DIR]`` (``make realdata``). Not part of the
default test suite: a user's clone has no ``../shared``. For each file it counts the source's
records with Python's csv module on its own (a bare CR inside an unquoted field kept as data),
reads the file with ``cx.read_transcripts``, and checks rows in = rows out + rejects, the
expected message counts, and zero rejects. Prints conversations, roles and timing per file.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import cxanalysis as cx

EXPECTED = {
    "twcs_pool_all_sources.csv": 53_223,
    "brands_subset.csv": 37_761,
    "kaggle_sample.csv": 93,
    "head5000_pandas_export.csv": 5_000,
}


def count_records(path: Path) -> int:
    """Records in a CSV, counted independently of the reader (quote-aware, bare CR = data)."""
    import csv
    import io

    text = path.read_bytes().decode("utf-8")
    text = re.sub(r"\r(?!\n)", " ", text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return sum(1 for r in rows[1:] if r)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("twcs", nargs="?", default="../shared/data/twcs", type=Path)
    args = ap.parse_args(argv)
    failures = 0
    for name, expected in EXPECTED.items():
        path = args.twcs / name
        if not path.exists():
            print(f"{name}: missing, skipped")
            continue
        records = count_records(path)
        t0 = time.perf_counter()
        df, rejects = cx.read_transcripts(path, return_rejects=True)
        secs = time.perf_counter() - t0
        ok = len(df) + len(rejects) == records and len(df) == expected and len(rejects) == 0
        failures += not ok
        roles = df["role"].value_counts().to_dict()
        print(
            f"{name}: {'OK' if ok else 'FAIL'}  records {records:,}  messages {len(df):,} (expected {expected:,})  "
            f"rejects {len(rejects):,}  conversations {df['conversation_id'].nunique():,}  "
            f"customer {roles.get('customer', 0):,} agent {roles.get('agent', 0):,}  "
            f"agents(signed) {df.loc[df['agent'].str.contains(' '), 'agent'].nunique():,}  "
            f"langs {dict(df['lang'].value_counts().head(5))}  {secs:.1f}s ({len(df) / secs:,.0f} msg/s)"
        )
        if len(rejects):
            print(rejects.head(5).to_string())
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
