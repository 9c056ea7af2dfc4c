"""Latency (SPO-02, CRI-05; channel norms live in the playbooks): raw seconds, calendar time.

Message columns (``Float64``, seconds):

* ``latency_reply_s`` — on the first agent message after one or more customer messages: the
  time since the *earliest* of those unanswered customer messages (what the customer waited),
  counting only messages by the customer who wrote last before the reply (a social thread
  may start with someone else's old post). NA on every other row.
* ``latency_customer_reply_s`` — the same the other way round: on a customer message, the
  time since the earliest agent message it answers.
* ``latency_gap_s`` — time since the previous message of the conversation, any role.

Conversation columns (:meth:`Latency.aggregate`): ``latency_first_reply_s``,
``latency_mean_reply_s``, ``latency_max_reply_s``, ``latency_customer_wait_s`` (sum of reply
times), ``latency_longest_gap_s`` and ``latency_resolution_s`` (first to last message).
Untimed messages give NA, never 0: a conversation without timestamps has NA latencies.
Business-hours variants (``*_bh_s``) come with a calendar: ``Latency(calendar=...)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import ContextFamily, conversation_order

COLUMNS = ("latency_reply_s", "latency_gap_s", "latency_customer_reply_s")
BH_COLUMNS = ("latency_reply_bh_s", "latency_gap_bh_s", "latency_customer_reply_bh_s")
CONVERSATION_COLUMNS = (
    "latency_first_reply_s",
    "latency_mean_reply_s",
    "latency_max_reply_s",
    "latency_customer_wait_s",
    "latency_longest_gap_s",
    "latency_resolution_s",
)


def _utc(seconds: np.ndarray) -> pd.DatetimeIndex:
    """Epoch seconds back to UTC timestamps (for the business-hours calendar)."""
    return pd.to_datetime(seconds * 1e6, unit="us", utc=True)


def _reply_start(
    secs: np.ndarray, role: np.ndarray, same: np.ndarray, asker: str, replier: str, speaker: np.ndarray | None = None
) -> np.ndarray:
    """For each ``replier`` row that follows one or more ``asker`` rows: the time of the first
    timed ``asker`` row since the previous ``replier`` row (NaN elsewhere). Rows are sorted by
    conversation and turn; ``same`` is False at the first row of each conversation.

    With ``speaker``, only asker rows by the speaker of the segment's *last* asker row count:
    on social media a thread often starts with someone else's post (a stranger's tweet from
    years ago that the customer answered), which is not what the agent kept anyone waiting for.
    """
    n = len(secs)
    is_rep = role == replier
    # a segment ends at each replier row: rows after a replier (or a new conversation) open one
    new = ~same.copy()
    new[1:] |= is_rep[:-1]
    seg = np.cumsum(new) - 1
    is_ask = role == asker
    if speaker is not None:
        who = pd.Series(np.where(is_ask, speaker, None), dtype=object)
        last_who = who.groupby(seg).transform("last").to_numpy(dtype=object)  # last non-null per segment
        is_ask = is_ask & (speaker == last_who)
    ask_t = np.where(is_ask, secs, np.nan)
    first = pd.Series(ask_t).groupby(seg).first().to_numpy()  # first non-NaN per segment
    out = np.full(n, np.nan)
    out[is_rep] = first[seg[is_rep]]
    return out


class Latency(ContextFamily):
    """Reply and gap seconds per message (a scikit-learn transformer; ``fit`` learns nothing).

    Parameters
    ----------
    calendar:
        A :class:`cxanalysis.business_hours.BusinessCalendar` (or its dict form). When given,
        every measure also comes in business seconds, as ``*_bh_s`` columns.

    >>> import pandas as pd
    >>> X = pd.DataFrame({"conversation_id": ["c"] * 3, "turn": [0, 1, 2],
    ...     "role": ["customer", "customer", "agent"],
    ...     "timestamp": pd.to_datetime(["2026-11-02 10:00", "2026-11-02 10:01", "2026-11-02 10:05"], utc=True)})
    >>> Latency().fit_transform(X)["latency_reply_s"].tolist()
    [<NA>, <NA>, 300.0]
    """

    family_name = "latency"

    def __init__(self, calendar=None):
        self.calendar = calendar

    @property
    def columns(self) -> tuple[str, ...]:
        return COLUMNS + (BH_COLUMNS if self.calendar is not None else ())

    def _calendar(self):
        from ..business_hours import BusinessCalendar

        cal = self.calendar
        return BusinessCalendar.from_dict(cal) if isinstance(cal, dict) else cal

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        from ._lexical import empty_evidence

        n = len(X)
        vals = {c: np.full(n, np.nan) for c in self.columns}
        if n and "timestamp" in X.columns:
            order = conversation_order(X)
            conv = X["conversation_id"].astype(object).to_numpy()[order]
            role = X["role"].astype(object).to_numpy()[order]
            ts = pd.to_datetime(X["timestamp"], utc=True).to_numpy(dtype="datetime64[us]")[order]
            secs = (ts - np.datetime64(0, "us")).astype("float64") / 1e6
            secs[np.isnat(ts)] = np.nan
            same = np.r_[False, conv[1:] == conv[:-1]]
            prev = np.full(n, np.nan)
            prev[1:] = secs[:-1]
            prev[~same] = np.nan
            speaker = (
                X["speaker"].astype(object).where(X["speaker"].notna(), "").to_numpy(dtype=object)[order]
                if "speaker" in X.columns
                else None
            )
            starts = {
                "latency_reply_s": _reply_start(secs, role, same, "customer", "agent", speaker),
                "latency_customer_reply_s": _reply_start(secs, role, same, "agent", "customer"),
                "latency_gap_s": prev,
            }
            cal = self._calendar() if self.calendar is not None else None
            for col, start in starts.items():
                v = np.full(n, np.nan)
                v[order] = secs - start
                vals[col] = v
                if cal is not None:
                    ok = ~np.isnan(start) & ~np.isnan(secs)
                    b = np.full(n, np.nan)
                    if ok.any():
                        b_sorted = np.full(n, np.nan)
                        b_sorted[ok] = cal.business_seconds(_utc(start[ok]), _utc(secs[ok]))
                        b[order] = b_sorted
                    vals[col[: -len("_s")] + "_bh_s"] = b
        out = pd.DataFrame({c: pd.array(vals[c], dtype="Float64") for c in self.columns}, index=X.index)
        for c in self.columns:
            out[c] = out[c].mask(out[c].isna() | ~np.isfinite(out[c].astype("float64")), pd.NA)
        return out, empty_evidence()

    @staticmethod
    def aggregate(messages: pd.DataFrame) -> pd.DataFrame:
        """Conversation-level latency columns (NA where nothing was timed).

        Agent side: ``latency_first_reply_s``, ``latency_mean_reply_s``, ``latency_max_reply_s``,
        ``latency_customer_wait_s`` (sum of reply times); customer side:
        ``latency_customer_response_mean_s`` (how long the customer took to answer);
        conversation: ``latency_longest_gap_s``, ``latency_resolution_s`` (first to last
        message). With a calendar, each also as ``*_bh_s`` in business seconds (the business
        resolution time is the sum of the business gaps).
        """
        if "latency_reply_s" not in messages.columns:
            return pd.DataFrame(index=pd.Index([], name="conversation_id"))
        messages = messages.iloc[conversation_order(messages)]
        by = messages["conversation_id"]
        out = pd.DataFrame(index=pd.Index(by.drop_duplicates().to_numpy(), name="conversation_id"))
        for suffix in ("", "_bh"):
            if f"latency_reply{suffix}_s" not in messages.columns:
                continue
            reply = messages[f"latency_reply{suffix}_s"].astype("float64")
            gap = messages[f"latency_gap{suffix}_s"].astype("float64")
            g = reply.groupby(by, sort=False, observed=True)
            out[f"latency_first_reply{suffix}_s"] = g.first()
            out[f"latency_mean_reply{suffix}_s"] = g.mean()
            out[f"latency_max_reply{suffix}_s"] = g.max()
            out[f"latency_customer_wait{suffix}_s"] = g.sum(min_count=1)
            col = f"latency_customer_reply{suffix}_s"
            if col in messages.columns:
                out[f"latency_customer_response_mean{suffix}_s"] = (
                    messages[col].astype("float64").groupby(by, sort=False, observed=True).mean()
                )
            gg = gap.groupby(by, sort=False, observed=True)
            out[f"latency_longest_gap{suffix}_s"] = gg.max()
            if suffix:
                out[f"latency_resolution{suffix}_s"] = gg.sum(min_count=1)
            elif "timestamp" in messages.columns:
                tg = pd.to_datetime(messages["timestamp"], utc=True).groupby(by, sort=False, observed=True)
                out["latency_resolution_s"] = (tg.max() - tg.min()).dt.total_seconds()
            else:
                out["latency_resolution_s"] = np.nan
        return out.astype("Float64")
