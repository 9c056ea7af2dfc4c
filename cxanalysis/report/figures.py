"""Figures of the coaching report: matplotlib (Agg, no pyplot), embedded as base64 PNG.

Each plot function takes ``ax=None`` (a new figure when omitted) and returns the Axes; none
shows anything. :func:`figure_uri` turns a figure into a ``data:image/png`` URI. Text is drawn
with DejaVu Sans and falls back to a CJK-capable font (Noto Sans CJK) for Chinese and
Japanese when one is installed; without one, the report still renders (CJK names then show
as boxes in figures only, never in the HTML).
"""

from __future__ import annotations

import base64
import contextlib
import io
import logging
import warnings
from collections.abc import Iterator

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter

from .._fonts import cjk_font

EXEMPLAR_COLOURS = {"apple": "#4c72b0", "spotify": "#2ca02c", "amazon": "#dd8452", "crisis": "#c44e52", "techsupport": "#8172b2"}


@contextlib.contextmanager
def report_style() -> Iterator[None]:
    """Fonts (with CJK fallback) and quiet settings for drawing and saving report figures."""
    import matplotlib

    families = ["DejaVu Sans"] + ([cjk_font()] if cjk_font() else [])
    rc = {
        "font.family": families,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.labelsize": 10,
        "figure.dpi": 100,
    }
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with matplotlib.rc_context(rc):
            yield
    finally:
        logger.setLevel(level)


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    fig = Figure(figsize=size, layout="constrained")
    return fig.add_subplot()


def figure_uri(fig: Figure) -> str:
    """A ``data:image/png;base64,...`` URI of ``fig`` (rendered with the Agg backend)."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        if cjk_font() is None:  # no CJK font installed: CJK names draw as boxes, quietly
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig.savefig(buf, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def plot_profile(
    profile: pd.DataFrame, team: pd.DataFrame | None = None, title: str = "Score against each exemplar", ax: Axes | None = None
) -> Axes:
    """Mean score per exemplar with its 95% bootstrap interval (and the team's mean as a mark).

    ``profile``: rows ``exemplar, mean, low, high, n``; ``team``: rows ``exemplar, mean``.
    """
    ax = _axes(ax, (7.2, 0.55 * max(len(profile), 1) + 1.4))
    y = np.arange(len(profile))[::-1]
    colours = [EXEMPLAR_COLOURS.get(e, "#777777") for e in profile["exemplar"]]
    ax.barh(y, profile["mean"].fillna(0), color=colours, alpha=0.85, height=0.6)
    lo = (profile["mean"] - profile["low"]).clip(lower=0).fillna(0)
    hi = (profile["high"] - profile["mean"]).clip(lower=0).fillna(0)
    ax.errorbar(profile["mean"].fillna(0), y, xerr=[lo, hi], fmt="none", ecolor="#222222", capsize=4, lw=1.2)
    if team is not None and len(team):
        tm = profile["exemplar"].map(dict(zip(team["exemplar"], team["mean"])))
        ax.scatter(tm, y, marker="D", color="white", edgecolor="#222222", zorder=3, s=36, label="team mean")
        ax.legend(loc="lower right", fontsize=8, frameon=False)
    ax.set_yticks(y, [f"{e} (n={n})" for e, n in zip(profile["exemplar"], profile["n"])])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (0–100 points)")
    ax.set_ylabel("Exemplar")
    ax.set_title(title)
    return ax


def plot_first_reply(
    fr: pd.DataFrame, norms: pd.DataFrame, title: str = "First reply time by channel", ax: Axes | None = None
) -> Axes:
    """First-reply times (minutes, log scale) per channel, with the exemplars' channel norms.

    ``fr``: rows ``channel, first_reply_s``; ``norms``: rows ``exemplar, channel, first_reply_s``.
    """
    timed = fr.dropna(subset=["first_reply_s"])
    channels = sorted(timed["channel"].unique()) or ["(none)"]
    ax = _axes(ax, (7.2, 0.7 * len(channels) + 1.5))
    rng = np.random.default_rng(0)
    for i, ch in enumerate(channels):
        v = timed.loc[timed["channel"] == ch, "first_reply_s"].to_numpy(dtype=float) / 60.0
        v = np.maximum(v, 1 / 60)  # a 0 s reply (same timestamp) sits at the 1 s line of the log scale
        ax.scatter(v, i + rng.uniform(-0.15, 0.15, len(v)), s=22, color="#4c72b0", alpha=0.8, zorder=3)
        if len(v):
            ax.plot([np.median(v)] * 2, [i - 0.3, i + 0.3], color="#222222", lw=2, zorder=4)
        for _, nm in norms.loc[norms["channel"] == ch].iterrows():
            x = nm["first_reply_s"] / 60.0
            ax.plot([x, x], [i - 0.4, i + 0.4], color=EXEMPLAR_COLOURS.get(nm["exemplar"], "#c44e52"), ls="--", lw=1.5, zorder=2)
            ax.annotate(
                f"{nm['exemplar']} norm",
                (x, i + 0.4),
                fontsize=8,
                ha="left",
                va="bottom",
                xytext=(2, 0),
                textcoords="offset points",
            )
    ax.set_xscale("log")
    shown = (
        np.concatenate(
            [
                np.maximum(timed["first_reply_s"].to_numpy(dtype=float), 1.0),
                norms.loc[norms["channel"].isin(channels), "first_reply_s"].to_numpy(dtype=float),
            ]
        )
        / 60.0
    )
    if len(shown):  # at least two decades, so the log axis gets labelled major ticks
        lo, hi = shown.min() / 2, shown.max() * 2
        mid = np.sqrt(lo * hi)
        ax.set_xlim(min(lo, mid / 10), max(hi, mid * 10))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
    ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_yticks(range(len(channels)), channels)
    ax.set_ylim(-0.6, len(channels) - 0.3)
    ax.set_xlabel("First reply time (minutes, log scale; bar = median, dashed = exemplar norm)")
    ax.set_ylabel("Channel")
    ax.set_title(title)
    return ax


def plot_trend(tr: pd.DataFrame, unit: str = "day", title: str = "Score over time", ax: Axes | None = None) -> Axes:
    """Mean score per period and exemplar (``tr``: rows ``period, exemplar, mean, n``)."""
    ax = _axes(ax, (7.2, 3.0))
    for e, g in tr.groupby("exemplar", sort=False):
        ax.plot(g["period"], g["mean"], marker="o", color=EXEMPLAR_COLOURS.get(e, None), label=e)
    ax.set_ylim(0, 100)
    ax.set_xlabel(f"Conversation start ({unit}, UTC)")
    ax.set_ylabel("Mean score (0–100 points)")
    ax.set_title(title)
    ax.legend(fontsize=8, frameon=False, ncols=3, loc="upper left")
    for label in ax.get_xticklabels():
        label.set_rotation(30)
        label.set_horizontalalignment("right")
    return ax


def plot_team_scores(
    scores: pd.DataFrame, exemplars: list[str], title: str = "Conversation scores per exemplar", ax: Axes | None = None
) -> Axes:
    """Distribution of conversation scores per exemplar (box plot with the points on top)."""
    ax = _axes(ax, (7.2, 0.6 * max(len(exemplars), 1) + 1.5))
    data = [scores.loc[scores["exemplar"] == e, "score"].dropna().to_numpy(dtype=float) for e in exemplars]
    y = np.arange(len(exemplars))[::-1]
    ax.boxplot([d if len(d) else [np.nan] for d in data], positions=y, orientation="horizontal", widths=0.5, showfliers=False)
    rng = np.random.default_rng(0)
    for yi, e, d in zip(y, exemplars, data):
        ax.scatter(d, yi + rng.uniform(-0.12, 0.12, len(d)), s=12, alpha=0.6, color=EXEMPLAR_COLOURS.get(e, "#777777"), zorder=3)
    ax.set_yticks(y, [f"{e} (n={len(d)})" for e, d in zip(exemplars, data)])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Score (0–100 points)")
    ax.set_ylabel("Exemplar")
    ax.set_title(title)
    return ax


def plot_ranked_agents(
    table: pd.DataFrame, title: str = "Ranked agents: average score across exemplars", ax: Axes | None = None
) -> Axes:
    """Ranked agents' average exemplar score (rows ``agent, overall, rank``), best at the top."""
    t = table.sort_values("rank")
    ax = _axes(ax, (7.2, 0.32 * max(len(t), 1) + 1.4))
    y = np.arange(len(t))[::-1]
    ax.barh(y, t["overall"], color="#4c72b0", alpha=0.85, height=0.6)
    ax.set_yticks(y, [f"{int(r)}. {a}" for r, a in zip(t["rank"], t["agent"])])
    ax.set_xlim(0, 100)
    ax.set_xlabel("Average of the exemplar mean scores (0–100 points)")
    ax.set_ylabel("Agent (rank)")
    ax.set_title(title)
    return ax


__all__ = [
    "cjk_font",
    "figure_uri",
    "plot_first_reply",
    "plot_profile",
    "plot_ranked_agents",
    "plot_team_scores",
    "plot_trend",
    "report_style",
]
