"""Precision: specific dates, deadlines, amounts (APL-06, AMZ-04), pointers (APL-07), locating the order (APL-03), vague timing.

Markers and phrases: ``cxanalysis/lexicons/data/precision/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Precision(LexiconFamily):
    """The ``precision`` family: one count column per lexicon marker (``precision_<marker>``)."""

    family_name = "precision"
