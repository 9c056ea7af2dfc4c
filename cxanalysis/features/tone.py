"""Tone: playful human voice (SPO-04), blame and deflection (ANTI-03), profanity and the respectful reply (TEC-03), negative and robotic phrasing (ANTI-01).

Markers and phrases: ``cxanalysis/lexicons/data/tone/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Tone(LexiconFamily):
    """The ``tone`` family: one count column per lexicon marker (``tone_<marker>``)."""

    family_name = "tone"
