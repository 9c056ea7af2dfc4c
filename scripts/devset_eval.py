"""Score cxanalysis message markers against the hand-labelled real-data development set.

The development set (``data/devset/labels.csv``) holds 200 brand replies from the
Customer Support on Twitter corpus, labelled 0/1 for the 17 required markers by a person
reading each reply with the tweet it answers (see ``data/devset/README.md``). It carries
ids only; the text is joined back here from the shared corpus file, which is read with
the package's own reader.

For each marker the script compares ``feats.messages`` (a hit is a count > 0) with the
labels and prints support, TP, FP, FN, precision, recall and F1. Rows where the marker
is NA (a language the lexicons do not cover) are left out of that marker's figures and
counted under ``n_na``. Markers the package does not emit are reported as "not
implemented". If ``cx.featurize`` does not exist yet, the label prevalence is printed
instead.

Usage::

    python scripts/devset_eval.py [--twcs CSV] [--labels CSV] [--json PATH]
                                  [--show-errors]

No network access; the corpus text is only printed with ``--show-errors`` and never
written.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TWCS = REPO_ROOT.parent / "shared" / "data" / "twcs" / "twcs_pool_all_sources.csv"
DEFAULT_LABELS = REPO_ROOT / "data" / "devset" / "labels.csv"

MARKERS: tuple[str, ...] = (
    "warmth_greeting",
    "warmth_thanks",
    "warmth_apology",
    "warmth_empathy",
    "warmth_care",
    "warmth_self_intro",
    "warmth_we",
    "effort_asks_info",
    "channel_redirect",
    "proactive_info",
    "precision_commitment",
    "ownership_action",
    "tone_playful",
    "tone_blame",
    "tone_profanity",
    "comprehension_check",
    "idle_checkin",
)
NOT_IMPLEMENTED = "not implemented"
COUNT_COLUMNS = frozenset({"support", "tp", "fp", "fn", "n_na"})
TABLE_COLUMNS = ("marker", "support", "tp", "fp", "fn", "precision", "recall", "f1", "n_na", "status")


def import_cx() -> ModuleType:
    """Import ``cxanalysis``, from the repository checkout when it is not installed."""
    try:
        return importlib.import_module("cxanalysis")
    except ImportError:
        sys.path.insert(0, str(REPO_ROOT))
        return importlib.import_module("cxanalysis")


def load_labels(path: Path) -> pd.DataFrame:
    """Read the label file with ids as strings and markers as 0/1 integers."""
    labels = pd.read_csv(path, dtype={"tweet_id": str}, keep_default_na=False)
    missing = [c for c in ("tweet_id", *MARKERS) if c not in labels.columns]
    if missing:
        raise SystemExit(f"{path}: missing columns {missing}")
    labels[list(MARKERS)] = labels[list(MARKERS)].astype("int64")
    return labels


def prevalence(labels: pd.DataFrame) -> pd.DataFrame:
    """Count and share of replies labelled positive for each marker."""
    counts = labels[list(MARKERS)].sum()
    return pd.DataFrame(
        {
            "marker": counts.index,
            "support": counts.to_numpy(),
            "share": counts.to_numpy() / len(labels),
        }
    )


def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


def score_marker(truth: pd.Series, counts: pd.Series) -> dict[str, Any]:
    """Confusion counts, precision, recall and F1 of one marker (NA rows skipped)."""
    scored = counts.notna()
    gold = truth[scored].astype(bool)
    hit = counts[scored].astype("float64") > 0
    tp = int((gold & hit).sum())
    fp = int((~gold & hit).sum())
    fn = int((gold & ~hit).sum())
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * tp, 2 * tp + fp + fn)
    return {
        "support": int(gold.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "n_na": int((~scored).sum()),
        "status": "ok",
    }


def evaluate(labels: pd.DataFrame, messages: pd.DataFrame) -> pd.DataFrame:
    """Per-marker table for the labelled ids, plus a micro-average row."""
    rows = messages.assign(message_id=messages["message_id"].astype(str))
    rows = rows.drop_duplicates("message_id").set_index("message_id")
    gold = labels.set_index("tweet_id").loc[lambda f: f.index.isin(rows.index)]
    rows = rows.loc[gold.index]
    table = []
    for marker in MARKERS:
        if marker in rows.columns:
            table.append({"marker": marker, **score_marker(gold[marker], rows[marker])})
        else:
            support = int(gold[marker].sum())
            table.append({"marker": marker, "support": support, "status": NOT_IMPLEMENTED})
    result = pd.DataFrame(table).reindex(columns=list(TABLE_COLUMNS))
    done = result[result["status"] == "ok"]
    if not done.empty:
        tp, fp, fn = (int(done[c].sum()) for c in ("tp", "fp", "fn"))
        micro = {
            "marker": "micro (implemented)",
            "support": int(done["support"].sum()),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
            "f1": _ratio(2 * tp, 2 * tp + fp + fn),
            "n_na": int(done["n_na"].sum()),
            "status": "ok",
        }
        result = pd.concat([result, pd.DataFrame([micro])], ignore_index=True)
    return result


def show_errors(labels: pd.DataFrame, messages: pd.DataFrame, frame: pd.DataFrame) -> None:
    """Print each marker's false positives and false negatives with their text."""
    text = pd.Series(frame["text"].to_numpy(), index=frame["message_id"].astype(str))
    rows = messages.set_index(messages["message_id"].astype(str))
    gold = labels.set_index("tweet_id")
    ids = gold.index.intersection(rows.index)
    for marker in MARKERS:
        if marker not in rows.columns:
            continue
        counts = rows.loc[ids, marker]
        hit = counts.notna() & (counts.fillna(0).astype("float64") > 0)
        truth = gold.loc[ids, marker].astype(bool)
        for kind, mask in (("FP", hit & ~truth), ("FN", ~hit & truth & counts.notna())):
            for mid in ids[mask.to_numpy()]:
                print(f"[{marker} {kind}] {mid}: {text.get(mid, '')!r}")


def _isnan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _jsonable(key: str, value: Any) -> Any:
    if _isnan(value):
        return None
    if key in COUNT_COLUMNS:
        return int(value)
    if hasattr(value, "item"):
        return value.item()
    return value


def write_json(path: Path, table: pd.DataFrame, meta: dict[str, Any]) -> None:
    """Write the table and run metadata as JSON (NaN as null)."""
    records = []
    for row in table.to_dict(orient="records"):
        skip_nan = row.get("status") == NOT_IMPLEMENTED
        records.append({k: _jsonable(k, v) for k, v in row.items() if not (skip_nan and _isnan(v))})
    path.write_text(json.dumps({**meta, "markers": records}, indent=2) + "\n", encoding="utf-8")


def format_table(table: pd.DataFrame) -> str:
    """Render the table with three decimals and blanks for markers not implemented."""
    shown = table.copy()
    for col in ("precision", "recall", "f1"):
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    for col in ("tp", "fp", "fn", "n_na"):
        if col in shown.columns:
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else str(int(v)))
    return shown.to_string(index=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--twcs", type=Path, default=DEFAULT_TWCS, help="shared corpus CSV")
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="devset labels CSV")
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    parser.add_argument("--show-errors", action="store_true", help="print FP/FN texts (stdout only)")
    args = parser.parse_args(argv)

    labels = load_labels(args.labels)
    meta: dict[str, Any] = {
        "labels": str(args.labels),
        "twcs": str(args.twcs),
        "n_labelled": len(labels),
    }
    cx = import_cx()

    if not hasattr(cx, "featurize"):
        print(
            "cx.featurize is not available yet; label prevalence of",
            len(labels),
            "replies:",
        )
        table = prevalence(labels)
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.json:
            write_json(args.json, table, {**meta, "featurize": False})
        return 0

    started = time.perf_counter()
    frame = cx.read_transcripts(args.twcs)
    read_s = time.perf_counter() - started
    ids = set(labels["tweet_id"])
    found = frame[frame["message_id"].astype(str).isin(ids)]
    missing = sorted(ids - set(found["message_id"].astype(str)), key=int)
    not_agent = found.loc[found["role"].astype(str) != "agent", "message_id"]
    not_agent = not_agent.astype(str).tolist()
    print(f"read {len(frame)} messages in {read_s:.1f}s; {len(found)} of {len(ids)} labelled ids found")
    if missing:
        print(f"  missing from the frame: {', '.join(missing)}")
    if not_agent:
        print(f"  labelled ids whose role is not agent: {', '.join(not_agent)}")

    started = time.perf_counter()
    feats = cx.featurize(frame)
    feat_s = time.perf_counter() - started
    messages = feats.messages
    print(f"featurized in {feat_s:.1f}s\n")

    table = evaluate(labels, messages[messages["message_id"].astype(str).isin(ids)])
    print(format_table(table))
    if args.show_errors:
        print()
        show_errors(labels, messages[messages["message_id"].astype(str).isin(ids)], frame)
    if args.json:
        meta.update(featurize=True, n_found=len(found), missing=missing)
        meta.update(read_s=round(read_s, 2), featurize_s=round(feat_s, 2))
        write_json(args.json, table, meta)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
