from __future__ import annotations

import io

import pytest

import cxanalysis as cx
from cxanalysis.readers.twitter import agent_signature

HEADER = "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"


def _read(body: str, **kw):
    return cx.read_transcripts(io.StringIO(HEADER + body), return_rejects=True, **kw)


def test_readers_twitter_threads_roles_and_agents():
    body = (
        "12.0,777,True,Mon Nov 02 10:00:00 +0000 2026,@Brand help,11.0,\n"
        "11.0,Brand,False,Mon Nov 02 10:05:00 +0000 2026,@777 On it! ^AR,13,12.0\n"
        "13.0,777,True,Mon Nov 02 10:06:00 +0000 2026,@Brand thanks,,11.0\n"
        "20,888,True,Mon Nov 02 11:00:00 +0000 2026,@Brand other thread,,\n"
    )
    df, rej = _read(body)
    assert len(rej) == 0
    assert df["message_id"].tolist() == ["12", "11", "13", "20"]
    assert df["conversation_id"].tolist() == ["tw-11", "tw-11", "tw-11", "tw-20"]
    assert df["role"].tolist() == ["customer", "agent", "customer", "customer"]
    assert df["speaker"].tolist() == ["777", "Brand", "777", "888"]
    assert df["agent"].tolist() == ["", "Brand ^AR", "", ""]
    assert df["reply_to"].tolist()[1:3] == ["12", "11"]
    assert set(df["channel"]) == {"social"}
    assert df["turn"].tolist() == [0, 1, 2, 0]


def test_readers_twitter_partial_threads_are_kept_and_joined_through_missing_parent():
    body = (
        "31,Brand,False,Mon Nov 02 10:05:00 +0000 2026,@9 answer one /NQ,,30\n"
        "32,Brand,False,Mon Nov 02 10:06:00 +0000 2026,@9 answer two -Dana,,30\n"
    )
    df, rej = _read(body)
    assert len(df) == 2 and len(rej) == 0
    assert df["conversation_id"].tolist() == ["tw-31", "tw-31"]
    assert df["agent"].tolist() == ["Brand /NQ", "Brand -Dana"]


@pytest.mark.parametrize(
    "text, sig",
    [
        ("Thanks! ^BL", "^BL"),
        ("We can help /NQ", "/NQ"),
        ("Sure thing -Ana", "-Ana"),
        ("See https://t.co/AbC", ""),
        ("No signature here", ""),
        ("DM us *JD", "*JD"),
    ],
)
def test_readers_twitter_agent_signature(text, sig):
    assert agent_signature(text) == sig


def test_readers_twitter_broken_file(broken):
    df, rej = cx.read_transcripts(broken / "twitter_bad.csv", return_rejects=True)
    assert df["message_id"].tolist() == ["900001", "900002"]
    reasons = " | ".join(rej["reason"])
    assert len(rej) == 5
    for part in (
        "'nine' is not an integer",
        "inbound 'maybe'",
        "unparseable created_at",
        "duplicate message_id '900002'",
        "'abc' is not one tweet id",
    ):
        assert part in reasons


def test_readers_twitter_junk_reply_list_is_kept_not_rejected():
    body = "5,Brand,False,Mon Nov 02 10:05:00 +0000 2026,Announcement,#########,\n"
    df, rej = _read(body)
    assert len(df) == 1 and len(rej) == 0
    assert df["meta.response_tweet_id"].iloc[0] == "#########"


def test_readers_twitter_sniffed_before_generic_csv(samples):
    df = cx.read_transcripts(samples / "social" / "tunely_threads_en.csv")
    assert df["conversation_id"].str.startswith("tw-").all()
