"""Proactive information (APL-08, APL-09, TEC-05): agent text that volunteers information or
next steps the customer did not ask for.

Lexical markers (``cxanalysis/lexicons/data/proactive/<lang>.yml``): ``framing`` ("please
note", "also", 另外, なお, также), ``next_steps``, ``points`` (structured lists) and topic
markers ``topic_*`` (tracking, receipts, returns, warranty, account security) that count in
both roles. ``proactive_info`` is computed per agent message as its framing + next_steps +
points hits, plus its topic hits on topics that no *earlier* customer message of the same
conversation raised. Its evidence rows repeat those hits with the reason in ``detail``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lexical import LexiconFamily, covered_mask

#: lexicon markers that count towards proactive_info in every agent message
LEXICAL_INFO_MARKERS = ("proactive_framing", "proactive_next_steps", "proactive_points")
_ALWAYS = LEXICAL_INFO_MARKERS
_TOPIC = "proactive_topic_"


class Proactive(LexiconFamily):
    """The ``proactive`` family (lexical markers plus the computed ``proactive_info``)."""

    family_name = "proactive"

    def _derived_columns(self) -> tuple[str, ...]:
        return ("proactive_info",)

    def _derive(self, X, out, evidence):
        n = len(X)
        info = np.zeros(n, dtype=np.int64)
        extra = evidence.iloc[0:0]
        if len(evidence):
            pos = pd.Series(np.arange(n), index=X["message_id"].astype("string").to_numpy())
            ev = evidence.copy()
            ev["_row"] = pos.reindex(ev["message_id"].to_numpy()).to_numpy()
            roles = X["role"].astype("string").fillna("").to_numpy(dtype=object)
            conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
            order = X["turn"].to_numpy(dtype="float64", na_value=np.nan) if "turn" in X.columns else np.arange(n, dtype="float64")
            ev["_role"] = roles[ev["_row"]]
            ev["_conv"] = conv[ev["_row"]]
            ev["_order"] = order[ev["_row"]]
            is_topic = ev["feature"].str.startswith(_TOPIC).fillna(False).to_numpy(dtype=bool)
            agent = (ev["_role"] == "agent").to_numpy()
            always = agent & ev["feature"].isin(_ALWAYS).to_numpy(dtype=bool)
            # first turn at which the customer raised each topic
            cust = ev[is_topic & (ev["_role"] == "customer").to_numpy()]
            first = cust.groupby(["_conv", "feature"], sort=False)["_order"].min()
            agent_topic = ev[is_topic & agent]
            raised = pd.MultiIndex.from_arrays([agent_topic["_conv"], agent_topic["feature"]])
            first_turn = first.reindex(raised).to_numpy()
            unasked = ~(first_turn < agent_topic["_order"].to_numpy())
            keep_topic = agent_topic.index[unasked]
            chosen = ev.loc[ev.index[always].append(keep_topic)].sort_index()
            np.add.at(info, chosen["_row"].to_numpy(dtype=np.int64), 1)
            extra = chosen[list(evidence.columns)].copy()
            detail = np.where(
                chosen["feature"].str.startswith(_TOPIC).fillna(False).to_numpy(dtype=bool),
                "topic " + chosen["feature"].str.removeprefix(_TOPIC) + " not raised earlier by the customer",
                "volunteered: " + chosen["feature"],
            )
            extra["detail"] = pd.array(detail, dtype="string")
            extra["feature"] = pd.array(["proactive_info"] * len(extra), dtype="string")
        agent_rows = (X["role"].astype("string") == "agent").fillna(False).to_numpy(dtype=bool)
        info[~agent_rows] = 0
        out["proactive_info"] = pd.arrays.IntegerArray(info, ~covered_mask(X))
        if len(extra):
            evidence = pd.concat([evidence, extra], ignore_index=True)
        return out, evidence
