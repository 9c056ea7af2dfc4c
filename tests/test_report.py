"""Coaching reports: attribution, gaps with the agent's own quotes, ranking, escaping, redaction, CJK."""

from __future__ import annotations

import html
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.bench import synthetic_frame
from cxanalysis.errors import CxError
from cxanalysis.exemplars import get_playbook
from cxanalysis.report import coaching_report, figures, model, prepare, write_reports
from cxanalysis.report.build import safe_name

SEEDED_EMAIL = "jane.roe@example.org"


def _strip(fragment: str) -> str:
    fragment = re.sub(r'<span class="cut">…</span>', "", fragment)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def _sections(page: str, kind: str) -> dict[str, str]:
    return dict(re.findall(rf'<section class="card {kind}" id="([^"]+)">(.*?)</section>', page, flags=re.S))


def _quotes(fragment: str) -> list[tuple[str, str]]:
    return [
        (lang, _strip(q))
        for lang, q in re.findall(r'<blockquote class="quote" lang="([^"]*)">(.*?)</blockquote>', fragment, flags=re.S)
    ]


def _table(rows: list[tuple]) -> pd.DataFrame:
    text = "ticket_id,id,created_at,sender_type,author,body,channel,lang\n" + "".join(
        ",".join(f'"{str(v)}"' for v in r) + "\n" for r in rows
    )
    return cx.read_transcripts(io.StringIO(text), format="csv")


@pytest.fixture(scope="module")
def sample_ctx(sample_frame, sample_features):
    return prepare(sample_frame, feats=sample_features, redact=False)


@pytest.fixture(scope="module")
def ranked_ctx():
    """Synthetic corpus: seven agents with about 40 conversations each and one with three."""
    df = synthetic_frame(1400, seed=3)
    conv_no = df["conversation_id"].str.removeprefix("syn-").astype(int)
    df["agent"] = np.where(df["role"] == "agent", "agent-" + (conv_no % 7).astype(str), "")
    agent_rows = df.index[df["role"] == "agent"]
    rare_convs = df.loc[agent_rows, "conversation_id"].drop_duplicates().iloc[:3]
    rare = agent_rows[df.loc[agent_rows, "conversation_id"].isin(rare_convs)]
    df.loc[rare, "agent"] = "Rare Agent"
    return prepare(df, redact=False)


def test_report_agent_page_gaps_quote_the_agents_own_messages_next_to_playbook_phrasing(sample_ctx, sample_frame):
    agent = "Olivia"
    gaps = model.top_gaps(sample_ctx.of("beh", agent), agent)
    assert len(gaps) == 3
    page = coaching_report(sample_frame, agent=agent, context=sample_ctx)
    sections = _sections(page, "gap")
    assert list(sections) == list(gaps["behaviour"])
    own = sample_ctx.agent_msgs.loc[sample_ctx.agent_msgs["agent"] == agent, "message_id"]
    own_texts = list(sample_frame.loc[sample_frame["message_id"].isin(own), "text"])
    others = list(sample_frame.loc[~sample_frame["message_id"].isin(own), "text"])
    for bid, body in sections.items():
        (lang, quote), *_ = _quotes(body)
        assert quote and any(quote in t for t in own_texts), (bid, quote)
        assert not any(quote in t for t in others if len(quote) > 30), "quote found outside the agent's messages"
        exemplar = re.search(r'<blockquote class="exemplar" lang="([^"]+)">(.*?)</blockquote>', body, flags=re.S)
        assert exemplar, bid
        ex_lang, ex_text = exemplar.group(1), _strip(exemplar.group(2))
        row = gaps.loc[gaps["behaviour"] == bid].iloc[0]
        phr = get_playbook(row["exemplar"]).behaviour(bid).phrasings[ex_lang]
        assert ex_text in [re.sub(r"\{(\w+)\}", r"\1", p) for p in phr]


def test_report_gap_phrasing_is_in_the_conversation_language(sample_ctx, sample_frame):
    page = coaching_report(sample_frame, agent="陈静", context=sample_ctx)  # every conversation of 陈静 is Chinese
    langs = re.findall(r'<blockquote class="exemplar" lang="([^"]+)">', page)
    assert langs and set(langs) == {"zh"}


def test_report_cjk_quotes_carry_lang_and_page_is_utf8(sample_ctx, sample_frame):
    zh = coaching_report(sample_frame, agent="陈静", context=sample_ctx)
    ja = coaching_report(sample_frame, agent="佐藤", context=sample_ctx)
    assert {lang for lang, _ in _quotes(zh)} == {"zh"}
    assert "ja" in {lang for lang, _ in _quotes(ja)}
    for page in (zh, ja):
        assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page and '<meta charset="utf-8">' in page


def test_report_credit_goes_to_the_agent_who_wrote_the_evidence():
    df = _table(
        [
            ("T1", "T1-1", "2026-11-02T09:00:00Z", "customer", "Cleo", "My parcel has not arrived.", "chat", "en"),
            ("T1", "T1-2", "2026-11-02T09:00:30Z", "agent", "Ana", "Let me look at the parcel status.", "chat", "en"),
            (
                "T1",
                "T1-3",
                "2026-11-02T09:01:00Z",
                "agent",
                "Bella",
                "Hi, I'm Bella and I'll look after this for you.",
                "chat",
                "en",
            ),
            ("T1", "T1-4", "2026-11-02T09:02:00Z", "customer", "Cleo", "ok", "chat", "en"),
        ]
    )
    ctx = prepare(df, redact=False, playbooks=["apple"])
    d = ctx.agent_dec.set_index(["agent", "behaviour"])["decision"]
    assert ctx.decisions.set_index("behaviour").loc["APL-01", "decision"] == "met"
    assert d[("Bella", "APL-01")] == "met"
    assert d[("Ana", "APL-01")] == "n/a"  # not Ana's credit
    assert d[("Ana", "APL-10")] == d[("Bella", "APL-10")] == "missed"  # a miss belongs to every agent present


def test_report_a_miss_shown_by_declared_evidence_belongs_to_its_author():
    # AMZ-07 (decides on the spot) is missed because Dora deferred; Eve, in the same thread, did not
    rows = [
        ("T2-1", "09:00", "customer", "Cleo", "The blender arrived broken. I want a refund."),
        ("T2-2", "10:00", "agent", "Dora", "Hello Cleo, thanks for writing in."),
        ("T2-3", "10:01", "agent", "Dora", "I'm not authorised to approve refunds, sorry."),
        ("T2-4", "11:00", "customer", "Cleo", "Then who is?"),
        ("T2-5", "12:00", "agent", "Eve", "Your refund is approved and will reach your card by Friday."),
    ]
    df = _table([("T2", m, f"2026-11-02T{hm}:00Z", role, who, text, "email", "en") for m, hm, role, who, text in rows])
    ctx = prepare(df, redact=False, playbooks=["amazon"])
    assert ctx.decisions.set_index("behaviour").loc["AMZ-07", "decision"] == "missed"
    d = ctx.agent_dec.set_index(["agent", "behaviour"])["decision"]
    assert d[("Dora", "AMZ-07")] == "missed"
    assert d[("Eve", "AMZ-07")] == "n/a"
    assert d[("Dora", "AMZ-08")] == d[("Eve", "AMZ-08")] == "missed"  # no declared evidence: every agent present
    assert d[("Eve", "AMZ-04")] == "met" and d[("Dora", "AMZ-04")] == "n/a"  # a refusal is not a refund
    page = cx.coaching_report(df, agent="Dora", redact=False, playbooks=["amazon"])
    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    card = text[text.index("AMZ-07 — ") :]
    card = card[: card.index("Exemplar phrasing")]
    assert "I'm not authorised to approve refunds" in card and "thanks for writing in" not in card


def test_report_a_strength_is_illustrated_from_a_conversation_where_it_was_met():
    from cxanalysis.report import render

    rows = [  # Finn answers a Japanese customer in English (TEC-01 missed), an English one in English (met)
        ("J1", "J1-1", "2026-11-03T09:00:00Z", "customer", "Aki", "注文した靴がまだ届きません。", "chat", "ja"),
        ("J1", "J1-2", "2026-11-03T09:01:00Z", "agent", "Finn", "Sorry, I will check the shoes order now.", "chat", "en"),
        ("J2", "J2-1", "2026-11-04T09:00:00Z", "customer", "Bo", "My shoes have not arrived.", "chat", "en"),
        ("J2", "J2-2", "2026-11-04T09:01:00Z", "agent", "Finn", "Sorry about that, I will check the order now.", "chat", "en"),
    ]
    ctx = prepare(_table(rows), redact=False, playbooks=["apple"])
    beh = ctx.of("beh", "Finn")
    row = beh[beh["behaviour"] == "TEC-01"].iloc[0]
    assert row["met"] == 1 and row["missed"] == 1
    card = render._strength(ctx, "Finn", row)
    assert card["conversation"] == "J2"  # not J1, where the English reply missed it


def test_report_escapes_transcript_markup_and_redacts_by_default(tmp_path):
    rows = []
    for i in range(3):
        c = f"X{i}"
        rows += [
            (c, f"{c}-1", f"2026-11-0{i + 2}T09:00:00Z", "customer", "Cleo Marsh", "Where is my order? <b>now</b>", "chat", "en"),
            (
                c,
                f"{c}-2",
                f"2026-11-0{i + 2}T09:01:00Z",
                "agent",
                "Eve <script>x</script>",
                f"<script>alert('x')</script> The parcel for the Marsh household: write to {SEEDED_EMAIL} please.",
                "chat",
                "en",
            ),
        ]
    df = _table(rows)
    raw = coaching_report(df, agent="Eve <script>x</script>", redact=False)
    assert "<script>alert" not in raw and "&lt;script&gt;alert" in raw
    assert "<b>now</b>" not in raw
    assert SEEDED_EMAIL in raw and "Marsh household" in raw  # the seeds reach the page when not redacted...
    written = write_reports(df, tmp_path / "out")  # ...and is gone by default
    files = [p for p in (tmp_path / "out").rglob("*") if p.is_file()]
    assert len(files) == 3 and {p.name for p in files} >= {"index.html", "scores.csv"}
    for p in files:
        text = p.read_text(encoding="utf-8")
        assert SEEDED_EMAIL not in text and "Marsh" not in text and "<script>alert" not in text, p
    assert "[EMAIL]" in written["Eve <script>x</script>"].read_text(encoding="utf-8")


def test_report_agents_under_twenty_conversations_are_not_ranked(ranked_ctx):
    t = ranked_ctx.table.set_index("agent")
    assert t.loc["Rare Agent", "n"] == 3 and not t.loc["Rare Agent", "ranked"] and pd.isna(t.loc["Rare Agent", "rank"])
    ranked = t[t["ranked"]]
    assert len(ranked) == 7 and (ranked["n"] >= 20).all()
    assert sorted(ranked["rank"].astype(int)) == list(range(1, 8))
    assert list(ranked.sort_values("rank")["overall"]) == sorted(ranked["overall"], reverse=True)
    page = coaching_report(ranked_ctx.df, context=ranked_ctx)
    found = re.findall(r'<tr class="(ranked|unranked)">.*?<a href="[^"]*">([^<]+)</a>', page, flags=re.S)
    rows = {name: cls for cls, name in found}
    assert len(rows) == 8
    assert rows["Rare Agent"] == "unranked" and sum(v == "ranked" for v in rows.values()) == 7
    assert "fewer than 20 conversations are shown but not ranked" in page
    agent_page = coaching_report(ranked_ctx.df, agent="Rare Agent", context=ranked_ctx)
    assert "not ranked" in agent_page and "Rank <strong>" not in agent_page


def test_report_sample_agents_are_all_unranked(sample_ctx, sample_frame):
    assert not sample_ctx.table["ranked"].any()
    page = coaching_report(sample_frame, context=sample_ctx)
    assert page.count('<tr class="unranked">') == len(sample_ctx.table) and 'class="ranked"' not in page


def test_report_bootstrap_interval_contains_the_mean_and_shrinks_with_n():
    rng = np.random.default_rng(1)
    for n in (2, 5, 30, 400):
        x = rng.normal(50, 10, n)
        m, lo, hi = model.bootstrap_interval(x)
        assert m == pytest.approx(x.mean()) and lo <= m <= hi and lo < hi
    _, lo, hi = model.bootstrap_interval(rng.normal(50, 10, 400))
    assert 1.2 < hi - lo < 2.8  # about 2 x 1.96 x 10 / sqrt(400)
    assert model.bootstrap_interval([70.0, 70.0, 70.0]) == (70.0, 70.0, 70.0)
    m, lo, hi = model.bootstrap_interval([42.0])
    assert m == 42.0 and np.isnan(lo) and np.isnan(hi)


def test_report_agent_table_intervals_contain_means(ranked_ctx):
    t = ranked_ctx.table
    for e in ranked_ctx.exemplars:
        ok = t[f"{e}_n"] >= 2
        assert ok.any()
        assert ((t.loc[ok, f"{e}_low"] <= t.loc[ok, f"{e}_mean"]) & (t.loc[ok, f"{e}_mean"] <= t.loc[ok, f"{e}_high"])).all()


def test_report_write_reports_scores_rows_are_conversations_times_exemplars(tmp_path, sample_frame, sample_features):
    written = write_reports(sample_frame, tmp_path, feats=sample_features, agents=["Maya"])
    scores = pd.read_csv(written["scores"])
    n_conv = sample_frame["conversation_id"].nunique()
    assert len(scores) == n_conv * 3 and scores["conversation_id"].nunique() == n_conv
    assert not scores["conversation_id"].str.contains("@").any()  # e-mail thread ids are redacted, kept unique
    assert [p.name for p in (tmp_path / "agents").iterdir()] == [written["Maya"].name]
    assert "../index.html" in written["Maya"].read_text(encoding="utf-8")


def test_report_unknown_agent_names_close_matches(sample_ctx, sample_frame):
    with pytest.raises(CxError, match="Olivia"):
        coaching_report(sample_frame, agent="Olivai", context=sample_ctx)


@pytest.mark.parametrize("name", ["../../etc/passwd", "CON", "a/b\\c", "Maya", "maya", "雷", "Ольга <olga@x.example>"])
def test_report_safe_name_is_plain_and_unique(name):
    out = safe_name(name, name)
    assert re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{6}\.html", out)
    assert safe_name("Maya", "Maya") != safe_name("maya", "maya")


def test_report_figures_have_titles_axis_labels_and_no_missing_glyphs(sample_ctx):
    if figures.cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    fr = sample_ctx.first_replies
    tr = pd.DataFrame(
        {
            "period": pd.to_datetime(["2026-11-02", "2026-11-03"]),
            "exemplar": ["apple", "apple"],
            "mean": [40.0, 60.0],
            "n": [1, 2],
        }
    )
    prof = pd.DataFrame({"exemplar": ["apple"], "mean": [50.0], "low": [40.0], "high": [60.0], "n": [5]})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with figures.report_style():
            axes = [
                figures.plot_profile(prof, prof, title="得分：陈静 / Ирина / 佐藤"),
                figures.plot_first_reply(fr, sample_ctx.norms, title="首次回复：陈静"),
                figures.plot_trend(tr, "day", title="推移：佐藤"),
                figures.plot_team_scores(sample_ctx.scores, sample_ctx.exemplars),
                figures.plot_ranked_agents(pd.DataFrame({"agent": ["雷", "Ирина"], "overall": [60.0, 50.0], "rank": [1, 2]})),
            ]
            uris = [figures.figure_uri(ax.figure) for ax in axes]
    for ax in axes:
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
    assert all(u.startswith("data:image/png;base64,") and len(u) > 2000 for u in uris)
