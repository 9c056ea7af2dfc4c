"""The outcome model on real SpotifyCares threads (proxy outcome), for the closing note.

    python scripts/twcs_drivers.py ../shared/data/twcs/brands_subset.csv [--brand SpotifyCares]

Reads the file, keeps the threads the brand answered, featurizes them and runs
``cx.drivers`` with the documented proxy rule; prints the unit count, the cross-validated
AUC beside the shuffled-label baseline, and the largest effects with their intervals.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import cxanalysis as cx


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path")
    ap.add_argument("--brand", default="SpotifyCares")
    args = ap.parse_args(argv)
    t = time.perf_counter()
    df = cx.read_transcripts(args.path)
    answered = df.loc[(df["role"] == "agent") & (df["speaker"] == args.brand), "conversation_id"].unique()
    df = df[df["conversation_id"].isin(answered)]
    feats = cx.featurize(df)
    d = cx.drivers(feats)
    replies = int(((feats.messages["role"] == "agent") & (feats.messages["speaker"] == args.brand)).sum())
    print(f"{args.brand}: {len(answered):,} threads, {replies:,} brand replies; {time.perf_counter() - t:.0f}s")
    print(d)
    print("notes:", *d.notes, sep="\n  ")
    with pd.option_context("display.width", 160, "display.float_format", "{:.3f}".format):
        print(d.effects.head(15).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
