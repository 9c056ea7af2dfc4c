"""Idle handling, lexical part: gentle check-in (APL-11) vs blunt close (ANTI-04).

Markers and phrases: ``cxanalysis/lexicons/data/idle/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Idle(LexiconFamily):
    """The ``idle`` family: one count column per lexicon marker (``idle_<marker>``)."""

    family_name = "idle"
