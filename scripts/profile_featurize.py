"""Time the default ``cx.featurize`` on a fixed workload: total, per step and per family.

Usage::

    python scripts/profile_featurize.py --messages 50000               # synthetic (cx.bench)
    python scripts/profile_featurize.py --messages 50000 --real FILE   # a real file, tiled to N
    python scripts/profile_featurize.py --messages 50000 --profile     # also a pyinstrument profile

The frame has no ``lang`` column values, so language detection is part of the work, as in
``cx bench``. Figures: seconds for the whole ``featurize`` call (median of ``--repeat`` runs)
and messages/s, wall-clock and CPU time (the process' CPU seconds, less disturbed by other
work on a shared machine); then, in a separate pass over the same frame, wall and CPU seconds
for language detection, each family's fit + transform and the conversation aggregation; and
the peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import time

import pandas as pd


def _frame(messages: int, real: str | None, seed: int) -> pd.DataFrame:
    from cxanalysis.bench import synthetic_frame

    if not real:
        return synthetic_frame(messages, seed)
    if real.endswith(".parquet"):
        base = pd.read_parquet(real)
    else:
        from cxanalysis import read_transcripts

        base = read_transcripts(real)
    reps = -(-messages // max(len(base), 1))
    df = pd.concat([base] * reps, ignore_index=True).iloc[:messages].copy()
    if reps > 1:  # tiled copies become distinct conversations and messages
        copy = (pd.Series(range(len(df))) // len(base)).astype(str)
        df["conversation_id"] = (df["conversation_id"].astype(str) + "~" + copy).astype("string").to_numpy()
        df["message_id"] = (df["message_id"].astype(str) + "~" + copy).astype("string").to_numpy()
    df["lang"] = pd.array([pd.NA] * len(df), dtype="string")
    return df


def _steps(df: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds per step of featurize, run step by step as featurize does."""
    from cxanalysis.features import FAMILIES, _with_languages, aggregate_conversations

    out: dict[str, tuple[float, float]] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def since(start: tuple[float, float]) -> tuple[float, float]:
        now = clock()
        return now[0] - start[0], now[1] - start[1]

    t = clock()
    df = _with_languages(df)
    out["detect_languages"] = since(t)
    columns, customer = [], []
    for name, cls in FAMILIES.items():
        t = clock()
        fam = cls().fit(df)
        counts, _ = fam.transform_with_evidence(df)
        out[name] = since(t)
        columns.append(counts)
        customer.extend(getattr(fam, "customer_columns_", []))
    messages = pd.concat([df, *columns], axis=1)
    t = clock()
    aggregate_conversations(messages, customer)
    out["aggregate"] = since(t)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--real", help="a transcript file (or a parquet of a canonical frame) to tile")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=1, help="featurize runs (the median is reported)")
    ap.add_argument("--no-steps", action="store_true", help="skip the per-family pass")
    ap.add_argument("--profile", action="store_true", help="print a pyinstrument profile of one featurize run")
    args = ap.parse_args(argv)

    import cxanalysis as cx

    df = _frame(args.messages, args.real, args.seed)
    n = len(df)
    src = args.real or f"synthetic(seed={args.seed})"
    print(f"workload: {n} messages from {src}")
    cx.featurize(df.iloc[:200])  # warm-up: lexicons compiled, imports done
    times, cpu = [], []
    for _ in range(args.repeat):
        t, c = time.perf_counter(), time.process_time()
        cx.featurize(df)
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    med, med_cpu = statistics.median(times), statistics.median(cpu)
    runs = ", ".join(f"{x:.2f}" for x in times)
    print(f"featurize: {med:.2f} s median of [{runs}] -> {n / med:,.0f} msg/s")
    print(f"featurize CPU time: {med_cpu:.2f} s -> {n / med_cpu:,.0f} msg/s per CPU second (robust to a busy machine)")
    if not args.no_steps:
        steps = _steps(df)
        wall = sum(w for w, _ in steps.values())
        cpu = sum(c for _, c in steps.values())
        print(f"steps (one pass, {wall:.2f} s wall, {cpu:.2f} s CPU in all):")
        print(f"  {'step':18s} {'wall s':>8s} {'CPU s':>8s} {'CPU %':>6s}")
        for name, (w, c) in sorted(steps.items(), key=lambda kv: -kv[1][1]):
            print(f"  {name:18s} {w:8.2f} {c:8.2f} {100 * c / cpu:6.1f}")
    if args.profile:
        from pyinstrument import Profiler

        prof = Profiler(interval=0.005)
        prof.start()
        cx.featurize(df)
        prof.stop()
        print(prof.output_text(unicode=False, color=False, show_all=False))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
