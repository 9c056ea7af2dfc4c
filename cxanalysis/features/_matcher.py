"""Compile lexicon markers into matchers and find their hits with exact offsets.

Each marker compiles to two regular expressions:

* a **Python** regex with the real semantics (word boundaries that understand Cyrillic,
  lookarounds, exclusions) that gives the exact spans, and
* an **RE2 prefilter** (run by pyarrow over the whole text column at once) that is a
  superset of it: boundary assertions dropped, ``\\w``/``\\d`` widened to Unicode classes.

Hit finding is then vectorised: one RE2 scan per marker over all messages of a language says
which rows *may* hit, and the Python regex runs only on those rows. Markers whose patterns
RE2 cannot compile (lookarounds, backreferences) skip the prefilter and run on every row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..lexicons import Lexicon, Marker

_FLAGS = re.IGNORECASE


def phrase_regex(phrase: str) -> str:
    """The regex for one literal lexicon phrase (see docs/lexicons.md).

    >>> phrase_regex("don't worry")
    "don['’]t\\\\s+worry"
    >>> phrase_regex("извин*")
    'извин\\\\w*'
    """
    words = phrase.strip().split()
    out = []
    for word in words:
        star = word.endswith("*") and len(word) > 1
        core = word[:-1] if star else word
        piece = "".join("['’]" if ch in "'’" else re.escape(ch) for ch in core)
        out.append(piece + (r"\w*" if star else ""))
    return r"\s+".join(out)


_WIDE = {"w": ("[\\p{L}\\p{N}_]", "\\p{L}\\p{N}_"), "W": ("[^\\p{L}\\p{N}_]", None), "d": ("\\p{Nd}", "\\p{Nd}")}


def _re2_safe(py: str) -> str:
    r"""Turn a Python regex into a superset that RE2 can run (Unicode-aware, no boundaries).

    Boundary assertions are dropped, ``\w``/``\W``/``\d`` widened to Unicode classes (also
    inside ``[...]``), ``\uXXXX``/``\UXXXXXXXX`` rewritten as ``\x{...}``.

    >>> _re2_safe(r"\bhi\b[\w-]+\d")
    'hi[\\p{L}\\p{N}_-]+\\p{Nd}'
    """
    s = py.replace(r"(?<!\w)", "").replace(r"(?!\w)", "")
    out: list[str] = []
    i, in_class = 0, False
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt in "bB" and not in_class:
                i += 2
                continue
            if nxt in _WIDE:
                outside, inside = _WIDE[nxt]
                if in_class and inside is None:
                    return s  # [^...\W...] has no simple superset: let RE2 reject or accept as is
                out.append(inside if in_class else outside)
                i += 2
                continue
            if nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", s[i + 2 : i + 6]):
                out.append("\\x{" + s[i + 2 : i + 6] + "}")
                i += 6
                continue
            if nxt == "U" and re.fullmatch(r"[0-9A-Fa-f]{8}", s[i + 2 : i + 10]):
                out.append("\\x{" + s[i + 2 : i + 10] + "}")
                i += 10
                continue
            out.append(s[i : i + 2])
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            # a ']' right after '[' or '[^' is a literal
            if s[i + 1 : i + 2] == "^":
                out.append("^")
                i += 1
            if s[i + 1 : i + 2] == "]":
                out.append("]")
                i += 1
        elif ch == "]" and in_class:
            in_class = False
            out.append(ch)
        else:
            out.append(ch)
        i += 1
    return "".join(out)


@dataclass
class CompiledMarker:
    """One marker ready to run: its column name, roles, Python regex, exclusion and prefilter."""

    column: str
    marker: Marker
    regex: re.Pattern
    exclude: re.Pattern | None
    prefilter: str | None  # RE2 pattern for pyarrow, or None to scan every row in Python

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Non-overlapping hit spans in ``text`` after near-miss exclusion."""
        hits = [m.span() for m in self.regex.finditer(text) if m.end() > m.start()]
        if hits and self.exclude is not None:
            bad = [m.span() for m in self.exclude.finditer(text)]
            if bad:
                hits = [h for h in hits if not any(b0 < h[1] and h[0] < b1 for b0, b1 in bad)]
        return hits


def _alternation(parts: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in parts)


def compile_marker(lex: Lexicon, marker: Marker) -> CompiledMarker:
    """Compile one marker of a lexicon (phrases get word boundaries where the lexicon asks)."""
    phrase_parts = [phrase_regex(p) for p in marker.phrases]
    parts = []
    if phrase_parts:
        alt = _alternation(phrase_parts)
        parts.append(rf"(?<!\w)(?:{alt})(?!\w)" if lex.boundaries == "word" else alt)
    parts.extend(marker.patterns)
    py = _alternation(parts)
    regex = re.compile(py, _FLAGS)
    exclude = None
    if marker.exclude:
        ex = _alternation([phrase_regex(p) for p in marker.exclude])
        exclude = re.compile(rf"(?<!\w)(?:{ex})(?!\w)" if lex.boundaries == "word" else ex, _FLAGS)
    pre = "(?i)" + _re2_safe(_alternation([*phrase_parts, *marker.patterns]))
    try:
        pc.match_substring_regex(pa.array(["x"]), pre)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pre = None
    return CompiledMarker(lex.column(marker.name), marker, regex, exclude, pre)


def compile_lexicon(lex: Lexicon) -> list[CompiledMarker]:
    return [compile_marker(lex, m) for m in lex.markers.values()]


def find_hits(texts: pa.Array, rows: np.ndarray, cm: CompiledMarker) -> tuple[np.ndarray, list[tuple[int, int, int]]]:
    """Hits of one marker in ``texts`` restricted to positions ``rows``.

    Returns per-row counts (aligned with ``rows``) and a list of ``(row_position, start, end)``
    for every hit, where ``row_position`` indexes ``rows``.
    """
    counts = np.zeros(len(rows), dtype=np.int64)
    hits: list[tuple[int, int, int]] = []
    if not len(rows):
        return counts, hits
    subset = texts.take(pa.array(rows)) if len(rows) != len(texts) else texts
    if cm.prefilter is not None:
        mask = pc.fill_null(pc.match_substring_regex(subset, cm.prefilter), False)
        candidates = np.flatnonzero(mask.to_numpy(zero_copy_only=False))
    else:
        candidates = np.arange(len(rows))
    if not len(candidates):
        return counts, hits
    values = subset.take(pa.array(candidates)).to_pylist()
    for pos, text in zip(candidates.tolist(), values):
        if not text:
            continue
        spans = cm.spans(text)
        if spans:
            counts[pos] = len(spans)
            hits.extend((pos, s, e) for s, e in spans)
    return counts, hits


def example_failures(lex: Lexicon) -> list[str]:
    """Problems with a lexicon's examples: positives that miss, negatives that hit."""
    problems = []
    for cm in compile_lexicon(lex):
        for sentence in cm.marker.positive:
            if not cm.spans(sentence):
                problems.append(f"{lex.path}: {cm.column}: positive example does not hit: {sentence!r}")
            elif cm.prefilter is not None and not pc.match_substring_regex(pa.array([sentence]), cm.prefilter)[0].as_py():
                problems.append(f"{lex.path}: {cm.column}: RE2 prefilter misses a positive example: {sentence!r}")
        for sentence in cm.marker.negative:
            spans = cm.spans(sentence)
            if spans:
                quotes = [sentence[s:e] for s, e in spans]
                problems.append(f"{lex.path}: {cm.column}: negative example hits {quotes}: {sentence!r}")
    return problems
