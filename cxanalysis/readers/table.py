"""Long tables of messages: CSV, TSV, JSON Lines and Parquet.

One row per message; columns are matched to the canonical frame through
:data:`~cxanalysis.readers._columns.ALIASES` or the caller's ``columns=`` mapping, and every
other column is kept as ``meta.<name>``. ``source`` is ``file:line`` for text formats (the
physical line where the record starts) and ``file#row`` for Parquet.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from ..errors import ParseError
from ..schema import META_PREFIX
from ._build import RawResult
from ._columns import has_alias, map_columns
from ._csvrecords import read_records
from ._jsondoc import loads
from ._registry import Format, register
from ._source import Source, head


def _unique(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        if h in seen:
            seen[h] += 1
            out.append(f"{h}.{seen[h]}")
        else:
            seen[h] = 0
            out.append(h)
    return out


def _require(header: list[str], mapping: dict[str, str], name: str) -> None:
    found = set(mapping.values())
    from ._columns import ALIASES

    for canon in ("conversation_id", "text"):
        if canon not in found:
            raise ParseError(
                f"no {canon} column: expected one of {list(ALIASES[canon])} (or pass "
                f"columns={{'<your column>': '{canon}'}}); found columns {header}",
                name,
            )


def _frame_from_rows(header: list[str], rows: list[list[str]], columns: Any, name: str) -> pd.DataFrame:
    mapping = map_columns(header, columns)
    _require(header, mapping, name)
    data = dict(zip(header, zip(*rows))) if rows else {h: () for h in header}
    frame = pd.DataFrame({mapping[h]: pd.Series(list(v), dtype=object) for h, v in data.items()})
    for col in frame.columns:
        if col.startswith(META_PREFIX):
            frame[col] = frame[col].astype("str")
    return frame


class _Batch:
    """Accumulates per-file raw frames and raw-text lookups into one RawResult."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []
        self.raws: list[Any] = []
        self.rejects: list[tuple[str, str, str]] = []
        self.offset = 0

    def add(self, frame: pd.DataFrame, raw_of) -> None:
        frame = frame.copy()
        frame["_rawref"] = range(self.offset, self.offset + len(frame))
        self.offset += len(frame)
        self.frames.append(frame)
        self.raws.append((self.offset, raw_of))

    def raw(self, ref: int) -> str:
        start = 0
        for end, raw_of in self.raws:
            if ref < end:
                return raw_of(ref - start)
            start = end
        raise IndexError(ref)

    def result(self) -> RawResult:
        frame = pd.concat(self.frames, ignore_index=True) if self.frames else pd.DataFrame({"conversation_id": [], "text": []})
        return RawResult(frame, self.raw, self.rejects)


def _read_delimited(
    sources: list[Source], delimiter: str, *, columns: Any = None, encoding: str | None = None, **_: Any
) -> RawResult:
    batch = _Batch()
    for src in sources:
        recs = read_records(src.text(encoding), delimiter)
        if not recs.header:
            raise ParseError("empty file: no header row", src.name)
        header = _unique(recs.header)
        frame = _frame_from_rows(header, recs.rows, columns, src.name)
        if recs.placeholder:
            for col in frame.columns:
                frame[col] = frame[col].map(recs.restore, na_action="ignore")
        frame["source"] = [f"{src.name}:{line}" for line in recs.lines]
        for line, reason, raw in recs.bad:
            batch.rejects.append((f"{src.name}:{line}", reason, raw))
        batch.add(frame, recs.raw)
    return batch.result()


def read_csv(sources: list[Source], **options: Any) -> RawResult:
    """Read CSV long tables (``delimiter=`` overrides the comma)."""
    return _read_delimited(sources, options.pop("delimiter", None) or ",", **options)


def read_tsv(sources: list[Source], **options: Any) -> RawResult:
    """Read tab-separated long tables."""
    return _read_delimited(sources, "\t", **options)


def read_jsonl(sources: list[Source], *, columns: Any = None, encoding: str | None = None, **_: Any) -> RawResult:
    """Read JSON Lines: one JSON object per line (nested objects flattened with dots)."""
    batch = _Batch()
    for src in sources:
        lines = src.text(encoding).split("\n")
        records, where, raws = [], [], []
        keys: dict[str, None] = {}  # top-level keys in order
        for i, line in enumerate(lines, start=1):
            body = line.strip()
            if not body:
                continue
            try:
                obj = loads(body)
            except json.JSONDecodeError as exc:
                batch.rejects.append((f"{src.name}:{i}", f"invalid JSON at column {exc.colno}: {exc.msg}", line))
                continue
            except ValueError as exc:  # nested too deeply
                batch.rejects.append((f"{src.name}:{i}", str(exc), line))
                continue
            if not isinstance(obj, dict):
                batch.rejects.append((f"{src.name}:{i}", f"expected a JSON object, found {type(obj).__name__}", line))
                continue
            records.append(obj)
            keys.update(dict.fromkeys(obj))
            where.append(f"{src.name}:{i}")
            raws.append(line)
        # no records (an empty file, or every line rejected): an empty table, not a missing column
        flat = pd.json_normalize(records, sep=".") if records else pd.DataFrame(columns=["conversation_id", "text"])
        for k in keys:  # a key whose every value is an object ({}, {"a": 1}) was flattened away:
            if str(k) not in flat.columns:  # keep it (empty), as it is when other records give it a value
                flat[str(k)] = None
        header = [str(c) for c in flat.columns]
        mapping = map_columns(header, columns)
        taken = set(mapping.values())
        for h in header:  # keys the source already namespaced stay as they are (if still free)
            if h.startswith(META_PREFIX) and mapping[h] == META_PREFIX + h and h not in taken:
                taken.discard(mapping[h])
                mapping[h] = h
                taken.add(h)
        if records:
            _require(header, mapping, src.name)
        frame = flat.rename(columns=mapping)
        frame["source"] = where
        batch.add(frame, raws.__getitem__)
    return batch.result()


def read_parquet(sources: list[Source], *, columns: Any = None, **_: Any) -> RawResult:
    """Read Parquet long tables (``source`` = ``file#row``, 1-based)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    batch = _Batch()
    for src in sources:
        try:
            table = pq.read_table(io.BytesIO(src.data))
        except (pa.ArrowException, OSError) as exc:
            raise ParseError(f"not a readable Parquet file: {exc}", src.name) from exc
        flat = table.to_pandas(types_mapper={pa.string(): pd.StringDtype(na_value=float("nan"))}.get)
        header = [str(c) for c in flat.columns]
        mapping = map_columns(header, columns)
        _require(header, mapping, src.name)
        frame = flat.rename(columns=mapping)
        frame["source"] = [f"{src.name}#{i}" for i in range(1, len(frame) + 1)]
        records = flat

        def raw_of(i: int, records: pd.DataFrame = records) -> str:
            return records.iloc[i].to_json(force_ascii=False, date_format="iso")

        batch.add(frame, raw_of)
    return batch.result()


def _header_line(src: Source, delimiter: str) -> list[str] | None:
    first = head(src).split("\n", 1)[0].strip("\r\ufeff")
    if delimiter not in first and "," not in first and "\t" not in first:
        return [first] if first else None
    import csv

    try:
        return next(csv.reader([first], delimiter=delimiter))
    except (csv.Error, StopIteration):
        return None


def _sniff_delimited(src: Source, delimiter: str, suffixes: tuple[str, ...]) -> int:
    header = _header_line(src, delimiter)
    if not header:
        return 0
    by_suffix = src.suffix in suffixes
    if len(header) < 2 and not by_suffix:
        return 0
    if has_alias(header, "text") and has_alias(header, "conversation_id"):
        return 80 if by_suffix else 50
    if has_alias(header, "text"):
        return 40 if by_suffix else 20
    return 5 if by_suffix else 1  # a table, but not of messages (e.g. MANIFEST.csv)


def _sniff_jsonl(src: Source) -> int:
    first = head(src).lstrip("\ufeff").split("\n", 1)[0].strip()
    if not first.startswith("{"):
        return 0
    try:
        obj = loads(first)
    except ValueError:  # not JSON, or nested too deeply
        return 30 if src.suffix in (".jsonl", ".ndjson") else 0
    if not isinstance(obj, dict):
        return 0
    keys = [str(k) for k in obj]
    if has_alias(keys, "text"):
        return 80 if src.suffix in (".jsonl", ".ndjson", ".json") else 50
    return 10 if src.suffix in (".jsonl", ".ndjson") else 0


def _sniff_parquet(src: Source) -> int:
    return 90 if src.data[:4] == b"PAR1" else 0


register(Format("csv", "long table of messages, comma-separated", lambda s: _sniff_delimited(s, ",", (".csv",)), read_csv))
register(Format("tsv", "long table of messages, tab-separated", lambda s: _sniff_delimited(s, "\t", (".tsv", ".tab")), read_tsv))
register(Format("jsonl", "long table of messages, JSON Lines", _sniff_jsonl, read_jsonl))
register(Format("parquet", "long table of messages, Parquet", _sniff_parquet, read_parquet))
