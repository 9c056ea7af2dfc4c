"""spaCy components that expose cxanalysis lexicons to spaCy users.

``cx.featurize`` never tokenizes with spaCy (it matches on the raw text, which is much
faster); this module is for people who already have a spaCy pipeline and want the same
markers on their ``Doc`` objects::

    import spacy
    import cxanalysis.spacy_components  # registers the factory

    nlp = spacy.blank("en")
    nlp.add_pipe("cxanalysis_markers", config={"families": ["warmth", "tone"]})
    doc = nlp("Hi, I'm Maya. So sorry about the delay!")
    doc._.cx_markers          # {"warmth_greeting": 1, "warmth_self_intro": 1, ...}
    doc.spans["cx_markers"]   # Span objects labelled with the column name

Works with ``spacy.blank(lang)`` for en, zh, ja (needs SudachiPy) and ru, and with any
trained pipeline the user has installed. Spans are aligned to tokens with
``alignment_mode="expand"``; the character offsets in ``doc._.cx_hits`` are exact.
The component matches as the role given in its config (default ``agent``).
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from .features import FAMILIES
from .features._matcher import compile_lexicon
from .lexicons import packaged_lexicons

SPAN_KEY = "cx_markers"
FACTORY = "cxanalysis_markers"

for _name in ("cx_markers", "cx_hits"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class MarkerComponent:
    """Find lexicon markers in ``doc.text`` and store counts, hits and spans on the Doc."""

    def __init__(self, lang: str, families: Sequence[str] | None = None, role: str = "agent"):
        wanted = list(FAMILIES) if families is None else list(families)
        unknown = [f for f in wanted if f not in FAMILIES]
        if unknown:
            raise ValueError(f"unknown feature family {unknown}; available: {list(FAMILIES)}")
        self.lang = lang
        self.role = role
        self.markers = [
            cm
            for lex in packaged_lexicons()
            if lex.lang == lang and lex.family in wanted
            for cm in compile_lexicon(lex)
            if role in cm.marker.roles
        ]

    def __call__(self, doc: Doc) -> Doc:
        counts: dict[str, int] = {}
        hits: list[tuple[str, int, int]] = []
        spans = []
        for cm in self.markers:
            found = cm.spans(doc.text)
            counts[cm.column] = len(found)
            for start, end in found:
                hits.append((cm.column, start, end))
                span = doc.char_span(start, end, label=cm.column, alignment_mode="expand")
                if span is not None:
                    spans.append(span)
        doc._.cx_markers = counts
        doc._.cx_hits = sorted(hits, key=lambda h: (h[1], h[0]))
        doc.spans[SPAN_KEY] = spans
        return doc


@Language.factory(FACTORY, default_config={"families": None, "role": "agent"})
def make_marker_component(nlp: Language, name: str, families: list[str] | None, role: str) -> MarkerComponent:
    return MarkerComponent(nlp.lang, families, role)
