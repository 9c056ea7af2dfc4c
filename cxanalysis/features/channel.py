"""Channel: redirects to DM, phone, email, links.

Markers and phrases: ``cxanalysis/lexicons/data/channel/<lang>.yml`` (see docs/lexicons.md).
"""

from __future__ import annotations

from ._lexical import LexiconFamily


class Channel(LexiconFamily):
    """The ``channel`` family: one count column per lexicon marker (``channel_<marker>``)."""

    family_name = "channel"
