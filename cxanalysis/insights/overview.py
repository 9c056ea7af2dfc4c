"""First looks at a collection: volumes, latency against channel norms, marker rates, evidence in context."""

from __future__ import annotations

import html as _html
from collections.abc import Iterable

import pandas as pd

from ..errors import SchemaError

DEFAULT_EXEMPLARS = ("apple", "spotify", "amazon")


def volumes(df: pd.DataFrame, by: str = "channel", columns: str = "lang") -> pd.DataFrame:
    """Conversations per ``by`` (rows) and ``columns`` (e.g. channel x language), with a ``total`` column."""
    for c in (by, columns, "conversation_id"):
        if c not in df.columns:
            raise SchemaError(f"volumes(): the frame has no column {c!r}")
    conv = df.groupby("conversation_id", sort=False)[[by, columns]].first().astype(str)
    table = pd.crosstab(conv[by], conv[columns])
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.sort_values("total", ascending=False, kind="stable")


def channel_norms(exemplars: Iterable[str] = DEFAULT_EXEMPLARS) -> pd.DataFrame:
    """The first-reply norm of each exemplar playbook, by the channel it was written for.

    Returns ``channel, exemplar, first_reply_s`` (one row per playbook that has a channel and a
    ``first_reply_s`` norm).
    """
    from ..exemplars import get_playbook

    rows = []
    for name in exemplars:
        pb = get_playbook(name)
        if pb.channel and "first_reply_s" in pb.norms:
            rows.append({"channel": pb.channel, "exemplar": pb.exemplar, "first_reply_s": float(pb.norms["first_reply_s"])})
    return pd.DataFrame(rows, columns=["channel", "exemplar", "first_reply_s"])


def latency_vs_norms(conversations: pd.DataFrame, norms: pd.DataFrame | None = None) -> pd.DataFrame:
    """First reply time per channel against the channel's norm.

    Parameters
    ----------
    conversations
        ``feats.conversations`` (needs ``channel`` and ``latency_first_reply_s``).
    norms
        From :func:`channel_norms` (the default).

    Returns
    -------
    DataFrame
        Per channel: ``conversations``, ``timed`` (with a first reply), ``median_min``,
        ``p90_min``, ``norm_min``, ``exemplar`` (whose norm) and ``within_norm`` (share of timed
        conversations answered within the norm; NA without a norm).
    """
    need = ("channel", "latency_first_reply_s")
    if any(c not in conversations.columns for c in need):
        raise SchemaError(f"latency_vs_norms(): conversations need columns {list(need)}; pass feats.conversations")
    norms = channel_norms() if norms is None else norms
    first = norms.drop_duplicates("channel").set_index("channel")
    c = conversations.assign(channel=conversations["channel"].astype(str))
    secs = pd.to_numeric(c["latency_first_reply_s"], errors="coerce").astype("float64")
    g = secs.groupby(c["channel"])
    out = pd.DataFrame(
        {
            "conversations": c.groupby("channel").size(),
            "timed": g.count(),
            "median_min": (g.median() / 60).round(1),
            "p90_min": (g.quantile(0.9) / 60).round(1),
        }
    )
    out["norm_min"] = (out.index.map(first["first_reply_s"]).astype("float64") / 60).round(1)
    out["exemplar"] = out.index.map(first["exemplar"])
    norm_s = c["channel"].map(first["first_reply_s"]).astype("float64")
    within = (secs <= norm_s).where(secs.notna() & norm_s.notna())
    out["within_norm"] = within.groupby(c["channel"]).mean().round(2)
    out.index.name = "channel"
    return out.sort_values("conversations", ascending=False, kind="stable")


def marker_rates(feats, markers: Iterable[str], by: str = "lang", role: str = "agent") -> pd.DataFrame:
    """Share of ``role`` messages with each marker (count > 0), per ``by`` group; markers as rows."""
    m = feats.messages
    markers = list(markers)
    missing = [c for c in [*markers, by, "role"] if c not in m.columns]
    if missing:
        raise SchemaError(f"marker_rates(): feats.messages has no column(s) {missing}")
    sub = m[m["role"].astype(str) == role]
    rates = (sub[markers].fillna(0) > 0).groupby(sub[by].astype(str)).mean().T
    rates.columns.name = by
    rates.index.name = "marker"
    return rates.round(2)


def highlight(text: str, evidence: pd.DataFrame, html: bool = True) -> str:
    """The text with every evidence span marked: ``<mark title=feature>`` (HTML) or ``[[...]]``.

    Overlapping spans are merged; the title lists every feature of the merged span. ``evidence``
    rows need ``start``, ``end`` and ``feature`` (offsets into ``text``).
    """
    spans = sorted(
        (int(s), int(e), str(f)) for s, e, f in evidence[["start", "end", "feature"]].itertuples(index=False) if pd.notna(s)
    )
    merged: list[list] = []
    for s, e, f in spans:
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            if f not in merged[-1][2]:
                merged[-1][2].append(f)
        else:
            merged.append([s, e, [f]])
    out, pos = [], 0
    esc = _html.escape if html else (lambda x: x)
    for s, e, feats in merged:
        out.append(esc(text[pos:s]))
        if html:
            out.append(f'<mark title="{esc(", ".join(feats))}">{esc(text[s:e])}</mark>')
        else:
            out.append(f"[[{text[s:e]}]]")
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def evidence_table(feats, df: pd.DataFrame, conversation_id: str, families: Iterable[str] | None = None) -> pd.DataFrame:
    """The messages of one conversation with their evidence marked (plain ``[[...]]``) and the features found.

    Returns ``turn, role, text, features`` (features: comma-separated names of the families asked for).
    """
    conv = df[df["conversation_id"] == conversation_id].sort_values("turn")
    if conv.empty:
        raise KeyError(f"no conversation {conversation_id!r}")
    ev = feats.evidence[feats.evidence["message_id"].isin(conv["message_id"])]
    if families is not None:
        prefixes = tuple(f"{f}_" for f in families)
        ev = ev[ev["feature"].astype(str).str.startswith(prefixes)]
    by_msg = dict(tuple(ev.groupby("message_id")))
    rows = []
    for r in conv.itertuples(index=False):
        e = by_msg.get(r.message_id, ev.iloc[0:0])
        rows.append(
            {
                "turn": int(r.turn),
                "role": str(r.role),
                "text": highlight(str(r.text), e, html=False),
                "features": ", ".join(sorted(set(e["feature"].astype(str)))),
            }
        )
    return pd.DataFrame(rows)


def agent_profiles(scores: pd.DataFrame, feats) -> pd.DataFrame:
    """Mean score per agent and exemplar (agents as rows), with ``n`` conversations.

    A conversation counts for every agent who wrote in it (``feats.conversations['agents']``,
    ``;``-separated).
    """
    conv = feats.conversations[["conversation_id", "agents"]].copy()
    conv["agent"] = conv["agents"].fillna("").astype(str).str.split(";")
    conv = conv.explode("agent")
    conv = conv[conv["agent"].str.strip() != ""]
    merged = scores[["conversation_id", "exemplar", "score"]].merge(conv[["conversation_id", "agent"]], on="conversation_id")
    table = merged.pivot_table(index="agent", columns="exemplar", values="score", aggfunc="mean").round(1)
    table.columns.name = None
    table["n"] = merged.groupby("agent")["conversation_id"].nunique()
    return table.sort_values("n", ascending=False, kind="stable")


def closest_exemplar(scores: pd.DataFrame) -> pd.DataFrame:
    """One row per conversation: ``conversation_id, closest`` (the exemplar flagged closest) and its ``score``."""
    best = scores[scores["closest"].astype(bool)]
    return best[["conversation_id", "exemplar", "score"]].rename(columns={"exemplar": "closest"}).reset_index(drop=True)


def lowest(scores: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The ``n`` conversations with the lowest score against their closest exemplar."""
    c = closest_exemplar(scores)
    return c.sort_values(["score", "conversation_id"], kind="stable").head(n).reset_index(drop=True)


def read(source, config=None):
    """Read transcripts with the ``read`` options of a ``cx.yml`` config, as the CLI does: ``(df, rejects)``."""
    from ..config import load_config, read_options
    from ..readers import read_transcripts

    options = read_options(load_config(config)) if config is not None else {}
    fmt = options.pop("format", None)
    return read_transcripts(source, fmt, return_rejects=True, **options)


def features(df: pd.DataFrame, config=None, families=None):
    """Featurize with the ``features`` section of a ``cx.yml`` config (family settings such as the calendar)."""
    from ..config import feature_params, load_config
    from ..features import featurize

    params = feature_params(load_config(config)) if config is not None else {}
    if families is not None:
        params = {k: v for k, v in params.items() if k in families}
    return featurize(df, families=families, params=params)


def load(source, config=None, families=None):
    """Read and featurize with the options of a ``cx.yml`` config: ``(df, rejects, feats)``.

    Parameters
    ----------
    source
        File, folder or glob (as for :func:`cxanalysis.read_transcripts`).
    config
        Path of a YAML config (its ``read`` and ``features`` sections), or None.
    families
        Feature families to compute (default: all).
    """
    df, rejects = read(source, config)
    return df, rejects, features(df, config, families)


def agent_gaps(scores: pd.DataFrame, feats, agent: str, df: pd.DataFrame | None = None, k: int | None = None) -> pd.DataFrame:
    """An agent's most frequent misses, with their own words and the exemplar phrasing.

    Every conversation the agent wrote in is explained (:func:`cxanalysis.explain`) against the
    exemplar it is closest to. A behaviour counts as a gap where it was missed (an anti-pattern:
    shown); evidence is credited only when the agent wrote the message it quotes. Where a missed
    behaviour has no quote (nothing was said), ``agent_wrote`` is the agent's first message in
    that conversation (needs ``df``), so the trainer sees what was said instead.

    Returns
    -------
    DataFrame
        ``exemplar, behaviour, summary, missed, applicable, weight, conversation_id,
        agent_wrote, suggestion``, largest ``missed * weight`` first (``k`` rows if given).
    """
    from ..scoring import explain

    conv = feats.conversations
    mine = conv[conv["agents"].fillna("").astype(str).str.split(";").map(lambda a: agent in a)]["conversation_id"]
    if mine.empty:
        raise KeyError(
            f"agent {agent!r} wrote in no conversation; agents: {sorted(set(';'.join(conv['agents'].fillna('')).split(';')) - {''})[:10]}"
        )
    author = feats.messages.set_index("message_id")["agent"] if "agent" in feats.messages else pd.Series(dtype="object")
    firsts: dict[str, str] = {}
    if df is not None:
        own = df[(df["role"].astype(str) == "agent") & (df["agent"] == agent)].sort_values(["conversation_id", "turn"])
        firsts = own.groupby("conversation_id")["text"].first().to_dict()
    closest = closest_exemplar(scores).set_index("conversation_id")["closest"]
    rows = []
    for cid in mine:
        ex = explain(scores, feats, cid, exemplar=closest[cid])
        ex = ex[ex["decision"].isin(["met", "missed"])].assign(conversation_id=cid)
        rows.append(ex)
    allx = pd.concat(rows, ignore_index=True)
    by_other = allx["message_id"].notna() & (allx["message_id"].map(author) != agent)
    allx = allx[~(by_other & (allx["decision"] == "missed"))]
    missed = allx[allx["decision"] == "missed"]

    def said(row: pd.Series) -> str:
        if isinstance(row["quote"], str) and row["quote"]:
            return row["quote"]
        text = firsts.get(row["conversation_id"], "")
        text = " ".join(text.split())
        return (text[:160] + "…") if len(text) > 160 else text

    summary = (
        allx.groupby(["exemplar", "behaviour"], sort=False)
        .agg(summary=("summary", "first"), applicable=("decision", "size"), weight=("weight", "first"))
        .join(missed.groupby(["exemplar", "behaviour"]).size().rename("missed"))
        .dropna(subset=["missed"])
        .reset_index()
    )
    if summary.empty:
        return pd.DataFrame(
            columns=[
                "exemplar",
                "behaviour",
                "summary",
                "missed",
                "applicable",
                "weight",
                "conversation_id",
                "agent_wrote",
                "suggestion",
            ]
        )
    example = missed.drop_duplicates(["exemplar", "behaviour"]).set_index(["exemplar", "behaviour"])
    summary["missed"] = summary["missed"].astype("int64")
    keys = list(zip(summary["exemplar"], summary["behaviour"]))
    summary["conversation_id"] = [example.loc[key, "conversation_id"] for key in keys]
    summary["agent_wrote"] = [said(example.loc[key]) for key in keys]
    summary["suggestion"] = [example.loc[key, "suggestion"] for key in keys]
    summary = summary.assign(_rank=summary["missed"] * summary["weight"].astype(float))
    summary = (
        summary.sort_values(["_rank", "missed"], ascending=False, kind="stable").drop(columns="_rank").reset_index(drop=True)
    )
    cols = ["exemplar", "behaviour", "summary", "missed", "applicable", "weight", "conversation_id", "agent_wrote", "suggestion"]
    return summary[cols].head(k) if k else summary[cols]


__all__ = [
    "agent_gaps",
    "agent_profiles",
    "features",
    "read",
    "load",
    "channel_norms",
    "closest_exemplar",
    "evidence_table",
    "highlight",
    "latency_vs_norms",
    "lowest",
    "marker_rates",
    "volumes",
]
