"""Politeness strategies (lexical approximations of ConvoKit's) and formality markers (TEC-04).

Markers and phrases: ``cxanalysis/lexicons/data/politeness/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Politeness(LexiconFamily):
    """The ``politeness`` family: one count column per lexicon marker (``politeness_<marker>``)."""

    family_name = "politeness"
