"""cx.featurize: columns, NA semantics, exact evidence offsets, context-computed markers,
aggregation, and the scikit-learn transformer contract of every family."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import FeatureUnion

import cxanalysis as cx
from cxanalysis.features import FAMILIES, REQUIRED_COLUMNS
from cxanalysis.lexicons import parse_lexicon


def frame(rows, conv="c1"):
    """rows: (role, text, lang[, speaker])"""
    out = []
    for i, row in enumerate(rows):
        role, text, lang = row[:3]
        out.append(
            {
                "conversation_id": conv,
                "message_id": f"{conv}:{i}",
                "turn": i,
                "role": role,
                "speaker": row[3] if len(row) > 3 else role,
                "agent": "Ann" if role == "agent" else "",
                "text": text,
                "lang": lang,
                "channel": "chat",
            }
        )
    return pd.DataFrame(out)


def test_required_columns_are_nullable_integers(sample_features):
    msgs = sample_features.messages
    for col in REQUIRED_COLUMNS:
        assert col in msgs.columns, col
        assert str(msgs[col].dtype) == "Int64", col
    assert len(msgs) == msgs["message_id"].nunique()


def test_evidence_quotes_are_exact_slices(sample_frame, sample_features):
    ev = sample_features.evidence
    assert len(ev) > 200
    text = sample_frame.set_index("message_id")["text"]
    spanless = ev["start"].isna()
    assert (ev.loc[spanless, "detail"].str.len() > 0).all()  # no span: detail says why
    assert set(ev.loc[spanless, "feature"]) <= {
        "language_match", "template_match", "template_offtopic", "idle_after_silence", "effort_repeat", "effort_transfer", "effort_recontact",
    }  # fmt: skip
    for row in ev[~spanless].itertuples():
        assert text[row.message_id][row.start : row.end] == row.quote, row
    # every count is backed by evidence rows, and vice versa
    msgs = sample_features.messages.set_index("message_id")
    per = ev[~spanless].groupby(["message_id", "feature"]).size()
    for (mid, feat), n in per.items():
        assert msgs.loc[mid, feat] == n, (mid, feat)
    lexical = [c for c in REQUIRED_COLUMNS]
    assert int(msgs[lexical].sum().sum()) == int(per[per.index.get_level_values(1).isin(lexical)].sum())


def test_every_required_marker_fires_somewhere_in_the_samples(sample_features):
    sums = sample_features.messages[list(REQUIRED_COLUMNS)].sum()
    silent = [c for c in REQUIRED_COLUMNS if sums[c] == 0 and c != "tone_blame"]
    assert not silent


def test_each_language_gets_hits(sample_features):
    msgs = sample_features.messages
    agent = msgs[msgs["role"] == "agent"]
    for lang in ("en", "zh", "ja", "ru"):
        rows = agent[agent["lang"] == lang]
        assert len(rows) > 5
        assert rows[["warmth_thanks", "warmth_apology", "warmth_greeting"]].sum().sum() > 0, lang


def test_uncovered_language_is_na_not_zero():
    df = frame(
        [("customer", "Hola, mi pedido no llegó", "es"), ("agent", "Hola, lo siento mucho", "es"), ("agent", "Sorry!", "en")]
    )
    feats = cx.featurize(df)
    es = feats.messages[feats.messages["lang"] == "es"]
    assert es["warmth_apology"].isna().all()
    assert feats.messages.loc[2, "warmth_apology"] == 1
    conv = feats.conversations.iloc[0]
    assert conv["warmth_apology"] == 1  # sum skips NA, one English hit


def test_all_uncovered_conversation_aggregates_to_na():
    feats = cx.featurize(frame([("customer", "Bonjour", "fr"), ("agent", "Bonjour, désolé", "fr")]))
    assert pd.isna(feats.conversations.iloc[0]["warmth_greeting"])


def test_role_filter_customer_thanks_counts_separately():
    df = frame([("customer", "Thanks for the quick reply", "en"), ("agent", "Hello! How can I help?", "en")])
    feats = cx.featurize(df)
    assert feats.messages.loc[0, "warmth_thanks"] == 1  # thanks counts in both roles
    assert feats.messages.loc[0, "warmth_greeting"] == 0  # greeting counts agents only
    conv = feats.conversations.iloc[0]
    assert conv["warmth_thanks"] == 0 and conv["customer_warmth_thanks"] == 1
    assert "customer_warmth_greeting" not in feats.conversations.columns


def test_missing_lang_is_detected():
    df = frame([("agent", "Спасибо за ожидание, извините за задержку.", None)])
    feats = cx.featurize(df)
    assert feats.messages.loc[0, "lang"] == "ru"
    assert feats.messages.loc[0, "warmth_apology"] >= 1


LEX_TOPIC = """\
family: proactive
lang: en
version: 1
provenance: test
markers:
  framing:
    phrases: [please note]
    examples: {positive: [please note this], negative: [note]}
  topic_tracking:
    roles: [agent, customer]
    phrases: [tracking]
    examples: {positive: [the tracking link], negative: [track]}
"""


def test_proactive_info_counts_only_topics_the_customer_did_not_raise():
    lex = [parse_lexicon(LEX_TOPIC)]
    asked = frame([("customer", "Where is my tracking link?", "en"), ("agent", "Your tracking link is in the email.", "en")])
    unasked = frame(
        [("customer", "When does it ship?", "en"), ("agent", "Tomorrow. Please note the tracking link comes by email.", "en")],
        conv="c2",
    )
    later = frame([("agent", "The tracking link comes by email.", "en"), ("customer", "What tracking link?", "en")], conv="c3")
    feats = cx.featurize(pd.concat([asked, unasked, later], ignore_index=True), families=["proactive"], lexicons=lex)
    info = feats.messages.set_index("message_id")["proactive_info"]
    assert info["c1:1"] == 0  # the customer asked about tracking first
    assert info["c2:1"] == 2  # framing + a topic the customer never raised
    assert info["c3:0"] == 1  # raised by the agent before the customer
    assert info["c1:0"] == 0 and info["c3:1"] == 0  # customer messages never count
    ev = feats.evidence[feats.evidence["feature"] == "proactive_info"]
    assert set(ev["message_id"]) == {"c2:1", "c3:0"}
    assert ev["detail"].str.contains("not raised earlier").any()


def test_warmth_personal_uses_the_customers_name():
    df = frame(
        [
            ("customer", "Hi, my order is late", "en", "Hannah Lee"),
            ("agent", "Hi Hannah, let me check.", "en", "Maya"),
            ("agent", "Hannahs are great, anyway", "en", "Maya"),
        ]
    )
    zh = frame([("customer", "你好", "zh", "王芳"), ("agent", "王女士您好，我帮您查一下。", "zh", "小李")], conv="z")
    feats = cx.featurize(pd.concat([df, zh], ignore_index=True), families=["warmth"])
    p = feats.messages.set_index("message_id")["warmth_personal"]
    assert p["c1:1"] == 1 and p["c1:2"] == 0 and p["c1:0"] == 0
    assert p["z:1"] == 1


def test_custom_lexicon_replaces_the_packaged_one():
    lex = parse_lexicon(
        "family: warmth\nlang: en\nversion: 1\nprovenance: t\nmarkers:\n  cheers:\n    phrases: [cheers]\n"
        "    examples: {positive: [cheers mate], negative: [cheesy]}\n"
    )
    feats = cx.featurize(frame([("agent", "Cheers, and thanks!", "en")]), families="warmth", lexicons=[lex])
    assert feats.messages.loc[0, "warmth_cheers"] == 1
    assert "warmth_thanks" not in feats.messages.columns


def test_featurize_rejects_bad_frames():
    with pytest.raises(cx.SchemaError, match="lacks column"):
        cx.featurize(pd.DataFrame({"text": ["hi"]}))
    df = frame([("agent", "hi", "en"), ("agent", "hello", "en")])
    df["message_id"] = "same"
    with pytest.raises(cx.SchemaError, match="'same' appears more than once"):
        cx.featurize(df)
    with pytest.raises(ValueError, match="unknown feature family"):
        cx.featurize(frame([("agent", "hi", "en")]), families=["wormth"])


@pytest.mark.parametrize("name", list(FAMILIES))
def test_family_is_a_scikit_learn_transformer(name, sample_frame):
    est = FAMILIES[name]()
    clone(est)  # get_params / set_params work
    est.set_output(transform="pandas")
    out = est.fit(sample_frame).transform(sample_frame)
    assert list(out.columns) == list(est.get_feature_names_out())
    assert all(c.startswith(f"{name}_") for c in out.columns)
    assert out.index.equals(sample_frame.index)


def test_families_compose_in_a_feature_union(sample_frame):
    union = FeatureUnion([(n, FAMILIES[n]()) for n in ("warmth", "tone")]).set_output(transform="pandas")
    out = union.fit_transform(sample_frame)
    assert len(out) == len(sample_frame)
    assert any(c.endswith("warmth_thanks") for c in out.columns)
    assert any(c.endswith("tone_playful") for c in out.columns)


def test_conversations_aggregate_agent_and_customer(sample_features):
    convs = sample_features.conversations
    msgs = sample_features.messages
    assert convs["conversation_id"].is_unique
    assert set(convs["conversation_id"]) == set(msgs["conversation_id"])
    assert (convs["n_messages"] == convs["conversation_id"].map(msgs["conversation_id"].value_counts())).all()
    cid = convs["conversation_id"].iloc[0]
    agent_sum = msgs[(msgs["conversation_id"] == cid) & (msgs["role"] == "agent")]["warmth_thanks"].sum()
    assert convs.set_index("conversation_id").loc[cid, "warmth_thanks"] == agent_sum


def test_spacy_component_matches_featurize():
    spacy = pytest.importorskip("spacy")
    import cxanalysis.spacy_components  # noqa: F401

    nlp = spacy.blank("en")
    nlp.add_pipe("cxanalysis_markers", config={"families": ["warmth"]})
    text = "Hi Sam, I'm so sorry about the delay. Thanks for waiting!"
    doc = nlp(text)
    feats = cx.featurize(frame([("agent", text, "en")]), families="warmth")
    for col, n in doc._.cx_markers.items():
        assert feats.messages.loc[0, col] == n, col
    assert doc._.cx_markers["warmth_apology"] >= 1
    assert {s.label_ for s in doc.spans["cx_markers"]} >= {"warmth_apology", "warmth_thanks"}
    ev = feats.evidence.sort_values(["start", "feature"])
    assert sorted(doc._.cx_hits) == sorted(zip(ev["feature"], ev["start"].astype(int), ev["end"].astype(int)))


def test_bench_synthetic_is_seeded_and_mixed():
    from cxanalysis.bench import synthetic_frame

    a, b = synthetic_frame(300, seed=3), synthetic_frame(300, seed=3)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(synthetic_frame(300, seed=4))
    langs = cx.detect_languages(a["text"])
    assert set(langs) >= {"en", "zh", "ja", "ru"}
    assert np.isclose((a["role"] == "agent").mean(), 0.45, atol=0.1)


def test_no_evidence_span_cuts_a_latin_or_cyrillic_word(sample_features, sample_frame):
    # a quote that ends inside the next word ("...first.\n2. A") reads as a bug in a report
    text = dict(zip(sample_frame["message_id"], sample_frame["text"], strict=True))
    ev = sample_features.evidence.dropna(subset=["start", "end"])
    letter = re.compile(r"[A-Za-zА-Яа-яЁё]")
    cut = []
    for m, s, e, f in zip(ev["message_id"], ev["start"], ev["end"], ev["feature"], strict=True):
        t, s, e = text[m], int(s), int(e)
        if (0 < s < len(t) and letter.match(t[s - 1]) and letter.match(t[s])) or (
            0 < e < len(t) and letter.match(t[e - 1]) and letter.match(t[e])
        ):
            cut.append((f, m, t[max(0, s - 5) : e + 5]))
    assert not cut, cut[:5]
