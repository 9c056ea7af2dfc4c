"""Customer effort: information asked of the customer (APL-05, TEC-06), asking to repeat (ANTI-07), saying why.

Markers and phrases: ``cxanalysis/lexicons/data/effort/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Effort(LexiconFamily):
    """The ``effort`` family: one count column per lexicon marker (``effort_<marker>``)."""

    family_name = "effort"
