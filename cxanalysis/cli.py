"""The ``cx`` command line.

Commands: ``cx read``, ``cx featurize``, ``cx score``, ``cx report``, ``cx lexicon-stats``,
``cx bench``; every ``--help`` ends with examples. Exit codes (:data:`EXIT_CODES`): 0 success,
1 the input, config or output could not be used (a :class:`~cxanalysis.errors.CxError` or an
OS error; the message says what to change), 2 usage error (argparse), 130 interrupted.
Progress bars go to stderr, only when it is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import feature_params, load_config, read_options
from .errors import CxError, CxWarning
from .readers import FORMATS, read_transcripts
from .summary import format_summary, summarize

EPILOG_FEATURIZE = """examples:
  cx featurize data/samples --config data/samples/cx.yml -o feats.parquet --evidence evidence.csv
  cx featurize tweets.csv --families warmth,tone -o feats.csv --conversations convs.csv
  cx featurize big.csv --chunksize 200000 -o feats.parquet --conversations convs.parquet
  cx featurize mail/ -o feats.csv --evidence evidence.csv --redact

With --chunksize the input is streamed (CSV, TSV, JSON Lines, Parquet and Twitter files are never
held whole) and each output is written chunk by chunk (Parquet row groups, or appended CSV/JSONL).
The template and effort families learn from the whole corpus: a first pass keeps only the columns
their fit reads (conversation_id, role, speaker, timestamp, text); --fit-messages N fits them on
the first N messages instead, when even those columns do not fit in memory.
"""

EPILOG_SCORE = """examples:
  cx score data/samples --config data/samples/cx.yml -o scores.csv
  cx score data/samples --config data/samples/cx.yml -o scores.csv --explain orchard_chat_en_good
  cx score chats.csv --exemplars apple,my_playbook.yml --norm first_reply_s=120 -o scores.parquet

Each row is a conversation x exemplar: score (0-100), closest, and met / missed / n/a per
behaviour ID of EXEMPLARS.md. --explain prints the deciding evidence of one conversation.
"""

EPILOG_BENCH = """examples:
  cx bench --messages 200000 --json bench.json
  cx bench --messages 100000 --real ../shared/data/twcs/twcs_pool_all_sources.csv
"""

EXIT_CODES = {
    0: "success",
    1: "input, config or output could not be used (the message says what to change)",
    2: "usage error",
    130: "interrupted",
}
_EXIT_TEXT = "exit codes:\n" + "".join(f"  {k:<4}{v}\n" for k, v in EXIT_CODES.items())

EPILOG_MAIN = (
    """examples:
  cx read data/samples --config data/samples/cx.yml --summary
  cx score data/samples --config data/samples/cx.yml -o scores.csv
  cx report data/samples --config data/samples/cx.yml -o reports
  cx <command> --help      (each command's options, with examples)

"""
    + _EXIT_TEXT
)

EPILOG_REPORT = (
    """examples:
  cx report data/samples --config data/samples/cx.yml -o reports
  cx report chats.csv -o reports --agent Maya
  cx report data/samples --config data/samples/cx.yml -o reports --exemplars apple,my_playbook.yml

Writes DIR/index.html (team overview), DIR/agents/<name>.html (one page per agent) and
DIR/scores.csv (one row per conversation x exemplar). Pages are self-contained HTML; open
index.html in a browser. Personal data (emails, phone, card and order numbers, handles,
names) is redacted unless --no-redact. Agents with fewer than 20 conversations are shown
but not ranked. docs/report.md explains every section.

"""
    + _EXIT_TEXT
)

EPILOG_LEXICON_STATS = (
    """examples:
  cx lexicon-stats
  cx lexicon-stats --min 5     (exit 1 when a required marker has fewer than 5 entries in a language)

"""
    + _EXIT_TEXT
)

REDACT_HELP = (
    "mask personal data (e-mail addresses, phones, names, handles, order ids) in the ids, names and "
    "quotes written, the rejects and the warnings, as cx report does"
)

EPILOG_READ = """examples:
  cx read data/samples --config data/samples/cx.yml --summary
  cx read tweets.csv --format twitter --summary --rejects rejects.csv
  cx read chats.csv --tz Europe/Moscow -o frame.parquet
  cx read mail/ -o frame.parquet --rejects rejects.csv --redact   # to share: no addresses or names
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cx",
        description="cxanalysis: measure the quality of customer-support conversations.",
        epilog=EPILOG_MAIN,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--version", action="version", version=f"cxanalysis {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    r = sub.add_parser(
        "read",
        help="read transcripts and print a summary or write the canonical frame",
        description="Read transcripts (files, folders, globs) into the canonical frame.",
        epilog=EPILOG_READ,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _read_arguments(r)
    r.add_argument(
        "--summary",
        action="store_true",
        help="print rows, conversations, roles, agents, languages, channels, time span and rejects",
    )
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("-o", "--output", type=Path, help="write the frame (.parquet, .csv or .jsonl)")
    r.add_argument(
        "--redact",
        action="store_true",
        help="mask personal data in the written frame (text, ids, names), the rejects and the warnings",
    )

    f = sub.add_parser(
        "featurize",
        help="compute marker columns with evidence",
        description="Read transcripts and compute the feature families: one row per message with "
        "<family>_<marker> counts, an evidence table (offsets and quotes) and per-conversation aggregates.",
        epilog=EPILOG_FEATURIZE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _read_arguments(f)
    f.add_argument("-o", "--output", type=Path, required=True, help="message-level features (.parquet, .csv or .jsonl)")
    f.add_argument("--evidence", type=Path, help="write the evidence table here")
    f.add_argument("--conversations", type=Path, help="write the per-conversation aggregates here")
    f.add_argument("--families", help="comma-separated families (default: all)")
    f.add_argument(
        "--redact",
        action="store_true",
        help=REDACT_HELP,
    )
    f.add_argument(
        "--chunksize",
        type=int,
        help="stream the input in chunks of about N messages (conversations kept whole) and write as it goes",
    )
    f.add_argument(
        "--fit-messages",
        type=int,
        help="with --chunksize: fit the corpus-level families (template, effort) on the first N messages only",
    )

    sc = sub.add_parser(
        "score",
        help="score conversations against the exemplar playbooks",
        description="Read and featurize transcripts, then score every conversation against the Apple, "
        "Spotify and Amazon playbooks (or others, or your own YAML playbook).",
        epilog=EPILOG_SCORE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _read_arguments(sc)
    sc.add_argument("-o", "--output", type=Path, required=True, help="scores (.parquet, .csv or .jsonl)")
    sc.add_argument(
        "--exemplars",
        default="apple,spotify,amazon",
        help="comma-separated names or playbook files (default: apple,spotify,amazon)",
    )
    sc.add_argument(
        "--norm",
        action="append",
        default=[],
        metavar="NAME=SECONDS",
        help="override a channel norm for every exemplar (repeatable)",
    )
    sc.add_argument("--explain", metavar="CONVERSATION_ID", help="print why this conversation scored as it did")
    sc.add_argument(
        "--redact",
        action="store_true",
        help=REDACT_HELP,
    )

    rp = sub.add_parser(
        "report",
        help="write coaching reports: a team overview and one page per agent",
        description="Read, featurize and score transcripts, then write self-contained HTML coaching pages: "
        "score profile against the exemplars with intervals, each agent's three biggest gaps with quoted "
        "evidence and the exemplar phrasing, strengths, first reply time against channel norms, trend.",
        epilog=EPILOG_REPORT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _read_arguments(rp)
    rp.add_argument(
        "-o", "--output", type=Path, required=True, metavar="DIR", help="folder for index.html, agents/ and scores.csv"
    )
    rp.add_argument(
        "--agent",
        action="append",
        metavar="NAME",
        help="write only this agent's page (repeatable); index and scores.csv are always written",
    )
    rp.add_argument(
        "--no-redact", dest="redact", action="store_false", help="keep personal data in quotes, names and ids (private use only)"
    )
    rp.add_argument(
        "--exemplars",
        default="apple,spotify,amazon",
        help="comma-separated names or playbook files (default: apple,spotify,amazon)",
    )

    ls = sub.add_parser(
        "lexicon-stats",
        help="phrases and patterns per marker and language",
        description="Print the number of phrases + patterns of every lexicon marker per language.",
        epilog=EPILOG_LEXICON_STATS,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ls.add_argument("--min", type=int, default=0, help="exit 1 if a required marker has fewer entries than this in a language")

    b = sub.add_parser(
        "bench",
        help="throughput on synthetic (or tiled real) messages",
        description="Time reading, featurizing and scoring N messages, and the peers (spacy.blank('en') "
        "tokenization, VADER) on the English ones; print messages/s, the ratios, seconds per family and "
        "peak memory.",
        epilog=EPILOG_BENCH,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    b.add_argument("--messages", type=int, default=100_000, help="number of messages (default 100,000)")
    b.add_argument("--seed", type=int, default=0, help="seed of the synthetic generator")
    b.add_argument("--real", help="tile this transcript file up to N messages (fresh ids) instead of synthetic text")
    b.add_argument(
        "--peer-sample",
        "--spacy-sample",
        dest="peer_sample",
        type=int,
        default=100_000,
        help="time spaCy and VADER on at most K English messages (default 100,000; 0 = all; rates are per message)",
    )
    b.add_argument("--no-families", action="store_true", help="skip timing each feature family alone")
    b.add_argument("--convokit", action="store_true", help="also time ConvoKit's politeness strategies (if installed)")
    b.add_argument("--json", type=Path, help="also write the figures as a JSON object to this path")
    for cmd in sub.choices.values():  # every command's --help ends with its examples and the exit codes
        cmd.formatter_class = argparse.RawDescriptionHelpFormatter
        if "exit codes:" not in (cmd.epilog or ""):
            cmd.epilog = (cmd.epilog or "").rstrip("\n") + "\n\n" + _EXIT_TEXT
    return p


def _read_arguments(r: argparse.ArgumentParser) -> None:
    r.add_argument("source", nargs="+", help="file(s), folder(s) or glob(s)")
    r.add_argument("--format", choices=sorted(FORMATS), help="input format (sniffed when omitted)")
    r.add_argument("--config", type=Path, help="YAML config file (its 'read' section gives defaults)")
    r.add_argument("--rejects", type=Path, help="write the rejects table as CSV")
    r.add_argument("--tz", help="time zone for naive timestamps (default UTC)")
    r.add_argument("--channel", help="default channel for rows without one")
    r.add_argument("--lang", help="language for rows without one (else detected)")
    r.add_argument("--encoding", help="input encoding (else detected)")
    r.add_argument("--exclude", action="append", default=None, help="glob of files to skip inside folders (repeatable)")


def _write_frame(df, path: Path) -> None:
    from ._output import write_frame

    write_frame(df, path)  # atomic; CSV cells that would start a spreadsheet formula get a '


def _maybe_redacted(args: argparse.Namespace, df, tables: dict) -> dict:
    """The output tables, redacted with ``cx.redact``'s rules when the command has ``--redact``."""
    if not getattr(args, "redact", False):
        return tables
    from .redact import redact_tables

    return redact_tables(df, tables)


def _read_request(args: argparse.Namespace) -> tuple[object, str | None, dict]:
    """Source, format and read options from the config file and the command's flags (flags win)."""
    options = read_options(load_config(args.config)) if args.config else {}
    fmt = args.format or options.pop("format", None)
    options.pop("format", None)
    for key in ("tz", "channel", "lang", "encoding"):
        if getattr(args, key):
            options[key] = getattr(args, key)
    if args.exclude:
        options["exclude"] = list(options.get("exclude") or []) + args.exclude
    source = args.source if len(args.source) > 1 else args.source[0]
    return source, fmt, options


def _warning_text(args: argparse.Namespace, message) -> str:
    """A reader's warning as printed: with ``--redact``, addresses, phones and ids in it are masked
    (an unmapped speaker is often a customer's e-mail address; the display names still show
    which speakers need ``roles=``)."""
    text = str(message)
    if not getattr(args, "redact", False):
        return text
    from .redact import redact_text

    return redact_text(text)


def _read(args: argparse.Namespace):
    source, fmt, options = _read_request(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df, rejects = read_transcripts(source, fmt, return_rejects=True, **options)
    for w in caught:
        if issubclass(w.category, CxWarning):
            print(f"warning: {_warning_text(args, w.message)}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if args.rejects:
        args.rejects.parent.mkdir(parents=True, exist_ok=True)
        out = rejects
        if getattr(args, "redact", False) and "raw" in rejects.columns:  # a rejected row is raw input
            from .redact import Redactor

            red = Redactor(df)
            out = rejects.assign(
                raw=[r if r is None or (isinstance(r, float) and r != r) else red(str(r)) for r in rejects["raw"]]
            )
        _write_frame(out, args.rejects)
    return df, rejects


def cmd_read(args: argparse.Namespace) -> int:
    df, rejects = _read(args)
    if args.output:
        out = df
        if args.redact:
            from .redact import redact, redact_tables

            text_cols = ("text", *(c for c in df.columns if c.startswith("meta.")))  # meta.to, meta.cc, ...
            out = redact_tables(df, {"frame": redact(df, columns=text_cols)})["frame"]
        _write_frame(out, args.output)
        print(f"wrote {len(df):,} messages to {args.output}", file=sys.stderr)
    if args.summary or args.json or not args.output:
        s = summarize(df, rejects)
        print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else format_summary(s))
    return 0


def cmd_featurize(args: argparse.Namespace) -> int:
    from .features import featurize

    families = [f.strip() for f in args.families.split(",") if f.strip()] if args.families else None
    params = feature_params(load_config(args.config)) if args.config else {}
    if families is not None:
        params = {k: v for k, v in params.items() if k in families}
    if args.chunksize is not None:
        return _featurize_chunked(args, families, params)
    df, rejects = _read(args)
    try:
        feats = featurize(df, families=families, params=params)
    except (ValueError, TypeError) as exc:
        raise CxError(f"featurize: {exc}") from exc
    tables = _maybe_redacted(
        args, df, {"messages": feats.messages, "evidence": feats.evidence, "conversations": feats.conversations}
    )
    _write_frame(tables["messages"], args.output)
    if args.evidence:
        _write_frame(tables["evidence"], args.evidence)
    if args.conversations:
        _write_frame(tables["conversations"], args.conversations)
    print(
        f"featurized {len(feats.messages):,} messages in {len(feats.conversations):,} conversations "
        f"({len(feats.marker_columns)} marker columns, {len(feats.evidence):,} evidence rows, "
        f"{len(rejects):,} rejected rows) -> {args.output}",
        file=sys.stderr,
    )
    return 0


class _ChunkWriter:
    """Write a frame chunk by chunk: Parquet row groups (pyarrow's ParquetWriter) or appended CSV/JSONL.

    Writes go to a temporary file beside the target that replaces it on :meth:`close`
    (``_output.atomic_path``); CSV cells go through ``_output.safe_csv`` as in every CSV we write.
    """

    def __init__(self, path: Path) -> None:
        import contextlib

        from ._output import atomic_path

        self.path, self.suffix = path, path.suffix.casefold()
        if self.suffix not in (".parquet", ".csv", ".jsonl", ".ndjson"):
            raise CxError(f"{path}: unsupported output type {self.suffix!r}; use .parquet, .csv or .jsonl")
        self.stack = contextlib.ExitStack()
        self.tmp = self.stack.enter_context(atomic_path(path))
        self.writer = None
        self.rows = 0
        self.started = False

    def write(self, df) -> None:
        if self.suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(df, preserve_index=False)
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.tmp, table.schema)
            elif table.schema != self.writer.schema:
                table = table.cast(self.writer.schema)
            self.writer.write_table(table)
        elif self.suffix == ".csv":
            from ._output import safe_csv

            safe_csv(df).to_csv(self.tmp, mode="a" if self.started else "w", header=not self.started, index=False)
        else:
            mode = "a" if self.started else "w"
            df.to_json(self.tmp, orient="records", lines=True, force_ascii=False, date_format="iso", mode=mode)
        self.started = True
        self.rows += len(df)

    def close(self, empty=None, ok: bool = True) -> None:
        """Finish the file (``empty``'s columns when nothing was written); on ``ok=False`` drop it."""
        if ok and not self.started and empty is not None:
            self.write(empty)
        if self.writer is not None:
            self.writer.close()
        if ok:
            self.stack.close()
        else:
            self.stack.__exit__(CxError, CxError("interrupted"), None)


def _stream_read(args: argparse.Namespace, chunksize: int):
    """``read_transcripts(..., chunksize=)`` with the command's read options; warnings to stderr."""
    source, fmt, options = _read_request(args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield from read_transcripts(source, fmt, chunksize=chunksize, **options)
        finally:
            for w in caught:
                if issubclass(w.category, CxWarning):
                    print(f"warning: {_warning_text(args, w.message)}", file=sys.stderr)


def _featurize_chunked(args: argparse.Namespace, families: list[str] | None, params: dict) -> int:
    """``cx featurize --chunksize``: fit the corpus-level families on a first pass, then featurize and write chunk by chunk."""
    import pandas as pd

    from .features import FAMILIES
    from .scale import CORPUS_FAMILIES, FIT_COLUMNS

    if args.chunksize < 1:
        raise CxError("--chunksize must be at least 1")
    names = families if families is not None else list(FAMILIES)
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise CxError(f"featurize: unknown feature family {unknown}; available: {list(FAMILIES)}")
    fitted = {}
    seen = 0
    corpus = [n for n in names if n in CORPUS_FAMILIES]
    if corpus:  # pass 1: only the columns the corpus-level fit reads
        parts = []
        for chunk, _ in _stream_read(args, args.chunksize):
            part = chunk[[c for c in FIT_COLUMNS if c in chunk.columns]]
            if args.fit_messages:
                part = part.iloc[: max(args.fit_messages - seen, 0)]
            parts.append((chunk.attrs.get("cx_chunk", 0), part))
            seen += len(part)
            if args.fit_messages and seen >= args.fit_messages:
                break
        # chunks come as they complete; in plan order they hold the rows as a whole read orders them
        parts = [p for _, p in sorted(parts, key=lambda kv: kv[0])]
        fit_frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=list(FIT_COLUMNS))
        del parts
        try:
            for n in corpus:
                fitted[n] = FAMILIES[n](**params.get(n, {})).fit(fit_frame)
        except (ValueError, TypeError) as exc:
            raise CxError(f"featurize: {exc}") from exc
        del fit_frame
    requested = [fitted.get(n, n) for n in names]
    outputs = {"messages": args.output, "evidence": args.evidence, "conversations": args.conversations, "rejects": args.rejects}
    writers = {k: _ChunkWriter(p) for k, p in outputs.items() if p is not None}
    try:
        counts, empty = _featurize_chunks(args, requested, params, writers)
    except BaseException:
        for w in writers.values():
            w.close(ok=False)
        raise
    from .readers._build import rejects_frame

    for key, w in writers.items():
        w.close(rejects_frame([]) if key == "rejects" else None if empty is None else getattr(empty, key).iloc[:0])
    n_msg, n_conv, n_ev, n_rej, n_chunks = counts
    fit = f"{', '.join(corpus)} fitted on {seen:,} messages" if corpus else "no corpus-level family"
    print(
        f"featurized {n_msg:,} messages in {n_conv:,} conversations, {n_chunks} chunks ({n_ev:,} evidence rows, "
        f"{n_rej:,} rejected rows; {fit}) -> {args.output}",
        file=sys.stderr,
    )
    return 0


def _featurize_chunks(args: argparse.Namespace, requested: list, params: dict, writers: dict) -> tuple[tuple[int, ...], object]:
    """Pass 2 of ``cx featurize --chunksize``: featurize each chunk and hand its frames to the writers."""
    from .features import featurize

    n_msg = n_conv = n_ev = n_rej = n_chunks = 0
    empty = None
    for chunk, rejects in _stream_read(args, args.chunksize):
        n_rej += len(rejects)
        if "rejects" in writers and len(rejects):
            writers["rejects"].write(rejects)
        if not len(chunk):
            continue
        try:
            feats = featurize(chunk, families=requested, params=params)
        except (ValueError, TypeError) as exc:
            raise CxError(f"featurize: {exc}") from exc
        n_chunks += 1
        n_msg, n_conv, n_ev = n_msg + len(feats.messages), n_conv + len(feats.conversations), n_ev + len(feats.evidence)
        tables = _maybe_redacted(args, chunk, {key: getattr(feats, key) for key in ("messages", "evidence", "conversations")})
        for key in ("messages", "evidence", "conversations"):
            if key in writers:
                writers[key].write(tables[key])
        empty = feats
    return (n_msg, n_conv, n_ev, n_rej, n_chunks), empty


def _read_and_score(args: argparse.Namespace, bar, exemplars: list, norms: dict | None, what: str, need_messages: bool = False):
    """Read, featurize (with the config's feature params) and score, one progress step each."""
    from .features import featurize
    from .scoring import score

    bar.set_postfix_str("reading")
    df, rejects = _read(args)
    if need_messages and not len(df):
        raise CxError(f"no messages were read from {' '.join(args.source)}; check the path, or --format / --exclude")
    bar.update()
    bar.set_postfix_str("featurizing")
    params = feature_params(load_config(args.config)) if args.config else {}
    try:
        feats = featurize(df, params=params)
        bar.update()
        bar.set_postfix_str("scoring")
        scores = score(feats, exemplars=exemplars, norms=norms)
    except (ValueError, TypeError) as exc:
        raise CxError(f"{what}: {exc}") from exc
    bar.update()
    return df, rejects, feats, scores


def cmd_score(args: argparse.Namespace) -> int:
    from .scoring import explain

    norms = {}
    for item in args.norm:
        name, _, value = item.partition("=")
        try:
            norms[name.strip()] = float(value)
        except ValueError:
            raise CxError(f"--norm {item!r}: expected NAME=SECONDS, e.g. first_reply_s=120") from None
    with _progress(3, "cx score") as bar:
        df, rejects, feats, scores = _read_and_score(
            args, bar, [e.strip() for e in args.exemplars.split(",") if e.strip()], norms or None, "score"
        )
    _write_frame(_maybe_redacted(args, df, {"scores": scores})["scores"], args.output)
    best = scores[scores["closest"]]["exemplar"].value_counts()
    print(
        f"scored {scores['conversation_id'].nunique():,} conversations against {scores['exemplar'].nunique()} exemplars "
        f"({len(rejects):,} rejected rows) -> {args.output}; closest: " + ", ".join(f"{k} {v}" for k, v in best.items()),
        file=sys.stderr,
    )
    if args.explain:
        try:
            ex = explain(scores, feats, args.explain)
        except KeyError as exc:
            raise CxError(f"--explain: {exc.args[0]}") from None
        if args.redact:
            from .redact import Redactor, redact_id

            red = Redactor(df)
            mids = ex["message_id"].tolist()
            ex = _maybe_redacted(args, df, {"explain": ex})["explain"]
            # the reason names the message: the same label as the message_id column, the rest redacted
            ex["reason"] = [
                redact_id(str(m), red).join(red(part) for part in str(r).split(str(m))) if isinstance(m, str) else red(str(r))
                for r, m in zip(ex["reason"], mids, strict=True)
            ]
        with pd_display():
            print(ex[["exemplar", "behaviour", "decision", "reason", "quote", "suggestion"]].to_string(index=False))
    return 0


def _progress(total: int, desc: str):
    """A step progress bar on stderr (shown only when stderr is a terminal)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit="step", file=sys.stderr, disable=None, leave=False)


def cmd_report(args: argparse.Namespace) -> int:
    from .report import write_reports

    exemplars = [e.strip() for e in args.exemplars.split(",") if e.strip()]
    if not exemplars:
        raise CxError("--exemplars is empty; name at least one, e.g. --exemplars apple,spotify,amazon")
    with _progress(4, "cx report") as bar:
        df, rejects, feats, scores = _read_and_score(args, bar, exemplars, None, "report", need_messages=True)
        bar.set_postfix_str("writing pages")
        written = write_reports(
            df, args.output, redact=args.redact, playbooks=exemplars, feats=feats, scores=scores, agents=args.agent
        )
        bar.update()
    pages = len(written) - 2
    print(
        f"wrote {written['index']} (team overview), {pages} agent page{'s' if pages != 1 else ''} in {args.output / 'agents'} "
        f"and {written['scores']} ({scores['conversation_id'].nunique():,} conversations x {len(exemplars)} exemplars; "
        f"{len(rejects):,} rejected rows){'' if args.redact else '; NOT redacted: keep these pages private'}",
        file=sys.stderr,
    )
    return 0


def pd_display():
    import pandas as pd

    return pd.option_context("display.width", 200, "display.max_colwidth", 70, "display.max_rows", 500)


def cmd_lexicon_stats(args: argparse.Namespace) -> int:
    from .features import REQUIRED_COLUMNS
    from .features.proactive import LEXICAL_INFO_MARKERS
    from .lexicons import LANGUAGES, lexicon_stats

    table = lexicon_stats()
    # proactive_info is computed from the proactive lexicon markers: show their total
    parts = [c for c in table.index if c in LEXICAL_INFO_MARKERS or c.startswith("proactive_topic_")]
    if parts:
        table.loc["proactive_info"] = table.loc[parts].sum()
    table = table.sort_index()
    import pandas as pd

    with pd.option_context("display.max_rows", None, "display.width", 200):
        print(table.to_string())
    if args.min:
        short = [
            f"{col} [{lang}]: {int(table.loc[col, lang]) if col in table.index and lang in table.columns else 0}"
            for col in REQUIRED_COLUMNS
            for lang in LANGUAGES
            if col not in table.index or lang not in table.columns or table.loc[col, lang] < args.min
        ]
        if short:
            print(f"required markers with fewer than {args.min} entries: " + ", ".join(short), file=sys.stderr)
            return 1
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from .bench import format_bench, run_bench

    if args.messages < 1:
        raise CxError("--messages must be at least 1")
    try:
        result = run_bench(
            args.messages,
            seed=args.seed,
            real=args.real,
            peer_sample=args.peer_sample or None,
            families=not args.no_families,
            convokit=args.convokit,
        )
    except ValueError as exc:
        raise CxError(f"bench: {exc}") from exc
    print(format_bench(result))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    commands = {
        "read": cmd_read,
        "featurize": cmd_featurize,
        "score": cmd_score,
        "report": cmd_report,
        "lexicon-stats": cmd_lexicon_stats,
        "bench": cmd_bench,
    }
    try:
        return commands[args.command](args)
    except CxError as exc:
        print(f"cx {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # an output folder that cannot be written, a full disk, ...
        where = f" {exc.filename}" if exc.filename else ""
        print(f"cx {args.command}: error:{where}: {exc.strerror or exc}; check the path and its permissions", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"cx {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
