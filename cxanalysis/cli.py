"""The ``cx`` command line.

Commands so far: ``cx read``. Exit codes: 0 success, 1 input could not be read (a
:class:`~cxanalysis.errors.CxError`), 2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import load_config, read_options
from .errors import CxError, CxWarning
from .readers import FORMATS, read_transcripts
from .summary import format_summary, summarize

EPILOG_READ = """examples:
  cx read data/samples --config data/samples/cx.yml --summary
  cx read tweets.csv --format twitter --summary --rejects rejects.csv
  cx read chats.csv --tz Europe/Moscow -o frame.parquet
"""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="cx",
        description="cxanalysis: measure the quality of customer-support conversations.",
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
    r.add_argument("source", nargs="+", help="file(s), folder(s) or glob(s)")
    r.add_argument("--format", choices=sorted(FORMATS), help="input format (sniffed when omitted)")
    r.add_argument("--config", type=Path, help="YAML config file (its 'read' section gives defaults)")
    r.add_argument("--summary", action="store_true", help="print rows, conversations, roles, agents, languages, channels, time span and rejects")
    r.add_argument("--json", action="store_true", help="print the summary as JSON")
    r.add_argument("-o", "--output", type=Path, help="write the frame (.parquet, .csv or .jsonl)")
    r.add_argument("--rejects", type=Path, help="write the rejects table as CSV")
    r.add_argument("--tz", help="time zone for naive timestamps (default UTC)")
    r.add_argument("--channel", help="default channel for rows without one")
    r.add_argument("--lang", help="language for rows without one (else detected)")
    r.add_argument("--encoding", help="input encoding (else detected)")
    r.add_argument("--exclude", action="append", default=None, help="glob of files to skip inside folders (repeatable)")
    return p


def _write_frame(df, path: Path) -> None:
    suffix = path.suffix.casefold()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".parquet":
        df.to_parquet(path, index=False)
    elif suffix == ".csv":
        df.to_csv(path, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        df.to_json(path, orient="records", lines=True, force_ascii=False, date_format="iso")
    else:
        raise CxError(f"{path}: unsupported output type {suffix!r}; use .parquet, .csv or .jsonl")


def cmd_read(args: argparse.Namespace) -> int:
    options = read_options(load_config(args.config)) if args.config else {}
    fmt = args.format or options.pop("format", None)
    options.pop("format", None)
    for key in ("tz", "channel", "lang", "encoding"):
        if getattr(args, key):
            options[key] = getattr(args, key)
    if args.exclude:
        options["exclude"] = list(options.get("exclude") or []) + args.exclude
    source = args.source if len(args.source) > 1 else args.source[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df, rejects = read_transcripts(source, fmt, return_rejects=True, **options)
    for w in caught:
        if issubclass(w.category, CxWarning):
            print(f"warning: {w.message}", file=sys.stderr)
        else:
            warnings.showwarning(w.message, w.category, w.filename, w.lineno)
    if args.output:
        _write_frame(df, args.output)
        print(f"wrote {len(df):,} messages to {args.output}", file=sys.stderr)
    if args.rejects:
        args.rejects.parent.mkdir(parents=True, exist_ok=True)
        rejects.to_csv(args.rejects, index=False)
    if args.summary or args.json or not args.output:
        s = summarize(df, rejects)
        print(json.dumps(s, ensure_ascii=False, indent=2) if args.json else format_summary(s))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"read": cmd_read}[args.command](args)
    except CxError as exc:
        print(f"cx {args.command}: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
