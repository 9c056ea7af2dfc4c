"""Delight after resolution (SPO-06).

Markers and phrases: ``cxanalysis/lexicons/data/delight/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Delight(LexiconFamily):
    """The ``delight`` family: one count column per lexicon marker (``delight_<marker>``)."""

    family_name = "delight"
