"""Playbooks: the exemplar styles as data (DESIGN.md section 5).

One YAML file per exemplar in ``cxanalysis/exemplars/data/``: ``apple``, ``spotify``,
``amazon``, and the lesson sets ``crisis`` and ``techsupport``. A trainer writes their own
with the same schema and loads it with :func:`load_playbook` (errors name the file, the line
and the field)::

    exemplar: apple                      # the name scores use
    title: Apple online store, live chat
    version: 1
    provenance: Written by the cxanalysis developers (2026-11) from EXEMPLARS.md.
    channel: chat                        # the channel the style is for
    norms:                               # channel norms, read by conditions as norms.<name>;
      first_reply_s: 60                  #   cx.score(..., norms=...) overrides them
    behaviours:
      APL-01:                            # an ID of EXEMPLARS.md (or your own: LETTERS-NN)
        summary: Introduces themself with a real name
        weight: 2                        # relative weight among the behaviours (> 0)
        critical: false                  # missed -> the score is capped at 50
        applies: always                  # when it can be judged (default: always)
        met: warmth_self_intro > 0       # the feature condition that shows it
        phrasings:                       # what to say instead, per language
          en: ["Hi, I'm {agent} and I'll look after this for you."]
      ANTI-02:
        anti: true                       # an anti-pattern: subtracts `weight` points when shown
        weight: 15
        shown: warmth_over_familiar > 0
        phrasings: {en: [...]}

Conditions are the small expression language of :mod:`cxanalysis.exemplars.conditions`,
over the columns of ``feats.conversations``. ``evidence: [column, ...]`` names the message
markers whose evidence rows explain a decision (default: the columns the condition reads);
named ones also explain a *miss*: ``explain`` quotes the agent message, and the coaching
report credits the miss to its author (AMZ-07: ``evidence: [ownership_deferral]``; TEC-01:
``evidence: [language_match]``). A behaviour with ``scope: corpus`` (CRI-05,
TEC-02, TEC-08) is measured over many conversations (notebooks) and not scored per
conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .._yaml import load_mapping
from ..errors import ConfigError
from .conditions import Condition, ConditionError, compile_condition

PACKAGED = ("apple", "spotify", "amazon", "crisis", "techsupport")
DEFAULT_EXEMPLARS = ("apple", "spotify", "amazon")
_ID = re.compile(r"^[A-Z]{2,8}-\d{2,3}$")
_TOP_KEYS = {"exemplar", "title", "version", "provenance", "channel", "norms", "behaviours"}
_B_KEYS = {"summary", "weight", "critical", "applies", "met", "shown", "anti", "scope", "phrasings", "evidence"}


class PlaybookError(ConfigError):
    """A playbook file that does not follow the schema (the message names file, line and field)."""


@dataclass(frozen=True)
class Behaviour:
    """One behaviour (or anti-pattern) of a playbook."""

    id: str
    summary: str
    weight: float
    critical: bool
    anti: bool
    applies: Condition
    condition: Condition | None  # met (behaviour) or shown (anti-pattern); None for scope: corpus
    scope: str = "conversation"
    phrasings: dict[str, tuple[str, ...]] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()

    @property
    def evidence_columns(self) -> tuple[str, ...]:
        """Columns whose evidence rows explain the decision (default: those the condition reads)."""
        if self.evidence:
            return self.evidence
        return self.condition.columns if self.condition is not None else ()


@dataclass(frozen=True)
class Playbook:
    """An exemplar style: its behaviours, channel norms and where it came from."""

    exemplar: str
    title: str
    version: int
    provenance: str
    channel: str
    norms: dict[str, float]
    behaviours: tuple[Behaviour, ...]
    path: str = "<string>"

    def __deepcopy__(self, memo: dict) -> Playbook:
        # frozen, and carried in ``scores.attrs``, which pandas deep-copies into the result of
        # every operation on a scores table: copying the parsed conditions cost ~18 ms each time
        return self

    @property
    def scored(self) -> tuple[Behaviour, ...]:
        """Behaviours judged per conversation (``scope: conversation``)."""
        return tuple(b for b in self.behaviours if b.scope == "conversation")

    def behaviour(self, id: str) -> Behaviour:
        for b in self.behaviours:
            if b.id == id:
                return b
        raise KeyError(f"{self.exemplar} has no behaviour {id}")


def parse_playbook(text: str, path: str = "<string>") -> Playbook:
    """Parse and check one playbook document (schema in the module docstring)."""
    data, fail = load_mapping(text, path, PlaybookError, f"a playbook must be a mapping with keys {sorted(_TOP_KEYS)}")

    for key in data:
        if key not in _TOP_KEYS:
            fail(f"unknown field {key!r}; valid: {sorted(_TOP_KEYS)}", key)
    for key in ("exemplar", "version", "behaviours"):
        if key not in data:
            fail(f"missing field {key!r}")
    exemplar = str(data["exemplar"])
    if not re.match(r"^[a-z][a-z0-9_]*$", exemplar):
        fail(f"exemplar {exemplar!r} must be a lower-case name", "exemplar")
    norms = data.get("norms") or {}
    if not isinstance(norms, dict) or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in norms.values()):
        fail("norms must map names to numbers", "norms")
    body = data["behaviours"]
    if not isinstance(body, dict) or not body:
        fail("behaviours must be a non-empty mapping of IDs", "behaviours")
    out: list[Behaviour] = []
    for bid, spec in body.items():
        bid = str(bid)
        where = ("behaviours", bid)
        if not _ID.match(bid):
            fail(f"behaviour ID {bid!r} must look like APL-01 (capitals, dash, digits)", *where)
        if not isinstance(spec, dict):
            fail(f"{bid} must be a mapping", *where)
        for key in spec:
            if key not in _B_KEYS:
                fail(f"{bid}: unknown field {key!r}; valid: {sorted(_B_KEYS)}", *where, key)
        anti = bool(spec.get("anti", bid.startswith("ANTI-")))
        scope = str(spec.get("scope", "conversation"))
        if scope not in ("conversation", "corpus"):
            fail(f"{bid}.scope must be conversation or corpus", *where, "scope")
        weight = spec.get("weight", 1)
        if not isinstance(weight, int | float) or isinstance(weight, bool) or weight <= 0:
            fail(f"{bid}.weight must be a positive number", *where, "weight")
        key = "shown" if anti else "met"
        wrong = "met" if anti else "shown"
        if wrong in spec:
            fail(f"{bid}: {'an anti-pattern' if anti else 'a behaviour'} takes {key!r}, not {wrong!r}", *where, wrong)
        if scope == "conversation" and key not in spec:
            fail(f"{bid}: missing field {key!r} (the condition that decides it)", *where)
        try:
            applies = compile_condition(str(spec.get("applies", "always")))
        except ConditionError as exc:
            fail(f"{bid}.applies: {exc}", *where, "applies")
        condition = None
        if key in spec:
            try:
                condition = compile_condition(str(spec[key]))
            except ConditionError as exc:
                fail(f"{bid}.{key}: {exc}", *where, key)
            unknown_norms = [n for n in condition.norms + applies.norms if n not in norms]
            if unknown_norms:
                fail(f"{bid}: reads norms {unknown_norms} that the playbook's norms do not set", *where, key)
        phr = spec.get("phrasings") or {}
        if not isinstance(phr, dict):
            fail(f"{bid}.phrasings must map languages to lists of sentences", *where, "phrasings")
        phrasings: dict[str, tuple[str, ...]] = {}
        for lang, items in phr.items():
            if not isinstance(items, list) or not all(isinstance(s, str) and s.strip() for s in items):
                fail(f"{bid}.phrasings.{lang} must be a list of non-empty strings", *where, "phrasings")
            phrasings[str(lang)] = tuple(items)
        ev = spec.get("evidence") or []
        if not isinstance(ev, list) or not all(isinstance(s, str) for s in ev):
            fail(f"{bid}.evidence must be a list of column names", *where, "evidence")
        out.append(
            Behaviour(
                id=bid,
                summary=str(spec.get("summary", "")),
                weight=float(weight),
                critical=bool(spec.get("critical", False)),
                anti=anti,
                applies=applies,
                condition=condition,
                scope=scope,
                phrasings=phrasings,
                evidence=tuple(ev),
            )
        )
    return Playbook(
        exemplar=exemplar,
        title=str(data.get("title", exemplar)),
        version=int(data["version"]),
        provenance=str(data.get("provenance", "")),
        channel=str(data.get("channel", "")),
        norms={str(k): float(v) for k, v in norms.items()},
        behaviours=tuple(out),
        path=path,
    )


def load_playbook(path: str | Path) -> Playbook:
    """Load a playbook YAML file (a trainer's own, or a packaged one by path)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise PlaybookError(f"{p}: cannot read playbook: {exc.strerror}") from exc
    return parse_playbook(text, str(p))


@cache
def packaged_playbook(name: str) -> Playbook:
    """A packaged playbook by name (``apple``, ``spotify``, ``amazon``, ``crisis``, ``techsupport``)."""
    if name not in PACKAGED:
        raise PlaybookError(f"unknown exemplar {name!r}; packaged: {list(PACKAGED)} (or pass a playbook file path)")
    f = resources.files("cxanalysis.exemplars").joinpath("data", f"{name}.yml")
    return parse_playbook(f.read_text(encoding="utf-8"), f"cxanalysis/exemplars/data/{name}.yml")


def get_playbook(spec: Any) -> Playbook:
    """A :class:`Playbook` from a name, a path to a YAML file, or a Playbook."""
    if isinstance(spec, Playbook):
        return spec
    s = str(spec)
    if s in PACKAGED:
        return packaged_playbook(s)
    if s.endswith((".yml", ".yaml")) or Path(s).exists():
        return load_playbook(s)
    raise PlaybookError(f"unknown exemplar {s!r}; packaged: {list(PACKAGED)} (or pass a playbook file path)")


__all__ = [
    "Behaviour",
    "DEFAULT_EXEMPLARS",
    "PACKAGED",
    "Playbook",
    "PlaybookError",
    "get_playbook",
    "load_playbook",
    "packaged_playbook",
    "parse_playbook",
]
