"""Ownership: first-person actions, investigation reported, escalation (AMZ-02, AMZ-03), responsibility (CRI-01) and deferral (AMZ-07, ANTI-05).

Markers and phrases: ``cxanalysis/lexicons/data/ownership/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Ownership(LexiconFamily):
    """The ``ownership`` family: one count column per lexicon marker (``ownership_<marker>``)."""

    family_name = "ownership"
