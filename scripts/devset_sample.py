"""Draw the tweet ids of the real-data development set (``data/devset/``).

The development set is 200 brand replies from the Customer Support on Twitter corpus
(``twcs_pool_all_sources.csv`` in the shared data folder), excluding the three brands
whose playbooks are our exemplars (AppleSupport, SpotifyCares, AmazonHelp), so the
markers are judged on brands the exemplars were not written from. The draw is
reproducible: brand replies with non-empty text are sorted by tweet id and sampled with
a fixed seed.

Only ids are written: the corpus licence (CC BY-NC-SA 4.0) keeps its text out of the
project.

Usage::

    python scripts/devset_sample.py [TWCS_CSV] [-o ids.txt]

Prints the ids (one per line) to stdout, or writes them to ``-o``; the brand counts of
the draw go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TWCS = REPO_ROOT.parent / "shared" / "data" / "twcs" / "twcs_pool_all_sources.csv"
EXCLUDED_BRANDS = frozenset({"AppleSupport", "SpotifyCares", "AmazonHelp"})
SAMPLE_SIZE = 200
SEED = 20261122

_TRUE = {"true", "1", "yes", "t", "y", "1.0"}
_FALSE = {"false", "0", "no", "f", "n", "0.0"}


def canonical_id(value: object) -> str:
    """Return a tweet id as a canonical integer string (``3.0`` -> ``"3"``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    if not text or text.lower() == "nan":
        return ""
    try:
        return str(int(float(text))) if any(c in text for c in ".eE") else str(int(text))
    except ValueError:
        return text


def parse_inbound(value: object) -> bool | None:
    """Parse an ``inbound`` value read as bool, number or string; None if unknown."""
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return None


def load_brand_replies(path: Path) -> pd.DataFrame:
    """Read the corpus and keep brand replies with text, outside the excluded brands."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = raw.assign(
        tweet_id=raw["tweet_id"].map(canonical_id),
        inbound=raw["inbound"].map(parse_inbound),
        author_id=raw["author_id"].str.strip(),
    )
    keep = (
        frame["inbound"].eq(False)
        & ~frame["author_id"].isin(EXCLUDED_BRANDS)
        & frame["text"].str.strip().ne("")
        & frame["tweet_id"].ne("")
    )
    replies = frame.loc[keep].drop_duplicates("tweet_id", keep="first")
    order = replies["tweet_id"].astype("int64").sort_values(kind="stable").index
    return replies.loc[order].reset_index(drop=True)


def draw(replies: pd.DataFrame, n: int = SAMPLE_SIZE, seed: int = SEED) -> pd.DataFrame:
    """Sample ``n`` replies (already sorted by tweet id) with a fixed seed."""
    return replies.sample(n=n, random_state=seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("twcs", nargs="?", type=Path, default=DEFAULT_TWCS, help="corpus CSV")
    parser.add_argument("-o", "--output", type=Path, help="write the ids here (default stdout)")
    args = parser.parse_args(argv)

    sample = draw(load_brand_replies(args.twcs))
    ids = "\n".join(sample["tweet_id"]) + "\n"
    if args.output:
        args.output.write_text(ids, encoding="utf-8")
    else:
        sys.stdout.write(ids)
    counts = sample["author_id"].value_counts()
    print(f"{len(sample)} replies from {counts.size} brands:", file=sys.stderr)
    for brand, count in counts.items():
        print(f"  {brand:<20} {count}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
