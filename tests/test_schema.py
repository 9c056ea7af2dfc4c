from __future__ import annotations

import io

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.schema import COLUMNS, empty_frame, validate


def _frame() -> pd.DataFrame:
    return cx.read_transcripts(
        io.StringIO("ticket_id,author,sender_type,body,created_at\n1,Ana,agent,Hello there,2026-11-01T10:00:00Z\n")
    )


def test_schema_reader_output_validates_with_exact_columns():
    df = _frame()
    assert list(df.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert validate(df) is df
    assert str(df["timestamp"].dtype) == "datetime64[us, UTC]"
    assert df["role"].cat.categories.tolist() == ["customer", "agent", "bot", "system", "unknown"]


def test_schema_validate_names_missing_and_bad_columns():
    df = empty_frame().drop(columns=["lang"])
    df["turn"] = df["turn"].astype(float)
    with pytest.raises(cx.SchemaError) as err:
        validate(df)
    assert "missing column 'lang'" in str(err.value)
    assert "'turn' must be an integer" in str(err.value)


def test_schema_validate_rejects_duplicate_ids_and_unknown_roles():
    df = pd.concat([_frame(), _frame()], ignore_index=True)
    with pytest.raises(cx.SchemaError, match="not unique"):
        validate(df)
    bad = _frame()
    bad["role"] = pd.Categorical(["boss"])
    with pytest.raises(cx.SchemaError, match="role"):
        validate(bad)


def test_schema_accessor_validates_and_delegates():
    df = _frame()
    assert df.cx.summary()["rows"] == 1
    assert df.cx.conversation("1")["message_id"].tolist() == ["1:0"]
    assert len(df.cx.by_role("agent")) == 1
    with pytest.raises(AttributeError, match="canonical transcript frame"):
        pd.DataFrame({"a": [1]}).cx  # noqa: B018


def test_schema_timestamp_must_be_utc():
    df = _frame()
    df["timestamp"] = df["timestamp"].dt.tz_convert("Europe/Moscow")
    with pytest.raises(cx.SchemaError, match="tz UTC"):
        validate(df)
