"""Streaming reads: ``read_transcripts(..., chunksize=)`` without holding the whole input.

A *piece source* yields the input as a sequence of raw reader results (``RawResult``), each a
few tens of thousands of records, with absolute ``source`` locations; iterating it again
reads the input again. Files of the long-table formats (CSV, TSV, JSON Lines, Parquet), the
Twitter layout and database queries (:mod:`cxanalysis.readers.sql`) have one. The format's own
reader reads every piece, so columns, roles, ids and rejects are decided exactly as in a
whole read.

:func:`chunks` reads the input twice:

1. **Plan.** Every piece is read and only its conversation and message ids are kept.
   Conversations (in order of first appearance) are packed into chunks of about ``chunksize``
   rows; a conversation is never split. For the Twitter layout the conversations are built
   here from the reply links of the whole input (a thread's tweets can be far apart).
2. **Route.** The pieces are read again; each row goes to its chunk's buffer, and a chunk is
   finalized (validated, languages detected, turns ordered) and yielded as soon as all its
   rows have arrived. Memory holds the plan (the conversation ids) and the chunks still open:
   a thread whose last message comes near the end of the file keeps its chunk open until
   then.

Rows in = rows out + rejects: records the reader rejects (a bad CSV record) travel with the
next chunk yielded; rows ``finalize`` rejects travel with their own chunk; a message id seen
again in another chunk is rejected there, naming where the first copy is, as a whole read
does. Where a whole read would keep a later copy because the first one was rejected for
another reason (an unparseable time), the stream rejects the later copy too.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import ParseError
from ..schema import empty_frame, validate
from ._build import RawResult, canonical_id, finalize, rejects_frame
from ._registry import Format
from ._source import MIN_ENCODING_CONFIDENCE, Source, _bomless_utf16

#: records per piece read by a format's reader
PIECE_ROWS = 50_000
#: formats that stream from files
STREAMING_FORMATS = frozenset({"csv", "tsv", "jsonl", "parquet", "twitter"})
_NO_CONVERSATION = "\x00"
_BARE_CR = re.compile(r"\r(?!\n)")
_HEAD_BYTES = 1 << 20


# --------------------------------------------------------------------------- the two passes
def _conversation_keys(frame: pd.DataFrame) -> np.ndarray:
    conv = (
        canonical_id(frame["conversation_id"])
        if "conversation_id" in frame.columns
        else pd.Series(None, index=frame.index, dtype=object)
    )
    return conv.fillna(_NO_CONVERSATION).to_numpy(dtype=object)


def _message_keys(frame: pd.DataFrame) -> np.ndarray | None:
    if "message_id" not in frame.columns:
        return None
    return canonical_id(frame["message_id"]).to_numpy(dtype=object)


def _twitter_conversations(ids: list[np.ndarray], links: list[pd.DataFrame]) -> np.ndarray:
    """``tw-<smallest tweet id>`` per row from the reply links of the whole input."""
    from .twitter import _id_list, _UnionFind

    uf = _UnionFind()
    for frame in links:
        outs = frame["meta.response_tweet_id"].fillna("").astype(str).map(_id_list)
        for t, out, par in zip(frame["message_id"].tolist(), outs.tolist(), frame["reply_to"].tolist()):
            node = int(t)
            uf.find(node)
            for other in [*(out or []), *([par] if isinstance(par, str) and par else [])]:
                uf.union(node, int(other))
    present = np.concatenate([a.astype(np.int64) for a in ids]) if ids else np.zeros(0, dtype=np.int64)
    roots = np.fromiter((uf.find(int(t)) for t in present), dtype=np.int64, count=len(present))
    smallest = pd.Series(present).groupby(roots).transform("min").to_numpy()
    return np.asarray(["tw-" + str(s) for s in smallest.tolist()], dtype=object)


def merge_results(parts: list[tuple[pd.DataFrame, Any]], rejects: list[tuple[str, str, str]]) -> RawResult:
    """One ``RawResult`` from raw-frame parts of several pieces (``_rawref`` renumbered)."""
    refs: list[tuple[Any, int]] = []
    frames = []
    for frame, raw_of in parts:
        local = frame["_rawref"].tolist() if "_rawref" in frame.columns else list(range(len(frame)))
        refs.extend((raw_of, int(r)) for r in local)
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame({"conversation_id": [], "text": []})
    frame["_rawref"] = np.arange(len(frame))

    def raw(i: int) -> str:
        fn, ref = refs[i]
        return fn(ref)

    return RawResult(frame, raw, list(rejects))


def chunks(
    pieces: Iterable[RawResult],
    size: int,
    *,
    name: str,
    default_channel: str,
    twitter: bool = False,
    **finalize_options: Any,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Yield ``(frame, rejects)`` chunks of about ``size`` rows, every conversation whole in one.

    ``pieces`` is iterated twice (see the module notes).
    """
    # -- pass 1: plan ---------------------------------------------------------------------
    convs: list[np.ndarray] = []
    mids: list[np.ndarray] = []
    tweet_ids: list[np.ndarray] = []
    links: list[pd.DataFrame] = []
    for res in pieces:
        frame = res.frame
        if twitter:
            tweet_ids.append(frame["message_id"].to_numpy(dtype=object))
            links.append(frame[["message_id", "reply_to", "meta.response_tweet_id"]])
        else:
            convs.append(_conversation_keys(frame))
        m = _message_keys(frame)
        if m is not None:
            mids.append(m)
    conv_all = (
        _twitter_conversations(tweet_ids, links) if twitter else (np.concatenate(convs) if convs else np.zeros(0, dtype=object))
    )
    del links, convs
    codes, uniques = pd.factorize(conv_all, sort=False)
    sizes = np.bincount(codes, minlength=len(uniques)) if len(codes) else np.zeros(0, dtype=np.int64)
    chunk_of_conv = np.empty(len(uniques), dtype=np.int64)
    expected: list[int] = []
    filled = 0
    for i, k in enumerate(sizes.tolist()):
        if not expected or filled >= size:
            expected.append(0)
            filled = 0
        chunk_of_conv[i] = len(expected) - 1
        expected[-1] += k
        filled += k
    conv_index = pd.Index(uniques)
    mid_all = pd.Series(np.concatenate(mids) if mids else np.zeros(0, dtype=object), dtype=object)
    dup_ids = frozenset(mid_all[mid_all.notna() & mid_all.duplicated(keep=False)].tolist())
    del mid_all, mids

    # -- pass 2: route --------------------------------------------------------------------
    buffers: dict[int, list[tuple[pd.DataFrame, Any]]] = {}
    chunk_rejects: dict[int, list[tuple[str, str, str]]] = {}
    received = np.zeros(len(expected), dtype=np.int64)
    done = np.zeros(len(expected), dtype=bool)
    pending: list[tuple[str, str, str]] = []
    first_copy: dict[str, tuple[int, str]] = {}
    row0 = 0

    def finish(c: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        result = merge_results(buffers.pop(c, []), chunk_rejects.pop(c, []))
        done[c] = True
        if len(result.frame):
            frame, rej = finalize(result, name=name, default_channel=default_channel, **finalize_options)
        else:
            frame, rej = empty_frame(), rejects_frame(result.rejects)
        validate(frame)
        frame.attrs["cx_chunk"] = c  # chunks in this order hold the conversations in order of first appearance
        if pending:
            rej = pd.concat([rejects_frame(pending), rej], ignore_index=True)
            pending.clear()
        return frame, rej

    reraw = getattr(pieces, "raw_lookup", None)
    for k, res in enumerate(pieces):
        frame = res.frame.reset_index(drop=True)
        n = len(frame)
        pending.extend(res.rejects)
        # a buffered row keeps a way to its raw record (for a reject); a re-read lookup lets the
        # piece's own text go as soon as the piece is routed
        raw_of = (reraw(k) if reraw is not None else None) or res.raw
        if "_rawref" not in frame.columns:
            frame["_rawref"] = np.arange(n)
        if twitter:
            keys = conv_all[row0 : row0 + n]
            frame["conversation_id"] = keys
        else:
            keys = _conversation_keys(frame)
        row0 += n
        code = conv_index.get_indexer(keys)
        if (code < 0).any():
            raise ParseError("the input changed between the two passes of a chunked read", name)
        chunk = chunk_of_conv[code]
        keep = np.ones(n, dtype=bool)
        if dup_ids:
            mid = _message_keys(frame)
            for i in np.flatnonzero(pd.Series(mid, dtype=object).isin(dup_ids).to_numpy()).tolist():
                where = str(frame["source"].iloc[i]) if "source" in frame.columns else name
                first = first_copy.setdefault(mid[i], (int(chunk[i]), where))
                if first[0] != chunk[i]:  # the first copy went to another chunk: reject here
                    keep[i] = False
                    reason = f"duplicate message_id {mid[i]!r} (first at {first[1]})"
                    chunk_rejects.setdefault(int(chunk[i]), []).append((where, reason, res.raw(int(frame["_rawref"].iloc[i]))))
        for c in np.unique(chunk).tolist():
            rows = chunk == c
            received[c] += int(rows.sum())
            part = frame[rows & keep]
            if len(part):
                buffers.setdefault(c, []).append((part, raw_of))
        for c in np.flatnonzero(~done & (received >= np.asarray(expected))).tolist():
            yield finish(c)
    for c in np.flatnonzero(~done).tolist():  # only when the input shrank between the passes
        yield finish(c)
    if pending:
        last = empty_frame()
        last.attrs["cx_chunk"] = len(expected)
        yield last, rejects_frame(pending)


# --------------------------------------------------------------------------- file pieces
def stream_codec(path: Path, encoding: str | None) -> tuple[str, int] | None:
    """The codec to stream ``path`` with and the bytes to skip (a BOM); None if lines cannot be split on b'\\n'."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError as exc:
            raise ParseError(f"unknown encoding {encoding!r}", path.as_posix()) from exc
        return (None if codec.startswith(("utf-16", "utf-32")) else encoding), 0
    with open(path, "rb") as fh:
        head = fh.read(_HEAD_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", len(codecs.BOM_UTF8)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if _bomless_utf16(head[: len(head) - len(head) % 2]) is not None:
        return None
    cut = head if len(head) < _HEAD_BYTES else head[: head.rfind(b"\n") + 1]
    try:
        cut.decode("utf-8")
        return "utf-8", 0
    except UnicodeDecodeError as first:
        from charset_normalizer import from_bytes

        best = from_bytes(cut).best()
        if best is None or (1.0 - best.chaos) < MIN_ENCODING_CONFIDENCE:
            raise ParseError(
                "not valid UTF-8 and the encoding could not be detected with confidence; pass encoding=",
                path.as_posix(),
                cut[: first.start].count(b"\n") + 1,
            ) from first
        if codecs.lookup(best.encoding).name.startswith(("utf-16", "utf-32")):
            return None  # lines are not split on b"\n" in UTF-16: read whole
        return best.encoding, 0


class _Scanner:
    """Walk a delimited file record by record (Python's csv parser), tracking bytes and lines."""

    def __init__(self, fh, codec: str, delimiter: str, name: str, pos: int) -> None:
        self.codec, self.name, self.pos, self.line = codec, name, pos, 0
        self.reader = csv.reader(self._lines(fh), delimiter=delimiter, strict=False)

    def _lines(self, fh) -> Iterator[str]:
        for raw in fh:
            try:
                text = raw.decode(self.codec)
            except UnicodeDecodeError as exc:
                raise ParseError(f"cannot decode this line as {self.codec}; pass encoding=", self.name, self.line + 1) from exc
            if "\r" in text:  # a bare CR is data, as in the whole-file reader
                text = _BARE_CR.sub("\ue000", text)
            self.pos += len(raw)
            self.line += 1
            yield text

    def next(self) -> list[str] | None:
        """The next record's fields (``[]`` for a blank line, ``["?"]`` after a syntax error); None at the end."""
        try:
            return next(self.reader)
        except StopIteration:
            return None
        except csv.Error:
            return ["?"]


def _shift(frame: pd.DataFrame, rejects: list[tuple[str, str, str]], prefix: str, delta: int) -> None:
    """Add ``delta`` to the number after ``prefix`` in ``source`` (piece-relative -> absolute)."""
    if delta == 0:
        return
    if "source" in frame.columns and len(frame):
        s = frame["source"].astype(str)
        num = pd.to_numeric(s.str.slice(len(prefix)), errors="coerce")
        ok = s.str.startswith(prefix) & num.notna()
        frame.loc[ok.to_numpy(), "source"] = prefix + (num[ok].astype(np.int64) + delta).astype(str)
    for k, (src, reason, raw) in enumerate(rejects):
        if src.startswith(prefix) and src[len(prefix) :].isdigit():
            rejects[k] = (f"{prefix}{int(src[len(prefix) :]) + delta}", reason, raw)


class FilePieces:
    """The files of one format as pieces of about :data:`PIECE_ROWS` records."""

    def __init__(self, fmt: Format, paths: list[Path], options: dict[str, Any], piece_rows: int | None = None) -> None:
        self.fmt, self.paths, self.options = fmt, paths, dict(options)
        self.piece_rows = piece_rows or PIECE_ROWS
        self.twitter = fmt.name == "twitter"
        self.codecs = {p: stream_codec(p, options.get("encoding")) for p in paths} if fmt.name != "parquet" else {}
        #: per path: cached (start byte, end byte, first line) of record-aligned blocks, header bytes
        self._blocks: dict[Path, tuple[bytes, int, list[tuple[int, int, int]]]] = {}  # header, its lines, blocks
        #: per piece, in reading order: (path, start byte, end byte) of its text, for re-reading
        self._where: list[tuple[Path, int, int] | None] = []
        self._recent: tuple[int, RawResult] | None = None

    @property
    def streamable(self) -> bool:
        return all(c is not None for c in self.codecs.values())

    def _read(self, data: bytes, name: str, codec: str | None) -> RawResult:
        opts = dict(self.options)
        if codec:
            opts["encoding"] = codec
        return self.fmt.read([Source(name, data)], **opts)

    def raw_lookup(self, k: int):
        """A raw-text lookup for piece ``k`` that re-reads the piece (None: keep the piece's own)."""
        if k >= len(self._where) or self._where[k] is None:
            return None

        def raw(ref: int) -> str:
            if self._recent is None or self._recent[0] != k:
                path, start, end = self._where[k]
                codec = self.codecs[path][0]
                with open(path, "rb") as fh:
                    fh.seek(start)
                    data = fh.read(end - start)
                if self.fmt.name != "jsonl":
                    data = self._blocks[path][0] + data
                self._recent = (k, self._read(data, path.as_posix(), codec))
            return self._recent[1].raw(ref)

        return raw

    def __iter__(self) -> Iterator[RawResult]:
        for path in self.paths:
            if self.fmt.name == "parquet":
                yield from self._parquet(path)
            elif self.fmt.name == "jsonl":
                yield from self._lines(path)
            else:
                yield from self._delimited(path)

    # -- CSV, TSV, Twitter --------------------------------------------------------------
    def _delimiter(self) -> str:
        if self.fmt.name == "tsv":
            return "\t"
        if self.fmt.name == "csv":
            return self.options.get("delimiter") or ","
        return ","

    def _delimited(self, path: Path) -> Iterator[RawResult]:
        codec, skip = self.codecs[path]
        name = path.as_posix()
        cached = self._blocks.get(path)
        with open(path, "rb") as data:
            if cached is None:
                blocks = []
                with open(path, "rb") as fh:
                    fh.seek(skip)
                    scan = _Scanner(fh, codec, self._delimiter(), name, skip)
                    rec = scan.next()
                    while rec is not None and not rec:  # blank lines before the header
                        rec = scan.next()
                    if rec is None:
                        raise ParseError("empty file: no header row", name)
                    header_lines = scan.line
                    data.seek(skip)
                    header = data.read(scan.pos - skip)
                    start, first_line, count = scan.pos, scan.line + 1, 0
                    while True:
                        rec = scan.next()
                        if rec:
                            count += 1
                        if rec is None or count >= self.piece_rows:
                            end = scan.pos
                            if end > start:
                                blocks.append((start, end, first_line))
                                self._where.append((path, start, end))
                                yield self._block(data, header, header_lines, start, end, first_line, name, codec)
                            if rec is None:
                                break
                            start, first_line, count = end, scan.line + 1, 0
                self._blocks[path] = (header, header_lines, blocks)
            else:
                header, header_lines, blocks = cached
                for start, end, first_line in blocks:
                    yield self._block(data, header, header_lines, start, end, first_line, name, codec)

    def _block(
        self, data, header: bytes, header_lines: int, start: int, end: int, first_line: int, name: str, codec: str
    ) -> RawResult:
        data.seek(start)
        res = self._read(header + data.read(end - start), name, codec)
        _shift(res.frame, res.rejects, name + ":", first_line - header_lines - 1)
        return res

    # -- JSON Lines ----------------------------------------------------------------------
    def _lines(self, path: Path) -> Iterator[RawResult]:
        codec, skip = self.codecs[path]
        name = path.as_posix()
        with open(path, "rb") as fh:
            fh.seek(skip)
            first_line, buf, start = 1, [], skip
            record = path not in self._blocks  # the first pass over this file records where pieces are
            for raw in fh:
                buf.append(raw)
                if len(buf) >= self.piece_rows:
                    yield self._jsonl_piece(buf, name, codec, first_line, path, start, record)
                    first_line += len(buf)
                    start += sum(len(b) for b in buf)
                    buf = []
            if buf:
                yield self._jsonl_piece(buf, name, codec, first_line, path, start, record)
        self._blocks.setdefault(path, (b"", 0, []))

    def _jsonl_piece(
        self, buf: list[bytes], name: str, codec: str, first_line: int, path: Path, start: int, record: bool
    ) -> RawResult:
        data = b"".join(buf)
        if record:
            self._where.append((path, start, start + len(data)))
        res = self._read(data, name, codec)
        _shift(res.frame, res.rejects, name + ":", first_line - 1)
        return res

    # -- Parquet -------------------------------------------------------------------------
    def _parquet(self, path: Path) -> Iterator[RawResult]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        name = path.as_posix()
        try:
            pf = pq.ParquetFile(path)
        except (pa.ArrowException, OSError) as exc:
            raise ParseError(f"not a readable Parquet file: {exc}", name) from exc
        offset = 0
        record = path not in self._blocks
        for batch in pf.iter_batches(batch_size=self.piece_rows):
            if record:
                self._where.append(None)  # a Parquet piece keeps its own rows for the rejects' raw text
            buf = io.BytesIO()
            pq.write_table(pa.Table.from_batches([batch]), buf)
            res = self._read(buf.getvalue(), name, None)
            _shift(res.frame, res.rejects, name + "#", offset)
            offset += batch.num_rows
            yield res
        self._blocks.setdefault(path, (b"", 0, []))
