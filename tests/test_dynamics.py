"""Context families: latency (raw seconds, NA when untimed) and language match."""

from __future__ import annotations

import pandas as pd

import cxanalysis as cx


def conv(rows, cid="c", timed=True):
    """rows: (role, minute or None, text, lang)"""
    out = []
    for i, (role, minute, text, lang) in enumerate(rows):
        ts = pd.Timestamp("2026-11-02 09:00", tz="UTC") + pd.Timedelta(minutes=minute) if (timed and minute is not None) else pd.NaT
        out.append({"conversation_id": cid, "message_id": f"{cid}:{i}", "turn": i, "timestamp": ts, "role": role, "text": text, "lang": lang, "agent": "A" if role == "agent" else ""})
    df = pd.DataFrame(out)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return df


def test_latency_reply_counts_from_the_first_unanswered_customer_message():
    df = conv(
        [
            ("customer", 0, "Hi, my order is late", "en"),
            ("customer", 2, "hello??", "en"),
            ("agent", 5, "Sorry! Checking now.", "en"),
            ("agent", 6, "It ships today.", "en"),
            ("customer", 30, "Thanks", "en"),
            ("agent", 90, "You're welcome", "en"),
        ]
    )
    feats = cx.featurize(df, families=["latency"])
    reply = feats.messages["latency_reply_s"]
    assert reply.tolist()[2] == 300.0 and pd.isna(reply[3]) and reply[5] == 3600.0
    assert pd.isna(reply[0]) and pd.isna(reply[4])
    c = feats.conversations.iloc[0]
    assert c["latency_first_reply_s"] == 300.0
    assert c["latency_max_reply_s"] == 3600.0
    assert c["latency_mean_reply_s"] == 1950.0
    assert c["latency_customer_wait_s"] == 3900.0
    assert c["latency_longest_gap_s"] == 3600.0
    assert c["latency_resolution_s"] == 5400.0


def test_untimed_conversation_gives_na_never_zero():
    df = conv([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en")], timed=False)
    c = cx.featurize(df, families=["latency"]).conversations.iloc[0]
    for col in ("latency_first_reply_s", "latency_max_reply_s", "latency_resolution_s", "latency_longest_gap_s"):
        assert pd.isna(c[col]), col


def test_latency_is_per_conversation_and_order_independent():
    a = conv([("customer", 0, "Hi", "en"), ("agent", 10, "Hello", "en")], cid="a")
    b = conv([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en")], cid="b")
    shuffled = pd.concat([a, b]).sample(frac=1, random_state=3).reset_index(drop=True)
    c = cx.featurize(shuffled, families=["latency"]).conversations.set_index("conversation_id")
    assert c.loc["a", "latency_first_reply_s"] == 600.0 and c.loc["b", "latency_first_reply_s"] == 60.0


def test_language_match_follows_the_customers_current_language():
    df = conv(
        [
            ("customer", 0, "x", "ja"),
            ("agent", 1, "x", "en"),
            ("agent", 2, "x", "ja"),
            ("customer", 3, "x", "en"),
            ("agent", 4, "x", "en"),
            ("agent", 5, "x", "und"),
        ]
    )
    feats = cx.featurize(df, families=["language"])
    m = feats.messages["language_match"]
    assert m.tolist()[1:3] == [0, 1] and m[4] == 1
    assert pd.isna(m[0]) and pd.isna(m[5])
    c = feats.conversations.iloc[0]
    assert c["language_match"] == 2 and c["language_mismatches"] == 1
    ev = feats.evidence
    assert ev["detail"].tolist() == ["reply in en, customer wrote ja"] and ev["start"].isna().all()


def test_language_without_customer_is_na():
    c = cx.featurize(conv([("agent", 0, "x", "en")]), families=["language"]).conversations.iloc[0]
    assert pd.isna(c["language_mismatches"])
