"""cx.drivers: the outcome model (given outcome and the documented proxy)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.drivers import proxy_units
from cxanalysis.errors import SchemaError


def synthetic_feats(n=240, seed=0):
    """Conversations where empathy raises the chance of a satisfied outcome, and a noise marker does not."""
    rng = np.random.default_rng(seed)
    empathy = rng.integers(0, 2, n)
    noise = rng.integers(0, 2, n)
    satisfied = (rng.random(n) < np.where(empathy == 1, 0.8, 0.2)).astype(int)
    conv = pd.DataFrame(
        {
            "conversation_id": [f"c{i}" for i in range(n)],
            "warmth_empathy": pd.array(empathy, dtype="Int64"),
            "tone_playful": pd.array(noise, dtype="Int64"),
            "csat": np.where(satisfied == 1, 5, 2),
        }
    )
    return type("F", (), {"conversations": conv, "messages": conv})(), satisfied


def test_given_outcome_finds_the_planted_driver_and_beats_the_shuffled_baseline():
    feats, _ = synthetic_feats()
    d = cx.drivers(feats, outcome="csat")
    assert d.outcome == "csat (4-5 = satisfied)"
    assert d.auc > 0.7 and abs(d.baseline_auc - 0.5) < 0.1
    e = d.effects.set_index("feature")
    assert e.loc["warmth_empathy", "ci_low"] > 0  # the planted association, with an interval above 0
    assert e.loc["tone_playful", "ci_low"] < 0 < e.loc["tone_playful", "ci_high"]  # noise: the interval spans 0


def test_outcome_as_series_and_bad_outcomes():
    feats, sat = synthetic_feats()
    y = pd.Series(sat.astype(bool), index=feats.conversations["conversation_id"], name="resolved")
    assert cx.drivers(feats, outcome=y).outcome == "resolved"
    with pytest.raises(SchemaError, match="not in feats.conversations"):
        cx.drivers(feats, outcome="nps")
    with pytest.raises(SchemaError, match="numbers or booleans"):
        cx.drivers(feats, outcome=pd.Series(["good"] * 240, index=feats.conversations["conversation_id"]))


def test_proxy_units_use_only_agent_messages_before_the_customers_reaction():
    rows = [
        ("c1", "customer", "my order is late, this is terrible", "en"),
        ("c1", "agent", "I'm so sorry, that sounds frustrating. It ships today.", "en"),
        ("c1", "customer", "great, thanks a lot!", "en"),
        ("c1", "agent", "Have a lovely day!", "en"),  # after the reaction: must not count
        ("c2", "customer", "still broken", "en"),
        ("c2", "agent", "Please restart the app.", "en"),
        ("c2", "customer", "this is useless, still not working", "en"),
    ]
    df = pd.DataFrame(rows, columns=["conversation_id", "role", "text", "lang"])
    df["message_id"] = [f"m{i}" for i in range(len(df))]
    df["turn"] = df.groupby("conversation_id").cumcount()
    X, y, groups = proxy_units(cx.featurize(df))
    assert y.tolist() == [1, 0] and groups.tolist() == ["c1", "c2"]
    assert X.loc[0, "warmth_empathy"] == 1 and X.loc[1, "warmth_empathy"] == 0
    assert X.loc[0, "warmth_care"] == 0  # "have a lovely day" came after the customer's reaction
    assert not any(c.startswith("sentiment_") for c in X.columns)  # the label's family is excluded


def test_drivers_runs_on_the_samples_with_a_proxy(sample_features):
    d = cx.drivers(sample_features)
    assert d.n_units >= 10 and 0 <= d.auc <= 1 and 0 <= d.baseline_auc <= 1
    assert d.outcome.startswith("proxy:") and "associations, not causes" in repr(d)
    assert not d.effects["feature"].str.startswith("sentiment_").any()
