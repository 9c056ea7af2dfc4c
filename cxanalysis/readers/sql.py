"""Transcripts that live in a database: a URL and a query.

``read_transcripts("sqlite:///support.db", query="SELECT * FROM messages")`` reads the rows a
query returns as a long table: one row per message, columns matched to the canonical frame
as for CSV (:data:`~cxanalysis.readers._columns.ALIASES` or ``columns=``), the rest kept as
``meta.<name>``, roles resolved as for every reader. ``source`` is ``<sql>#<n>``: the 1-based
position of the row in the query's result.

Two engines:

* **DuckDB** (``duckdb:///:memory:``, ``duckdb:///path/to/file.duckdb``), the embedded default
  for big Parquet collections: ``query="SELECT * FROM 'calls/*.parquet'"`` scans the files in
  place. Results come as Arrow record batches, so ``chunksize=`` streams them.
* **SQLAlchemy** for any other URL (``sqlite:///x.db``, ``postgresql://user@host/db``, ...;
  the dialect's driver must be installed). Rows are fetched ``chunksize`` at a time with a
  server-side cursor where the driver offers one.

With ``chunksize=`` the query runs twice (the first pass only learns which rows belong to
which conversation), so it must return the same rows both times: avoid ``random()`` and
``LIMIT`` without ``ORDER BY``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError
from ._build import RawResult
from ._columns import map_columns
from .table import _require

#: the ``source`` of every row read from a database
SQL_SOURCE = "<sql>"
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_NOT_DATABASES = frozenset({"file", "http", "https", "ftp", "s3", "gs", "gcs", "az", "abfs"})


def is_database_url(source: Any) -> bool:
    """True for a string that looks like a database URL (``sqlite:///x.db``, ``duckdb:///...``)."""
    if not isinstance(source, str):
        return False
    m = _URL.match(source)
    return bool(m) and m.group(1).split("+")[0].casefold() not in _NOT_DATABASES


def _duckdb_path(url: str) -> str:
    rest = url.split("://", 1)[1]
    if rest.startswith("/"):
        rest = rest[1:]  # duckdb:///rel.duckdb -> rel.duckdb; duckdb:////abs -> /abs
    return rest or ":memory:"


def _duckdb_batches(url: str, query: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    import duckdb
    import pyarrow as pa

    path = _duckdb_path(url)
    try:
        con = duckdb.connect(path, read_only=path != ":memory:")
    except duckdb.Error as exc:
        raise ParseError(f"cannot open the DuckDB database {path!r}: {exc}", SQL_SOURCE) from exc
    try:
        try:
            rel = con.sql(query)
            if rel is None:
                raise ParseError("the query returned no result set (use a SELECT)", SQL_SOURCE)
            reader = rel.to_arrow_reader(batch_rows) if hasattr(rel, "to_arrow_reader") else rel.fetch_record_batch(batch_rows)
        except duckdb.Error as exc:
            raise ParseError(f"the query failed: {exc}", SQL_SOURCE) from exc
        mapper = {pa.string(): pd.StringDtype(na_value=np.nan), pa.large_string(): pd.StringDtype(na_value=np.nan)}.get
        for batch in reader:
            if batch.num_rows:
                yield batch.to_pandas(types_mapper=mapper)
    finally:
        con.close()


def _sqlalchemy_batches(url: str, query: str, batch_rows: int) -> Iterator[pd.DataFrame]:
    import sqlalchemy as sa

    try:
        engine = sa.create_engine(url)
    except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError, ImportError) as exc:
        raise ParseError(f"not a database URL SQLAlchemy can open ({exc})", SQL_SOURCE) from exc
    try:
        with engine.connect() as conn:
            conn = conn.execution_options(stream_results=True)
            try:
                frames = pd.read_sql_query(sa.text(query), conn, chunksize=batch_rows)
                for frame in frames:
                    if len(frame):
                        yield frame
            except (sa.exc.SQLAlchemyError, pd.errors.DatabaseError) as exc:
                cause = exc.__cause__ if isinstance(exc, pd.errors.DatabaseError) and exc.__cause__ is not None else exc
                detail = getattr(cause, "orig", None) or cause
                raise ParseError(f"the query failed: {detail}", SQL_SOURCE) from exc
    except sa.exc.OperationalError as exc:
        raise ParseError(f"cannot connect: {exc.orig if hasattr(exc, 'orig') else exc}", SQL_SOURCE) from exc
    finally:
        engine.dispose()


def query_batches(url: str, query: str, batch_rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """The query's result as pandas frames of at most ``batch_rows`` rows (DuckDB or SQLAlchemy)."""
    if not isinstance(query, str) or not query.strip():
        raise ParseError(f"reading {url!r} needs query=, e.g. query='SELECT * FROM messages'", SQL_SOURCE)
    if url.split("://", 1)[0].split("+")[0].casefold() == "duckdb":
        return _duckdb_batches(url, query, batch_rows)
    return _sqlalchemy_batches(url, query, batch_rows)


class SqlPieces:
    """A query's result as raw reader pieces (for :func:`cxanalysis.readers._stream.chunks`)."""

    name = SQL_SOURCE
    default_channel = "other"
    twitter = False

    def __init__(self, url: str, query: str, columns: Any = None, batch_rows: int = 50_000) -> None:
        self.url, self.query, self.columns, self.batch_rows = url, query, columns, batch_rows

    def __iter__(self) -> Iterator[RawResult]:
        offset = 0
        for records in query_batches(self.url, self.query, self.batch_rows):
            yield _raw(records, self.columns, offset)
            offset += len(records)


def _raw(records: pd.DataFrame, columns: Any, offset: int) -> RawResult:
    """One batch of query rows as a reader's raw frame (the table reader's column mapping)."""
    header = [str(c) for c in records.columns]
    records = records.set_axis(header, axis=1)
    mapping = map_columns(header, columns)
    _require(header, mapping, SQL_SOURCE)
    frame = records.rename(columns=mapping)
    frame["source"] = [f"{SQL_SOURCE}#{i}" for i in range(offset + 1, offset + len(frame) + 1)]
    frame["_rawref"] = np.arange(len(frame))

    def raw_of(i: int, records: pd.DataFrame = records) -> str:
        return records.iloc[i].to_json(force_ascii=False, date_format="iso", default_handler=str)

    return RawResult(frame, raw_of, [])
