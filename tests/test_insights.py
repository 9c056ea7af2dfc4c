"""cxanalysis.insights: surge measures (CRI-05), contact reasons and FAQ candidates (TEC-08),
contact types (TEC-02), overview helpers. Hand-built frames with known answers, then the samples."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis import insights
from cxanalysis.errors import SchemaError

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
T0 = pd.Timestamp("2026-11-10 08:00", tz="UTC")


def frame(rows):
    """rows: (conversation_id, minutes after T0, role[, text[, lang]])."""
    out = []
    turns: dict[str, int] = {}
    for r in rows:
        cid, minute, role = r[:3]
        text = r[3] if len(r) > 3 else "hello"
        lang = r[4] if len(r) > 4 else "en"
        turn = turns.get(cid, 0)
        turns[cid] = turn + 1
        out.append(
            {
                "conversation_id": cid,
                "message_id": f"{cid}:{turn}",
                "turn": turn,
                "timestamp": T0 + pd.Timedelta(minutes=minute),
                "role": role,
                "speaker": "Ana" if role == "agent" else "cust",
                "agent": "Ana" if role == "agent" else "",
                "text": text,
                "channel": "chat",
                "lang": lang,
            }
        )
    df = pd.DataFrame(out)
    df["role"] = df["role"].astype("category")
    df["channel"] = df["channel"].astype("category")
    return df


# a: customer 0, agent 30, customer 40 ("thanks": closing)
# b: customer 10, customer 15, agent 70, customer 80, agent 100
# c: customer 50, never answered
TIMELINE = frame(
    [
        ("a", 0, "customer"),
        ("a", 30, "agent"),
        ("a", 40, "customer", "thanks!"),
        ("b", 10, "customer"),
        ("b", 15, "customer"),
        ("b", 70, "agent"),
        ("b", 80, "customer"),
        ("b", 100, "agent"),
        ("c", 50, "customer"),
    ]
)


def at(minute):
    return T0 + pd.Timedelta(minutes=minute)


def test_waiting_intervals_follow_the_hand_built_timeline():
    iv = insights.waiting_intervals(TIMELINE)
    got = {(r.conversation_id, r.start, r.end if pd.notna(r.end) else None) for r in iv.itertuples()}
    assert got == {
        ("a", at(0), at(30)),
        ("b", at(10), at(70)),  # two customer messages, one wait from the first
        ("b", at(80), at(100)),
        ("c", at(50), None),  # never answered: waits to the end
    }
    # a's closing "thanks" after the last reply opens no wait
    assert not ((iv["conversation_id"] == "a") & (iv["start"] == at(40))).any()


@pytest.mark.parametrize(
    ("minute", "waiting"),
    [(-1, 0), (0, 1), (9, 1), (10, 2), (29, 2), (30, 1), (45, 1), (50, 2), (69, 2), (70, 1), (80, 2), (100, 1), (500, 1)],
)
def test_backlog_counts_conversations_waiting_at_each_moment(minute, waiting):
    iv = insights.waiting_intervals(TIMELINE)
    assert insights.backlog_at(iv, [at(minute)]).iloc[0] == waiting


def test_backlog_on_an_hour_grid_ends_at_the_last_message():
    df = frame([("a", 0, "customer"), ("a", 130, "agent"), ("b", 50, "customer"), ("b", 61, "agent")])
    bl = insights.backlog(df, freq="h")
    assert bl.index[0] == at(0)
    assert bl.index[-1] == at(130)
    assert bl.tolist() == [1, 2, 1, 0]  # 08:00; 09:00 (b waits 08:50-09:01); 10:00; 10:10 (a answered)


def test_messages_per_hour_counts_roles_and_fills_quiet_hours():
    df = frame([("a", 5, "customer"), ("a", 7, "agent"), ("b", 150, "customer"), ("b", 170, "bot")])
    t = insights.messages_per_hour(df, tz="Asia/Shanghai")
    assert list(t.columns) == ["customer", "agent", "other", "total"]
    assert [ts.hour for ts in t.index] == [16, 17, 18]  # 08:00 UTC is 16:00 in Shanghai
    assert t["customer"].tolist() == [1, 0, 1]
    assert t["agent"].tolist() == [1, 0, 0]
    assert t["other"].tolist() == [0, 0, 1]
    assert t["total"].sum() == len(df)


def test_surge_day_picks_the_busiest_local_day_and_keeps_whole_conversations():
    quiet = frame([("q", 0, "customer"), ("q", 5, "agent")])
    busy = frame(
        [("x", 60 * 24, "customer"), ("x", 60 * 24 + 5, "agent"), ("y", 60 * 24 + 1, "customer"), ("y", 60 * 24 + 2, "agent")]
    )
    late = frame([("x", 60 * 48, "customer")])  # x continues the next day
    late["turn"] = 2
    late["message_id"] = "x:2"
    df = pd.concat([quiet, busy, late], ignore_index=True)
    day_df, day = insights.surge_day(df)
    assert day == "2026-11-11"
    assert set(day_df["conversation_id"]) == {"x", "y"}
    assert len(day_df) == 5  # x's message of the next day stays with its conversation
    with pytest.raises(SchemaError, match="2026-12-01"):
        insights.surge_day(df, "2026-12-01")


def test_first_replies_report_the_backlog_the_customer_met():
    fr = insights.first_replies(TIMELINE).set_index("conversation_id")
    assert fr.loc["a", "first_reply_min"] == 30
    assert fr.loc["b", "first_reply_min"] == 60
    assert pd.isna(fr.loc["c", "first_reply_min"])
    assert fr.loc["a", "backlog_on_arrival"] == 0
    assert fr.loc["b", "backlog_on_arrival"] == 1  # a was waiting
    assert fr.loc["c", "backlog_on_arrival"] == 1  # b was waiting, a answered


def test_refunds_count_once_per_conversation_in_the_hour_of_the_first_confirmation():
    df = frame([("a", 0, "customer"), ("a", 10, "agent"), ("a", 70, "agent"), ("b", 5, "customer"), ("b", 65, "agent")])
    messages = df[["message_id", "conversation_id", "role"]].assign(resolution_refund=[0, 1, 1, 0, 1])
    r = insights.refunds_processed(df, SimpleNamespace(messages=messages))
    assert r["refunds"].tolist() == [1, 1]
    assert r["cumulative"].iloc[-1] == 2


def test_languages_served_uses_the_customers_language():
    df = frame(
        [
            ("a", 0, "customer", "你好", "zh"),
            ("a", 1, "agent", "hello", "en"),
            ("b", 2, "customer", "hi"),
            ("c", 3, "customer", "hey"),
        ]
    )
    langs = insights.languages_served(df)
    assert langs.loc["zh", "conversations"] == 1 and langs.loc["zh", "agent_messages"] == 1
    assert langs.loc["en", "conversations"] == 2 and langs.loc["en", "answered_share"] == 0
    assert langs.loc["zh", "agents"] == 1


# -- contact reasons (TEC-08) -------------------------------------------------------------------
PASSWORD = [
    "How do I reset my password? The reset email never arrives.",
    "how can I reset my password, the reset email does not arrive",
    "Password reset email never arrives. How do I reset it?",
    "I can't reset my password, the email never arrives",
    "How do I reset my password?? reset email never arrived",
    "Reset password email never arrives, how do I reset my password",
    "how do i reset my password the email never arrives",
    "The password reset email never arrives. How can I reset my password?",
    "How do I reset my password? I never got the reset email.",
    "Need to reset my password but the reset email never arrives",
    "How do I reset my password, reset email never arrives @brand",
    "how do I reset my password? reset e-mail never arrives",
]
OTHERS = [
    "My parcel was delivered to the wrong address yesterday.",
    "Can I pay the invoice by bank transfer instead of card?",
    "The app crashes every time I open the camera.",
    "你好，我的订单什么时候发货？",
    "Заказ пришёл повреждённый, что делать?",
]


def openings(texts, langs=None):
    langs = langs or ["en"] * len(texts)
    return pd.DataFrame({"conversation_id": [f"c{i}" for i in range(len(texts))], "lang": langs, "text": texts})


def test_twelve_near_identical_questions_make_one_faq_candidate():
    r = insights.contact_reasons(openings(PASSWORD + OTHERS))
    faq = r.faq_candidates
    assert len(faq) == 1
    assert faq.loc[0, "size"] == 12
    members = set(r.assignments[r.assignments["reason"] == faq.loc[0, "reason"]]["conversation_id"])
    assert members == {f"c{i}" for i in range(12)}
    assert "password" in faq.loc[0, "example"].casefold()


def test_below_the_threshold_no_candidate():
    assert insights.contact_reasons(openings(PASSWORD[:9] + OTHERS)).faq_candidates.empty
    assert insights.contact_reasons(openings(PASSWORD + OTHERS), min_faq=13).faq_candidates.empty


def test_chinese_questions_cluster_without_spaces():
    zh = ["请问怎么修改绑定的手机号？", "怎么修改绑定的手机号啊", "我想修改绑定的手机号，怎么操作？", "绑定的手机号怎么修改"]
    texts = zh + ["我的快递到哪了", "发票怎么开"]
    r = insights.contact_reasons(openings(texts, ["zh"] * len(texts)), min_faq=4)
    assert r.clusters.loc[0, "size"] == 4 and bool(r.clusters.loc[0, "faq_candidate"])
    assert set(r.assignments[r.assignments["reason"] == 0]["conversation_id"]) == {"c0", "c1", "c2", "c3"}


def test_handles_and_numbers_do_not_make_questions_alike():
    texts = ["@brand order 12345 where is it", "@brand cancel my subscription 12345 please"]
    r = insights.contact_reasons(openings(texts), max_distance=0.5)
    assert len(r.clusters) == 2


def test_contact_reasons_above_max_tree_sample_the_tree_and_place_the_rest():
    full = insights.contact_reasons(openings(PASSWORD + OTHERS))
    for seed in range(5):
        r = insights.contact_reasons(openings(PASSWORD + OTHERS), max_tree=8, random_state=seed)
        a = r.assignments.set_index("conversation_id")["reason"]
        assert a.notna().all() and len(a) == len(PASSWORD) + len(OTHERS)
        # the password questions the tree did not see still join the password reason ...
        assert a[[f"c{i}" for i in range(12)]].nunique() == 1, seed
        assert len(r.faq_candidates) == 1 and r.faq_candidates.loc[0, "size"] == 12
        # ... and the unrelated questions stay apart, as without sampling
        assert a[[f"c{i}" for i in range(12, 17)]].nunique() == 5
        assert len(r.clusters) == len(full.clusters)
    with pytest.raises(ValueError, match="max_tree"):
        insights.contact_reasons(openings(PASSWORD), max_tree=1)


def test_contact_reasons_need_text_and_a_sane_threshold():
    with pytest.raises(SchemaError, match="opening_messages"):
        insights.contact_reasons(pd.DataFrame({"conversation_id": ["a"]}))
    with pytest.raises(ValueError, match="max_distance"):
        insights.contact_reasons(openings(["a"]), max_distance=0)


def test_opening_messages_stop_at_the_first_reply():
    df = frame(
        [("a", 0, "customer", "first"), ("a", 1, "customer", "second"), ("a", 2, "agent", "hi"), ("a", 3, "customer", "later")]
    )
    op = insights.opening_messages(df)
    assert op.loc[0, "text"] == "first\nsecond"


def test_contact_types_follow_the_documented_rules():
    conv = pd.DataFrame(
        {
            "conversation_id": ["angry", "tech", "both", "calm"],
            "lang": "en",
            "channel": "chat",
            "customer_sentiment_first": [-1.0, 1.0, pd.NA, pd.NA],
            "customer_tone_profanity": [0, 0, 2, 0],
            "resolution_troubleshoot": [0, 1, 1, 0],
            "customer_proactive_topic_account": [0, 0, 0, 0],
        }
    )
    t = insights.contact_types(SimpleNamespace(conversations=conv)).set_index("conversation_id")
    assert t["contact_type"].to_dict() == {"angry": "emotional", "tech": "technical", "both": "emotional", "calm": "constructive"}
    assert bool(t.loc["both", "technical"]) and not bool(t.loc["both", "constructive"])


# -- overview ------------------------------------------------------------------------------------
def test_highlight_merges_overlaps_and_escapes_html():
    ev = pd.DataFrame({"start": [0, 3, 10], "end": [5, 8, 14], "feature": ["a", "b", "c"]})
    text = "Hi <b> there & you"
    assert insights.highlight(text, ev, html=False) == "[[Hi <b> t]]he[[re &]] you"
    html = insights.highlight(text, ev)
    assert html.startswith('<mark title="a, b">Hi &lt;b&gt; t</mark>')
    assert "&amp;" in html and "<b>" not in html


def test_latency_vs_norms_shares_within_the_norm():
    conv = pd.DataFrame({"channel": ["chat", "chat", "chat", "email"], "latency_first_reply_s": [30, 90, None, 7200]})
    norms = pd.DataFrame({"channel": ["chat"], "exemplar": ["apple"], "first_reply_s": [60.0]})
    t = insights.latency_vs_norms(conv, norms)
    assert t.loc["chat", "timed"] == 2 and t.loc["chat", "within_norm"] == 0.5
    assert t.loc["chat", "median_min"] == 1.0
    assert pd.isna(t.loc["email", "within_norm"]) and pd.isna(t.loc["email", "norm_min"])


def test_channel_norms_come_from_the_playbooks():
    n = insights.channel_norms().set_index("exemplar")
    assert n.loc["apple", "channel"] == "chat" and n.loc["apple", "first_reply_s"] == 60
    assert n.loc["amazon", "channel"] == "email"


# -- on the samples ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def surge():
    df, rejects = insights.read(SAMPLES / "tables" / "callguard_surge_day.csv", SAMPLES / "cx.yml")
    assert rejects.empty
    day_df, day = insights.surge_day(df, tz="Asia/Shanghai")
    return day_df, day, insights.features(day_df, SAMPLES / "cx.yml")


def test_the_sample_surge_day(surge):
    day_df, day, feats = surge
    assert day == "2026-11-10"
    s = insights.surge_summary(day_df, feats, tz="Asia/Shanghai")
    assert s["conversations"] == 15 and s["languages"] == 4
    assert s["messages"] == len(day_df)
    # every CallGuard agent promises the refund in writing except where the MANIFEST says the conversation is not about it
    assert 11 <= s["refunds_processed"] <= 15
    fr = insights.first_replies(day_df, feats, tz="Asia/Shanghai")
    assert fr["first_reply_min"].notna().all()


def test_agent_gaps_quote_only_the_agents_own_words(sample_frame, sample_features):
    scores = cx.score(sample_features)
    gaps = insights.agent_gaps(scores, sample_features, "Olivia", sample_frame)
    assert len(gaps) >= 3
    assert (gaps["missed"] >= 1).all() and (gaps["missed"] <= gaps["applicable"]).all()
    olivia_text = " ".join(sample_frame[sample_frame["agent"] == "Olivia"]["text"])
    for quote in gaps["agent_wrote"]:
        assert quote.rstrip("…")[:40] in " ".join(olivia_text.split())
    with pytest.raises(KeyError, match="Nobody"):
        insights.agent_gaps(scores, sample_features, "Nobody")
