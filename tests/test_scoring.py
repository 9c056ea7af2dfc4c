"""Playbooks, conditions and cx.score / cx.explain (DESIGN.md section 5).

The rules are tested on hand-made conversation rows and small playbooks written here; the
packaged playbooks are judged against the frozen MANIFEST (showcases, anti-only
conversations, and every behaviour ID met where present and not met where absent).
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.exemplars import PACKAGED, PlaybookError, packaged_playbook, parse_playbook
from cxanalysis.exemplars.conditions import ConditionError, compile_condition

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
MANIFEST = list(csv.DictReader((SAMPLES / "MANIFEST.csv").open(encoding="utf-8")))
#: every behaviour ID of EXEMPLARS.md
EXEMPLAR_IDS = {
    f"{p}-{i:02d}" for p, n in (("APL", 13), ("SPO", 6), ("AMZ", 8), ("CRI", 5), ("TEC", 8), ("ANTI", 7)) for i in range(1, n + 1)
}

RULES = """
exemplar: rules
version: 1
norms: {first_reply_s: 60}
behaviours:
  XX-01: {weight: 3, met: a > 0}
  XX-02: {weight: 1, met: b > 0, applies: c > 0}
  XX-03: {weight: 1, met: latency_first_reply_s <= norms.first_reply_s, critical: true, applies: notna(latency_first_reply_s)}
  ANTI-01: {weight: 20, shown: bad > 0}
"""


def convs(**cols):
    n = len(next(iter(cols.values())))
    base = {"conversation_id": [f"c{i}" for i in range(n)], "n_agent": [1] * n}
    frame = pd.DataFrame({**base, **cols})
    for c in cols:
        if c != "channel":
            frame[c] = frame[c].astype("Float64")
    return frame


# -- the scoring rules -----------------------------------------------------------------------
def test_score_follows_the_design_rules_exactly():
    pb = parse_playbook(RULES)
    c = convs(
        a=[1, 1, 0, 1, 0, 1],
        b=[1, 0, 0, 1, 0, 1],
        c=[1, 1, 1, 0, 0, 1],
        bad=[0, 0, 0, 1, 0, 0],
        latency_first_reply_s=[30, None, 30, 30, 120, 90],
    )
    s = cx.score(c, exemplars=[pb]).set_index("conversation_id")
    # c0: all applicable and met -> 100
    assert s.loc["c0", "score"] == 100
    # c1: XX-03 n/a (untimed): 3 of 4 weights met -> 75
    assert s.loc["c1", "score"] == 75 and s.loc["c1", "XX-03"] == "n/a"
    # c2: a missed (0/3), b missed, latency met: 1/5 -> 20
    assert s.loc["c2", "score"] == 20
    # c3: XX-02 n/a (c=0): 4/4 -> 100, minus the anti-pattern's 20 points -> 80
    assert s.loc["c3", "score"] == 80 and s.loc["c3", "ANTI-01"] == "missed" and s.loc["c0", "ANTI-01"] == "met"
    # c4: only a (missed) and XX-03 (missed): 0 -> clipped at 0, and capped
    assert s.loc["c4", "score"] == 0 and bool(s.loc["c4", "capped"])
    # c5: all met but the critical XX-03 missed (90 s > 60 s): 4/5 = 80 capped at 50
    assert s.loc["c5", "score"] == 50 and bool(s.loc["c5", "capped"])


def test_score_is_nan_when_nothing_applies_and_for_unanswered_conversations():
    pb = parse_playbook("exemplar: p\nversion: 1\nbehaviours:\n  XX-01: {met: a > 0, applies: c > 0}\n")
    c = convs(a=[1, 1], c=[0, 1])
    c.loc[1, "n_agent"] = 0
    s = cx.score(c, exemplars=[pb])
    assert s["score"].isna().all() and (s["XX-01"] == "n/a").all()


def test_norms_can_be_overridden_for_all_or_per_exemplar():
    pb = parse_playbook(RULES)
    c = convs(a=[1], b=[1], c=[1], bad=[0], latency_first_reply_s=[90])
    assert cx.score(c, exemplars=[pb])["XX-03"].tolist() == ["missed"]
    assert cx.score(c, exemplars=[pb], norms={"first_reply_s": 120})["XX-03"].tolist() == ["met"]
    assert cx.score(c, exemplars=[pb], norms={"rules": {"first_reply_s": 120}})["XX-03"].tolist() == ["met"]
    assert cx.score(c, exemplars=[pb], norms={"other": {"first_reply_s": 120}})["XX-03"].tolist() == ["missed"]


def test_closest_is_exactly_one_per_conversation_with_at_least_three_applicable():
    big = parse_playbook(
        "exemplar: big\nversion: 1\nbehaviours:\n" + "".join(f"  XX-0{i}: {{met: a > 0}}\n" for i in range(1, 4))
    )
    small = parse_playbook("exemplar: small\nversion: 1\nbehaviours:\n  XX-01: {met: b > 0}\n")
    twin = parse_playbook(
        "exemplar: twin\nversion: 1\nbehaviours:\n" + "".join(f"  XX-0{i}: {{met: a > 0}}\n" for i in range(1, 4))
    )
    c = convs(a=[1, 0], b=[1, 1])
    s = cx.score(c, exemplars=[small, big, twin])
    assert s.groupby("conversation_id")["closest"].sum().tolist() == [1, 1]
    # c0: big and twin tie at 100 with 3 applicable; small (100) has only 1 -> big (first given)
    assert s[s["closest"]].set_index("conversation_id").loc["c0", "exemplar"] == "big"
    # c1: big/twin score 0, small 100 but only 1 applicable -> still big (eligible beats ineligible)
    assert s[s["closest"]].set_index("conversation_id").loc["c1", "exemplar"] == "big"


# -- conditions ------------------------------------------------------------------------------
def test_conditions_are_three_valued_and_vectorised():
    c = convs(a=[1, 0, None, None], b=[0, 0, 1, 0], channel=["chat", "email", "chat", "chat"])
    ev = lambda src: compile_condition(src).evaluate(c).tolist()  # noqa: E731
    assert ev("a > 0") == [True, False, pd.NA, pd.NA]
    assert ev("a > 0 or b > 0") == [True, False, True, pd.NA]
    assert ev("a > 0 and b > 0") == [False, False, pd.NA, False]
    assert ev('channel == "chat" and notna(a)') == [True, False, False, False]
    assert ev("a + b >= 1") == [True, False, pd.NA, pd.NA]
    assert ev("always") == [True] * 4


@pytest.mark.parametrize(
    "source",
    ["__import__('os').system('x')", "a.b > 0", "a[0] > 0", "lambda: 1", "a in [1]", "a ** 2 > 1", "open('f')", "norms > 1", ""],
)
def test_conditions_reject_anything_but_the_small_language(source):
    with pytest.raises(ConditionError):
        compile_condition(source)


# -- playbook files --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "exemplar: p\nversion: 1\nbehaviours:\n  XX-01:\n    met: a > 0\n    wieght: 2\n",
            r"<string>:6: XX-01: unknown field 'wieght'",
        ),
        (
            "exemplar: p\nversion: 1\nbehaviours:\n  XX-01:\n    met: a >\n",
            r"<string>:5: XX-01.met: 'a >' is not a valid expression",
        ),
        ("exemplar: p\nversion: 1\nbehaviours:\n  XX-01:\n    met: a > norms.x\n", r"<string>:5: XX-01: reads norms \['x'\]"),
        ("exemplar: p\nversion: 1\nbehaviours:\n  XX-01:\n    weight: 2\n", r"<string>:4: XX-01: missing field 'met'"),
        (
            "exemplar: p\nversion: 1\nbehaviours:\n  ANTI-01:\n    met: a > 0\n",
            r"<string>:5: ANTI-01: an anti-pattern takes 'shown', not 'met'",
        ),
        (
            "exemplar: p\nversion: 1\nbehaviours:\n  apl1:\n    met: a > 0\n",
            r"<string>:4: behaviour ID 'apl1' must look like APL-01",
        ),
        (
            "exemplar: p\nversion: 1\nbehaviours:\n  XX-01:\n    met: a > 0\n    weight: -1\n",
            r"<string>:6: XX-01.weight must be a positive number",
        ),
        ("exemplar: p\nversoin: 1\n", r"<string>:2: unknown field 'versoin'"),
    ],
)
def test_playbook_errors_name_line_and_field(text, message):
    with pytest.raises(PlaybookError, match=message):
        parse_playbook(text)


def test_a_trainers_playbook_file_scores_and_a_missing_column_is_named(tmp_path, sample_features):
    f = tmp_path / "mine.yml"
    f.write_text(
        "exemplar: mine\nversion: 1\nbehaviours:\n  MY-01:\n    summary: thanks\n    met: warmth_thanks > 0\n", encoding="utf-8"
    )
    s = cx.score(sample_features, exemplars=[str(f)])
    assert set(s["MY-01"]) <= {"met", "missed", "n/a"} and (s["MY-01"] == "met").any() and (s["MY-01"] == "missed").any()
    f.write_text("exemplar: mine\nversion: 1\nbehaviours:\n  MY-01:\n    met: warmth_thankz > 0\n", encoding="utf-8")
    with pytest.raises(PlaybookError, match=r"mine.yml: MY-01: .*reads column\(s\) \['warmth_thankz'\]"):
        cx.score(sample_features, exemplars=[str(f)])
    with pytest.raises(PlaybookError, match="unknown exemplar 'appel'"):
        cx.score(sample_features, exemplars=["appel"])


def test_packaged_playbooks_cover_every_exemplar_id():
    assert {b.id for name in PACKAGED for b in packaged_playbook(name).behaviours} == EXEMPLAR_IDS


@pytest.mark.parametrize("name", PACKAGED)
def test_packaged_playbooks_are_complete(name, sample_features):
    pb = packaged_playbook(name)
    cols = set(sample_features.conversations.columns)
    for b in pb.behaviours:
        assert b.id in EXEMPLAR_IDS, b.id
        assert b.summary, b.id
        for lang in ("en", "zh", "ja", "ru"):
            assert len(b.phrasings.get(lang, ())) >= 1, (b.id, lang)
        if b.condition is not None:
            assert set(b.condition.columns + b.applies.columns) <= cols, (b.id, set(b.condition.columns) - cols)
        assert set(b.evidence) <= cols, (b.id, set(b.evidence) - cols)
    ids = {b.id.split("-")[0] for b in pb.behaviours}
    prefix = {"apple": "APL", "spotify": "SPO", "amazon": "AMZ", "crisis": "CRI", "techsupport": "TEC"}[name]
    assert prefix in ids


# -- the packaged playbooks on the frozen samples ----------------------------------------------
@pytest.fixture(scope="module")
def sample_scores(sample_features):
    return cx.score(sample_features)


def _showcase(prefix: str) -> str:
    counts = {r["conversation_id"]: sum(i.startswith(prefix) for i in r["present"].split(";")) for r in MANIFEST}
    return max(counts, key=counts.get)


@pytest.mark.parametrize(("exemplar", "prefix"), [("apple", "APL"), ("spotify", "SPO"), ("amazon", "AMZ")])
def test_each_showcase_is_in_its_exemplars_top_three(sample_scores, exemplar, prefix):
    s = sample_scores[sample_scores["exemplar"] == exemplar].sort_values("score", ascending=False)
    top = s["conversation_id"].head(3).tolist()
    assert _showcase(prefix) in top, (exemplar, _showcase(prefix), s.head(5)[["conversation_id", "score"]].to_dict("records"))


ANTI_ONLY = [
    r["conversation_id"] for r in MANIFEST if r["present"] and all(i.startswith("ANTI-") for i in r["present"].split(";"))
]
#: anti-only conversations whose anti-patterns the features cannot see on the samples (none now)
ANTI_ONLY_GAPS: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(
    ("exemplar", "conversation_id"),
    [
        pytest.param(
            e,
            c,
            id=f"{e}-{c}",
            marks=[pytest.mark.xfail(reason=ANTI_ONLY_GAPS[e, c], strict=True)] if (e, c) in ANTI_ONLY_GAPS else [],
        )
        for e in ("apple", "spotify", "amazon")
        for c in ANTI_ONLY
    ],
)
def test_anti_only_conversations_score_below_the_median(sample_scores, exemplar, conversation_id):
    assert len(ANTI_ONLY) >= 3
    s = sample_scores[sample_scores["exemplar"] == exemplar]
    score = s.set_index("conversation_id")["score"][conversation_id]
    assert score < s["score"].median(), (exemplar, conversation_id, score, s["score"].median())


# Cases the features cannot decide yet (strict: a fix that makes one pass must remove it)
SCORING_GAPS = {
    ("ANTI-07", "quicknet_chat_ru_poor"): "slangy re-ask the ru asks_info lexicon misses (see test_behaviours)",
    ("TEC-06", "quicknet_chat_ru_poor"): "the same re-ask",
    ("APL-08", "shop_chat_zh_poor"): "a canned answer that ignores the question (see test_behaviours)",
    **{
        ("ANTI-06", c): "no template can be learned from 47 conversations and the customer does not say the reply missed"
        for c in ("tw-100301", "CG-1111")
    },
}


def _manifest_cases():
    out = []
    for r in MANIFEST:
        for kind in ("present", "absent"):
            for bid in filter(None, r[kind].split(";")):
                for name in PACKAGED:
                    if any(b.id == bid for b in packaged_playbook(name).scored):
                        gap = SCORING_GAPS.get((bid, r["conversation_id"]))
                        marks = [pytest.mark.xfail(reason=gap, strict=True)] if gap else []
                        out.append(
                            pytest.param(
                                name,
                                bid,
                                r["conversation_id"],
                                kind,
                                id=f"{name}-{bid}-{kind}-{r['conversation_id']}",
                                marks=marks,
                            )
                        )
    return out


@pytest.fixture(scope="module")
def all_scores(sample_features):
    return cx.score(sample_features, exemplars=PACKAGED)


@pytest.mark.parametrize(("exemplar", "behaviour", "conversation_id", "kind"), _manifest_cases())
def test_manifest_decisions(all_scores, exemplar, behaviour, conversation_id, kind):
    row = all_scores[(all_scores["conversation_id"] == conversation_id) & (all_scores["exemplar"] == exemplar)].iloc[0]
    anti = packaged_playbook(exemplar).behaviour(behaviour).anti
    if kind == "present":  # the behaviour (or the anti-pattern) was shown
        assert row[behaviour] == ("missed" if anti else "met")
    else:  # not shown: an anti-pattern is avoided; a behaviour is missed or does not apply
        assert row[behaviour] in (("met",) if anti else ("missed", "n/a"))


def test_every_behaviour_can_be_met_and_missed(all_scores):
    """The samples show most IDs both ways; for the rest, some setting of the condition's own
    columns (0 or 1, with the behaviour applicable) meets it and another misses it."""
    for name in PACKAGED:
        pb = packaged_playbook(name)
        for b in pb.scored:
            decisions = set(all_scores.loc[all_scores["exemplar"] == name, b.id])
            if {"met", "missed"} <= decisions:
                continue
            decisions |= _enumerate(pb, b)
            assert {"met", "missed"} <= decisions, (name, b.id, decisions)


def _enumerate(pb, b) -> set[str]:
    import itertools

    single = parse_playbook(
        f"exemplar: one\nversion: 1\nnorms: {dict(pb.norms)}\nbehaviours:\n  {b.id}:\n"
        f"    {'shown' if b.anti else 'met'}: '{b.condition.source}'\n    applies: '{b.applies.source}'\n"
    )
    cols = list(b.condition.columns)
    rows = []
    for values in itertools.product([0.0, 1.0], repeat=len(cols)):
        row = {c: 1.0 for c in b.applies.columns}
        row.update(dict(zip(cols, values)))
        rows.append(row)
    frame = pd.DataFrame(rows).astype("Float64")
    frame.insert(0, "conversation_id", [f"x{i}" for i in range(len(frame))])
    frame["channel"] = pb.channel
    frame["n_agent"] = 3
    return set(cx.score(frame, exemplars=[single])[b.id])


# -- explain -----------------------------------------------------------------------------------
def test_explain_quotes_evidence_and_suggests_phrasing(sample_scores, sample_features, sample_frame):
    ex = cx.explain(sample_scores, sample_features, "orchard_chat_en_good", exemplar="apple")
    assert set(ex["decision"]) <= {"met", "missed", "n/a"} and len(ex) == len(packaged_playbook("apple").scored)
    met = ex[(ex["decision"] == "met") & ex["start"].notna()]
    assert len(met) >= 5
    text = sample_frame.set_index("message_id")["text"]
    for r in met.itertuples():
        assert text[r.message_id][r.start : r.end] == r.quote
    poor = cx.explain(sample_scores, sample_features, "shop_chat_zh_poor", exemplar="apple")
    missed = poor[(poor["decision"] == "missed") & ~poor["anti"]]
    assert len(missed) and (missed["suggestion"].str.len() > 0).all()
    # the suggestion is in the conversation's language (zh)
    assert missed["suggestion"].str.contains(r"[\u4e00-\u9fff]").all()
    shown = poor[(poor["decision"] == "missed") & poor["anti"]]
    assert len(shown) and shown["quote"].notna().any() and (shown["suggestion"].str.len() > 0).all()
    na = poor[poor["decision"] == "n/a"]
    assert na["reason"].str.startswith(("does not apply", "cannot judge")).all()
    with pytest.raises(KeyError):
        cx.explain(sample_scores, sample_features, "nope")


def test_explain_names_the_reply_that_missed_the_customers_language(sample_scores, sample_features, sample_frame):
    # tw-200010: a Japanese customer gets English replies (MANIFEST: TEC-01 absent)
    ex = cx.explain(sample_scores, sample_features, "tw-200010", exemplar="spotify").set_index("behaviour")
    row = ex.loc["TEC-01"]
    assert row["decision"] == "missed"
    assert sample_frame.set_index("message_id").loc[row["message_id"], "role"] == "agent"
    assert "reply in en, customer wrote ja" in row["reason"]
    # a met language behaviour quotes nothing against the agent
    ok = cx.explain(sample_scores, sample_features, "tw-200020", exemplar="spotify").set_index("behaviour")
    assert ok.loc["TEC-01", "decision"] == "met" and "reply in" not in ok.loc["TEC-01", "reason"]


def test_scores_frame_shape(sample_scores, sample_features):
    n = len(sample_features.conversations)
    assert len(sample_scores) == 3 * n
    assert list(sample_scores.columns[:4]) == ["conversation_id", "exemplar", "score", "closest"]
    assert sample_scores.groupby("conversation_id")["closest"].sum().eq(1).all()
    s = sample_scores["score"].dropna()
    assert ((s >= 0) & (s <= 100)).all() and np.isfinite(s).all()


def test_no_sample_sentence_is_copied_into_a_playbook():
    """Phrasings are whole sentences, so set formulae (ありがとうございます。, "thanks for getting
    in touch.") are shared with any support text; a copied sentence is a longer one."""
    import re

    from test_lexicons import _sample_sentences

    sentences = {s for s in _sample_sentences() if (len(s.split()) >= 6 if re.search(r"[a-zа-я]", s) else len(s) >= 14)}
    assert len(sentences) > 50
    copied = []
    for name in PACKAGED:
        for b in packaged_playbook(name).behaviours:
            for lang, items in b.phrasings.items():
                for entry in items:
                    flat = " ".join(entry.split()).casefold()
                    copied.extend((name, b.id, lang, s) for s in sentences if s in flat)
    assert not copied, copied[:5]


def test_an_unanswered_conversation_is_not_scored_and_explain_says_why():
    df = pd.DataFrame(
        {"conversation_id": ["u"], "message_id": ["u1"], "role": ["customer"], "text": ["Hello? Anyone there?"], "lang": ["en"]}
    )
    feats = cx.featurize(df)
    s = cx.score(feats)
    assert s["score"].isna().all() and s["closest"].sum() == 1
    ex = cx.explain(s, feats, "u")
    assert (ex["decision"] == "n/a").all() and (ex["reason"] == "no agent message to judge").all()


def test_playbooks_in_scores_attrs_are_shared_not_copied(sample_scores):
    # pandas deep-copies attrs into every result; a frozen playbook is shared instead (speed)
    sub = sample_scores[sample_scores["exemplar"] == "apple"].head(3)
    assert sub.attrs["playbooks"]["apple"] is sample_scores.attrs["playbooks"]["apple"]
    assert copy.deepcopy(packaged_playbook("amazon")) is packaged_playbook("amazon")
