"""Zendesk and Intercom API JSON: ids, roles, notes, bodiless parts, HTML, rejects."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import Source

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _zendesk(customer_text: str, agent_html: str, note: str) -> dict:
    return {
        "ticket": {"id": 901, "subject": "Help", "via": {"channel": "email"}},
        "comments": [
            {
                "id": 1,
                "author_id": 10,
                "body": customer_text,
                "public": True,
                "created_at": "2026-11-02T08:00:00Z",
                "via": {"channel": "email"},
            },
            {
                "id": 2,
                "author_id": 20,
                "body": "",
                "html_body": agent_html,
                "public": True,
                "created_at": "2026-11-02T09:00:00Z",
                "via": {"channel": "web"},
            },
            {"id": 3, "author_id": 20, "body": note, "public": False, "created_at": "2026-11-02T09:05:00Z"},
        ],
        "users": [{"id": 10, "name": "Cleo", "role": "end-user"}, {"id": 20, "name": "Dan", "role": "agent"}],
    }


@pytest.mark.parametrize(
    ("customer", "agent_html", "agent_text"),
    [
        ("My order is late.", "<p>Sorry, it ships <b>today</b>.</p>", "Sorry, it ships today."),
        ("我的订单还没到。", "<p>抱歉，今天发货。</p>", "抱歉，今天发货。"),
        ("注文がまだ届きません。", "<p>申し訳ございません。本日発送します。</p>", "申し訳ございません。本日発送します。"),
        ("Заказ ещё не пришёл.", "<p>Извините, отправим сегодня.</p>", "Извините, отправим сегодня."),
    ],
)
def test_zendesk_per_language(tmp_path: Path, customer: str, agent_html: str, agent_text: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_zendesk(customer, agent_html, "internal only"), ensure_ascii=False), encoding="utf-8")
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["conversation_id"].unique().tolist() == ["zd-901"]
    assert df["message_id"].tolist() == ["zd-1", "zd-2", "zd-3"]
    assert df["role"].tolist() == ["customer", "agent", "system"]
    assert df["text"].tolist() == [customer, agent_text, "internal only"]
    assert df["meta.public"].tolist() == [True, True, False]
    assert df["channel"].unique().tolist() == ["email"]
    assert df["source"].iloc[1] == f"{path.as_posix()}#2"


def test_zendesk_private_note_stays_system_with_agents_list(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_zendesk("hi", "<p>hello</p>", "note")), encoding="utf-8")
    df = cx.read_transcripts(path, roles={"agents": ["Dan"]})
    assert df["role"].tolist() == ["customer", "agent", "system"]


def test_zendesk_without_users_uses_roles_option(tmp_path: Path) -> None:
    doc = _zendesk("hi", "<p>hello</p>", "note")
    del doc["users"]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    df = cx.read_transcripts(path, roles={"agents": ["20"]})
    assert df["role"].tolist() == ["customer", "agent", "system"]


def test_zendesk_bad_comments_rejected(tmp_path: Path) -> None:
    doc = _zendesk("hi", "<p>hello</p>", "note")
    doc["comments"] += [
        "junk",
        {"author_id": 10, "body": "no id"},
        {"id": 9, "author_id": 10, "body": "x", "created_at": "yesterday-ish"},
    ]
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(df) == 3 and len(rej) == 3
    assert len(df) + len(rej) == len(doc["comments"])
    assert rej["source"].tolist() == [f"{path.as_posix()}#4", f"{path.as_posix()}#5", f"{path.as_posix()}#6"]
    assert "timestamp" in rej["reason"].iloc[2]


def test_invalid_json_raises(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"comments": [ {"id": 1, "author_id": 2,\n oops', encoding="utf-8")
    with pytest.raises(cx.ParseError) as info:
        cx.read_transcripts(path, format="zendesk")
    assert info.value.line == 2 or "line 2" in str(info.value)


def _intercom(source_html: str, reply_html: str) -> dict:
    return {
        "type": "conversation",
        "id": "55",
        "created_at": 1794445380,
        "source": {"type": "conversation", "id": "9", "body": source_html, "author": {"type": "lead", "id": "u1", "name": "Eva"}},
        "conversation_parts": {
            "type": "conversation_part.list",
            "conversation_parts": [
                {
                    "id": "101",
                    "part_type": "comment",
                    "body": "<p>Bot here</p>",
                    "created_at": 1794445385,
                    "author": {"type": "bot", "id": "b", "name": "Helper"},
                },
                {
                    "id": "102",
                    "part_type": "assignment",
                    "body": None,
                    "created_at": 1794445390,
                    "author": {"type": "bot", "id": "b", "name": "Helper"},
                },
                {
                    "id": "103",
                    "part_type": "comment",
                    "body": reply_html,
                    "created_at": 1794445400,
                    "author": {"type": "admin", "id": "a", "name": "Fay"},
                },
                {
                    "id": "104",
                    "part_type": "note",
                    "body": "<p>check stock</p>",
                    "created_at": 1794445410,
                    "author": {"type": "admin", "id": "a", "name": "Fay"},
                },
                {
                    "id": "105",
                    "part_type": "close",
                    "body": None,
                    "created_at": 1794445420,
                    "author": {"type": "admin", "id": "a", "name": "Fay"},
                },
            ],
        },
    }


@pytest.mark.parametrize(
    ("source_html", "reply_html", "reply_text"),
    [
        ("<p>Where is my parcel?</p>", "<p>It arrives <i>tomorrow</i>.</p>", "It arrives tomorrow."),
        ("<p>我的包裹在哪里？</p>", "<p>明天送到。</p>", "明天送到。"),
        ("<p>荷物はどこですか？</p>", "<p>明日届きます。</p>", "明日届きます。"),
        ("<p>Где моя посылка?</p>", "<p>Приедет завтра.</p>", "Приедет завтра."),
    ],
)
def test_intercom_per_language(tmp_path: Path, source_html: str, reply_html: str, reply_text: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps(_intercom(source_html, reply_html), ensure_ascii=False), encoding="utf-8")
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["conversation_id"].unique().tolist() == ["ic-55"]
    assert df["message_id"].tolist() == ["ic-55:source", "ic-101", "ic-102", "ic-103", "ic-104", "ic-105"]
    assert df["role"].tolist() == ["customer", "bot", "system", "agent", "system", "system"]
    assert df["meta.part_type"].tolist() == ["source", "comment", "assignment", "comment", "note", "close"]
    assert df["text"].iloc[3] == reply_text
    assert df["text"].iloc[2] == ""
    assert df["timestamp"].iloc[0] == pd.Timestamp(1794445380, unit="s", tz="UTC")
    assert df["channel"].unique().tolist() == ["chat"]


def test_intercom_bad_parts_rejected(tmp_path: Path) -> None:
    doc = _intercom("<p>hi</p>", "<p>hello</p>")
    doc["conversation_parts"]["conversation_parts"] += [42, {"part_type": "comment", "body": "no id"}]
    path = tmp_path / "c.json"
    path.write_text(json.dumps([doc]), encoding="utf-8")
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(df) == 6 and len(rej) == 2
    assert all("'id'" in r for r in rej["reason"])


def test_sniff_helpdesk() -> None:
    assert sniff(Source("a.json", json.dumps(_zendesk("a", "b", "c")).encode()))[0] == "zendesk"
    assert sniff(Source("b.json", json.dumps(_intercom("a", "b")).encode()))[0] == "intercom"


def test_samples_read_clean() -> None:
    import yaml

    roles = yaml.safe_load((SAMPLES / "cx.yml").read_text(encoding="utf-8"))["read"]["roles"]
    df, rej = cx.read_transcripts(SAMPLES / "helpdesk", return_rejects=True, roles=roles)
    assert len(rej) == 0
    manifest = pd.read_csv(SAMPLES / "MANIFEST.csv")
    rows = manifest[manifest["file"].str.startswith("helpdesk/")]
    assert set(df["conversation_id"]) == set(rows["conversation_id"])
    channels = df.groupby("conversation_id")["channel"].first().astype(str).to_dict()
    assert channels == dict(zip(rows["conversation_id"], rows["channel"]))
    assert "unknown" not in set(df["role"])
