"""Figures for the notebooks: every function takes ``ax=None`` and returns the Axes.

Every figure has a title and labelled axes (with units where there are units); none calls
``plt.show()``. :func:`use_cjk_font` makes Chinese and Japanese labels render when a CJK font
(Noto Sans CJK) is installed and silently keeps the default otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._fonts import cjk_font


def use_cjk_font() -> str | None:
    """Put a CJK-capable font behind the default font; returns its name or None.

    Matplotlib (3.6+) falls back glyph by glyph through the fonts listed in ``font.family``,
    so Latin and Cyrillic keep DejaVu Sans and Chinese/Japanese characters come from the CJK
    font. Without one installed nothing changes.
    """
    import matplotlib as mpl

    name = cjk_font()
    if name is not None:
        mpl.rcParams["font.family"] = ["DejaVu Sans", name]
    return name


def short(label: object, width: int = 30) -> str:
    """``label`` cut to ``width`` display columns (CJK characters count two), with an ellipsis."""
    import unicodedata

    text = " ".join(str(label).split())
    out, used = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        if used + w > width:
            return "".join(out).rstrip() + "…"
        out.append(ch)
        used += w
    return text


def _integer_axis(ax, axis: str = "y") -> None:
    """Counts get whole-number ticks."""
    from matplotlib.ticker import MaxNLocator

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_locator(MaxNLocator(integer=True))


def _ax(ax, figsize=(7, 4)):
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def plot_volumes(table: pd.DataFrame, ax=None, title: str = "Conversations per channel and language"):
    """Stacked bars from :func:`~cxanalysis.insights.overview.volumes` (rows: bars; columns: stacks)."""
    ax = _ax(ax)
    data = table.drop(columns=["total"], errors="ignore")
    bottom = np.zeros(len(data))
    for col in data.columns:
        ax.bar(data.index.astype(str), data[col].to_numpy(), bottom=bottom, label=str(col))
        bottom += data[col].to_numpy()
    _integer_axis(ax)
    ax.set_title(title)
    ax.set_xlabel(str(data.index.name or "group"))
    ax.set_ylabel("conversations")
    ax.legend(title=str(data.columns.name or "language"), frameon=False)
    return ax


def plot_latency_by_channel(conversations: pd.DataFrame, norms: pd.DataFrame | None = None, ax=None):
    """First reply time per channel (minutes, log scale), one dot per conversation, with the norms as lines."""
    ax = _ax(ax)
    c = conversations.assign(channel=conversations["channel"].astype(str))
    minutes = pd.to_numeric(c["latency_first_reply_s"], errors="coerce").astype("float64") / 60
    channels = sorted(c["channel"].unique())
    rng = np.random.default_rng(0)
    for i, ch in enumerate(channels):
        v = minutes[c["channel"] == ch].dropna().clip(lower=0.1)
        ax.scatter(v, i + rng.uniform(-0.15, 0.15, len(v)), s=22, alpha=0.75, label=None)
        if len(v):
            ax.plot([v.median()] * 2, [i - 0.3, i + 0.3], color="black", lw=2)
    if norms is not None:
        for _, row in norms.iterrows():
            if row["channel"] in channels:
                i = channels.index(row["channel"])
                ax.plot([row["first_reply_s"] / 60] * 2, [i - 0.4, i + 0.4], color="crimson", ls="--", lw=1.5)
                ax.annotate(
                    f"{row['exemplar']} norm", (row["first_reply_s"] / 60, i + 0.42), color="crimson", fontsize=8, ha="center"
                )
    from matplotlib.ticker import FuncFormatter

    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.set_yticks(range(len(channels)), channels)
    ax.set_ylim(-0.6, len(channels) - 0.3)
    ax.set_title("First reply time per channel (black: median, dashed: norm)")
    ax.set_xlabel("first reply (minutes, log scale; under 6 s shown at 0.1)")
    ax.set_ylabel("channel")
    return ax


def plot_heatmap(
    table: pd.DataFrame, ax=None, title: str = "", xlabel: str = "", ylabel: str = "", fmt: str = "{:.2f}", vmax=None
):
    """A labelled heatmap of a numeric table (values written in the cells)."""
    label_width = max((len(short(i, 34)) for i in table.index), default=0)
    ax = _ax(ax, figsize=(2.2 + 0.085 * label_width + 0.9 * table.shape[1], 1.0 + 0.38 * table.shape[0]))
    data = table.astype("float64").to_numpy()
    im = ax.imshow(data, aspect="auto", cmap="Blues", vmin=0, vmax=vmax if vmax is not None else np.nanmax(data) or 1)
    ax.set_xticks(range(table.shape[1]), [str(c) for c in table.columns])
    ax.set_yticks(range(table.shape[0]), [short(i, 34) for i in table.index])
    hi = np.nanmax(data) if data.size else 0
    for (r, k), v in np.ndenumerate(data):
        if not np.isnan(v):
            ax.text(k, r, fmt.format(v), ha="center", va="center", fontsize=8, color="white" if v > 0.6 * hi else "black")
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.figure.colorbar(im, ax=ax, shrink=0.8)
    return ax


def plot_marker_rates(rates: pd.DataFrame, ax=None, title: str = "Share of agent messages with each marker"):
    """Heatmap of :func:`~cxanalysis.insights.overview.marker_rates` (markers x groups)."""
    return plot_heatmap(rates, ax=ax, title=title, xlabel=str(rates.columns.name or "group"), ylabel="marker", vmax=1)


def plot_agent_profiles(profiles: pd.DataFrame, ax=None):
    """Heatmap of mean score (0-100) per agent and exemplar, ``n`` in the agent label."""
    data = profiles.drop(columns=["n"], errors="ignore")
    if "n" in profiles:
        data.index = [f"{short(a, 24)} (n={n})" for a, n in zip(profiles.index, profiles["n"])]
    return plot_heatmap(
        data,
        ax=ax,
        title="Mean score per agent against each exemplar",
        xlabel="exemplar",
        ylabel="agent (conversations)",
        fmt="{:.0f}",
        vmax=100,
    )


def plot_score_bars(scores: pd.DataFrame, conversation_ids: Iterable[str], ax=None):
    """Grouped bars: score (0-100) of some conversations against every exemplar."""
    ax = _ax(ax)
    ids = list(conversation_ids)
    sub = scores[scores["conversation_id"].isin(ids)].pivot_table(index="conversation_id", columns="exemplar", values="score")
    sub = sub.reindex(ids)
    width = 0.8 / max(1, sub.shape[1])
    x = np.arange(len(sub))
    for k, col in enumerate(sub.columns):
        ax.bar(x + k * width - 0.4 + width / 2, sub[col].to_numpy(), width, label=str(col))
    ax.set_xticks(x, [short(i, 22) for i in sub.index])
    ax.set_ylim(0, 118)
    ax.set_yticks(range(0, 101, 20))
    ax.set_title("Score against each exemplar")
    ax.set_xlabel("conversation")
    ax.set_ylabel("score (0-100)")
    ax.legend(title=None, frameon=False, ncols=sub.shape[1], loc="upper center")
    return ax


def plot_gaps(gaps: pd.DataFrame, agent: str = "", top: int = 8, ax=None):
    """Horizontal bars from :func:`~cxanalysis.insights.overview.agent_gaps`: how often each behaviour was missed.

    The bar is the number of conversations where the behaviour was missed; the label says of
    how many it was judged in.
    """
    g = gaps.head(top).iloc[::-1]
    ax = _ax(ax, figsize=(10, 0.8 + 0.4 * max(1, len(g))))
    labels = [f"{b} {short(s, 38)} ({e})" for b, s, e in zip(g["behaviour"], g["summary"], g["exemplar"])]
    y = np.arange(len(g))
    ax.barh(y, g["applicable"].to_numpy(), color="#dddddd", label="judged")
    ax.barh(y, g["missed"].to_numpy(), color="crimson", label="missed")
    ax.set_yticks(y, labels)
    ax.set_title(f"Largest gaps{': ' + agent if agent else ''} (ordered by missed x weight)")
    ax.set_xlabel("conversations")
    ax.set_ylabel("behaviour (exemplar)")
    ax.legend(frameon=False, loc="lower left", bbox_to_anchor=(1.0, 0.0))
    return ax


def plot_messages_per_hour(per_hour: pd.DataFrame, ax=None):
    """Stacked bars of customer and agent messages per hour (:func:`~cxanalysis.insights.surge.messages_per_hour`)."""
    ax = _ax(ax, figsize=(8, 3.5))
    labels = [t.strftime("%H:%M") for t in per_hour.index]
    bottom = np.zeros(len(per_hour))
    for col in ("customer", "agent", "other"):
        if col in per_hour and per_hour[col].sum():
            ax.bar(labels, per_hour[col].to_numpy(), bottom=bottom, label=col)
            bottom += per_hour[col].to_numpy()
    tz = per_hour.index.tz if isinstance(per_hour.index, pd.DatetimeIndex) else None
    _integer_axis(ax)
    ax.set_title("Messages per hour")
    ax.set_xlabel(f"hour of day ({tz})" if tz else "hour of day")
    ax.set_ylabel("messages per hour")
    ax.tick_params(axis="x", labelrotation=45)
    ax.legend(frameon=False)
    return ax


def plot_backlog(backlog: pd.Series, ax=None):
    """Conversations waiting for an agent over time (a step line)."""
    ax = _ax(ax, figsize=(8, 3.5))
    ax.step(backlog.index, backlog.to_numpy(), where="post", color="darkorange")
    ax.fill_between(backlog.index, backlog.to_numpy(), step="post", alpha=0.25, color="darkorange")
    _time_axis(ax, backlog.index)
    _integer_axis(ax)
    ax.set_title("Backlog: conversations waiting for an agent")
    ax.set_ylabel("conversations waiting")
    ax.set_ylim(bottom=0)
    return ax


def _time_axis(ax, index) -> None:
    import matplotlib.dates as mdates

    tz = getattr(index, "tz", None)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M", tz=tz))
    ax.set_xlabel(f"time ({tz})" if tz else "time")


def plot_first_reply_under_load(first: pd.DataFrame, ax=None):
    """First reply time (minutes) against the backlog when the customer wrote, coloured by channel."""
    ax = _ax(ax)
    for ch, g in first.groupby("channel"):
        ax.scatter(g["backlog_on_arrival"], g["first_reply_min"].astype("float64"), label=str(ch), s=30, alpha=0.8)
    ax.set_title("First reply time under load")
    ax.set_xlabel("conversations already waiting when the customer wrote")
    ax.set_ylabel("first reply (minutes)")
    ax.legend(title="channel", frameon=False)
    return ax


def plot_refunds(refunds: pd.DataFrame, ax=None):
    """Cumulative refunds confirmed over the day (:func:`~cxanalysis.insights.surge.refunds_processed`)."""
    ax = _ax(ax, figsize=(8, 3.5))
    ax.step(refunds.index, refunds["cumulative"].to_numpy(), where="post", color="seagreen")
    _time_axis(ax, refunds.index)
    _integer_axis(ax)
    ax.set_title("Refunds confirmed by agents (cumulative)")
    ax.set_ylabel("conversations with a refund")
    ax.set_ylim(bottom=0)
    return ax


def plot_languages(langs: pd.DataFrame, ax=None):
    """Conversations and agents per language (:func:`~cxanalysis.insights.surge.languages_served`)."""
    ax = _ax(ax, figsize=(6, 3.5))
    x = np.arange(len(langs))
    ax.bar(x - 0.2, langs["conversations"].to_numpy(), 0.4, label="conversations")
    ax.bar(x + 0.2, langs["agents"].to_numpy(), 0.4, label="agents who answered")
    ax.set_xticks(x, [str(i) for i in langs.index])
    _integer_axis(ax)
    ax.set_ylim(0, max(1, int(langs["conversations"].max())) * 1.35)
    ax.set_title("Languages served")
    ax.set_xlabel("language (ISO 639-1)")
    ax.set_ylabel("count")
    ax.legend(frameon=False, loc="upper right", ncols=2)
    return ax


def plot_contact_reasons(clusters: pd.DataFrame, min_faq: int = 10, top: int = 12, ax=None):
    """Horizontal bars: size of the largest contact reasons, the FAQ threshold as a dashed line."""
    ax = _ax(ax, figsize=(8, 0.6 + 0.35 * min(top, len(clusters))))
    c = clusters.head(top).iloc[::-1]
    labels = [f"#{r}: {short(e, 40)}" for r, e in zip(c["reason"], c["example"])]
    colors = ["crimson" if f else "steelblue" for f in c["faq_candidate"]]
    ax.barh(labels, c["size"].to_numpy(), color=colors)
    ax.axvline(min_faq, color="crimson", ls="--", lw=1)
    ax.annotate(f"FAQ threshold ({min_faq})", (min_faq, len(c) - 0.5), color="crimson", fontsize=8, ha="right")
    ax.set_xlim(0, max(min_faq + 1, int(c["size"].max()) + 1) if len(c) else min_faq + 1)
    _integer_axis(ax, "x")
    ax.set_title("Contact reasons: similar opening messages")
    ax.set_xlabel("conversations in the cluster")
    ax.set_ylabel("reason (most typical opening message)")
    return ax


def plot_contact_types(types: pd.DataFrame, by: str = "lang", ax=None):
    """Stacked bars: technical / emotional / constructive contacts (TEC-02) per ``by``."""
    ax = _ax(ax, figsize=(6, 3.5))
    table = pd.crosstab(types[by].astype(str), types["contact_type"]).reindex(
        columns=["technical", "emotional", "constructive"], fill_value=0
    )
    bottom = np.zeros(len(table))
    colors = {"technical": "steelblue", "emotional": "crimson", "constructive": "seagreen"}
    for col in table.columns:
        ax.bar(table.index, table[col].to_numpy(), bottom=bottom, label=col, color=colors[col])
        bottom += table[col].to_numpy()
    _integer_axis(ax)
    ax.set_title("Kinds of contact (TEC-02)")
    ax.set_xlabel("language (ISO 639-1)" if by == "lang" else by)
    ax.set_ylabel("conversations")
    ax.legend(frameon=False)
    return ax


def plot_drivers(effects: pd.DataFrame, top: int = 12, ax=None):
    """Forest plot of :func:`cxanalysis.drivers` effects (log-odds per SD) with 95% intervals."""
    e = effects.head(top).iloc[::-1]
    ax = _ax(ax, figsize=(7, 0.6 + 0.35 * len(e)))
    y = np.arange(len(e))
    ax.errorbar(
        e["coef"], y, xerr=[e["coef"] - e["ci_low"], e["ci_high"] - e["coef"]], fmt="o", color="black", ecolor="grey", capsize=3
    )
    ax.axvline(0, color="crimson", lw=1, ls="--")
    ax.set_yticks(y, e["feature"].astype(str))
    ax.set_title("What goes with a positive customer reaction")
    ax.set_xlabel("effect (log-odds per SD of presence, 95% interval)")
    ax.set_ylabel("agent marker")
    return ax


def plot_agreement(auto: pd.DataFrame, human: pd.DataFrame, ax=None, title: str = "Automatic score against human grade"):
    """Automatic against human score (0-100) per conversation and exemplar, with the diagonal."""
    ax = _ax(ax, figsize=(5, 5))
    h = human.dropna(subset=["exemplar"]) if "exemplar" in human else human
    merged = auto[["conversation_id", "exemplar", "score"]].merge(
        h[["conversation_id", "exemplar", "grade"]], on=["conversation_id", "exemplar"]
    )
    for ex, g in merged.groupby("exemplar"):
        ax.scatter(g["grade"].astype(float), g["score"].astype(float), label=str(ex), s=30)
    ax.plot([0, 100], [0, 100], color="grey", ls="--", lw=1)
    ax.set_xlim(-4, 104)
    ax.set_ylim(-4, 104)
    ax.set_title(title)
    ax.set_xlabel("human grade (0-100)")
    ax.set_ylabel("automatic score (0-100)")
    ax.legend(title="exemplar", frameon=False)
    return ax


PLOTS = (
    "plot_agent_profiles",
    "plot_agreement",
    "plot_backlog",
    "plot_contact_reasons",
    "plot_contact_types",
    "plot_drivers",
    "plot_first_reply_under_load",
    "plot_gaps",
    "plot_heatmap",
    "plot_languages",
    "plot_latency_by_channel",
    "plot_marker_rates",
    "plot_messages_per_hour",
    "plot_refunds",
    "plot_score_bars",
    "plot_volumes",
)
