from __future__ import annotations

import warnings

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.roles import resolve_roles


@pytest.mark.parametrize(
    "label, role",
    [
        ("Agent", "agent"),
        ("CUSTOMER", "customer"),
        ("客服", "agent"),
        ("顾客", "customer"),
        ("オペレーター", "agent"),
        ("お客様", "customer"),
        ("Оператор", "agent"),
        ("Клиент", "customer"),
        ("bot", "bot"),
        ("note", "system"),
        ("end-user", "customer"),
        ("admin", "agent"),
    ],
)
def test_roles_alias_table_covers_four_languages(label, role):
    out = resolve_roles(pd.Series([label]), pd.Series(["x"]))
    assert out.tolist() == [role]


def test_roles_unmapped_label_becomes_unknown_with_warning():
    with pytest.warns(cx.RoleWarning, match="'manager on duty'"):
        out = resolve_roles(pd.Series(["manager on duty", "agent"]), pd.Series(["a", "b"]))
    assert out.tolist() == ["unknown", "agent"]


def test_roles_option_forms():
    speakers = pd.Series(["Lei", "Zoe", "care@shop.example", "zoe@mail.example"])
    assert resolve_roles(None, speakers[:2], ["Lei"]).tolist() == ["agent", "customer"]
    assert resolve_roles(pd.Series(["VIP", "staff"]), speakers[:2], {"VIP": "customer"}).tolist() == ["customer", "agent"]
    rules = {"agent_domains": ["shop.example"]}
    assert resolve_roles(None, speakers[2:], rules).tolist() == ["agent", "customer"]
    with pytest.raises(cx.ConfigError, match="valid roles"):
        resolve_roles(None, speakers, {"Lei": "boss"})


def test_roles_no_labels_and_no_rules_is_unknown():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = resolve_roles(None, pd.Series(["Lei"]))
    assert out.tolist() == ["unknown"]
    assert any(issubclass(w.category, cx.RoleWarning) for w in caught)
