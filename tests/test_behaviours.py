"""Each behaviour ID that text markers can show, judged against the frozen MANIFEST.

For every MANIFEST conversation whose ``present`` lists a behaviour, at least one of the
behaviour's markers fires in the conversation (in the role given); for every conversation
whose ``absent`` lists it, none does. Behaviours whose evidence is the *absence* of a marker
(AMZ-07: no deferral) are inverted. The samples were written and frozen before the lexicons
existed; this is a test of the lexicons on text they were not written from.

ANTI-07 is also shown by ``effort_reask`` (asking again for what the customer gave: turn
context). Behaviours that depend on timing, corpus or language (SPO-01, SPO-02, CRI-03,
CRI-05, TEC-01, TEC-02, TEC-06, TEC-08, ANTI-06) belong to the dynamics features and the
playbooks; APL-11 and ANTI-04 are also checked with their timing below.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cxanalysis.lexicons import packaged_lexicons

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
MANIFEST = list(csv.DictReader((SAMPLES / "MANIFEST.csv").open(encoding="utf-8")))

# behaviour -> (markers, any of which shows it; "customer_" prefix = counted in customer turns)
SHOWN_BY: dict[str, tuple[str, ...]] = {
    "APL-01": ("warmth_self_intro",),
    "APL-02": ("warmth_we", "warmth_acknowledgement"),
    "APL-03": ("precision_locates",),
    "APL-04": ("session_keep_open",),
    "APL-05": ("effort_asks_info",),
    "APL-06": ("precision_commitment",),
    "APL-07": ("precision_pointer", "channel_link"),
    "APL-08": ("proactive_info",),
    "APL-09": ("proactive_points", "proactive_framing"),
    "APL-10": ("comprehension_check",),
    "APL-11": ("idle_checkin",),
    "APL-12": ("warmth_care",),
    "APL-13": ("warmth_apology",),
    "SPO-03": ("warmth_empathy",),
    "SPO-04": ("tone_playful",),
    "SPO-05": ("session_available",),
    "SPO-06": ("delight_glad",),
    "AMZ-01": ("warmth_apology_specific",),
    "AMZ-02": ("ownership_investigation",),
    "AMZ-03": ("ownership_escalation",),
    "AMZ-04": ("resolution_refund", "resolution_replacement"),
    "AMZ-05": ("resolution_credit",),
    "AMZ-06": ("resolution_alternative",),
    "AMZ-08": ("warmth_invite_back",),
    "CRI-01": ("warmth_apology", "ownership_responsibility", "warmth_empathy"),
    "CRI-02": ("resolution_refund",),
    "CRI-04": ("warmth_thanks",),
    "TEC-03": ("tone_respect_request",),
    "TEC-04": ("politeness_formal",),
    "TEC-05": ("proactive_info",),
    "TEC-07": ("resolution_troubleshoot",),
    "ANTI-01": ("warmth_numbered_persona", "tone_robotic"),
    "ANTI-02": ("warmth_over_familiar",),
    "ANTI-03": ("tone_blame", "tone_not_our_problem"),
    "ANTI-04": ("idle_blunt_close",),
    "ANTI-05": ("ownership_deferral",),
    "ANTI-07": ("effort_asks_repeat", "effort_reask"),
}
# behaviours met when a marker is *absent*
SHOWN_BY_ABSENCE: dict[str, tuple[str, ...]] = {"AMZ-07": ("ownership_deferral",)}


# Cases the MANIFEST decides by context that no lexicon can see. They are expected to fail
# (strict: if a change makes one pass, the test says so and the entry must go).
KNOWN_GAPS: dict[tuple[str, str], str] = {
    (
        "ANTI-07",
        "quicknet_chat_ru_poor",
    ): "a slangy request for the address the customer already gave; the ru asks_info lexicon misses it",
    ("AMZ-04", "OR-JA-E02"): "a refund is granted but without amount or date: 'full resolution' is the playbook's judgement",
    ("APL-08", "shop_chat_zh_poor"): "a menu and a canned tracking answer that ignores the question: relevance, not wording",
}


def _cases(kind: str):
    out = []
    for b in sorted({*SHOWN_BY, *SHOWN_BY_ABSENCE}):
        for r in MANIFEST:
            if b in r[kind].split(";"):
                gap = KNOWN_GAPS.get((b, r["conversation_id"]))
                marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                out.append(pytest.param(b, r["conversation_id"], id=f"{b}-{r['conversation_id']}", marks=marks))
    return out


def _fired(feats, conversation_id: str, markers: tuple[str, ...]) -> dict[str, int]:
    conv = feats.conversations.set_index("conversation_id").loc[conversation_id]
    return {m: int(conv[m]) if m in conv.index and conv[m] == conv[m] else 0 for m in markers}


@pytest.mark.parametrize(("behaviour", "conversation_id"), _cases("present"))
def test_behaviour_present_fires(sample_features, behaviour, conversation_id):
    if behaviour in SHOWN_BY_ABSENCE:
        fired = _fired(sample_features, conversation_id, SHOWN_BY_ABSENCE[behaviour])
        assert sum(fired.values()) == 0, f"{behaviour} listed present but {fired} fired in {conversation_id}"
    else:
        fired = _fired(sample_features, conversation_id, SHOWN_BY[behaviour])
        assert sum(fired.values()) > 0, f"{behaviour} listed present but none of {SHOWN_BY[behaviour]} fired in {conversation_id}"


@pytest.mark.parametrize(("behaviour", "conversation_id"), _cases("absent"))
def test_behaviour_absent_silent(sample_features, behaviour, conversation_id):
    if behaviour in SHOWN_BY_ABSENCE:
        fired = _fired(sample_features, conversation_id, SHOWN_BY_ABSENCE[behaviour])
        assert sum(fired.values()) > 0, f"{behaviour} listed absent but none of {SHOWN_BY_ABSENCE[behaviour]} fired"
    else:
        fired = _fired(sample_features, conversation_id, SHOWN_BY[behaviour])
        assert sum(fired.values()) == 0, f"{behaviour} listed absent but {fired} fired in {conversation_id}"


def test_every_mapped_marker_names_its_behaviour_in_the_lexicons():
    """The lexicons' ``behaviours`` fields agree with this mapping (for lexical markers)."""
    named: dict[str, set[str]] = {}
    for lex in packaged_lexicons():
        for m in lex.markers.values():
            named.setdefault(lex.column(m.name), set()).update(m.behaviours)
    computed = {"proactive_info", "effort_reask"}
    for b, markers in {**SHOWN_BY, **SHOWN_BY_ABSENCE}.items():
        lexical = [m for m in markers if m not in computed]
        assert all(m in named for m in lexical), (b, [m for m in lexical if m not in named])
        if lexical:
            assert any(b in named[m] for m in lexical), f"no lexicon marker of {lexical} lists {b}"


LANGUAGE_IDS = ("CRI-03", "TEC-01")


def _language_cases(kind: str):
    return [
        pytest.param(b, r["conversation_id"], id=f"{b}-{r['conversation_id']}")
        for b in LANGUAGE_IDS
        for r in MANIFEST
        if b in r[kind].split(";")
    ]


@pytest.mark.parametrize(("behaviour", "conversation_id"), _language_cases("present"))
def test_language_behaviour_present_every_reply_matches(sample_features, behaviour, conversation_id):
    conv = sample_features.conversations.set_index("conversation_id").loc[conversation_id]
    assert conv["language_mismatches"] == 0 and conv["language_match"] >= 1, (behaviour, conv["language_match"])


@pytest.mark.parametrize(("behaviour", "conversation_id"), _language_cases("absent"))
def test_language_behaviour_absent_some_reply_mismatches(sample_features, behaviour, conversation_id):
    conv = sample_features.conversations.set_index("conversation_id").loc[conversation_id]
    assert conv["language_mismatches"] >= 1, behaviour


# APL-11 / ANTI-04 with timing: the check-in or the close must come after a customer silence
SILENCE_IDS = {"APL-11": "idle_checkin_after_silence", "ANTI-04": "idle_close_after_silence"}


def _silence_cases(kind: str):
    return [
        pytest.param(b, r["conversation_id"], id=f"{b}-{r['conversation_id']}")
        for b in SILENCE_IDS
        for r in MANIFEST
        if b in r[kind].split(";") and r["channel"] == "chat"
    ]


@pytest.mark.parametrize(("behaviour", "conversation_id"), _silence_cases("present"))
def test_silence_behaviour_present_after_a_silence(sample_features, behaviour, conversation_id):
    conv = sample_features.conversations.set_index("conversation_id").loc[conversation_id]
    assert conv["idle_after_silence"] >= 1 and conv[SILENCE_IDS[behaviour]] >= 1, behaviour


@pytest.mark.parametrize(("behaviour", "conversation_id"), _silence_cases("absent"))
def test_silence_behaviour_absent_not_after_a_silence(sample_features, behaviour, conversation_id):
    conv = sample_features.conversations.set_index("conversation_id").loc[conversation_id]
    assert conv[SILENCE_IDS[behaviour]] == 0, behaviour
