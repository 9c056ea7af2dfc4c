"""The numbers behind the coaching report, as plain DataFrames (no HTML, no figures).

Attribution (who gets credit for what) follows one rule: a behaviour's decision in a
conversation goes to the agent who wrote the message that showed it. When a behaviour was
*shown* (met for a behaviour, missed for an anti-pattern) and an agent message carries evidence
for it, only the agents who wrote that evidence get the decision; the other agents of the
conversation get ``n/a`` for it (not their credit, not their fault). Every other decision (a
missed behaviour, an avoided anti-pattern, a decision without a text span such as reply time)
goes to every agent who wrote in the conversation.

Points: a met or missed behaviour is worth ``100 × weight / applicable weight`` score points of
that conversation and exemplar; a shown anti-pattern costs its ``weight`` in points. A gap is
the average number of points an agent's conversations lose on one behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..exemplars import Playbook

MIN_RANKED = 20
UNNAMED = "(agent not named)"
MET, MISSED, NA = "met", "missed", "n/a"


def bootstrap_interval(
    values: Iterable[float], level: float = 0.95, n_resamples: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """Mean and percentile bootstrap interval of the mean.

    Parameters
    ----------
    values:
        Observations; NaN values are dropped.
    level:
        Confidence level of the interval.
    n_resamples, seed:
        Bootstrap resamples and the seed of the generator (results are reproducible).

    Returns
    -------
    ``(mean, low, high)``; the bounds are NaN with fewer than two observations, all three
    with none.

    Examples
    --------
    >>> m, lo, hi = bootstrap_interval([40, 50, 60, 70, 80])
    >>> m, lo <= m <= hi
    (60.0, True)
    """
    from scipy.stats import bootstrap

    x = np.asarray(list(values), dtype=float)
    x = x[~np.isnan(x)]
    if not len(x):
        return (float("nan"),) * 3
    mean = float(x.mean())
    if len(x) < 2:
        return mean, float("nan"), float("nan")
    if np.all(x == x[0]):
        return mean, mean, mean
    res = bootstrap(
        (x,),
        np.mean,
        n_resamples=n_resamples,
        confidence_level=level,
        method="percentile",
        vectorized=True,
        rng=np.random.default_rng(seed),
    )
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    return mean, min(lo, mean), max(hi, mean)


def agent_name(value: object) -> str:
    """The report name of an agent value (empty or missing -> ``(agent not named)``)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return UNNAMED
    s = str(value).strip()
    return s or UNNAMED


def agent_messages(feats) -> pd.DataFrame:
    """Agent-written messages: ``message_id, conversation_id, turn, timestamp, agent, lang, channel``."""
    m = feats.messages
    a = m.loc[m["role"] == "agent"]
    cols = [c for c in ("message_id", "conversation_id", "turn", "timestamp", "lang", "channel") if c in a.columns]
    out = a[cols].copy()
    out["agent"] = [agent_name(v) for v in (a["agent"] if "agent" in a.columns else [None] * len(a))]
    return out.reset_index(drop=True)


def agent_conversations(feats) -> pd.DataFrame:
    """One row per agent × conversation they wrote in: ``agent, conversation_id, n_messages, first_turn``."""
    am = agent_messages(feats)
    g = am.groupby(["agent", "conversation_id"], sort=True, observed=True)
    return g.agg(n_messages=("message_id", "size"), first_turn=("turn", "min")).reset_index()


def behaviour_decisions(scores: pd.DataFrame, playbooks: dict[str, Playbook]) -> pd.DataFrame:
    """Conversation-level decisions in long form with the points each is worth.

    Columns: ``conversation_id, exemplar, behaviour, summary, anti, weight, decision, points``.
    """
    parts = []
    for name, pb in playbooks.items():
        s = scores.loc[scores["exemplar"] == name]
        if not len(s):
            continue
        ids = [b.id for b in pb.scored]
        long = s[["conversation_id", *ids]].melt(id_vars="conversation_id", var_name="behaviour", value_name="decision")
        meta = pd.DataFrame(
            {
                "behaviour": ids,
                "summary": [b.summary for b in pb.scored],
                "anti": [b.anti for b in pb.scored],
                "weight": [b.weight for b in pb.scored],
            }
        )
        long = long.merge(meta, on="behaviour", how="left")
        positive = ~long["anti"] & (long["decision"] != NA)
        w_app = long["weight"].where(positive, 0.0).groupby(long["conversation_id"]).transform("sum")
        with np.errstate(invalid="ignore", divide="ignore"):
            pts = np.where(long["anti"], long["weight"], 100.0 * long["weight"] / w_app.replace(0, np.nan))
        long["points"] = np.where(long["decision"] == NA, np.nan, pts)
        long.insert(1, "exemplar", name)
        parts.append(long)
    cols = ["conversation_id", "exemplar", "behaviour", "summary", "anti", "weight", "decision", "points"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def authored_evidence(feats, playbooks: dict[str, Playbook]) -> pd.DataFrame:
    """Evidence rows written by agents, mapped to the behaviours they speak for.

    Columns: ``conversation_id, exemplar, behaviour, agent, message_id, feature, start, end, quote,
    rank, declared`` (``declared``: the playbook names the column under ``evidence:``).
    """
    am = agent_messages(feats)[["message_id", "conversation_id", "agent"]]
    ev = feats.evidence.merge(am, on="message_id", how="inner")
    rows = [
        (name, b.id, col, i, bool(b.evidence))
        for name, pb in playbooks.items()
        for b in pb.scored
        for i, col in enumerate(b.evidence_columns)
    ]
    link = pd.DataFrame(rows, columns=["exemplar", "behaviour", "feature", "rank", "declared"])
    out = ev.merge(link, on="feature", how="inner")
    cols = [
        "conversation_id",
        "exemplar",
        "behaviour",
        "agent",
        "message_id",
        "feature",
        "start",
        "end",
        "quote",
        "rank",
        "declared",
    ]
    return out[cols].sort_values(["conversation_id", "exemplar", "behaviour", "rank", "message_id", "start"], kind="stable")


def agent_decisions(decisions: pd.DataFrame, conv_agents: pd.DataFrame, authored: pd.DataFrame) -> pd.DataFrame:
    """Each agent's share of the decisions (the attribution rule of this module).

    Columns: those of :func:`behaviour_decisions` plus ``agent`` and ``authored`` (the agent
    wrote evidence for the behaviour in that conversation). A behaviour met (or an anti-pattern
    shown) with evidence goes to its authors only; a miss goes to every agent present, unless
    the playbook declares ``evidence:`` for it and some agent wrote such evidence (the deferral
    of AMZ-07, the reply in another language of TEC-01): then it goes to those agents only.
    """
    d = decisions.merge(conv_agents[["agent", "conversation_id"]], on="conversation_id", how="inner")
    keys = ["conversation_id", "exemplar", "behaviour"]
    by_author = authored[[*keys, "agent"]].drop_duplicates().assign(authored=True)
    any_author = authored[keys].drop_duplicates().assign(any_authored=True)
    d = d.merge(by_author, on=[*keys, "agent"], how="left").merge(any_author, on=keys, how="left")
    d["authored"] = d["authored"].fillna(False).astype(bool)
    d["any_authored"] = d["any_authored"].fillna(False).astype(bool)
    shown = np.where(d["anti"], d["decision"] == MISSED, d["decision"] == MET)
    not_theirs = shown & d["any_authored"] & ~d["authored"]
    # a miss that the playbook's declared evidence shows (AMZ-07: a deferral; TEC-01: a reply in
    # another language) belongs to the agents who wrote that evidence; the others get n/a
    declared = authored[authored["declared"]] if "declared" in authored.columns else authored.iloc[:0]
    d = d.merge(declared[[*keys, "agent"]].drop_duplicates().assign(wrote_miss=True), on=[*keys, "agent"], how="left")
    d = d.merge(declared[keys].drop_duplicates().assign(any_miss=True), on=keys, how="left")
    wrote_miss, any_miss = d["wrote_miss"].fillna(False).astype(bool), d["any_miss"].fillna(False).astype(bool)
    not_theirs = not_theirs | (~d["anti"] & (d["decision"] == MISSED) & any_miss & ~wrote_miss).to_numpy()
    d.loc[not_theirs, "decision"] = NA
    d.loc[not_theirs, "points"] = np.nan
    return d.drop(columns=["any_authored", "wrote_miss", "any_miss"]).reset_index(drop=True)


def agent_behaviours(agent_dec: pd.DataFrame, conv_agents: pd.DataFrame) -> pd.DataFrame:
    """Per agent, exemplar and behaviour: how often judged, met, missed, and points per conversation.

    Columns: ``agent, exemplar, behaviour, summary, anti, weight, judged, met, missed,
    n_conversations, lost, gained`` (``lost``/``gained``: points per conversation of the agent).
    """
    d = agent_dec
    g = d.assign(
        judged=d["decision"] != NA,
        is_met=d["decision"] == MET,
        is_missed=d["decision"] == MISSED,
        lost_pts=d["points"].where(d["decision"] == MISSED, 0.0).fillna(0.0),
        gained_pts=d["points"].where((d["decision"] == MET) & ~d["anti"], 0.0).fillna(0.0),
    ).groupby(["agent", "exemplar", "behaviour"], sort=True)
    out = g.agg(
        summary=("summary", "first"),
        anti=("anti", "first"),
        weight=("weight", "first"),
        judged=("judged", "sum"),
        met=("is_met", "sum"),
        missed=("is_missed", "sum"),
        lost=("lost_pts", "sum"),
        gained=("gained_pts", "sum"),
    ).reset_index()
    n = conv_agents.groupby("agent").size().rename("n_conversations")
    out = out.merge(n, left_on="agent", right_index=True, how="left")
    out["lost"] = out["lost"] / out["n_conversations"]
    out["gained"] = out["gained"] / out["n_conversations"]
    return out


def top_gaps(beh: pd.DataFrame, agent: str, k: int = 3) -> pd.DataFrame:
    """The ``k`` behaviours that cost ``agent`` the most points per conversation (one row per ID).

    Per behaviour ID the exemplar where it costs most speaks for it; ties go to the more often
    missed, then to the ID.
    """
    b = beh.loc[(beh["agent"] == agent) & (beh["missed"] > 0)]
    b = b.sort_values(["lost", "missed", "behaviour", "exemplar"], ascending=[False, False, True, True], kind="stable")
    return b.drop_duplicates("behaviour").head(k).reset_index(drop=True)


def top_strengths(beh: pd.DataFrame, agent: str, k: int = 3) -> pd.DataFrame:
    """The ``k`` behaviours (not anti-patterns) that earn ``agent`` the most points per conversation."""
    b = beh.loc[(beh["agent"] == agent) & (beh["met"] > 0) & ~beh["anti"].astype(bool)]
    b = b.sort_values(["gained", "met", "behaviour", "exemplar"], ascending=[False, False, True, True], kind="stable")
    return b.drop_duplicates("behaviour").head(k).reset_index(drop=True)


def agent_scores(scores: pd.DataFrame, conv_agents: pd.DataFrame) -> pd.DataFrame:
    """Scores of the conversations each agent wrote in: ``agent, conversation_id, exemplar, score``."""
    return conv_agents[["agent", "conversation_id"]].merge(
        scores[["conversation_id", "exemplar", "score"]], on="conversation_id", how="inner"
    )


def agent_table(
    scores: pd.DataFrame, conv_agents: pd.DataFrame, exemplars: list[str], min_n: int = MIN_RANKED, seed: int = 0
) -> pd.DataFrame:
    """One row per agent: conversations, mean score and 95% bootstrap interval per exemplar, rank.

    Agents with fewer than ``min_n`` conversations get ``ranked = False`` and no rank. The
    rank orders ranked agents by the average of their exemplar means (1 = highest).
    Columns: ``agent, n, ranked, rank, overall`` and ``<exemplar>_mean/_low/_high/_n``.
    """
    s = agent_scores(scores, conv_agents)
    n = conv_agents.groupby("agent").size()
    rows = []
    for agent, total in n.items():
        row: dict = {"agent": agent, "n": int(total)}
        means = []
        for e in exemplars:
            v = s.loc[(s["agent"] == agent) & (s["exemplar"] == e), "score"].to_numpy(dtype=float)
            m, lo, hi = bootstrap_interval(v, seed=seed)
            row.update({f"{e}_mean": m, f"{e}_low": lo, f"{e}_high": hi, f"{e}_n": int((~np.isnan(v)).sum())})
            means.append(m)
        row["overall"] = float(np.nanmean(means)) if not all(np.isnan(means)) else float("nan")
        row["ranked"] = total >= min_n
        rows.append(row)
    t = pd.DataFrame(rows)
    if not len(t):
        return pd.DataFrame(columns=["agent", "n", "ranked", "rank", "overall"])
    t["rank"] = t["overall"].where(t["ranked"]).rank(ascending=False, method="min").astype("Int64")
    t = t.sort_values(["ranked", "rank", "n", "agent"], ascending=[False, True, False, True], kind="stable", na_position="last")
    return t.reset_index(drop=True)


def first_replies(feats) -> pd.DataFrame:
    """Who wrote each conversation's first agent reply, and how long the customer waited.

    Columns: ``conversation_id, agent, channel, first_reply_s`` (NaN when untimed).
    """
    am = agent_messages(feats).sort_values(["conversation_id", "turn"], kind="stable")
    first = am.drop_duplicates("conversation_id")[["conversation_id", "agent"]]
    conv = feats.conversations
    cols = ["conversation_id", "channel", "latency_first_reply_s"]
    c = conv[[x for x in cols if x in conv.columns]].copy()
    if "latency_first_reply_s" not in c.columns:
        c["latency_first_reply_s"] = np.nan
    out = first.merge(c, on="conversation_id", how="left").rename(columns={"latency_first_reply_s": "first_reply_s"})
    out["first_reply_s"] = pd.to_numeric(out["first_reply_s"], errors="coerce").astype(float)
    out["channel"] = out["channel"].astype(object).where(out["channel"].notna(), "unknown")
    return out.reset_index(drop=True)


def channel_norms(playbooks: dict[str, Playbook]) -> pd.DataFrame:
    """First-reply norms of the playbooks: ``exemplar, channel, first_reply_s``."""
    rows = [(n, pb.channel, pb.norms["first_reply_s"]) for n, pb in playbooks.items() if "first_reply_s" in pb.norms]
    return pd.DataFrame(rows, columns=["exemplar", "channel", "first_reply_s"])


def latency_table(fr: pd.DataFrame, norms: pd.DataFrame) -> pd.DataFrame:
    """First replies per channel against the norm of the exemplar written for that channel.

    Columns: ``channel, n, timed, median_s, norm_s, norm_exemplar, within_norm`` (share of timed
    first replies at or under the norm; NaN without a norm).
    """
    rows = []
    for ch, g in fr.groupby("channel", sort=True):
        v = g["first_reply_s"].dropna().to_numpy(dtype=float)
        nm = norms.loc[norms["channel"] == ch]
        norm = float(nm["first_reply_s"].iloc[0]) if len(nm) else float("nan")
        rows.append(
            {
                "channel": ch,
                "n": len(g),
                "timed": len(v),
                "median_s": float(np.median(v)) if len(v) else float("nan"),
                "norm_s": norm,
                "norm_exemplar": ", ".join(nm["exemplar"]) if len(nm) else "",
                "within_norm": float((v <= norm).mean()) if len(v) and not np.isnan(norm) else float("nan"),
            }
        )
    return pd.DataFrame(rows, columns=["channel", "n", "timed", "median_s", "norm_s", "norm_exemplar", "within_norm"])


def conversation_starts(feats) -> pd.Series:
    """Start time (first message) of each conversation, indexed by conversation_id."""
    m = feats.messages
    if "timestamp" not in m.columns:
        return pd.Series(dtype="datetime64[ns, UTC]")
    return m.groupby("conversation_id", sort=False)["timestamp"].min()


def trend(agent_sc: pd.DataFrame, starts: pd.Series, min_periods: int = 2) -> tuple[pd.DataFrame, str]:
    """Mean score per period and exemplar for one agent's conversations.

    Weekly periods when the dated conversations span more than 28 days, else daily. Returns
    the frame (``period, exemplar, mean, n``) and the period name; the frame is empty when
    fewer than ``min_periods`` periods hold a dated conversation.
    """
    cols = ["period", "exemplar", "mean", "n"]
    s = agent_sc.assign(start=agent_sc["conversation_id"].map(starts))
    s = s.loc[s["start"].notna() & s["score"].notna()]
    if not len(s):
        return pd.DataFrame(columns=cols), "day"
    start = pd.to_datetime(s["start"], utc=True)
    span = start.max() - start.min()
    unit = "week" if span > pd.Timedelta(days=28) else "day"
    naive = start.dt.tz_convert("UTC").dt.tz_localize(None)
    period = naive.dt.to_period("W" if unit == "week" else "D").dt.start_time
    t = s.assign(period=period.to_numpy()).groupby(["period", "exemplar"], sort=True)["score"].agg(["mean", "size"])
    t = t.rename(columns={"size": "n"}).reset_index()
    if t["period"].nunique() < min_periods:
        return pd.DataFrame(columns=cols), unit
    return t[cols], unit


_SENTENCE_END = re.compile(r"[.!?。！？…]\s*|\n")


def excerpt(text: str, limit: int = 220) -> tuple[str, bool]:
    """The start of ``text`` up to ``limit`` characters, cut after a sentence end where one is near.

    Returns the excerpt (an exact prefix of ``text``, stripped) and whether it was cut.

    >>> excerpt("Hello. I can help with that today, give me a minute.", limit=20)
    ('Hello.', True)
    """
    t = text.strip()
    if len(t) <= limit:
        return t, False
    head = t[:limit]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    cut = ends[-1] if ends and ends[-1] >= 5 else limit
    return head[:cut].rstrip(), True


__all__ = [
    "MIN_RANKED",
    "UNNAMED",
    "agent_behaviours",
    "agent_conversations",
    "agent_decisions",
    "agent_messages",
    "agent_name",
    "agent_scores",
    "agent_table",
    "authored_evidence",
    "behaviour_decisions",
    "bootstrap_interval",
    "channel_norms",
    "conversation_starts",
    "excerpt",
    "first_replies",
    "latency_table",
    "top_gaps",
    "top_strengths",
    "trend",
]
