"""Hit rate of every marker on a real transcript file (e.g. the shared Twitter corpus).

For each marker column: the share of agent messages (and of customer messages, for markers
that count customers) with at least one hit, among messages in a covered language. A
realism check: a marker that fires on 60% of replies is too loose; one that never fires on
200,000 replies may be too narrow. Prints a table; ``--json PATH`` writes it too.

Usage::

    python scripts/marker_hit_rates.py ../shared/data/twcs/twcs_pool_all_sources.csv [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    import cxanalysis as cx

    t = time.perf_counter()
    df = cx.read_transcripts(args.source)
    t_read = time.perf_counter() - t
    t = time.perf_counter()
    feats = cx.featurize(df)
    t_feat = time.perf_counter() - t
    msgs = feats.messages
    rows = []
    for role in ("agent", "customer"):
        part = msgs[msgs["role"] == role]
        for col in feats.marker_columns:
            covered = part[col].notna()
            n = int(covered.sum())
            hits = int((part.loc[covered, col] > 0).sum())
            if role == "customer" and hits == 0:
                continue
            rows.append({"role": role, "marker": col, "messages": n, "hits": hits, "rate": round(hits / n, 4) if n else None})
    import pandas as pd

    table = pd.DataFrame(rows)
    with pd.option_context("display.max_rows", None, "display.width", 160):
        print(table.to_string(index=False))
    meta = {
        "source": str(args.source),
        "messages": len(msgs),
        "agent_messages": int((msgs["role"] == "agent").sum()),
        "languages": msgs["lang"].value_counts().head(8).to_dict(),
        "read_s": round(t_read, 2),
        "featurize_s": round(t_feat, 2),
    }
    print(json.dumps(meta, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps({**meta, "markers": rows}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
