"""Summaries of a transcript frame: the figures ``cx read --summary`` prints."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

_LOCATION = re.compile(r"(?::\d+|#\d+)$")


def file_of(source: pd.Series) -> pd.Series:
    """The file part of ``source`` values (``a.csv:12`` → ``a.csv``)."""
    return source.astype(str).str.replace(_LOCATION, "", regex=True)


def summarize(df: pd.DataFrame, rejects: pd.DataFrame | None = None) -> dict[str, Any]:
    """Counts of a frame: rows, conversations, roles, agents, languages, channels, time span,
    rejects (with the commonest reasons) and per-file messages and rejects."""
    rejects = rejects if rejects is not None else pd.DataFrame(columns=["source", "reason", "raw"])
    ts = df["timestamp"].dropna()
    agents = df.loc[df["agent"] != "", "agent"].value_counts()
    per_file = pd.DataFrame({"messages": file_of(df["source"]).value_counts()})
    if len(rejects):
        per_file = per_file.join(pd.DataFrame({"rejects": file_of(rejects["source"]).value_counts()}), how="outer")
    per_file = per_file.reindex(columns=["messages", "rejects"]).fillna(0).astype(int).sort_index()
    reasons = (
        rejects["reason"].astype(str).str.replace(r"'[^']*'", "'…'", regex=True).value_counts()
        if len(rejects)
        else pd.Series(dtype=int)
    )
    return {
        "rows": int(len(df)),
        "conversations": int(df["conversation_id"].nunique()),
        "roles": {k: int(v) for k, v in df["role"].value_counts().items() if v},
        "agents": int(len(agents)),
        "top_agents": {k: int(v) for k, v in agents.head(10).items()},
        "languages": {k: int(v) for k, v in df["lang"].value_counts().items()},
        "channels": {k: int(v) for k, v in df["channel"].value_counts().items() if v},
        "first": ts.min().isoformat() if len(ts) else None,
        "last": ts.max().isoformat() if len(ts) else None,
        "untimed": int(df["timestamp"].isna().sum()),
        "rejects": int(len(rejects)),
        "reject_reasons": {k: int(v) for k, v in reasons.head(10).items()},
        "files": {k: {"messages": int(r.messages), "rejects": int(r.rejects)} for k, r in per_file.iterrows()},
        "skipped_files": list(df.attrs.get("cx_skipped", [])),
    }


def _counts(d: dict[str, int], limit: int = 12) -> str:
    items = list(d.items())
    text = ", ".join(f"{k} {v:,}" for k, v in items[:limit])
    return text + (f", … ({len(items) - limit} more)" if len(items) > limit else "") if items else "-"


def format_summary(s: dict[str, Any], per_file: bool = True) -> str:
    """Render :func:`summarize` output as aligned text."""
    lines = [
        f"{'messages':<14}{s['rows']:,}",
        f"{'conversations':<14}{s['conversations']:,}",
        f"{'roles':<14}{_counts(s['roles'])}",
        f"{'agents':<14}{s['agents']:,}" + (f"  (top: {_counts(s['top_agents'], 5)})" if s["agents"] else ""),
        f"{'languages':<14}{_counts(s['languages'])}",
        f"{'channels':<14}{_counts(s['channels'])}",
        f"{'time span':<14}{s['first'] or '-'} .. {s['last'] or '-'}" + (f"  ({s['untimed']:,} untimed)" if s["untimed"] else ""),
        f"{'rejects':<14}{s['rejects']:,}" + (f"  ({_counts(s['reject_reasons'], 3)})" if s["rejects"] else ""),
    ]
    if per_file and len(s["files"]) > 1:
        width = max(len(f) for f in s["files"])
        lines.append("files:")
        lines += [f"  {f:<{width}}  {c['messages']:>8,} messages  {c['rejects']:>6,} rejects" for f, c in s["files"].items()]
    if s["skipped_files"]:
        lines.append(f"skipped (not a transcript format): {', '.join(s['skipped_files'])}")
    return "\n".join(lines)
