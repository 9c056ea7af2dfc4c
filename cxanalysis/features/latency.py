"""Latency (SPO-02, CRI-05; channel norms live in the playbooks): raw seconds, calendar time.

Message columns (``Float64``, seconds):

* ``latency_reply_s`` — on the first agent message after one or more customer messages: the
  time since the *earliest* of those unanswered customer messages (what the customer waited).
  NA on every other row.
* ``latency_gap_s`` — time since the previous message of the conversation, any role.

Conversation columns (:meth:`Latency.aggregate`): ``latency_first_reply_s``,
``latency_mean_reply_s``, ``latency_max_reply_s``, ``latency_customer_wait_s`` (sum of reply
times), ``latency_longest_gap_s`` and ``latency_resolution_s`` (first to last message).
Untimed messages give NA, never 0: a conversation without timestamps has NA latencies.
Business-hours variants come with the calendar of the dynamics issue.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import ContextFamily, conversation_order

COLUMNS = ("latency_reply_s", "latency_gap_s")
CONVERSATION_COLUMNS = (
    "latency_first_reply_s",
    "latency_mean_reply_s",
    "latency_max_reply_s",
    "latency_customer_wait_s",
    "latency_longest_gap_s",
    "latency_resolution_s",
)


class Latency(ContextFamily):
    """Reply and gap seconds per message (a scikit-learn transformer; ``fit`` learns nothing).

    >>> import pandas as pd
    >>> X = pd.DataFrame({"conversation_id": ["c"] * 3, "turn": [0, 1, 2],
    ...     "role": ["customer", "customer", "agent"],
    ...     "timestamp": pd.to_datetime(["2026-11-02 10:00", "2026-11-02 10:01", "2026-11-02 10:05"], utc=True)})
    >>> Latency().fit_transform(X)["latency_reply_s"].tolist()
    [<NA>, <NA>, 300.0]
    """

    columns = COLUMNS

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        from ._lexical import empty_evidence

        n = len(X)
        reply = np.full(n, np.nan)
        gap = np.full(n, np.nan)
        if n and "timestamp" in X.columns:
            order = conversation_order(X)
            conv = X["conversation_id"].astype(object).to_numpy()[order]
            role = X["role"].astype(object).to_numpy()[order]
            ts = pd.to_datetime(X["timestamp"], utc=True).to_numpy(dtype="datetime64[us]")[order]
            secs = (ts - np.datetime64(0, "us")).astype("float64") / 1e6
            secs[np.isnat(ts)] = np.nan
            same = np.r_[False, conv[1:] == conv[:-1]]
            g = np.full(n, np.nan)
            g[1:] = secs[1:] - secs[:-1]
            g[~same] = np.nan
            # reply time: first agent message after a customer run, from the run's first message
            r = np.full(n, np.nan)
            pending = np.nan  # time of the earliest unanswered customer message
            for i in range(n):  # one pass over the sorted rows; plain floats, no pandas per row
                if not same[i]:
                    pending = np.nan
                if role[i] == "customer":
                    if pending != pending:
                        pending = secs[i] if secs[i] == secs[i] else np.nan
                elif role[i] == "agent":
                    if pending == pending and secs[i] == secs[i]:
                        r[i] = secs[i] - pending
                    pending = np.nan
            reply[order] = r
            gap[order] = g
        out = pd.DataFrame(
            {
                "latency_reply_s": pd.array(reply, dtype="Float64"),
                "latency_gap_s": pd.array(gap, dtype="Float64"),
            },
            index=X.index,
        )
        for c in COLUMNS:
            out[c] = out[c].mask(out[c].isna() | ~np.isfinite(out[c].astype("float64")), pd.NA)
        return out, empty_evidence()

    @staticmethod
    def aggregate(messages: pd.DataFrame) -> pd.DataFrame:
        """Conversation-level latency columns (NA where nothing was timed)."""
        by = messages["conversation_id"]
        reply = messages["latency_reply_s"].astype("float64")
        gap = messages["latency_gap_s"].astype("float64")
        g = reply.groupby(by, sort=False, observed=True)
        out = pd.DataFrame(
            {
                "latency_first_reply_s": g.first(),
                "latency_mean_reply_s": g.mean(),
                "latency_max_reply_s": g.max(),
                "latency_customer_wait_s": g.sum(min_count=1),
                "latency_longest_gap_s": gap.groupby(by, sort=False, observed=True).max(),
            }
        )
        if "timestamp" in messages.columns:
            ts = pd.to_datetime(messages["timestamp"], utc=True)
            tg = ts.groupby(by, sort=False, observed=True)
            out["latency_resolution_s"] = (tg.max() - tg.min()).dt.total_seconds()
        else:
            out["latency_resolution_s"] = np.nan
        return out.astype("Float64")
