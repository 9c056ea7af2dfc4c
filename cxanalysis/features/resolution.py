"""Resolution: refund, replacement, goodwill credit, free shipping, alternative path, troubleshooting (AMZ-04..06, CRI-02, TEC-07).

Markers and phrases: ``cxanalysis/lexicons/data/resolution/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Resolution(LexiconFamily):
    """The ``resolution`` family: one count column per lexicon marker (``resolution_<marker>``)."""

    family_name = "resolution"
