"""Safe output: spreadsheet-formula neutralising CSV and atomic writes."""

from __future__ import annotations

import csv
import os

import pandas as pd
import pytest

from cxanalysis._output import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    neutralize_cell,
    safe_csv,
    write_csv,
    write_frame,
)
from cxanalysis.errors import CxError


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("1e-3", "1e-3"),
        ("thanks = great", "thanks = great"),
        ("", ""),
    ],
)
def test_neutralize_cell(cell: str, expected: str) -> None:
    assert neutralize_cell(cell) == expected


def test_safe_csv_keeps_numbers_and_input() -> None:
    df = pd.DataFrame(
        {
            "text": pd.array(["=1+1", "@115712 hi", None, "fine"], dtype="string"),
            "score": [-0.5, 1.0, -2.0, 0.0],
            "n": pd.array([-1, 2, None, 4], dtype="Int64"),
            "role": pd.Categorical(["=x", "agent", "agent", "customer"]),
            "=HYPERLINK(1)": ["a", "b", "c", "d"],
        }
    )
    before = df.copy(deep=True)
    out = safe_csv(df)
    pd.testing.assert_frame_equal(df, before)
    assert out["text"].tolist()[:2] == ["'=1+1", "'@115712 hi"]
    assert pd.isna(out["text"].iat[2])
    assert out["score"].dtype == df["score"].dtype and out["score"].tolist() == [-0.5, 1.0, -2.0, 0.0]
    assert out["n"].dtype == df["n"].dtype
    assert out["role"].tolist()[0] == "'=x"
    assert "'=HYPERLINK(1)" in out.columns


def test_write_csv_round_trip(tmp_path) -> None:
    df = pd.DataFrame({"text": ["=cmd()", "-1", "a,b\nc"], "x": [-1, 0, 1]})
    path = write_csv(df, tmp_path / "sub" / "out.csv")
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows == [["text", "x"], ["'=cmd()", "-1"], ["-1", "0"], ["a,b\nc", "1"]]
    assert [p.name for p in path.parent.iterdir()] == ["out.csv"]  # no temporary left


def test_atomic_write_keeps_old_file_on_error(tmp_path) -> None:
    target = tmp_path / "index.html"
    atomic_write_text(target, "old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("crash while writing")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"]


def test_atomic_write_bytes_and_mode(tmp_path) -> None:
    target = atomic_write_bytes(tmp_path / "a.bin", b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask
    atomic_write_text(target, "ü", encoding="utf-16")
    assert target.read_bytes().decode("utf-16") == "ü"


def test_write_frame_formats(tmp_path) -> None:
    df = pd.DataFrame({"text": ["=1", "b"], "n": [1, 2]})
    pq = write_frame(df, tmp_path / "f.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(pq), df)  # parquet keeps values as they are
    js = write_frame(df, tmp_path / "f.jsonl")
    assert pd.read_json(js, lines=True)["text"].tolist() == ["=1", "b"]
    assert pd.read_csv(write_frame(df, tmp_path / "f.csv"))["text"].tolist() == ["'=1", "b"]
    with pytest.raises(CxError, match="unsupported output type '.xlsx'"):
        write_frame(df, tmp_path / "f.xlsx")
