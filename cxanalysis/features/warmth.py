"""Warmth: greeting, self-introduction by name (APL-01) vs numbered persona (ANTI-01), thanks,
apology (generic and specific, AMZ-01), empathy (SPO-03), care (APL-12), reassurance, inclusive
"we" (APL-02), over-familiar address (ANTI-02), invitation back (AMZ-08), and personalisation.

Lexical markers: ``cxanalysis/lexicons/data/warmth/<lang>.yml``. ``warmth_personal`` is
computed: the number of times an agent message uses the customer's name, taken from the
``speaker`` of the conversation's customer messages (its first word, or for a CJK name its
first word followed by an honorific).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from ..roles import ROLE_ALIASES
from ._lexical import LexiconFamily, covered_mask, empty_evidence, evidence_frame

_HONORIFICS = r"(?:先生|女士|小姐|さん|様|さま|氏)"
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _name_regex(speaker: str) -> re.Pattern | None:
    """A regex for the customer's name as an agent would address them, or None."""
    first = speaker.strip().split()[0] if speaker.strip() else ""
    first = first.strip("@,.:;!?()[]\"'")
    if len(first) < 2 or not any(ch.isalpha() for ch in first) or first.casefold() in ROLE_ALIASES:
        return None
    if any(ch.isdigit() for ch in first):
        return None
    if _CJK.search(first):
        # 王芳 -> 王芳 or 王先生 / 王女士; 山田 -> 山田様
        return re.compile(rf"{re.escape(first)}|{re.escape(first[0])}{_HONORIFICS}")
    return re.compile(rf"(?<!\w){re.escape(first)}(?!\w)")


class Warmth(LexiconFamily):
    """The ``warmth`` family (lexical markers plus the computed ``warmth_personal``)."""

    family_name = "warmth"

    def _derived_columns(self) -> tuple[str, ...]:
        return ("warmth_personal",)

    def _derive(self, X, out, evidence):
        n = len(X)
        counts = np.zeros(n, dtype=np.int64)
        ev = []
        if "speaker" in X.columns and "conversation_id" in X.columns:
            roles = X["role"].astype("string").fillna("").to_numpy(dtype=object)
            conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
            speakers = X["speaker"].astype("string").fillna("").to_numpy(dtype=object)
            names: dict[str, list[re.Pattern]] = {}
            for c, s in set(zip(conv[roles == "customer"].tolist(), speakers[roles == "customer"].tolist())):
                rx = _name_regex(s) if s else None
                if rx is not None:
                    names.setdefault(c, []).append(rx)
            if names:
                texts = X["text"].astype("string").fillna("").to_numpy(dtype=object)
                ids = X["message_id"].astype("string").to_numpy(dtype=object)
                for i in np.flatnonzero((roles == "agent") & np.isin(conv, list(names))).tolist():
                    for rx in names[conv[i]]:
                        for m in rx.finditer(texts[i]):
                            counts[i] += 1
                            ev.append((ids[i], m.start(), m.end(), m.group()))
        out["warmth_personal"] = pd.arrays.IntegerArray(counts, ~covered_mask(X))
        if ev:
            extra = evidence_frame(
                np.array([e[0] for e in ev], dtype=object),
                ["warmth_personal"] * len(ev),
                [e[1] for e in ev],
                [e[2] for e in ev],
                [e[3] for e in ev],
                ["the customer's name"] * len(ev),
            )
            evidence = pd.concat([evidence, extra], ignore_index=True) if len(evidence) else extra
        elif not len(evidence):
            evidence = empty_evidence()
        return out, evidence
