from __future__ import annotations

import io
import random
import shutil

import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import Source


@pytest.mark.parametrize(
    "name, data, fmt",
    [
        ("x.csv", b"ticket_id,body\n1,hi\n", "csv"),
        ("x.txt", b"ticket_id\tbody\n1\thi\n", "tsv"),
        ("x.csv", b"tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n", "twitter"),
        ("x.data", b'{"conversation_id": "1", "text": "hi"}\n', "jsonl"),
        ("x.bin", b"PAR1....", "parquet"),
        ("MANIFEST.csv", b"file,conversation_id,lang\n", None),
        ("notes.md", b"# just notes\n", None),
    ],
)
def test_readers_sniff(name, data, fmt):
    assert sniff(Source(name, data))[0] == fmt


def test_readers_unknown_single_file_names_formats(tmp_path):
    p = tmp_path / "notes.md"
    p.write_text("# notes\n")
    with pytest.raises(cx.ParseError, match="cannot tell the format"):
        cx.read_transcripts(p)
    with pytest.raises(cx.ParseError, match="unknown format 'xml'"):
        cx.read_transcripts(p, format="xml")


def test_readers_folder_glob_and_list(tmp_path, samples):
    shutil.copy(samples / "social" / "tunely_threads_en.csv", tmp_path / "a.csv")
    shutil.copy(samples / "tables" / "tunely_chats_zh.tsv", tmp_path / "b.tsv")
    (tmp_path / "README.md").write_text("not a transcript")
    (tmp_path / ".hidden.csv").write_text("garbage")
    with pytest.warns(cx.CxWarning, match="README.md"):
        folder = cx.read_transcripts(tmp_path)
    files = set(folder["source"].str.rsplit(":", n=1).str[0])
    assert files == {f"{tmp_path.as_posix()}/a.csv", f"{tmp_path.as_posix()}/b.tsv"}
    glob = cx.read_transcripts(str(tmp_path / "*.csv"))
    assert len(glob) == (folder["source"].str.contains("a.csv")).sum()
    both = cx.read_transcripts([tmp_path / "a.csv", tmp_path / "b.tsv"])
    assert len(both) == len(folder)
    excluded = cx.read_transcripts(tmp_path, exclude=["*.tsv", "*.md"])
    assert len(excluded) == len(glob)


def test_readers_folder_with_unreadable_file_rejects_it_whole(tmp_path, broken):
    (tmp_path / "a.csv").write_text("author,body\nAna,a message without a conversation id\n")
    shutil.copy(broken / "missing_text_column.csv", tmp_path / "c.csv")
    shutil.copy(broken / "bad_lines.jsonl", tmp_path / "b.jsonl")
    with pytest.warns(cx.CxWarning, match="c.csv"):  # a table that holds no messages is skipped, and said so
        df, rej = cx.read_transcripts(tmp_path, return_rejects=True, roles=["Tom"])
    assert len(df) == 2
    whole = rej[rej["source"] == f"{tmp_path.as_posix()}/a.csv"]
    assert len(whole) == 1 and "no conversation_id column" in whole["reason"].iloc[0]
    assert df.attrs["cx_skipped"] == [f"{tmp_path.as_posix()}/c.csv"]


def test_readers_file_like_and_bytes():
    data = "conversation_id,text\n1,hello there friend\n"
    assert len(cx.read_transcripts(io.StringIO(data))) == 1
    assert len(cx.read_transcripts(io.BytesIO(data.encode()))) == 1
    assert cx.read_transcripts(data.encode("utf-8"))["source"].tolist() == ["<buffer>:2"]


def test_readers_empty_file_and_missing_path(broken, tmp_path):
    with pytest.raises(cx.ParseError, match="cannot tell the format|empty"):
        cx.read_transcripts(broken / "empty.csv")
    with pytest.raises(cx.ParseError, match="no such file"):
        cx.read_transcripts(tmp_path / "nope.csv")


def test_readers_encoding_error_asks_for_encoding():
    rng = random.Random(3)
    data = b"conversation_id,text\n1," + bytes(rng.randrange(128, 256) for _ in range(3000)) + b"\n"
    with pytest.raises(cx.ParseError, match="encoding="):
        cx.read_transcripts(io.BytesIO(data), format="csv")
    with pytest.raises(cx.ParseError, match="as ascii"):
        cx.read_transcripts(io.BytesIO("conversation_id,text\n1,café\n".encode()), format="csv", encoding="ascii")


def test_readers_rejects_unknown_options():
    with pytest.raises(TypeError, match="unexpected options"):
        cx.read_transcripts(io.StringIO("conversation_id,text\n1,hi\n"), colums={})


def test_readers_chunksize_keeps_conversations_whole():
    rows = "".join(f"c{i // 3},m{i},message {i}\n" for i in range(30))
    chunks = list(cx.read_transcripts(io.StringIO("conversation_id,message_id,text\n" + rows), chunksize=4, lang="en"))
    sizes = [len(c) for c, _ in chunks]
    assert sum(sizes) == 30 and all(s % 3 == 0 for s in sizes)
    seen = [set(c["conversation_id"]) for c, _ in chunks]
    assert all(not (a & b) for i, a in enumerate(seen) for b in seen[i + 1 :])
