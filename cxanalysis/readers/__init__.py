"""Readers: every supported input format, behind :func:`read_transcripts`.

Formats register themselves in :data:`FORMATS` (one module per format); a file's format is
sniffed from its content and name unless ``format=`` names it.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from typing import Any

import pandas as pd

from ..errors import CxWarning, ParseError
from ..schema import empty_frame, validate
from . import _stream, chatlog, convokit, intercom, mail, table, twitter, zendesk  # noqa: F401  (registration)
from ._build import RawResult, finalize, rejects_frame
from ._registry import FORMATS, Format, best_guess, register, sniff
from ._source import Source, _load, expand
from ._stream import STREAMING_FORMATS, FilePieces, chunks, merge_results
from .sql import SqlPieces, is_database_url

__all__ = ["read_transcripts", "FORMATS", "Format", "register", "sniff", "Source"]

_COMMON = ("encoding", "tz", "channel", "lang", "roles", "columns", "timestamp_format", "default_date", "delimiter")
_SQL_OPTIONS = ("query",)


def _finalize_options(options: dict[str, Any]) -> dict[str, Any]:
    return {k: options[k] for k in ("tz", "channel", "lang", "roles", "timestamp_format", "default_date") if k in options}


def _read_group(fmt: Format, sources: list[Source], options: dict[str, Any], many: bool, rejects: list) -> pd.DataFrame | None:
    """Read all files of one format; with many files, a file that fails is rejected whole."""
    todo = list(sources)
    while todo:
        try:
            result = fmt.read(todo, **options)
            frame, rej = finalize(
                result,
                default_channel=fmt.default_channel,
                name=todo[0].name if len(todo) == 1 else fmt.name,
                **_finalize_options(options),
            )
        except ParseError as exc:
            if not many:
                raise
            culprit = next((s for s in todo if s.name == exc.source), None)
            if culprit is None:
                raise
            rejects.append((culprit.name, f"file not read ({fmt.name}): {exc}", ""))
            todo.remove(culprit)
            continue
        rejects.extend(rej.itertuples(index=False, name=None))
        return frame
    return None


def read_transcripts(
    source: Any,
    format: str | None = None,
    *,
    return_rejects: bool = False,
    chunksize: int | None = None,
    exclude: list[str] | tuple[str, ...] = (),
    **options: Any,
) -> Any:
    """Read transcripts into the canonical frame (one row per message).

    Parameters
    ----------
    source
        A path, a folder (read recursively; hidden files skipped), a glob, a list of those, a
        file-like object or bytes; or a database URL with ``query=`` (``sqlite:///x.db``, any
        SQLAlchemy URL, ``duckdb:///:memory:`` or ``duckdb:///file.duckdb``; see
        :mod:`cxanalysis.readers.sql`).
    format
        A name from :data:`FORMATS` (``csv``, ``tsv``, ``jsonl``, ``parquet``, ``twitter``,
        ...); sniffed from each file when None.
    return_rejects
        Also return the rejects table (``source, reason, raw``): every input record is either a
        row of the frame or a row of the rejects.
    chunksize
        Return an iterator of ``(frame, rejects)`` with about ``chunksize`` messages each and
        every conversation whole in exactly one chunk. Files in the CSV, TSV, JSON Lines,
        Parquet and Twitter layouts, and database queries, are streamed in two passes (the
        first learns which rows make each conversation; see :mod:`cxanalysis.readers._stream`),
        so the input need not fit in memory; other formats are read whole and then cut.
    exclude
        Glob patterns, relative to a folder source, of files not to read.
    **options
        ``encoding``, ``tz`` (for naive times, default UTC), ``channel`` (default channel),
        ``lang`` (language for rows the source leaves blank), ``roles`` (mapping, agent list
        or agent addresses/domains), ``columns`` (source column → canonical column),
        ``timestamp_format``, ``default_date`` (for time-only stamps), ``delimiter``;
        ``query`` (SQL) for a database URL.

    Raises
    ------
    ParseError
        When a single file cannot be read (naming the file and line). When many files are
        read, a file that cannot be read is listed in the rejects instead.

    Examples
    --------
    >>> import io, cxanalysis as cx
    >>> data = io.StringIO("ticket_id,author,sender_type,body\\n7,Ana,agent,Hi! How can I help?\\n")
    >>> df = cx.read_transcripts(data)
    >>> df[["conversation_id", "message_id", "role", "lang"]].to_dict("records")
    [{'conversation_id': '7', 'message_id': '7:0', 'role': 'agent', 'lang': 'en'}]
    """
    if is_database_url(source):
        return _read_sql(source, options, return_rejects, chunksize)
    unknown = set(options) - set(_COMMON) - {o for f in FORMATS.values() for o in f.options}
    if unknown:
        hint = " (query= is for a database URL source)" if "query" in unknown else ""
        raise TypeError(f"read_transcripts() got unexpected options {sorted(unknown)}; valid: {sorted(_COMMON)}{hint}")
    if format is not None and format not in FORMATS:
        raise ParseError(
            f"unknown format {format!r}; valid: {sorted(FORMATS)}",
            str(source) if isinstance(source, (str, os.PathLike)) else None,
        )
    if chunksize is not None and chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, got {chunksize}")
    lazy = chunksize is not None and not hasattr(source, "read") and not isinstance(source, (bytes, bytearray))
    sources, many = expand(source, exclude, lazy=lazy)
    groups, skipped = _by_format(sources, format, many)
    if chunksize is not None:
        return _stream_groups(groups, options, many, skipped, chunksize)

    rejects: list[tuple[str, str, str]] = []
    frames = [f for name, srcs in groups.items() if (f := _read_group(FORMATS[name], srcs, options, many, rejects)) is not None]
    frames = [f for f in frames if len(f)]
    df = pd.concat(frames, ignore_index=True) if frames else empty_frame()
    if len(frames) > 1:
        dup = df["message_id"].duplicated(keep="first")
        if dup.any():
            first = df.drop_duplicates("message_id").set_index("message_id")["source"]
            for row in df[dup].itertuples():
                rejects.append(
                    (row.source, f"duplicate message_id {row.message_id!r} (first at {first[row.message_id]})", row.text)
                )
            df = df[~dup].reset_index(drop=True)
    validate(df)
    rej = rejects_frame(rejects)
    df.attrs["cx_skipped"] = skipped
    return (df, rej) if return_rejects else df


def _by_format(sources: list[Source], format: str | None, many: bool) -> tuple[dict[str, list[Source]], list[str]]:
    """Sniff each source and group the sources by format (unrecognised files of many are skipped)."""
    groups: dict[str, list[Source]] = {}
    skipped: list[str] = []
    for src in sources:
        name = format
        if name is None:
            name, _ = sniff(src)
        if name is None and not many:
            # a lone file that looks like some format, however faintly (a table without the
            # usual column names, say), goes to that reader: with columns= it reads, and
            # otherwise its error says precisely what is missing
            name, _ = best_guess(src)
        if name is None:
            if not many:
                raise ParseError(f"cannot tell the format; pass format= (one of {sorted(FORMATS)})", src.name)
            skipped.append(src.name)
            continue
        groups.setdefault(name, []).append(src)
    if skipped:
        warnings.warn(
            f"skipped {len(skipped)} file(s) with no recognised transcript format: {', '.join(skipped[:10])}",
            CxWarning,
            stacklevel=3,
        )
    return groups, skipped


def _stream_groups(
    groups: dict[str, list[Source]], options: dict[str, Any], many: bool, skipped: list[str], size: int
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Chunks of every format group: streamed from files where the format allows, else read whole and cut."""
    plan: list[tuple[Format, Any]] = []
    for name, srcs in groups.items():
        fmt = FORMATS[name]
        paths = [s.path for s in srcs]
        if name in STREAMING_FORMATS and all(p is not None for p in paths):
            pieces = FilePieces(fmt, paths, options)
            if pieces.streamable:
                plan.append((fmt, pieces))
                continue
        plan.append((fmt, [_load(s.path) if s.path is not None else s for s in srcs]))

    def generate() -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
        # attrs["cx_chunk"] = (group, chunk): in that order, chunks hold the rows in a whole read's order
        for g, (fmt, item) in enumerate(plan):
            if isinstance(item, FilePieces):
                label = item.paths[0].as_posix() if len(item.paths) == 1 else fmt.name
                for frame, rej in chunks(
                    item,
                    size,
                    name=label,
                    default_channel=fmt.default_channel,
                    twitter=item.twitter,
                    **_finalize_options(options),
                ):
                    frame.attrs["cx_skipped"] = skipped
                    frame.attrs["cx_chunk"] = (g, frame.attrs.get("cx_chunk", 0))
                    yield frame, rej
                continue
            rejects: list[tuple[str, str, str]] = []
            frame = _read_group(fmt, item, options, many, rejects)
            frame = empty_frame() if frame is None else frame
            validate(frame)
            for k, (part, rej) in enumerate(_chunks(frame, rejects_frame(rejects), size)):
                part.attrs["cx_skipped"] = skipped
                part.attrs["cx_chunk"] = (g, k)
                yield part, rej

    return generate()


def _read_sql(url: str, options: dict[str, Any], return_rejects: bool, chunksize: int | None) -> Any:
    """Read a database query's rows (see :mod:`cxanalysis.readers.sql`)."""
    unknown = set(options) - set(_COMMON) - set(_SQL_OPTIONS)
    if unknown:
        raise TypeError(
            f"read_transcripts() got unexpected options {sorted(unknown)} for a database URL; valid: {sorted({*_COMMON, *_SQL_OPTIONS})}"
        )
    if chunksize is not None and chunksize < 1:
        raise ValueError(f"chunksize must be >= 1, got {chunksize}")
    query = options.pop("query", None)
    batch = min(chunksize, _stream.PIECE_ROWS) if chunksize else _stream.PIECE_ROWS
    pieces = SqlPieces(url, query, columns=options.get("columns"), batch_rows=batch)
    fin = _finalize_options(options)
    if chunksize is not None:
        return chunks(pieces, chunksize, name=pieces.name, default_channel=pieces.default_channel, **fin)
    parts = list(pieces)
    result = (
        merge_results([(r.frame, r.raw) for r in parts], [])
        if parts
        else RawResult(pd.DataFrame({"conversation_id": [], "text": []}), str, [])
    )
    if not len(result.frame):
        df, rej = empty_frame(), rejects_frame([])
    else:
        df, rej = finalize(result, name=pieces.name, default_channel=pieces.default_channel, **fin)
    validate(df)
    df.attrs["cx_skipped"] = []
    return (df, rej) if return_rejects else df


def _chunks(df: pd.DataFrame, rejects: pd.DataFrame, size: int) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    if size < 1:
        raise ValueError(f"chunksize must be >= 1, got {size}")
    conv = df["conversation_id"].to_numpy()
    start, n, first = 0, len(df), True
    while start < n or first:
        end = min(start + size, n)
        while 0 < end < n and conv[end] == conv[end - 1]:
            end += 1
        yield df.iloc[start:end].reset_index(drop=True), (rejects if first else rejects.iloc[0:0])
        first = False
        start = end
        if start >= n:
            break
