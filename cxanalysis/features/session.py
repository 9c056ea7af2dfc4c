"""Session keeping (APL-04) and signalled availability (SPO-05).

Markers and phrases: ``cxanalysis/lexicons/data/session/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Session(LexiconFamily):
    """The ``session`` family: one count column per lexicon marker (``session_<marker>``)."""

    family_name = "session"
