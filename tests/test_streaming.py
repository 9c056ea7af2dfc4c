"""read_transcripts(..., chunksize=): streamed in two passes, conversations whole, rows accounted for."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.readers import _stream

KEY = ["conversation_id", "turn"]


@pytest.fixture(autouse=True)
def small_pieces(monkeypatch):
    """Pieces of 7 records, so every file below is read in many pieces with threads across them."""
    monkeypatch.setattr(_stream, "PIECE_ROWS", 7)


def scattered(n_conv: int = 30, seed: int = 0) -> pd.DataFrame:
    """Conversations of 1-6 messages whose rows are shuffled through the file."""
    rng = np.random.default_rng(seed)
    rows = []
    for c in range(n_conv):
        for t in range(int(rng.integers(1, 7))):
            role = "customer" if t % 2 == 0 else "agent"
            text = f"order {c}-{t}: where is it?" if role == "customer" else f"Sorry about that, order {c} ships today ({t})."
            rows.append(
                {
                    "ticket_id": f"T{c}",
                    "id": f"m{c}-{t}",
                    "created_at": f"2026-03-0{1 + c % 9} 10:{t:02d}:00",
                    "sender_type": role,
                    "body": text,
                    "queue": f"q{c % 3}",
                }
            )
    df = pd.DataFrame(rows)
    return df.iloc[rng.permutation(len(df))].reset_index(drop=True)


def read_both(path, size, **options):
    whole, rej = cx.read_transcripts(path, return_rejects=True, **options)
    parts = list(cx.read_transcripts(path, chunksize=size, **options))
    return whole, rej, parts


def check_whole_conversations(parts, whole, rej):
    frames = [f for f, _ in parts]
    seen: dict[str, int] = {}
    for k, f in enumerate(frames):
        for c in f["conversation_id"].unique():
            assert c not in seen, f"conversation {c} in chunks {seen[c]} and {k}"
            seen[c] = k
    assert set(seen) == set(whole["conversation_id"])
    got = pd.concat(frames, ignore_index=True).sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, whole.sort_values(KEY).reset_index(drop=True))
    rejects = pd.concat([r for _, r in parts], ignore_index=True)
    assert sorted(zip(rejects["source"], rejects["reason"])) == sorted(zip(rej["source"], rej["reason"]))
    return frames, rejects


def test_csv_streams_scattered_conversations_whole(tmp_path):
    df = scattered()
    path = tmp_path / "scattered.csv"
    df.to_csv(path, index=False)
    whole, rej, parts = read_both(path, 20)
    frames, _ = check_whole_conversations(parts, whole, rej)
    assert len(frames) > 3
    # chunks are about the size asked for: no chunk is over it by more than one conversation
    longest = int(whole.groupby("conversation_id").size().max())
    assert all(len(f) < 20 + longest for f in frames)
    # source lines point at the file's own lines
    lines = path.read_text().splitlines()
    got = pd.concat(frames)
    for src, mid in zip(got["source"].head(15), got["message_id"].head(15)):
        line = int(src.rsplit(":", 1)[1])
        assert lines[line - 1].split(",")[1] == mid


def test_csv_rejects_are_accounted_for(tmp_path):
    df = scattered(seed=1)
    body = df.to_csv(index=False).splitlines()
    body.insert(5, "T1,only,three")  # wrong field count
    body.insert(9, ",mx,2026-03-01 10:00:00,customer,no conversation,q1")  # empty conversation id
    body.insert(30, "T2,m2-0,2026-03-01 10:00:00,customer,a copy in another place,q0")  # duplicate id
    body.insert(12, 'T3,mq,2026-03-01 10:09:00,agent,"a quoted reply\nover two lines, with a comma",q2')
    body.insert(40, "T4,mt,yesterday-ish,customer,bad time,q1")
    path = tmp_path / "dirty.csv"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    whole, rej, parts = read_both(path, 9)
    frames, rejects = check_whole_conversations(parts, whole, rej)
    records = len(df) + 5
    assert sum(len(f) for f in frames) + len(rejects) == records
    reasons = " ".join(rejects["reason"])
    assert "expected 6 fields" in reasons and "empty conversation_id" in reasons
    assert "duplicate message_id 'm2-0'" in reasons and "unparseable timestamp" in reasons
    # the raw text of a row rejected after routing is the record as written (read again from the file)
    raw = dict(zip(rejects["reason"].str.split(" ").str[0], rejects["raw"]))
    assert raw["unparseable"].startswith("T4,mt,yesterday-ish,customer,bad time")
    assert raw["duplicate"] == "T2,m2-0,2026-03-01 10:00:00,customer,a copy in another place,q0\n"
    multi = pd.concat(frames).set_index("message_id").loc["mq"]
    assert multi["text"] == "a quoted reply\nover two lines, with a comma"
    assert multi["source"].endswith(":13")


def test_jsonl_and_parquet_stream_like_a_whole_read(tmp_path):
    df = scattered(seed=2)
    jl = tmp_path / "s.jsonl"
    with jl.open("w", encoding="utf-8") as fh:
        for rec in df.to_dict("records"):
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        fh.write("{not json\n")
    pq = tmp_path / "s.parquet"
    df.to_parquet(pq, index=False)
    for path, n_rejects in ((jl, 1), (pq, 0)):
        whole, rej, parts = read_both(path, 15)
        _, rejects = check_whole_conversations(parts, whole, rej)
        assert len(rejects) == n_rejects
        assert sum(len(f) for f, _ in parts) == len(df)
    got = pd.concat([f for f, _ in cx.read_transcripts(pq, chunksize=15)])
    assert got["source"].str.match(r".*s\.parquet#\d+$").all()
    assert set(got["source"]) == {f"{pq.as_posix()}#{i}" for i in range(1, len(df) + 1)}


def test_twitter_threads_far_apart_are_one_conversation(tmp_path):
    rows = [
        "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id",
        "10,111,True,Tue Oct 31 10:00:00 +0000 2017,@Brand my phone will not charge,11,",
    ]
    for k in range(20):  # unrelated tweets in between
        rows.append(f"{100 + k},{200 + k},True,Tue Oct 31 10:{k:02d}:30 +0000 2017,@Brand hello {k},,")
    rows.append("11,Brand,False,Tue Oct 31 11:00:00 +0000 2017,@111 Sorry! Which model is it? ^AB,12,10")
    rows += [f"{300 + k},{400 + k},True,Tue Oct 31 12:{k:02d}:00 +0000 2017,@Brand hi again {k},," for k in range(15)]
    rows.append("12,111,True,Tue Oct 31 13:00:00 +0000 2017,@Brand the new one,,11")
    path = tmp_path / "tw.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    whole, rej, parts = read_both(path, 5)
    check_whole_conversations(parts, whole, rej)
    thread = [f for f, _ in parts if "tw-10" in set(f["conversation_id"])]
    assert len(thread) == 1
    assert list(thread[0].loc[thread[0]["conversation_id"] == "tw-10", "message_id"]) == ["10", "11", "12"]


def test_folder_of_mixed_formats_streams_each_and_reads_the_rest_whole(tmp_path, samples):
    df = scattered(seed=3)
    df.to_csv(tmp_path / "a.csv", index=False)
    chat = samples / "chatlogs" / "orchard_chat_en_good.txt"
    (tmp_path / chat.name).write_bytes(chat.read_bytes())
    whole, rej, parts = read_both(tmp_path, 25)
    check_whole_conversations(parts, whole, rej)
    assert len(whole) > len(df)


def test_chunksize_must_be_positive(tmp_path):
    path = tmp_path / "x.csv"
    scattered().to_csv(path, index=False)
    with pytest.raises(ValueError, match="chunksize"):
        cx.read_transcripts(path, chunksize=0)


def test_cli_featurize_in_chunks_equals_a_whole_run(tmp_path, monkeypatch):
    from cxanalysis.cli import main

    df = scattered(n_conv=40, seed=6)
    canned = "Thank you for your patience, our team has escalated this and will email you within two days."
    df.loc[df["sender_type"] == "agent", "body"] = canned  # a template across conversations
    path = tmp_path / "in.csv"
    lines = df.to_csv(index=False).splitlines()
    lines.insert(7, "T9,broken,row")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = {k: tmp_path / f"whole_{k}.parquet" for k in ("m", "e", "c")}
    parts = {k: tmp_path / f"chunked_{k}.parquet" for k in ("m", "e", "c")}
    common = ["featurize", str(path), "--lang", "en"]
    assert main([*common, "-o", str(whole["m"]), "--evidence", str(whole["e"]), "--conversations", str(whole["c"])]) == 0
    rejects = tmp_path / "rejects.csv"
    args = ["-o", str(parts["m"]), "--evidence", str(parts["e"]), "--conversations", str(parts["c"]), "--rejects", str(rejects)]
    assert main([*common, "--chunksize", "12", *args]) == 0
    import pyarrow.parquet as pq

    assert pq.ParquetFile(parts["m"]).num_row_groups > 3  # written chunk by chunk
    keys = {"m": ["message_id"], "e": ["message_id", "feature", "start", "detail"], "c": ["conversation_id"]}
    for k in ("m", "e", "c"):
        a = pd.read_parquet(parts[k]).sort_values(keys[k]).reset_index(drop=True)
        b = pd.read_parquet(whole[k]).sort_values(keys[k]).reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    m = pd.read_parquet(parts["m"])
    assert m["template_match"].sum() > 5  # the template was learned over all chunks
    rej = pd.read_csv(rejects)
    assert len(rej) == 1 and len(m) + len(rej) == len(df) + 1


def test_encodings_stream_or_fall_back_to_a_whole_read(tmp_path):
    text = "conversation_id,id,sender_type,body\n" + "".join(
        f"c{i % 5},m{i},{'agent' if i % 2 else 'customer'},Здравствуйте! Заказ {i} уже в пути\n" for i in range(30)
    )
    cp = tmp_path / "cp1251.csv"
    cp.write_bytes(text.encode("cp1251"))
    u16 = tmp_path / "utf16.csv"
    u16.write_bytes(text.encode("utf-16-le"))  # no byte-order mark: lines cannot be split on b"\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for path, options in ((cp, {"encoding": "cp1251"}), (u16, {}), (bom, {})):
        whole, rej, parts = read_both(path, 8, **options)
        check_whole_conversations(parts, whole, rej)
        assert whole["text"].str.startswith("Здравствуйте").all() and len(whole) == 30
