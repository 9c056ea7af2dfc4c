"""ConvoKit corpora: reading a folder, to_convokit, and the round trip."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import Source

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
EXCLUDE = ["broken/**", "MANIFEST.csv", "README.md", "*.yml"]


def _corpus(folder: Path, utterances: list, conversations: dict | None = None, speakers: dict | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [u if isinstance(u, str) else json.dumps(u, ensure_ascii=False) for u in utterances]
    (folder / "utterances.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "conversations.json").write_text(json.dumps(conversations or {}), encoding="utf-8")
    (folder / "speakers.json").write_text(json.dumps(speakers or {}), encoding="utf-8")
    (folder / "corpus.json").write_text("{}", encoding="utf-8")
    (folder / "index.json").write_text("{}", encoding="utf-8")
    return folder


def _utt(uid: str, conv: str, speaker: str, text: str, reply_to: str | None, ts: int | None, **meta: object) -> dict:
    return {
        "id": uid,
        "conversation_id": conv,
        "speaker": speaker,
        "text": text,
        "reply_to": reply_to,
        "timestamp": ts,
        "meta": meta,
    }


@pytest.mark.parametrize(
    ("question", "answer", "lang"),
    [
        ("My card was charged twice.", "Sorry about that, I have refunded one charge.", "en"),
        ("我的卡被扣了两次款。", "很抱歉，已为您退回一笔。", "zh"),
        ("カードが二重に請求されました。", "申し訳ございません。一件を返金いたしました。", "ja"),
        ("С карты списали дважды.", "Извините, один платёж мы вернули.", "ru"),
    ],
)
def test_read_folder_per_language(tmp_path: Path, question: str, answer: str, lang: str) -> None:
    folder = _corpus(
        tmp_path / "corpus",
        [
            _utt("u1", "u1", "cust-1", question, None, 1794445380, role="customer", priority="high"),
            _utt("u2", "u1", "agent-7", answer, "u1", 1794445440, role="agent"),
        ],
        conversations={"u1": {"meta": {"outcome": "resolved"}, "vectors": []}},
        speakers={"agent-7": {"meta": {"team": "billing"}, "vectors": []}},
    )
    df, rej = cx.read_transcripts(folder, return_rejects=True)
    assert len(rej) == 0
    assert df["message_id"].tolist() == ["u1", "u2"]
    assert df["conversation_id"].unique().tolist() == ["u1"]
    assert df["role"].tolist() == ["customer", "agent"]
    assert df["reply_to"].tolist()[1] == "u1"
    assert df["lang"].tolist() == [lang, lang]
    assert df["timestamp"].iloc[0] == pd.Timestamp(1794445380, unit="s", tz="UTC")
    assert df["meta.priority"].iloc[0] == "high"
    assert df["meta.conversation.outcome"].tolist() == ["resolved", "resolved"]
    assert df["meta.speaker.team"].iloc[1] == "billing"
    assert df["source"].iloc[1] == f"{(folder / 'utterances.jsonl').as_posix()}:2"


def test_roles_option_when_meta_has_no_role(tmp_path: Path) -> None:
    folder = _corpus(tmp_path / "c", [_utt("a", "a", "ann", "hi", None, None), _utt("b", "a", "bob", "hello", "a", None)])
    df = cx.read_transcripts(folder, roles={"agents": ["bob"]})
    assert df["role"].tolist() == ["customer", "agent"]
    assert df["timestamp"].isna().all()


def test_older_root_and_user_keys(tmp_path: Path) -> None:
    folder = _corpus(
        tmp_path / "old",
        [{"id": "x1", "root": "x1", "user": "ann", "text": "hi", "reply_to": None, "meta": {"role": "Customer"}}],
    )
    df = cx.read_transcripts(folder / "utterances.jsonl")
    assert df["conversation_id"].tolist() == ["x1"] and df["speaker"].tolist() == ["ann"] and df["role"].tolist() == ["customer"]


def test_bad_lines_rejected(tmp_path: Path) -> None:
    folder = _corpus(
        tmp_path / "bad",
        [
            _utt("a", "a", "ann", "hi", None, None, role="customer"),
            "{not json",
            json.dumps({"text": "no id"}),
            _utt("b", "a", "bo", "x", "a", None, role="agent"),
        ],
    )
    df, rej = cx.read_transcripts(folder, return_rejects=True)
    assert len(df) == 2 and len(rej) == 2
    assert rej["source"].str.endswith(("utterances.jsonl:2", "utterances.jsonl:3")).all()
    assert "not valid JSON" in rej["reason"].iloc[0]


def test_sniff_beats_jsonl_table(tmp_path: Path) -> None:
    line = json.dumps(_utt("a", "a", "ann", "hi", None, None)) + "\n"
    assert sniff(Source("utterances.jsonl", line.encode()))[0] == "convokit"
    assert sniff(Source("other.jsonl", line.encode()))[0] == "convokit"
    plain = json.dumps({"conversation_id": "1", "text": "hi"}) + "\n"
    assert sniff(Source("t.jsonl", plain.encode()))[0] == "jsonl"


def test_to_convokit_files(tmp_path: Path) -> None:
    df = cx.read_transcripts(b"ticket_id,author,sender_type,body,priority\n7,Ana,agent,Hi there!,low\n7,Bo,customer,Hello,low\n")
    folder = cx.to_convokit(df, tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == [
        "conversations.json",
        "corpus.json",
        "index.json",
        "speakers.json",
        "utterances.jsonl",
    ]
    first = json.loads((folder / "utterances.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["id"] == "7:0" and first["conversation_id"] == "7" and first["speaker"] == "Ana"
    assert first["meta"]["role"] == "agent" and first["meta"]["priority"] == "low"
    assert set(json.loads((folder / "speakers.json").read_text(encoding="utf-8"))) == {"Ana", "Bo"}


def test_round_trip_keeps_every_message_and_field(tmp_path: Path) -> None:
    import yaml

    roles = yaml.safe_load((SAMPLES / "cx.yml").read_text(encoding="utf-8"))["read"]["roles"]
    df = cx.read_transcripts(SAMPLES, roles=roles, exclude=EXCLUDE)
    folder = cx.to_convokit(df, tmp_path / "corpus")
    back, rej = cx.read_transcripts(folder, return_rejects=True)
    assert len(rej) == 0
    assert len(back) == len(df)
    assert set(back.columns) == set(df.columns)
    cols = [c for c in df.columns if c not in ("source", "lang_source")]

    def same_missing(frame: pd.DataFrame) -> pd.DataFrame:
        # None and NaN are both "missing"; compare the values, not the sentinel
        return frame.astype(object).where(frame.notna(), None)

    pd.testing.assert_frame_equal(same_missing(back[cols]), same_missing(df[cols]))
