"""Coaching reports (DESIGN.md section 6): one HTML page per agent and a team overview.

::

    import cxanalysis as cx
    html = cx.coaching_report(df)                 # team overview (str)
    html = cx.coaching_report(df, agent="Maya")   # one agent's page (str)
    cx.write_reports(df, "reports")               # index.html, agents/<name>.html, scores.csv

Pages are self-contained HTML (figures embedded as PNG, no external files), rendered from
Jinja2 templates with autoescaping. Personal data is redacted by default with
:func:`cxanalysis.redact.redact_text`; pass ``redact=False`` only for pages that stay private.
What each section means for a trainer: ``docs/report.md``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from .build import ReportContext, prepare
from .model import MIN_RANKED, bootstrap_interval


def coaching_report(
    df: pd.DataFrame,
    agent: str | None = None,
    redact: bool = True,
    playbooks: Iterable[Any] | None = None,
    *,
    feats=None,
    scores: pd.DataFrame | None = None,
    norms: Mapping[str, Any] | None = None,
    feature_params: Mapping[str, Any] | None = None,
    min_n: int = MIN_RANKED,
    context: ReportContext | None = None,
) -> str:
    """One coaching page as a self-contained HTML string.

    Parameters
    ----------
    df:
        The canonical transcript frame (:func:`cxanalysis.read_transcripts`).
    agent:
        An agent's name (as in the ``agent`` column; the redacted name shown on the pages
        works too): that agent's page. ``None``: the team overview.
    redact:
        Replace personal data in quotes, names and conversation ids by typed placeholders.
    playbooks:
        Exemplars to score against: packaged names, YAML paths or Playbook objects
        (default ``apple, spotify, amazon``).
    feats, scores:
        Results of :func:`cxanalysis.featurize` / :func:`cxanalysis.score` for ``df``, to skip
        recomputing them (``scores`` must hold rows for every playbook).
    norms, feature_params:
        Passed to ``score`` (channel norm overrides) and ``featurize`` (family settings).
    min_n:
        Agents with fewer conversations are shown but not ranked.
    context:
        A prepared :class:`~cxanalysis.report.build.ReportContext` (then the other data
        arguments are ignored).

    Returns
    -------
    str
        The HTML page. An agent page links back to ``../index.html`` (the layout of
        :func:`write_reports`).

    Raises
    ------
    CxError
        ``agent`` wrote no message in ``df`` (the message lists close names).
    """
    from .render import agent_page, render, team_page  # matplotlib and jinja2 load on first use

    ctx = context or prepare(
        df,
        feats=feats,
        scores=scores,
        playbooks=playbooks,
        norms=norms,
        feature_params=feature_params,
        redact=redact,
        min_n=min_n,
    )
    if agent is None:
        return render("index.html.j2", team_page(ctx))
    return render("agent.html.j2", agent_page(ctx, ctx.find_agent(agent)))


def write_reports(
    df: pd.DataFrame,
    out_dir: str | Path,
    redact: bool = True,
    playbooks: Iterable[Any] | None = None,
    *,
    feats=None,
    scores: pd.DataFrame | None = None,
    norms: Mapping[str, Any] | None = None,
    feature_params: Mapping[str, Any] | None = None,
    min_n: int = MIN_RANKED,
    agents: Iterable[str] | None = None,
    progress: bool | None = None,
) -> dict[str, Path]:
    """Write ``index.html``, ``agents/<name>.html`` for every agent and ``scores.csv`` into ``out_dir``.

    Parameters are those of :func:`coaching_report`; ``agents`` limits the agent pages to
    these names (the index and scores.csv are always written). ``progress``: a progress bar on
    stderr (``None``: only when stderr is a terminal).

    ``scores.csv`` is :func:`cxanalysis.score`'s table (one row per conversation × exemplar)
    with an ``agents`` column; with ``redact`` the conversation ids and agent names are
    redacted there too (an id changed by redaction keeps a short hash to stay unique), and
    cells that a spreadsheet would run as formulas are neutralised.

    Returns
    -------
    dict
        ``{"index": path, "scores": path, <agent>: path, ...}``.
    """
    from tqdm.auto import tqdm

    from .._output import atomic_write_text, safe_csv
    from .render import agent_page, render, team_page

    out = Path(out_dir)
    ctx = prepare(
        df,
        feats=feats,
        scores=scores,
        playbooks=playbooks,
        norms=norms,
        feature_params=feature_params,
        redact=redact,
        min_n=min_n,
    )
    wanted = ctx.agents if agents is None else [ctx.find_agent(a) for a in agents]
    written: dict[str, Path] = {}
    disable = None if progress is None else not progress
    for a in tqdm(wanted, desc="agent pages", unit="page", disable=disable, leave=False):
        path = out / "agents" / ctx.file_names[a]
        atomic_write_text(path, render("agent.html.j2", agent_page(ctx, a)))
        written[a] = path
    written["index"] = out / "index.html"
    atomic_write_text(written["index"], render("index.html.j2", team_page(ctx)))
    written["scores"] = out / "scores.csv"
    atomic_write_text(written["scores"], safe_csv(scores_table(ctx)).to_csv(index=False))
    return written


def scores_table(ctx: ReportContext) -> pd.DataFrame:
    """The scores with an ``agents`` column (``;``-joined), redacted as the context says."""
    s = ctx.scores.copy()
    names = ctx.conv_agents.assign(shown=ctx.conv_agents["agent"].map(ctx.display_names))
    joined = names.sort_values("shown").groupby("conversation_id")["shown"].agg(";".join)
    s.insert(1, "agents", s["conversation_id"].map(joined).fillna(""))
    s["conversation_id"] = [ctx.conversation_label(c) for c in s["conversation_id"]]
    s.attrs = {}
    return s


__all__ = ["MIN_RANKED", "ReportContext", "bootstrap_interval", "coaching_report", "prepare", "scores_table", "write_reports"]
