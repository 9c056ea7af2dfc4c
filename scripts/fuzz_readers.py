"""Long fuzz run over every reader: N hostile files per reader, counts and failures.

    python scripts/fuzz_readers.py --examples 10000             # every reader
    python scripts/fuzz_readers.py --examples 2000 --reader csv --reader email
    python scripts/fuzz_readers.py --examples 10000 --json reports/fuzz.json

The strategies and the contract are those of the test suite (``tests/_fuzz.py``): each file either
reads (rows + rejects == records in, when known) or raises our own error naming the file. Unlike
the tests, this run does not stop at the first failure: it counts outcomes, keeps up to five
distinct failures per reader (with the file's first bytes), and prints the slowest file's time.
Exit status 1 when any reader failed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout, whatever the venv points at

from _fuzz import READERS, Case, ContractError, cases, check  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402


def fuzz(fmt: str, examples: int, seed: int | None, progress: int = 0) -> dict:
    """Run ``examples`` cases for one reader; return counts, failures and timings."""
    outcomes: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    failures: dict[str, str] = {}
    slowest = (0.0, "")

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        derandomize=seed is None,
    )
    @given(cases(fmt))
    def run(case: Case) -> None:
        nonlocal slowest
        kinds[case.how.split(":")[0]] += 1
        start = time.perf_counter()
        try:
            outcomes[check(case, errors=errors)] += 1
        except ContractError as exc:
            outcomes["FAILED"] += 1
            key = str(exc).split(":")[0][:80]
            if key not in failures and len(failures) < 5:
                failures[key] = f"{exc} | case: {case!r}"
        elapsed = time.perf_counter() - start
        if elapsed > slowest[0]:
            slowest = (elapsed, f"{case.how}, {len(case.data):,} bytes")
        done = sum(outcomes.values())
        if progress and done % progress == 0:
            print(f"  {fmt}: {done} examples, {dict(outcomes)}", flush=True)

    if seed is not None:
        from hypothesis import seed as hseed

        run = hseed(seed)(run)
    t0 = time.perf_counter()
    run()
    return {
        "reader": fmt,
        "examples": sum(outcomes.values()),
        "read": outcomes["read"],
        "error": outcomes["error"],
        "failed": outcomes["FAILED"],
        "cases": dict(kinds),
        "seconds": round(time.perf_counter() - t0, 1),
        "slowest_s": round(slowest[0], 3),
        "slowest_case": slowest[1],
        "failures": failures,
        "error_kinds": dict(errors.most_common(12)),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--examples", type=int, default=1000, help="hostile files per reader (default 1000)")
    p.add_argument("--reader", action="append", choices=READERS, help="only these readers (repeatable)")
    p.add_argument("--seed", type=int, help="hypothesis seed (default: derandomized, reproducible)")
    p.add_argument("--json", type=Path, help="also write the results as JSON")
    p.add_argument("--progress", type=int, default=0, help="print running counts every K examples")
    args = p.parse_args(argv)
    results = []
    for fmt in args.reader or READERS:
        r = fuzz(fmt, args.examples, args.seed, args.progress)
        results.append(r)
        print(
            f"{fmt:9} {r['examples']:6} examples: {r['read']:6} read, {r['error']:6} own errors, "
            f"{r['failed']:4} failed; {r['seconds']:7.1f} s, slowest file {r['slowest_s']:.2f} s "
            f"({r['slowest_case']})",
            flush=True,
        )
        if r["error_kinds"]:
            print("    own errors: " + "; ".join(f"{k.strip()} ({n})" for k, n in r["error_kinds"].items()), flush=True)
        for key, text in r["failures"].items():
            print(f"    FAIL {key}: {text[:600]}", flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    return 1 if any(r["failed"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
