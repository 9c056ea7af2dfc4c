"""Comprehension checks (APL-10).

Markers and phrases: ``cxanalysis/lexicons/data/comprehension/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Comprehension(LexiconFamily):
    """The ``comprehension`` family: one count column per lexicon marker (``comprehension_<marker>``)."""

    family_name = "comprehension"
