from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import cxanalysis as cx

CSV = (
    "ticket_id,id,created_at,sender_type,author,body,channel,priority\n"
    "T-2,T-2-1,2026-11-03T10:05:00Z,customer,Zoe,second ticket,email,low\n"
    'T-1,T-1-2,2026-11-03T10:01:00Z,agent,Ana,"Hi Mei, I\'m Ana.\nLet me check.",chat,high\n'
    "T-1,T-1-1,2026-11-03T10:00:00Z,customer,Mei,Where is my parcel?,chat,high\n"
)


def test_readers_table_csv_aliases_meta_and_turns():
    df = cx.read_transcripts(io.StringIO(CSV))
    assert df["conversation_id"].tolist() == ["T-2", "T-1", "T-1"]
    t1 = df[df["conversation_id"] == "T-1"]
    assert t1["message_id"].tolist() == ["T-1-1", "T-1-2"]  # ordered by timestamp
    assert t1["turn"].tolist() == [0, 1]
    assert t1["role"].tolist() == ["customer", "agent"]
    assert t1["agent"].tolist() == ["", "Ana"]
    assert df["channel"].tolist() == ["email", "chat", "chat"]
    assert df["meta.priority"].tolist() == ["low", "high", "high"]
    assert t1["text"].iloc[1] == "Hi Mei, I'm Ana.\nLet me check."
    assert t1["source"].tolist() == ["<buffer>:5", "<buffer>:3"]  # physical line where the record starts


def test_readers_table_untimed_rows_keep_source_position():
    data = (
        "conversation_id,text,timestamp\n"
        "c,third by time,2026-11-03T10:03:00Z\n"
        "c,untimed stays second,\n"
        "c,first by time,2026-11-03T10:01:00Z\n"
    )
    df = cx.read_transcripts(io.StringIO(data), lang="en", roles={"map": {}})
    assert df.sort_values("turn")["text"].tolist() == ["first by time", "untimed stays second", "third by time"]


def test_readers_table_tsv_jsonl_parquet_agree(tmp_path):
    rows = [
        {
            "conversation_id": "c1",
            "message_id": "m1",
            "timestamp": "2026-11-03T10:00:00Z",
            "role": "customer",
            "speaker": "Mei",
            "text": "我的包裹在哪里？",
        },
        {
            "conversation_id": "c1",
            "message_id": "m2",
            "timestamp": "2026-11-03T10:01:00Z",
            "role": "agent",
            "speaker": "雷",
            "text": "您好，我是雷，马上为您查询。",
            "extra": {"order": "A1"},
        },
    ]
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    flat = pd.DataFrame(rows).drop(columns="extra")
    flat.to_csv(tmp_path / "a.tsv", sep="\t", index=False)
    flat.to_parquet(tmp_path / "a.parquet", index=False)
    frames = {ext: cx.read_transcripts(tmp_path / f"a.{ext}") for ext in ("jsonl", "tsv", "parquet")}
    for ext, df in frames.items():
        assert df["text"].tolist() == [r["text"] for r in rows], ext
        assert df["lang"].tolist() == ["zh", "zh"], ext
        assert df["lang_source"].tolist() == ["detected", "detected"], ext
        assert df["role"].tolist() == ["customer", "agent"], ext
    assert frames["jsonl"]["meta.extra.order"].tolist()[1] == "A1"
    assert frames["parquet"]["source"].tolist() == [f"{tmp_path.as_posix()}/a.parquet#1", f"{tmp_path.as_posix()}/a.parquet#2"]


def test_readers_table_options_tz_channel_lang_columns():
    data = "conv,who,kind,msg,when,language\nx,Ana,agent,Guten Tag,2026-11-03 10:00,\ny,Li,customer,hello world,2026-11-03 10:00,en-GB\n"
    df = cx.read_transcripts(
        io.StringIO(data),
        columns={
            "conv": "conversation_id",
            "who": "speaker",
            "kind": "role",
            "msg": "text",
            "when": "timestamp",
            "language": "lang",
        },
        tz="Europe/Berlin",
        channel="sms",
        lang="de",
    )
    assert df["timestamp"].iloc[0].isoformat() == "2026-11-03T09:00:00+00:00"
    assert df["channel"].tolist() == ["sms", "sms"]
    assert df["lang"].tolist() == ["de", "en"]
    assert df["lang_source"].tolist() == ["caller", "source"]


def test_readers_table_missing_text_column_names_file_and_choices(broken):
    with pytest.raises(cx.ParseError) as err:
        cx.read_transcripts(broken / "missing_text_column.csv")
    msg = str(err.value)
    assert "missing_text_column.csv" in msg and "no text column" in msg and "'body'" in msg


def test_readers_table_broken_rows_go_to_rejects_with_reasons(broken):
    df, rej = cx.read_transcripts(broken / "bad_rows.csv", return_rejects=True)
    assert df["message_id"].tolist() == ["B-1-1", "B-1-5", "B-1-6"]
    assert df["text"].iloc[1] == "A quoted field that spans\ntwo lines is still one record."
    reasons = dict(zip(rej["source"].str.rsplit(":", n=1).str[1].astype(int), rej["reason"]))
    assert reasons[3].startswith("unparseable timestamp 'yesterday-ish'")
    assert reasons[4] == "empty conversation_id"
    assert reasons[5].startswith("duplicate message_id 'B-1-1' (first at") and reasons[5].endswith("bad_rows.csv:2)")
    assert reasons[6] == "expected 6 fields as in the header, found 7"
    assert rej["raw"].str.len().min() > 0


def test_readers_table_jsonl_broken_lines(broken):
    df, rej = cx.read_transcripts(broken / "bad_lines.jsonl", return_rejects=True)
    assert len(df) == 2 and len(rej) == 2
    assert rej["reason"].iloc[0].startswith("invalid JSON")
    assert rej["reason"].iloc[1] == "expected a JSON object, found list"


def test_readers_table_bare_carriage_return_stays_in_the_record():
    data = "conversation_id,text,speaker\nc,first line\rsecond half,Mei\nc,next,Ana\n"
    df, rej = cx.read_transcripts(io.StringIO(data), return_rejects=True, roles=["Ana"])
    assert len(rej) == 0
    assert df["text"].tolist() == ["first line\rsecond half", "next"]
    assert df["source"].tolist() == ["<buffer>:2", "<buffer>:3"]


def test_readers_table_pandas_index_column_is_kept_in_meta():
    data = ",conversation_id,text\n0,c,hello there\n1,c,hi again\n"
    df = cx.read_transcripts(io.StringIO(data), lang="en")
    assert df["meta.unnamed_0"].tolist() == ["0", "1"]


def test_readers_table_float_ids_are_canonical():
    data = "conversation_id,message_id,reply_to,text\n7.0,3.0,,hi\n7.0,4.0,3.0,hello\n"
    df = cx.read_transcripts(io.StringIO(data), lang="en")
    assert df["conversation_id"].tolist() == ["7", "7"]
    assert df["message_id"].tolist() == ["3", "4"]
    assert df["reply_to"].isna().tolist() == [True, False]
    assert df["reply_to"].iloc[1] == "3"
