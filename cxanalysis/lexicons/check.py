"""Check lexicon files: schema, and every example through the real matcher.

Usage: ``python -m cxanalysis.lexicons.check [FILE ...]`` (no files: every packaged lexicon).
Exit status 1 when any problem is found.
"""

from __future__ import annotations

import sys

from . import LexiconError, load_lexicon, packaged_lexicons


def main(argv: list[str] | None = None) -> int:
    from ..features._matcher import example_failures

    paths = sys.argv[1:] if argv is None else argv
    problems: list[str] = []
    try:
        lexicons = [load_lexicon(p) for p in paths] if paths else list(packaged_lexicons())
    except LexiconError as exc:
        print(exc)
        return 1
    for lex in lexicons:
        problems.extend(example_failures(lex))
        for m in lex.markers.values():
            n = len(m.phrases) + len(m.patterns)
            print(f"{lex.family}_{m.name:<22} {lex.lang}  {n:3d} entries  {len(m.positive)}+/{len(m.negative)}-")
    for p in problems:
        print("PROBLEM", p)
    print(f"{len(lexicons)} lexicon(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
