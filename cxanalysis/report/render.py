"""HTML pages of the coaching report: page data as plain dicts, rendered by Jinja2 templates.

Templates live in ``cxanalysis/report/templates`` (package data) and are loaded with
:mod:`importlib.resources`; the environment autoescapes everything, so transcript text can
never inject markup. Figures are embedded as ``data:`` PNG URIs: a page is one file.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from urllib.parse import quote as url_quote

import jinja2
import numpy as np
import pandas as pd

from . import figures, model
from .build import ReportContext, phrasing_for, phrasing_parts, profile

PAGE_LANG = "en"
MIN_LATENCY_POINTS = 3


@cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of the report templates (autoescaping on, undefined names fail)."""

    def load(name: str) -> str:
        return resources.files("cxanalysis.report").joinpath("templates", name).read_text(encoding="utf-8")

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = fmt_score
    env.filters["duration"] = fmt_duration
    env.filters["pct"] = lambda v: "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{100 * v:.0f}%"
    env.filters["url"] = lambda s: url_quote(str(s))
    return env


def fmt_score(v: float | None) -> str:
    """A score for the page (``–`` when missing)."""
    return "–" if v is None or pd.isna(v) else f"{float(v):.0f}"


def fmt_interval(mean: float, low: float, high: float, n: int) -> str:
    """``62 [48–75]``; ``62 (n=1)`` without an interval (one conversation); ``–`` without a score."""
    if pd.isna(mean):
        return "–"
    if pd.isna(low) or pd.isna(high):
        return f"{mean:.0f} (n={n})"
    return f"{mean:.0f} [{low:.0f}–{high:.0f}]"


def fmt_duration(seconds: float | None) -> str:
    """Seconds as ``36 s``, ``4.2 min``, ``3.1 h`` or ``1.3 d`` (``–`` when missing)."""
    if seconds is None or pd.isna(seconds):
        return "–"
    s = float(seconds)
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    if s < 172800:
        return f"{s / 3600:.1f} h"
    return f"{s / 86400:.1f} d"


def _figure(draw) -> str:
    with figures.report_style():
        ax = draw()
        return figures.figure_uri(ax.figure)


def _profile_rows(p: pd.DataFrame) -> list[dict]:
    return [
        {"exemplar": r.exemplar, "n": int(r.n), "text": fmt_interval(r.mean, r.low, r.high, int(r.n)), "mean": r.mean}
        for r in p.itertuples(index=False)
    ]


def _latency(ctx: ReportContext, fr: pd.DataFrame, who: str) -> dict:
    table = model.latency_table(fr, ctx.norms)
    rows = [
        {
            "channel": r.channel,
            "n": int(r.n),
            "timed": int(r.timed),
            "median": fmt_duration(r.median_s),
            "norm": f"{fmt_duration(r.norm_s)} ({r.norm_exemplar})" if r.norm_exemplar else "no exemplar norm",
            "within": r.within_norm,
        }
        for r in table.itertuples(index=False)
    ]
    fig = None
    if fr["first_reply_s"].notna().sum() >= MIN_LATENCY_POINTS:  # fewer: the table says it all
        fig = _figure(lambda: figures.plot_first_reply(fr, ctx.norms, title=f"First reply time by channel: {who}"))
    return {"rows": rows, "figure": fig, "n": len(fr)}


def _recent_first(ctx: ReportContext, cids) -> list[str]:
    starts = ctx.starts
    key = pd.DataFrame({"cid": list(cids)})
    key["start"] = key["cid"].map(starts)
    key = key.sort_values(["start", "cid"], ascending=[False, True], na_position="last", kind="stable")
    return list(key["cid"])


def _first_message(ctx: ReportContext, agent: str, cid: str) -> str | None:
    m = ctx.of("msgs", agent)
    rows = m.loc[m["conversation_id"] == cid].sort_values("turn", kind="stable")
    return str(rows["message_id"].iloc[0]) if len(rows) else None


def _explain_row(ctx: ReportContext, cid: str, exemplar: str, behaviour: str) -> pd.Series | None:
    ex = ctx.explain(cid, exemplar)
    hit = ex.loc[ex["behaviour"] == behaviour]
    return hit.iloc[0] if len(hit) else None


def _gap(ctx: ReportContext, agent: str, row: pd.Series, also: list[str], used: set[str]) -> dict:
    pb = ctx.playbooks[row["exemplar"]]
    b = pb.behaviour(row["behaviour"])
    d = ctx.of("dec", agent)
    missed = d.loc[
        (d["exemplar"] == row["exemplar"]) & (d["behaviour"] == row["behaviour"]) & (d["decision"] == "missed"), "conversation_id"
    ]
    order = _recent_first(ctx, missed.unique())
    cid = next((c for c in order if c not in used), order[0])  # a different conversation per gap where possible
    used.add(cid)
    quote, label = None, "opening of their first reply in this conversation"
    if b.anti or b.evidence:  # an anti-pattern shown, or a miss the playbook's evidence shows (AMZ-07, TEC-01)
        a = ctx.of("authored", agent)
        ev = a.loc[(a["conversation_id"] == cid) & (a["exemplar"] == row["exemplar"]) & (a["behaviour"] == b.id)]
        if len(ev):
            e = ev.iloc[0]
            quote = ctx.quote(e["message_id"], e["start"], e["end"])
            marked = not (pd.isna(e["start"]) or pd.isna(e["end"]))
            label = (
                f"the words that showed it ({e['feature']}) are marked"
                if marked
                else f"the reply that showed it ({e['feature']})"
            )
    if quote is None:
        mid = _first_message(ctx, agent, cid)
        quote = ctx.quote(mid) if mid else None
    ex = _explain_row(ctx, cid, row["exemplar"], b.id)
    lang = ctx.conv_lang.get(cid, "und")
    ph = phrasing_for(b, lang)
    return {
        "id": b.id,
        "summary": b.summary,
        "exemplar": row["exemplar"],
        "also": also,
        "anti": b.anti,
        "critical": b.critical,
        "weight": b.weight,
        "missed": int(row["missed"]),
        "judged": int(row["judged"]),
        "lost": float(row["lost"]),
        "conversation": ctx.conversation_label(cid),
        "conv_lang": lang,
        "quote": quote,
        "quote_label": label,
        "reason": ctx.red(str(ex["reason"])) if ex is not None else "",
        "phrasing": phrasing_parts(ph[0]) if ph else [],
        "phrasing_lang": ph[1] if ph else PAGE_LANG,
        "phrasing_fallback": bool(ph) and ph[1] != lang,
    }


def _condition_values(ctx: ReportContext, b, cid: str) -> str:
    """``<condition> (column=value, ...)`` for a behaviour decided without a text span (reply time)."""
    conv = ctx.feats.conversations
    row = conv.loc[conv["conversation_id"] == cid]
    parts = []
    for c in b.condition.columns if b.condition is not None else ():
        if c in row.columns and len(row):
            v = row[c].iloc[0]
            parts.append(f"{c}={'NA' if pd.isna(v) else (fmt_duration(v) if c.endswith('_s') else v)}")
    return f"{b.condition.source} ({', '.join(parts)})" if b.condition is not None else ""


def _strength(ctx: ReportContext, agent: str, row: pd.Series) -> dict:
    b = ctx.playbooks[row["exemplar"]].behaviour(row["behaviour"])
    d = ctx.of("dec", agent)
    met = d.loc[(d["exemplar"] == row["exemplar"]) & (d["behaviour"] == b.id) & (d["decision"] == "met"), "conversation_id"]
    a = ctx.of("authored", agent)
    # evidence from a conversation where the behaviour was met (TEC-01's evidence is of misses)
    ev = a.loc[(a["exemplar"] == row["exemplar"]) & (a["behaviour"] == b.id) & a["conversation_id"].isin(met)]
    quote, cid, reason = None, None, ""
    if len(ev):
        cid = _recent_first(ctx, ev["conversation_id"].unique())[0]
        e = ev.loc[ev["conversation_id"] == cid].iloc[0]
        quote = ctx.quote(e["message_id"], e["start"], e["end"])
    else:
        cid = _recent_first(ctx, met.unique())[0]
        reason = _condition_values(ctx, b, cid)
    return {
        "id": b.id,
        "summary": b.summary,
        "exemplar": row["exemplar"],
        "met": int(row["met"]),
        "judged": int(row["judged"]),
        "gained": float(row["gained"]),
        "conversation": ctx.conversation_label(cid) if cid else "",
        "quote": quote,
        "reason": reason,
    }


def _conversations(ctx: ReportContext, agent: str) -> list[dict]:
    cids = ctx.of("conv", agent)["conversation_id"]
    wide = ctx.wide_scores
    conv = ctx.feats.conversations
    channel = dict(zip(conv["conversation_id"], conv["channel"]))
    others = ctx.conv_agents.groupby("conversation_id")["agent"].nunique()
    cols = [e for e in ctx.exemplars if e in wide.columns]
    sub = wide.reindex(index=list(cids.unique()), columns=ctx.exemplars)
    out = []
    for cid in _recent_first(ctx, cids.unique()):
        start = ctx.starts.get(cid)
        ch = channel.get(cid)
        out.append(
            {
                "id": ctx.conversation_label(cid),
                "start": "" if start is None or pd.isna(start) else pd.Timestamp(start).strftime("%Y-%m-%d %H:%M"),
                "channel": "" if ch is None or pd.isna(ch) else str(ch),
                "lang": ctx.conv_lang.get(cid, "und"),
                "shared": int(others.get(cid, 1)) > 1,
                "scores": [fmt_score(sub.at[cid, e]) if e in cols else "–" for e in ctx.exemplars],
            }
        )
    return out


def agent_page(ctx: ReportContext, agent: str) -> dict:
    """Everything an agent page shows, as plain values (the template only lays it out)."""
    name = ctx.display_names[agent]
    row = ctx.table.loc[ctx.table["agent"] == agent].iloc[0]
    p = profile(ctx, agent)
    team = ctx.team_profile
    fig_profile = _figure(lambda: figures.plot_profile(p, team, title=f"Score against each exemplar: {name}"))
    beh = ctx.of("beh", agent)
    gaps_rows = model.top_gaps(beh, agent)
    mine = beh.loc[beh["missed"] > 0]
    gaps: list[dict] = []
    used: set[str] = set()
    for _, g in gaps_rows.iterrows():
        also = sorted(set(mine.loc[(mine["behaviour"] == g["behaviour"]) & (mine["exemplar"] != g["exemplar"]), "exemplar"]))
        gaps.append(_gap(ctx, agent, g, also, used))
    strengths = [_strength(ctx, agent, s) for _, s in model.top_strengths(beh, agent).iterrows()]
    fr = ctx.of("fr", agent)
    latency = _latency(ctx, fr, name)
    tr, unit = model.trend(ctx.of("sc", agent), ctx.starts)
    trend_fig = _figure(lambda: figures.plot_trend(tr, unit, title=f"Mean score per {unit}: {name}")) if len(tr) else None
    return {
        "title": f"Coaching report: {name}",
        "agent": name,
        "n": int(row["n"]),
        "ranked": bool(row["ranked"]),
        "rank": None if pd.isna(row["rank"]) else int(row["rank"]),
        "n_ranked": int(ctx.table["ranked"].sum()),
        "min_n": ctx.min_n,
        "profile": _profile_rows(p),
        "team_profile": {r["exemplar"]: r["text"] for r in _profile_rows(team)},
        "fig_profile": fig_profile,
        "gaps": gaps,
        "strengths": strengths,
        "latency": latency,
        "trend": trend_fig,
        "trend_unit": unit,
        "conversations": _conversations(ctx, agent),
        "exemplars": ctx.exemplars,
        "redacted": ctx.redact,
    }


def _team_gaps(ctx: ReportContext, k: int = 5) -> list[dict]:
    d = ctx.decisions
    n_conv = ctx.scores.groupby("exemplar")["conversation_id"].nunique()
    g = d.assign(
        judged=d["decision"] != "n/a",
        is_missed=d["decision"] == "missed",
        lost=d["points"].where(d["decision"] == "missed", 0.0).fillna(0.0),
    ).groupby(["exemplar", "behaviour"], sort=True)
    t = g.agg(
        summary=("summary", "first"), judged=("judged", "sum"), missed=("is_missed", "sum"), lost=("lost", "sum")
    ).reset_index()
    t["lost"] = t["lost"] / t["exemplar"].map(n_conv)
    t = t.loc[t["missed"] > 0].sort_values(["lost", "missed", "behaviour"], ascending=[False, False, True], kind="stable")
    t = t.drop_duplicates("behaviour").head(k)
    return [
        {
            "id": r.behaviour,
            "summary": r.summary,
            "exemplar": r.exemplar,
            "missed": int(r.missed),
            "judged": int(r.judged),
            "lost": r.lost,
        }
        for r in t.itertuples(index=False)
    ]


def team_page(ctx: ReportContext) -> dict:
    """Everything the team overview shows, as plain values."""
    t = ctx.table
    rows = []
    for r in t.to_dict("records"):
        rows.append(
            {
                "agent": ctx.display_names[r["agent"]],
                "href": "agents/" + ctx.file_names[r["agent"]],
                "n": int(r["n"]),
                "ranked": bool(r["ranked"]),
                "rank": None if pd.isna(r["rank"]) else int(r["rank"]),
                "overall": r["overall"],
                "cells": [fmt_interval(r[f"{e}_mean"], r[f"{e}_low"], r[f"{e}_high"], int(r[f"{e}_n"])) for e in ctx.exemplars],
            }
        )
    team = ctx.team_profile
    ranked = t.loc[t["ranked"]].assign(agent=lambda x: x["agent"].map(ctx.display_names))
    df = ctx.df
    ts = (
        pd.to_datetime(df["timestamp"], utc=True, errors="coerce")
        if "timestamp" in df.columns
        else pd.Series(dtype="datetime64[ns, UTC]")
    )
    langs = (
        ctx.feats.conversations["lang"].fillna("und").value_counts() if "lang" in ctx.feats.conversations.columns else pd.Series()
    )
    chans = ctx.feats.conversations["channel"].fillna("unknown").value_counts()
    return {
        "title": "Coaching report: team overview",
        "n_conversations": int(ctx.scores["conversation_id"].nunique()),
        "n_messages": len(df),
        "n_agents": len(t),
        "n_ranked": int(t["ranked"].sum()),
        "min_n": ctx.min_n,
        "span": (ts.min().strftime("%Y-%m-%d"), ts.max().strftime("%Y-%m-%d")) if ts.notna().any() else None,
        "languages": [(k, int(v)) for k, v in langs.items()],
        "channels": [(k, int(v)) for k, v in chans.items()],
        "exemplars": ctx.exemplars,
        "exemplar_titles": {e: pb.title for e, pb in ctx.playbooks.items()},
        "profile": _profile_rows(team),
        "fig_scores": _figure(lambda: figures.plot_team_scores(ctx.scores, ctx.exemplars)),
        "fig_ranked": _figure(lambda: figures.plot_ranked_agents(ranked)) if len(ranked) else None,
        "latency": _latency(ctx, ctx.first_replies, "all agents"),
        "gaps": _team_gaps(ctx),
        "agents": rows,
        "redacted": ctx.redact,
    }


def render(template: str, page: dict) -> str:
    """Render one template with the page dict (plus the page language)."""
    return environment().get_template(template).render(page=page, page_lang=PAGE_LANG, isnan=lambda v: v is None or np.isnan(v))
