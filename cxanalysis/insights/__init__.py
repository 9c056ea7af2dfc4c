"""Analyses over the canonical frame and features that the notebooks tell as stories.

* :mod:`.overview` — load with a config, volumes, latency against channel norms, marker
  rates, evidence in context, agent profiles.
* :mod:`.surge` — a surge day (CRI-05): messages per hour, backlog, first reply under load,
  refunds processed, languages served.
* :mod:`.contact_reasons` — contact reasons from opening messages, FAQ candidates (TEC-08),
  technical / emotional / constructive split (TEC-02).
* :mod:`.plots` — matplotlib figures (``ax=None`` in, the Axes out; titles and labelled axes).
"""

from __future__ import annotations

from . import plots
from .contact_reasons import CONTACT_TYPES, FAQ_MIN, ContactReasons, contact_reasons, contact_types, opening_messages
from .overview import (
    agent_gaps,
    agent_profiles,
    channel_norms,
    closest_exemplar,
    evidence_table,
    features,
    highlight,
    latency_vs_norms,
    load,
    lowest,
    marker_rates,
    read,
    volumes,
)
from .surge import (
    backlog,
    backlog_at,
    first_replies,
    languages_served,
    messages_per_hour,
    refunds_processed,
    surge_day,
    surge_summary,
    waiting_intervals,
)

__all__ = [
    "CONTACT_TYPES",
    "FAQ_MIN",
    "ContactReasons",
    "agent_gaps",
    "agent_profiles",
    "features",
    "read",
    "backlog",
    "channel_norms",
    "closest_exemplar",
    "evidence_table",
    "highlight",
    "latency_vs_norms",
    "load",
    "lowest",
    "marker_rates",
    "plots",
    "volumes",
    "backlog_at",
    "contact_reasons",
    "contact_types",
    "first_replies",
    "languages_served",
    "messages_per_hour",
    "opening_messages",
    "refunds_processed",
    "surge_day",
    "surge_summary",
    "waiting_intervals",
]
