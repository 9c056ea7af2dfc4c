"""Mapping source roles and speakers to the canonical roles.

Readers pass the role labels and speaker names they found; :func:`resolve_roles` maps them
through, in this order:

1. the caller's explicit mapping (``roles={"Lei": "agent", "VIP": "customer"}``), matched on
   the role label first, then on the speaker (a role label that means ``system``, such as a
   help desk's internal note, wins over the speaker rules below);
2. the agent list / agent email addresses / agent domains of ``roles=`` (a speaker in it is an
   agent; when that list is given, a speaker not in it and without a role label is a customer);
3. the default alias table :data:`ROLE_ALIASES` (en, zh, ja, ru labels, case-insensitive).

Whatever is still unmapped becomes ``unknown`` with a :class:`~cxanalysis.errors.RoleWarning`
listing the values; it is never rejected.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .errors import ConfigError, RoleWarning
from .schema import ROLES

#: Source role labels (lower-cased) -> canonical role. Languages: en, zh, ja, ru.
ROLE_ALIASES: dict[str, str] = {}
_ALIAS_LISTS = {
    "customer": [
        "customer",
        "client",
        "user",
        "end-user",
        "end_user",
        "enduser",
        "requester",
        "contact",
        "lead",
        "visitor",
        "consumer",
        "guest",
        "buyer",
        "member",
        "inbound",
        "cust",
        "顾客",
        "客户",
        "用户",
        "买家",
        "顧客",
        "お客様",
        "お客さま",
        "客",
        "клиент",
        "покупатель",
        "пользователь",
        "абонент",
    ],
    "agent": [
        "agent",
        "operator",
        "admin",
        "staff",
        "support",
        "rep",
        "representative",
        "advisor",
        "adviser",
        "employee",
        "csr",
        "outbound",
        "specialist",
        "team",
        "teammate",
        "expert",
        "客服",
        "客服人员",
        "人工客服",
        "坐席",
        "オペレーター",
        "担当",
        "担当者",
        "サポート",
        "оператор",
        "агент",
        "специалист",
        "консультант",
        "поддержка",
        "менеджер",
    ],
    "bot": ["bot", "chatbot", "automated", "auto", "virtual agent", "机器人", "智能客服", "ボット", "бот"],
    "system": ["system", "note", "internal", "event", "系统", "システム", "система"],
}
for _role, _names in _ALIAS_LISTS.items():
    for _name in _names:
        ROLE_ALIASES[_name.casefold()] = _role

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")  # starts at a token boundary: linear
_STRUCTURED_KEYS = {"agents", "agent_addresses", "agent_domains", "customers", "map"}


@dataclass(frozen=True)
class RoleRules:
    """Normalised form of the ``roles=`` option."""

    mapping: dict[str, str] = field(default_factory=dict)
    agents: frozenset[str] = frozenset()
    customers: frozenset[str] = frozenset()
    agent_addresses: frozenset[str] = frozenset()
    agent_domains: frozenset[str] = frozenset()

    @property
    def has_agent_list(self) -> bool:
        return bool(self.agents or self.agent_addresses or self.agent_domains)


def _check_role(value: Any, where: str) -> str:
    role = str(value).strip().casefold()
    role = ROLE_ALIASES.get(role, role)
    if role not in ROLES:
        raise ConfigError(f"roles: {where} maps to {value!r}; valid roles: {list(ROLES)}")
    return role


def _names(values: Any, key: str) -> frozenset[str]:
    if values is None:
        return frozenset()
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ConfigError(f"roles: {key!r} must be a list of strings, got {values!r}")
    return frozenset(str(v).strip().casefold() for v in values)


def role_rules(roles: Any = None) -> RoleRules:
    """Normalise the ``roles=`` option.

    ``roles`` may be None, a mapping of role label or speaker to role, a list of agent names,
    or a mapping with the keys ``agents``, ``customers``, ``agent_addresses``,
    ``agent_domains`` and ``map`` (as in the YAML config file).
    """
    if roles is None:
        return RoleRules()
    if isinstance(roles, RoleRules):
        return roles
    if isinstance(roles, Mapping):
        if roles and set(roles) <= _STRUCTURED_KEYS:
            mapping = roles.get("map") or {}
            if not isinstance(mapping, Mapping):
                raise ConfigError(f"roles: 'map' must be a mapping, got {mapping!r}")
            return RoleRules(
                mapping={str(k).strip().casefold(): _check_role(v, repr(k)) for k, v in mapping.items()},
                agents=_names(roles.get("agents"), "agents"),
                customers=_names(roles.get("customers"), "customers"),
                agent_addresses=_names(roles.get("agent_addresses"), "agent_addresses"),
                agent_domains=frozenset(d.lstrip("@") for d in _names(roles.get("agent_domains"), "agent_domains")),
            )
        return RoleRules(mapping={str(k).strip().casefold(): _check_role(v, repr(k)) for k, v in roles.items()})
    if isinstance(roles, str) or not isinstance(roles, Iterable):
        raise ConfigError(
            "roles= must be a mapping of label or speaker to role, a list of agent names, or a "
            f"mapping with keys {sorted(_STRUCTURED_KEYS)}; got {roles!r}"
        )
    return RoleRules(agents=_names(roles, "roles"))


def _speaker_is_agent(speaker: str, rules: RoleRules) -> bool:
    key = speaker.strip().casefold()
    if key in rules.agents:
        return True
    for match in _EMAIL.finditer(key):
        address, domain = match.group(0), match.group(1)
        if address in rules.agent_addresses:
            return True
        if any(domain == d or domain.endswith("." + d) for d in rules.agent_domains):
            return True
    return False


def resolve_roles(
    labels: pd.Series | None,
    speakers: pd.Series,
    roles: Any = None,
    *,
    source: str = "",
) -> pd.Series:
    """Map role labels and speakers to canonical roles (a plain object Series of role names).

    Parameters
    ----------
    labels
        The source's role labels, aligned with ``speakers`` (None when the source has none).
    speakers
        Speaker names or addresses as written.
    roles
        The ``roles=`` option (see :func:`role_rules`).
    source
        Named in the warning about unmapped values.
    """
    rules = role_rules(roles)
    n = len(speakers)
    lab = (
        labels.astype(object).where(labels.notna(), "").astype(str).str.strip().str.casefold()
        if labels is not None
        else pd.Series([""] * n, index=speakers.index)
    )
    spk = speakers.astype(object).where(speakers.notna(), "").astype(str)
    out = np.full(n, None, dtype=object)

    # cache per distinct (label, speaker) pair: sources repeat few values
    pairs = pd.MultiIndex.from_arrays([lab.to_numpy(), spk.to_numpy()])
    codes, uniques = pd.factorize(pairs)
    decided: list[str | None] = []
    for label, speaker in uniques:
        decided.append(_decide(label, speaker, rules))
    decided_arr = np.array(decided, dtype=object)
    out = decided_arr[codes]
    unknown = pd.isna(out) | (out == None)  # noqa: E711 (object array)
    if unknown.any():
        bad = sorted({(lab.iloc[i] or f"speaker {spk.iloc[i]!r}") for i in np.flatnonzero(unknown)[:1000]})
        warnings.warn(
            f"{source + ': ' if source else ''}{int(unknown.sum())} message(s) got role 'unknown': "
            f"unmapped {', '.join(map(repr, bad[:10]))}{' ...' if len(bad) > 10 else ''}. "
            "Pass roles= (a mapping, an agents list, or agent email domains) to map them.",
            RoleWarning,
            stacklevel=3,
        )
        out = np.where(unknown, "unknown", out)
    return pd.Series(out, index=speakers.index, dtype=object)


def _decide(label: str, speaker: str, rules: RoleRules) -> str | None:
    if label and label in rules.mapping:
        return rules.mapping[label]
    if label and ROLE_ALIASES.get(label) == "system":
        return "system"  # an internal note or event stays system even when its author is a listed agent
    spk = speaker.strip().casefold()
    if spk and spk in rules.mapping:
        return rules.mapping[spk]
    if spk and spk in rules.customers:
        return "customer"
    if spk and _speaker_is_agent(speaker, rules):
        return "agent"
    if label:
        return ROLE_ALIASES.get(label)
    if rules.has_agent_list and spk:
        return "customer"
    return None
