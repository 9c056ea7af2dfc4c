"""Transcripts read from databases: SQLite through SQLAlchemy, DuckDB files and Parquet sets."""

from __future__ import annotations

import sqlite3

import duckdb
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.errors import ParseError
from cxanalysis.readers import _stream

KEY = ["conversation_id", "turn"]


def messages() -> pd.DataFrame:
    rows = []
    for c in range(12):
        for t in range(1 + c % 4):
            rows.append(
                {
                    "case_no": 100 + c,
                    "msg": f"{c}-{t}",
                    "sent": f"2026-05-{1 + c:02d} 09:{t:02d}:00",
                    "who": "Agent" if t % 2 else "Customer",
                    "body": f"Hello, I need help with order {c} ({t})"
                    if t % 2 == 0
                    else f"Thanks for waiting, order {c} is on its way.",
                    "queue": "billing" if c % 2 else "delivery",
                }
            )
    df = pd.DataFrame(rows)
    return df.sample(frac=1, random_state=4).reset_index(drop=True)  # threads scattered


COLUMNS = {"case_no": "conversation_id", "msg": "message_id", "sent": "timestamp", "who": "role", "body": "text"}


@pytest.fixture
def sqlite_db(tmp_path):
    path = tmp_path / "support.db"
    with sqlite3.connect(path) as con:
        messages().to_sql("messages", con, index=False)
        con.execute("INSERT INTO messages VALUES (NULL, 'x-1', '2026-05-01 09:00:00', 'Customer', 'no case number', 'billing')")
    return path


def test_sqlite_query_reads_like_a_table(sqlite_db):
    df, rej = cx.read_transcripts(f"sqlite:///{sqlite_db}", query="SELECT * FROM messages", columns=COLUMNS, return_rejects=True)
    src = messages()
    assert len(df) == len(src) and len(rej) == 1
    assert rej["reason"].iloc[0] == "empty conversation_id"
    assert rej["source"].iloc[0] == f"<sql>#{len(src) + 1}"
    assert "no case number" in rej["raw"].iloc[0]
    assert set(df["role"]) == {"customer", "agent"}  # roles resolved as for tables
    assert df["conversation_id"].str.fullmatch(r"1\d\d").all()  # integer ids as canonical strings
    assert "meta.queue" in df.columns
    assert df["source"].str.fullmatch(r"<sql>#\d+").all()
    # source row numbers point at the query's rows
    first = df.loc[df["message_id"] == src["msg"].iloc[0], "source"].iloc[0]
    assert first == "<sql>#1"
    assert str(df["timestamp"].dt.tz) == "UTC"


def test_sqlite_query_filters_and_streams(sqlite_db, monkeypatch):
    monkeypatch.setattr(_stream, "PIECE_ROWS", 4)
    url = f"sqlite:///{sqlite_db}"
    query = "SELECT * FROM messages WHERE queue = 'billing'"
    whole, rej = cx.read_transcripts(url, query=query, columns=COLUMNS, return_rejects=True)
    parts = list(cx.read_transcripts(url, query=query, columns=COLUMNS, chunksize=5))
    assert len(parts) > 2
    seen = [set(f["conversation_id"]) for f, _ in parts]
    assert sum(len(s) for s in seen) == len(set().union(*seen)) == whole["conversation_id"].nunique()
    got = pd.concat([f for f, _ in parts]).sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, whole.sort_values(KEY).reset_index(drop=True))
    assert sum(len(r) for _, r in parts) == len(rej) == 1


def test_duckdb_file_and_parquet_set(tmp_path, monkeypatch):
    src = messages()
    db = tmp_path / "calls.duckdb"
    con = duckdb.connect(str(db))
    con.register("src", src)
    con.execute("CREATE TABLE messages AS SELECT * FROM src")
    con.close()
    df = cx.read_transcripts(f"duckdb:///{db}", query="SELECT * FROM messages", columns=COLUMNS)
    assert len(df) == len(src) and df["conversation_id"].nunique() == 12

    folder = tmp_path / "big"
    folder.mkdir()
    half = len(src) // 2
    src.iloc[:half].to_parquet(folder / "part-0.parquet", index=False)
    src.iloc[half:].to_parquet(folder / "part-1.parquet", index=False)
    query = f"SELECT * FROM read_parquet('{folder.as_posix()}/*.parquet') ORDER BY msg"
    whole = cx.read_transcripts("duckdb:///:memory:", query=query, columns=COLUMNS)
    monkeypatch.setattr(_stream, "PIECE_ROWS", 3)
    parts = list(cx.read_transcripts("duckdb:///:memory:", query=query, columns=COLUMNS, chunksize=6))
    got = pd.concat([f for f, _ in parts]).sort_values(KEY).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, whole.sort_values(KEY).reset_index(drop=True))
    assert len(parts) > 2 and len(whole) == len(src)
    assert sorted(df["message_id"]) == sorted(whole["message_id"])


def test_database_errors_name_the_problem(sqlite_db):
    with pytest.raises(ParseError, match="query="):
        cx.read_transcripts(f"sqlite:///{sqlite_db}")
    with pytest.raises(ParseError, match="query failed"):
        cx.read_transcripts(f"sqlite:///{sqlite_db}", query="SELECT * FROM nowhere")
    with pytest.raises(ParseError, match="no conversation_id column"):
        cx.read_transcripts(f"sqlite:///{sqlite_db}", query="SELECT body FROM messages")
    with pytest.raises(ParseError, match="query failed"):
        cx.read_transcripts("duckdb:///:memory:", query="SELECT * FROM missing_table")
    with pytest.raises(TypeError, match="query= is for a database URL"):
        cx.read_transcripts(sqlite_db, query="SELECT 1")
