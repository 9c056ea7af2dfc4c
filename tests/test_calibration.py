"""cx.agreement: grades with known agreement (all grades here are invented for the tests)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.errors import SchemaError
from cxanalysis.exemplars import parse_playbook

PB = parse_playbook(
    "exemplar: p\nversion: 1\nbehaviours:\n  XX-01: {met: a > 0}\n  ANTI-01: {weight: 10, shown: bad > 0}\n  XX-02: {met: b > 0}\n"
)


def auto_scores():
    n = 10
    c = pd.DataFrame({"conversation_id": [f"c{i}" for i in range(n)], "n_agent": 1})
    c["a"] = pd.array([1] * 5 + [0] * 5, dtype="Float64")
    c["b"] = pd.array(np.arange(n) % 2, dtype="Float64")
    c["bad"] = pd.array([0] * 8 + [1] * 2, dtype="Float64")
    return cx.score(c, exemplars=[PB])


def test_kappa_per_behaviour_matches_a_hand_computed_table():
    s = auto_scores()
    # auto XX-01: met x5, missed x5. Human agrees on 8: flip c0 (met->missed) and c9 (missed->met)
    human = pd.DataFrame({"conversation_id": [f"c{i}" for i in range(10)], "behaviour": "XX-01",
                          "grade": ["missed", "met", "met", "met", "met", "missed", "missed", "missed", "missed", "yes"]})  # fmt: skip
    b = cx.agreement(s, human).behaviours.set_index("behaviour").loc["XX-01"]
    # po = 0.8, pe = 0.5*0.5 + 0.5*0.5 = 0.5 -> kappa = 0.6
    assert b["n"] == 10 and b["agreement"] == pytest.approx(0.8) and b["kappa"] == pytest.approx(0.6)


def test_perfect_and_chance_agreement_and_na_exclusion():
    s = auto_scores()
    same = pd.DataFrame({"conversation_id": s["conversation_id"], "behaviour": "XX-02", "grade": s["XX-02"]})
    assert cx.agreement(s, same).behaviours["kappa"].iloc[0] == pytest.approx(1.0)
    # anti-pattern words: shown = missed, avoided = met; two n/a grades are left out and counted
    grades = ["avoided"] * 8 + ["shown", "n/a"]
    anti = pd.DataFrame({"conversation_id": s["conversation_id"], "behaviour": "ANTI-01", "grade": grades})
    r = cx.agreement(s, anti).behaviours.iloc[0]
    assert r["n"] == 9 and r["n_excluded_na"] == 1 and r["kappa"] == pytest.approx(1.0)
    opposite = pd.DataFrame(
        {
            "conversation_id": s["conversation_id"],
            "behaviour": "XX-02",
            "grade": s["XX-02"].map({"met": "missed", "missed": "met"}),
        }
    )
    assert cx.agreement(s, opposite).behaviours["kappa"].iloc[0] == pytest.approx(-1.0)


def test_correlation_per_exemplar():
    s = auto_scores()
    auto = s.set_index("conversation_id")["score"]
    shifted = pd.DataFrame({"conversation_id": auto.index, "exemplar": "p", "grade": auto.to_numpy() + 7})
    e = cx.agreement(s, shifted).exemplars.iloc[0]
    assert e["pearson"] == pytest.approx(1.0) and e["spearman"] == pytest.approx(1.0) and e["mean_abs_diff"] == pytest.approx(7)
    reversed_ = shifted.assign(grade=100 - auto.to_numpy())
    assert cx.agreement(s, reversed_).exemplars["pearson"].iloc[0] == pytest.approx(-1.0)


def test_bad_grades_are_named():
    s = auto_scores()
    with pytest.raises(SchemaError, match="grade 'maybe' for XX-01"):
        cx.agreement(s, pd.DataFrame({"conversation_id": ["c0"], "behaviour": ["XX-01"], "grade": ["maybe"]}))
    with pytest.raises(SchemaError, match="not in the scores"):
        cx.agreement(s, pd.DataFrame({"conversation_id": ["zz"], "behaviour": ["XX-01"], "grade": ["met"]}))
    with pytest.raises(SchemaError, match="need columns"):
        cx.agreement(s, pd.DataFrame({"conversation_id": ["c0"], "grade": ["met"]}))


def test_agreement_reads_each_exemplar_from_a_table_with_several():
    # scores of two exemplars in one table: each graded exemplar is compared with its own rows
    pb2 = parse_playbook(
        "exemplar: q\nversion: 1\nbehaviours:\n  YY-01: {met: b > 0}\n  YY-02: {met: a > 0}\n  YY-03: {met: bad > 0}\n"
    )
    n = 10
    c = pd.DataFrame({"conversation_id": [f"c{i}" for i in range(n)], "n_agent": 1})
    c["a"] = pd.array([1] * 5 + [0] * 5, dtype="Float64")
    c["b"] = pd.array(np.arange(n) % 2, dtype="Float64")
    c["bad"] = pd.array([0] * 8 + [1] * 2, dtype="Float64")
    s = cx.score(c, exemplars=[PB, pb2])
    q = s[s["exemplar"] == "q"]
    human = pd.concat(
        [
            pd.DataFrame({"conversation_id": q["conversation_id"], "exemplar": "q", "grade": q["score"]}),
            pd.DataFrame({"conversation_id": q["conversation_id"], "behaviour": "YY-01", "grade": q["YY-01"]}),
        ]
    )
    a = cx.agreement(s, human)
    ex = a.exemplars.set_index("exemplar").loc["q"]
    assert ex["n"] == n and ex["mean_abs_diff"] == pytest.approx(0.0) and ex["pearson"] == pytest.approx(1.0)
    assert a.behaviours.set_index("behaviour").loc["YY-01", "kappa"] == pytest.approx(1.0)
