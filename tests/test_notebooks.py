"""The notebooks as committed, and the figures they and the coaching report draw.

nbval (``make test``) re-runs every notebook and compares the outputs; it does not look at
images. These tests check what nbval cannot: every figure has a title and labelled axes (the
plot functions run here on the samples), every figure in a notebook comes from one of those
functions, and the committed notebooks are complete (executed top to bottom, a ``parameters``
cell pointing at the samples, a question first, assertions last, no stray stderr, editor
metadata stripped).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis import insights
from cxanalysis.insights import plots

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "01_explore_transcripts",
    "02_warmth_and_proactivity",
    "03_score_against_exemplars",
    "04_coaching_report",
    "05_surge_and_crisis",
    "06_contact_reasons_and_faq_gaps",
    "07_what_drives_satisfaction",
]


def _labelled(ax) -> list[str]:
    """What is missing on an Axes (an empty list when title and both axis labels are set)."""
    missing = []
    if not ax.get_title():
        missing.append("title")
    if not ax.get_xlabel():
        missing.append("x label")
    if not ax.get_ylabel():
        missing.append("y label")
    return missing


def _close_all():
    import matplotlib.pyplot as plt

    plt.close("all")


# -- the plot functions on the samples ---------------------------------------------------------
@pytest.fixture(scope="module")
def data():
    df, rejects, feats = insights.load(SAMPLES, SAMPLES / "cx.yml")
    scores = cx.score(feats)
    surge_df, _ = insights.surge_day(df[df["source"].str.contains("callguard")], tz="Asia/Shanghai")
    surge_feats = insights.features(surge_df, SAMPLES / "cx.yml")
    grades = pd.read_csv(ROOT / "notebooks" / "data" / "invented_human_grades.csv")
    return {"df": df, "feats": feats, "scores": scores, "surge": (surge_df, surge_feats), "grades": grades}


def _calls(d):
    df, feats, scores = d["df"], d["feats"], d["scores"]
    sdf, sfeats = d["surge"]
    tz = "Asia/Shanghai"
    reasons = insights.contact_reasons(insights.opening_messages(df))
    yield "plot_volumes", lambda: plots.plot_volumes(insights.volumes(df))
    yield "plot_latency_by_channel", lambda: plots.plot_latency_by_channel(feats.conversations, insights.channel_norms())
    yield (
        "plot_marker_rates",
        lambda: plots.plot_marker_rates(insights.marker_rates(feats, ["warmth_greeting", "proactive_info"])),
    )
    yield "plot_heatmap", lambda: plots.plot_heatmap(pd.DataFrame({"a": [1.0]}), title="t", xlabel="x", ylabel="y")
    yield "plot_agent_profiles", lambda: plots.plot_agent_profiles(insights.agent_profiles(scores, feats))
    yield "plot_score_bars", lambda: plots.plot_score_bars(scores, ["orchard_chat_en_good", "tw-100101"])
    yield "plot_messages_per_hour", lambda: plots.plot_messages_per_hour(insights.messages_per_hour(sdf, tz=tz))
    yield "plot_backlog", lambda: plots.plot_backlog(insights.backlog(sdf, tz=tz))
    yield "plot_first_reply_under_load", lambda: plots.plot_first_reply_under_load(insights.first_replies(sdf, sfeats, tz=tz))
    yield "plot_refunds", lambda: plots.plot_refunds(insights.refunds_processed(sdf, sfeats, tz=tz))
    yield "plot_languages", lambda: plots.plot_languages(insights.languages_served(sdf))
    yield "plot_contact_reasons", lambda: plots.plot_contact_reasons(reasons.clusters)
    yield "plot_contact_types", lambda: plots.plot_contact_types(insights.contact_types(feats))
    yield "plot_gaps", lambda: plots.plot_gaps(insights.agent_gaps(scores, feats, "Olivia", df), agent="Olivia")
    yield "plot_drivers", lambda: plots.plot_drivers(cx.drivers(feats, n_boot=10).effects)
    yield "plot_agreement", lambda: plots.plot_agreement(scores, d["grades"])


def test_every_plot_function_is_exercised(data):
    assert {name for name, _ in _calls(data)} == set(plots.PLOTS)
    public = {n for n in dir(plots) if n.startswith("plot_")}
    assert public == set(plots.PLOTS), "a new plot function must be listed in PLOTS (and tested here)"


def test_every_insights_figure_has_a_title_and_labelled_axes(data):
    problems = {}
    try:
        for name, call in _calls(data):
            ax = call()
            assert ax is not None, f"{name} must return its Axes"
            if _labelled(ax):
                problems[name] = _labelled(ax)
    finally:
        _close_all()
    assert not problems, problems


def test_plot_functions_draw_on_a_given_axes(data):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        assert plots.plot_volumes(insights.volumes(data["df"]), ax=ax) is ax
        assert len(fig.axes) == 1
    finally:
        _close_all()


def test_every_report_figure_has_a_title_and_labelled_axes(data, monkeypatch):
    """Wrap the report's plot functions, build a team page and an agent page, check each Axes."""
    from cxanalysis.report import figures

    drawn: list[tuple[str, object]] = []
    for name in [n for n in dir(figures) if n.startswith("plot_")]:
        original = getattr(figures, name)

        def wrapper(*args, _original=original, _name=name, **kwargs):
            ax = _original(*args, **kwargs)
            drawn.append((_name, ax))
            return ax

        monkeypatch.setattr(figures, name, wrapper)
    cx.coaching_report(data["df"], feats=data["feats"], scores=data["scores"])
    cx.coaching_report(data["df"], agent="Olivia", feats=data["feats"], scores=data["scores"])
    names = {n for n, _ in drawn}
    assert {"plot_profile", "plot_team_scores"} <= names, names
    problems = {n: _labelled(ax) for n, ax in drawn if _labelled(ax)}
    assert not problems, problems


def test_cjk_labels_render_with_a_cjk_font(recwarn):
    """With Noto Sans CJK installed, Chinese and Japanese labels draw without missing glyphs."""
    import warnings

    import matplotlib.pyplot as plt

    name = plots.use_cjk_font()
    if name is None:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    fig, ax = plt.subplots()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            ax.set_title("陈静 · 佐藤 · Ирина")
            fig.canvas.draw()
    finally:
        _close_all()
        matplotlib.rcdefaults()


def test_short_counts_cjk_as_double_width():
    assert plots.short("abcdef", 4) == "abcd…"
    assert plots.short("陈静陈静陈静", 4) == "陈静…"
    assert plots.short("ok", 4) == "ok"


# -- the committed notebooks --------------------------------------------------------------------
def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_notebooks_of_the_issue_are_all_there():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_committed_executed_with_parameters_and_checks(path):
    nb = _load(path)
    cells = nb["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    src = ["".join(c["source"]) for c in code]
    # a question first
    assert cells[0]["cell_type"] == "markdown" and "**Question:**" in "".join(cells[0]["source"])
    # imports, then pinned display options
    assert "import cxanalysis" in src[0] or "from cxanalysis" in src[0]
    assert "pd.set_option" in src[1]
    # a papermill parameters cell pointing at the samples and their config
    params = [s for c, s in zip(code, src) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(params) == 1, "exactly one cell tagged 'parameters'"
    assert re.search(r'^DATA = "\.\./data/samples"$', params[0], re.M)
    assert re.search(r'^CONFIG = "\.\./data/samples/cx\.yml"$', params[0], re.M)
    # executed top to bottom by one run (make notebooks), never by hand
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), counts
    outputs = [o for c in code for o in c["outputs"]]
    assert outputs, "committed with outputs"
    assert any("image/png" in o.get("data", {}) for o in outputs), "at least one PNG figure"
    assert not any("image/svg+xml" in o.get("data", {}) for o in outputs), "figures as PNG"
    assert not [o for o in outputs if o["output_type"] == "error"]
    stderr = ["".join(o["text"]) for o in outputs if o["output_type"] == "stream" and o["name"] == "stderr"]
    assert not stderr, f"noise on stderr: {stderr}"
    # ends with assertion cells
    assert "assert " in src[-1]
    # editor metadata stripped
    assert set(nb["metadata"]) <= {"kernelspec", "language_info"}
    assert all(set(c.get("metadata", {})) <= {"tags"} for c in cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_figure_comes_from_a_checked_plot_function(path):
    """A cell that shows a figure calls ``plots.plot_*`` (whose titles and labels are tested above)."""
    for cell in _load(path)["cells"]:
        if cell["cell_type"] != "code":
            continue
        if any("image/png" in o.get("data", {}) for o in cell["outputs"]):
            source = "".join(cell["source"])
            called = re.findall(r"plots\.(plot_\w+)\(", source)
            assert called and set(called) <= set(plots.PLOTS), source
