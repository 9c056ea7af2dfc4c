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
from dataclasses import dataclass, field

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


#: RE2 stand-ins for Python classes: (outside a class, inside ``[...]``, inside ``[^...]``);
#: None = no simple stand-in. RE2's case-folded Unicode letter classes blow up its DFA (it falls back
#: to a slow NFA), so ``\w`` becomes ``\S`` and ``\W`` everything but ASCII letters and
#: digits: looser supersets that cost nothing and let only a few more rows through to Python.
#: Python's ``\s`` (str.isspace) as RE2 class contents: RE2's ``\s`` is ASCII only
_SPACE = "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"
_WIDE = {
    "s": ("[" + _SPACE + "]", _SPACE, "\\s"),
    "w": ("\\S", "\\S", "\\p{L}\\p{N}_"),
    "W": ("[^a-zA-Z0-9_]", None, None),
    "d": ("\\p{Nd}", "\\p{Nd}", "\\p{Nd}"),
}
#: bounded repeats with a larger upper bound lose it (``{0,200}`` -> ``{0,}``): a superset
#: that keeps the DFA small
_MAX_BOUND = 4
_BOUND = re.compile(r"\{(\d+),(\d+)\}")


_LOOKAROUND = re.compile(r"\(\?<?[=!]")


def _drop_lookarounds(py: str) -> str:
    r"""``py`` without its lookaround assertions (a superset: a dropped condition only widens).

    >>> _drop_lookarounds(r"(?<!not )\bstart(?!\d|[)]) over")
    '\\bstart over'
    """
    out: list[str] = []
    i = 0
    while i < len(py):
        m = _LOOKAROUND.match(py, i)
        if m is None or (out and out[-1] == "\\"):
            ch = py[i]
            if ch == "\\" and i + 1 < len(py):
                out.append(py[i : i + 2])
                i += 2
                continue
            if ch == "[":  # copy a class whole: brackets inside it are literals
                j = i + 1
                j += py[j : j + 1] == "^"
                j += py[j : j + 1] == "]"
                while j < len(py) and py[j] != "]":
                    j += 2 if py[j] == "\\" else 1
                out.append(py[i : j + 1])
                i = j + 1
                continue
            out.append(ch)
            i += 1
            continue
        # skip to the matching ')'
        depth, j = 1, m.end()
        while j < len(py) and depth:
            ch = py[j]
            if ch == "\\":
                j += 2
                continue
            if ch == "[":
                j += 1
                j += py[j : j + 1] == "^"
                j += py[j : j + 1] == "]"
                while j < len(py) and py[j] != "]":
                    j += 2 if py[j] == "\\" else 1
            elif ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
            j += 1
        i = j
    return "".join(out)


def _re2_safe(py: str) -> str:
    r"""Turn a Python regex into a superset that RE2 can run fast (no boundaries, small DFA).

    Boundary and lookaround assertions are dropped, ``\w`` widened to ``\S`` (also inside ``[...]``), ``\W``
    to ``[^a-zA-Z0-9_]``, ``\d`` to ``\p{Nd}``, bounded
    repeats ``{m,n}`` with ``n > 4`` to ``{m,}``, ``\uXXXX``/``\UXXXXXXXX`` rewritten as
    ``\x{...}``. A Python match is always inside an RE2 match, so the prefilter never drops
    a row that hits.

    >>> _re2_safe(r"^\W*hi\b[\w-]+\d{1,2} [^.!?]{0,40}\w*")
    '^[^a-zA-Z0-9_]*hi[\\S-]+\\p{Nd}{1,2} [^.!?]{0,}\\S*'
    """
    s = _drop_lookarounds(py)
    out: list[str] = []
    cls: list[str] | None = None  # the class being read, or None outside one
    i = 0
    while i < len(s):
        ch = s[i]
        target = out if cls is None else cls
        if ch == "\\" and i + 1 < len(s):
            nxt = s[i + 1]
            if nxt in "bB" and cls is None:
                i += 2
                continue
            if nxt in _WIDE:
                outside, inside, inside_negated = _WIDE[nxt]
                inside = inside_negated if cls is not None and cls[1:2] == ["^"] else inside
                if cls is None:
                    out.append(outside)
                elif inside is not None:
                    cls.append(inside)
                else:
                    return s  # [^...\w...] and the like have no simple superset: let RE2 judge it as is
                i += 2
                continue
            if nxt == "u" and re.fullmatch(r"[0-9A-Fa-f]{4}", s[i + 2 : i + 6]):
                target.append("\\x{" + s[i + 2 : i + 6] + "}")
                i += 6
                continue
            if nxt == "U" and re.fullmatch(r"[0-9A-Fa-f]{8}", s[i + 2 : i + 10]):
                target.append("\\x{" + s[i + 2 : i + 10] + "}")
                i += 10
                continue
            target.append(s[i : i + 2])
            i += 2
            continue
        if cls is None and ch == "[":
            cls = ["["]
            # a ']' right after '[' or '[^' is a literal
            if s[i + 1 : i + 2] == "^":
                cls.append("^")
                i += 1
            if s[i + 1 : i + 2] == "]":
                cls.append("]")
                i += 1
        elif cls is not None and ch == "]":
            out.append("".join(cls) + "]")
            cls = None
        elif cls is None and ch == "{" and (m := _BOUND.match(s, i)):
            low, high = m.groups()
            out.append(m.group() if int(high) <= _MAX_BOUND else "{" + low + ",}")
            i = m.end()
            continue
        else:
            target.append(ch)
        i += 1
    return "".join(out)


@dataclass
class CompiledMarker:
    """One marker ready to run: its column name, roles, Python regex, exclusion and prefilter."""

    column: str
    marker: Marker
    regex: re.Pattern
    exclude: re.Pattern | None
    prefilter: tuple[str, ...] | None  # RE2 patterns for pyarrow (a row passes if any hits), or None to scan every row in Python
    #: the alternatives of ``regex`` (the phrases as one, then each pattern)
    parts: tuple[str, ...] = ()
    #: one RE2 superset per part, and the parts each ``prefilter`` pattern covers
    part_prefilters: tuple[str, ...] = ()
    groups: tuple[tuple[int, ...], ...] = ()
    #: an RE2 superset of ``exclude`` (None: run the exclusion on every row with hits)
    exclude_prefilter: str | None = None
    _narrowed: dict = field(default_factory=dict, repr=False, compare=False)

    def narrowed(self, keep: tuple[int, ...]) -> re.Pattern:
        """``regex`` with only the parts ``keep``: the same hits in a text where no other part can match.

        At every position the alternation tries its parts in order; a part that matches
        nowhere in the text fails everywhere, so leaving it out changes no hit.
        """
        if len(keep) == len(self.parts):
            return self.regex
        rx = self._narrowed.get(keep)
        if rx is None:
            rx = self._narrowed[keep] = re.compile(_alternation([self.parts[i] for i in keep]), _FLAGS)
        return rx

    def spans(self, text: str, regex: re.Pattern | None = None, exclude: bool = True) -> list[tuple[int, int]]:
        """Non-overlapping hit spans in ``text`` after near-miss exclusion (``regex``: a :meth:`narrowed`
        one; ``exclude=False`` when the exclusion's prefilter says it cannot match ``text``)."""
        hits = [m.span() for m in (regex or self.regex).finditer(text) if m.end() > m.start()]
        if hits and exclude and self.exclude is not None:
            bad = [m.span() for m in self.exclude.finditer(text)]
            if bad:
                hits = [h for h in hits if not any(b0 < h[1] and h[0] < b1 for b0, b1 in bad)]
        return hits


def _alternation(parts: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in parts)


#: patterns per RE2 prefilter scan
_GROUP = 8


def prefilter_mask(texts: pa.Array, patterns: tuple[str, ...]) -> np.ndarray:
    """Rows of ``texts`` that any of the RE2 ``patterns`` matches (a boolean array)."""
    mask = np.zeros(len(texts), dtype=bool)
    for p in patterns:
        mask |= pc.fill_null(pc.match_substring_regex(texts, p), False).to_numpy(zero_copy_only=False)
    return mask


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
    exclude_pre = None
    if marker.exclude:
        ex = _alternation([phrase_regex(p) for p in marker.exclude])
        exclude = re.compile(rf"(?<!\w)(?:{ex})(?!\w)" if lex.boundaries == "word" else ex, _FLAGS)
        exclude_pre = "(?i)" + _re2_safe(ex)
        try:
            pc.match_substring_regex(pa.array(["x"]), exclude_pre)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            exclude_pre = None
    # phrases in one RE2 pattern, the patterns in groups: one alternation of everything can
    # outgrow RE2's DFA memory and fall back to its slow NFA, several small scans stay fast
    sources = ([_alternation(phrase_parts)] if phrase_parts else []) + list(marker.patterns)
    first = 1 if phrase_parts else 0
    groups = [(0,)] if phrase_parts else []
    groups += [tuple(range(i, min(i + _GROUP, len(parts)))) for i in range(first, len(parts), _GROUP)]
    part_pre = tuple("(?i)" + _re2_safe(src) for src in sources)
    pre: tuple[str, ...] | None = tuple("(?i)" + _re2_safe(_alternation([sources[i] for i in g])) for g in groups)
    try:
        for p in (*pre, *part_pre):
            pc.match_substring_regex(pa.array(["x"]), p)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pre = None
    return CompiledMarker(
        lex.column(marker.name), marker, regex, exclude, pre, tuple(parts), part_pre, tuple(groups), exclude_pre
    )


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
    if cm.prefilter is None:
        candidates = np.arange(len(rows))
        regexes = [cm.regex] * len(rows)
    else:
        # which parts of the regex may match each row: one RE2 scan per group of parts, then
        # per part on the rows its group let through
        may = np.zeros((len(rows), len(cm.parts)), dtype=bool)
        for group, pattern in zip(cm.groups, cm.prefilter):
            hit = prefilter_mask(subset, (pattern,))
            if len(group) == 1:
                may[:, group[0]] = hit
            elif hit.any():
                idx = np.flatnonzero(hit)
                part_rows = subset.take(pa.array(idx))
                for i in group:
                    may[idx, i] = prefilter_mask(part_rows, (cm.part_prefilters[i],))
        candidates = np.flatnonzero(may.any(axis=1))
        if not len(candidates):
            return counts, hits
        keys, inverse = np.unique(may[candidates], axis=0, return_inverse=True)
        narrowed = [cm.narrowed(tuple(np.flatnonzero(k).tolist())) for k in keys]
        regexes = [narrowed[k] for k in inverse.ravel().tolist()]
    if not len(candidates):
        return counts, hits
    chosen = subset.take(pa.array(candidates))
    values = chosen.to_pylist()
    if cm.exclude is not None and cm.exclude_prefilter is not None:
        excludable = prefilter_mask(chosen, (cm.exclude_prefilter,)).tolist()
    else:
        excludable = [True] * len(values)
    for pos, text, rx, ex in zip(candidates.tolist(), values, regexes, excludable):
        if not text:
            continue
        spans = cm.spans(text, rx, ex)
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
            elif cm.prefilter is not None and not prefilter_mask(pa.array([sentence]), cm.prefilter)[0]:
                problems.append(f"{lex.path}: {cm.column}: RE2 prefilter misses a positive example: {sentence!r}")
        for sentence in cm.marker.negative:
            spans = cm.spans(sentence)
            if spans:
                quotes = [sentence[s:e] for s, e in spans]
                problems.append(f"{lex.path}: {cm.column}: negative example hits {quotes}: {sentence!r}")
    return problems
