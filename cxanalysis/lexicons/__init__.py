"""Lexicons: marker phrases and patterns as data, one YAML file per family and language.

Files live in ``cxanalysis/lexicons/data/<family>/<lang>.yml`` (users can load their own with
:func:`load_lexicon`). Schema (every key is checked; errors name the file, line and field)::

    family: warmth                 # = the column prefix
    lang: en                       # ISO 639-1
    version: 1
    provenance: who wrote it, when, from what (never from the samples or the devset)
    boundaries: word               # word (Latin/Cyrillic: phrases match whole words) | none (CJK)
    markers:
      greeting:                    # column warmth_greeting
        description: what it detects
        behaviours: [APL-02]       # EXEMPLARS.md ids it serves as evidence for
        roles: [agent]             # whose messages it counts in (default [agent])
        phrases: [hi, hello, good morning]   # literal, case-insensitive; ' ' = any whitespace,
                                   # ' matches ’ too, a trailing * = any word ending (извин*)
        patterns: ['\\bgood (morning|evening)\\b']   # Python regexes (case-insensitive)
        exclude: [thanks to]       # near misses: a hit overlapping one of these does not count
        examples:
          positive: [Hi there, thanks for waiting!]   # each must hit
          negative: [The price is high.]              # each must not hit (near misses)

Languages covered: :data:`LANGUAGES` (en, zh, ja, ru).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .._yaml import load_mapping
from ..errors import ConfigError
from ..schema import ROLES

LANGUAGES: tuple[str, ...] = ("en", "zh", "ja", "ru")
_ID = re.compile(r"^(APL|SPO|AMZ|CRI|TEC|ANTI)-\d{2}$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_TOP_KEYS = {"family", "lang", "version", "provenance", "boundaries", "markers"}
_MARKER_KEYS = {"description", "behaviours", "roles", "phrases", "patterns", "exclude", "examples"}


class LexiconError(ConfigError):
    """A lexicon or playbook file breaks the schema (the message names file, line and field)."""


@dataclass(frozen=True)
class Marker:
    """One marker of a lexicon: its phrases, patterns, near-miss exclusions and examples."""

    name: str
    description: str
    behaviours: tuple[str, ...]
    roles: tuple[str, ...]
    phrases: tuple[str, ...]
    patterns: tuple[str, ...]
    exclude: tuple[str, ...]
    positive: tuple[str, ...]
    negative: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """The markers of one family in one language."""

    family: str
    lang: str
    version: int
    provenance: str
    boundaries: str
    markers: dict[str, Marker] = field(default_factory=dict)
    path: str = ""

    def column(self, marker: str) -> str:
        return f"{self.family}_{marker}"


def _strings(value: Any, where: str, fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and str(v).strip() for v in value):
        fail(f"{where} must be a list of non-empty strings")
    return tuple(str(v) for v in value)


def parse_lexicon(text: str, path: str = "<string>") -> Lexicon:
    """Parse and check one lexicon document (see the module docstring for the schema)."""
    data, fail = load_mapping(text, path, LexiconError, f"a lexicon must be a mapping with keys {sorted(_TOP_KEYS)}")

    for key in data:
        if key not in _TOP_KEYS:
            fail(f"unknown field {key!r}; valid: {sorted(_TOP_KEYS)}", key)
    for key in ("family", "lang", "version", "provenance", "markers"):
        if key not in data:
            fail(f"missing field {key!r}")
    family, lang = str(data["family"]), str(data["lang"])
    if not _NAME.match(family):
        fail(f"family {family!r} must be snake_case", "family")
    boundaries = str(data.get("boundaries", "word"))
    if boundaries not in ("word", "none"):
        fail(f"boundaries must be 'word' or 'none', not {boundaries!r}", "boundaries")
    if not isinstance(data["markers"], dict) or not data["markers"]:
        fail("markers must be a non-empty mapping", "markers")
    markers: dict[str, Marker] = {}
    for name, body in data["markers"].items():
        where = f"markers.{name}"

        def mfail(msg: str, *keys: str, name: str = str(name)) -> None:
            fail(msg, "markers", name, *keys)

        if not _NAME.match(str(name)):
            mfail(f"marker name {name!r} must be snake_case")
        if not isinstance(body, dict):
            mfail(f"{where} must be a mapping with keys {sorted(_MARKER_KEYS)}")
        for key in body:
            if key not in _MARKER_KEYS:
                mfail(f"unknown field {where}.{key}; valid: {sorted(_MARKER_KEYS)}", key)
        behaviours = _strings(body.get("behaviours"), f"{where}.behaviours", lambda m: mfail(m, "behaviours"))
        for b in behaviours:
            if not _ID.match(b):
                mfail(f"{where}.behaviours: {b!r} is not an EXEMPLARS.md id (APL-01, ANTI-03, ...)", "behaviours")
        roles = _strings(body.get("roles", ["agent"]), f"{where}.roles", lambda m: mfail(m, "roles"))
        for r in roles:
            if r not in ROLES:
                mfail(f"{where}.roles: {r!r} is not a role; valid: {list(ROLES)}", "roles")
        phrases = _strings(body.get("phrases"), f"{where}.phrases", lambda m: mfail(m, "phrases"))
        patterns = _strings(body.get("patterns"), f"{where}.patterns", lambda m: mfail(m, "patterns"))
        exclude = _strings(body.get("exclude"), f"{where}.exclude", lambda m: mfail(m, "exclude"))
        for p in patterns:
            try:
                re.compile(p)
            except re.error as exc:
                mfail(f"{where}.patterns: {p!r} is not a valid regex: {exc}", "patterns")
        if not phrases and not patterns:
            mfail(f"{where} needs phrases or patterns")
        examples = body.get("examples") or {}
        if not isinstance(examples, dict):
            mfail(f"{where}.examples must be a mapping with positive and negative lists", "examples")
        positive = _strings(examples.get("positive"), f"{where}.examples.positive", lambda m: mfail(m, "examples"))
        negative = _strings(examples.get("negative"), f"{where}.examples.negative", lambda m: mfail(m, "examples"))
        if not positive or not negative:
            mfail(f"{where}.examples needs at least one positive and one negative (near-miss) sentence", "examples")
        markers[str(name)] = Marker(
            str(name), str(body.get("description", "")), behaviours, roles, phrases, patterns, exclude, positive, negative
        )
    return Lexicon(family, lang, int(data["version"]), str(data["provenance"]).strip(), boundaries, markers, path)


def load_lexicon(path: str | Path) -> Lexicon:
    """Load a lexicon YAML file (a user's own, or one of the package's)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise LexiconError(f"{p}: cannot read lexicon: {exc.strerror}") from exc
    return parse_lexicon(text, str(p))


@lru_cache(maxsize=1)
def packaged_lexicons() -> tuple[Lexicon, ...]:
    """Every lexicon shipped with the package, sorted by family and language."""
    root = resources.files("cxanalysis.lexicons").joinpath("data")
    out = []
    for fam_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if not fam_dir.is_dir():
            continue
        for f in sorted(fam_dir.iterdir(), key=lambda p: p.name):
            if f.name.endswith((".yml", ".yaml")):
                lex = parse_lexicon(f.read_text(encoding="utf-8"), f"cxanalysis/lexicons/data/{fam_dir.name}/{f.name}")
                if lex.family != fam_dir.name or lex.lang != f.name.rsplit(".", 1)[0]:
                    raise LexiconError(f"{lex.path}:1: family/lang ({lex.family}/{lex.lang}) do not match the file's place")
                out.append(lex)
    return tuple(out)


def families() -> tuple[str, ...]:
    """Families that have at least one packaged lexicon."""
    return tuple(sorted({lex.family for lex in packaged_lexicons()}))


def lexicon_stats(lexicons: tuple[Lexicon, ...] | None = None):
    """A frame of phrases + patterns per marker (rows) and language (columns)."""
    import pandas as pd

    lexicons = packaged_lexicons() if lexicons is None else lexicons
    rows = [
        {"marker": lex.column(m.name), "lang": lex.lang, "entries": len(m.phrases) + len(m.patterns)}
        for lex in lexicons
        for m in lex.markers.values()
    ]
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows).pivot_table(index="marker", columns="lang", values="entries", aggfunc="sum", fill_value=0)
    return table.reindex(columns=[c for c in LANGUAGES if c in table.columns] + [c for c in table.columns if c not in LANGUAGES])
