"""Idle handling: gentle check-in (APL-11) vs blunt close (ANTI-04) after a customer silence.

Lexical markers (``cxanalysis/lexicons/data/idle/<lang>.yml``, en/zh/ja/ru): ``idle_checkin``
("are you still there?", "you must be busy", 您还在吗, まだご覧になっていますか, вы ещё здесь?)
and ``idle_blunt_close`` ("no response received, this chat is closed").

Computed from timing (any language; chat channels only, where a live silence means something):

* ``idle_after_silence`` — 1 on an agent message that reacts to a customer silence: the
  conversation was quiet for at least ``silence_s`` seconds before it, and either the agent
  had written last (the customer left the agent waiting) or the message itself is a check-in
  or a close (the agent treats the pause as the customer's silence, e.g. after "hang on").
  A slow agent reply to a customer's question is latency, not silence. NA when the message
  or the one before it has no timestamp; 0 on other channels and on customer messages.
* ``idle_checkin_after_silence`` / ``idle_close_after_silence`` — the check-in / blunt-close
  hits in those messages: the pair a playbook compares (APL-11 met vs ANTI-04).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import conversation_order
from ._lexical import LexiconFamily, evidence_frame

DERIVED = ("idle_after_silence", "idle_checkin_after_silence", "idle_close_after_silence")


class Idle(LexiconFamily):
    """The ``idle`` family: lexical markers plus the silence-aware columns.

    Parameters
    ----------
    silence_s:
        A pause at least this long before an agent message counts as a customer silence.
    channels:
        Channels where silences are judged (default: ``chat``).
    """

    family_name = "idle"

    def __init__(self, family=None, lexicons=None, silence_s: float = 180.0, channels: tuple[str, ...] = ("chat",)):
        super().__init__(family=family, lexicons=lexicons)
        self.silence_s = silence_s
        self.channels = channels

    def _derived_columns(self) -> tuple[str, ...]:
        return DERIVED

    def _derive(self, X, out, evidence):
        n = len(X)
        after = np.zeros(n, dtype=np.int64)
        unknown = np.zeros(n, dtype=bool)
        checkin = out["idle_checkin"].fillna(0).to_numpy(dtype=np.int64) if "idle_checkin" in out else np.zeros(n, dtype=np.int64)
        close = (
            out["idle_blunt_close"].fillna(0).to_numpy(dtype=np.int64)
            if "idle_blunt_close" in out
            else np.zeros(n, dtype=np.int64)
        )
        if n and "timestamp" in X.columns and "conversation_id" in X.columns:
            order = conversation_order(X)
            conv = X["conversation_id"].astype(object).to_numpy()[order]
            role = X["role"].astype("string").fillna("").to_numpy(dtype=object)[order]
            channel = (
                X["channel"].astype("string").fillna("").to_numpy(dtype=object)[order]
                if "channel" in X.columns
                else np.full(n, "chat", dtype=object)
            )
            ts = pd.to_datetime(X["timestamp"], utc=True).to_numpy(dtype="datetime64[us]")[order]
            secs = (ts - np.datetime64(0, "us")).astype("float64") / 1e6
            secs[np.isnat(ts)] = np.nan
            same = np.r_[False, conv[1:] == conv[:-1]]
            gap = np.full(n, np.nan)
            gap[1:] = secs[1:] - secs[:-1]
            prev_agent = np.r_[False, role[:-1] == "agent"]
            judged = (role == "agent") & same & np.isin(channel, list(self.channels))
            reacts = prev_agent | (checkin[order] > 0) | (close[order] > 0)
            with np.errstate(invalid="ignore"):
                a = judged & (gap >= self.silence_s) & reacts
            after[order] = a.astype(np.int64)
            unknown[order] = judged & np.isnan(gap)
        out["idle_after_silence"] = pd.arrays.IntegerArray(after, unknown.copy())
        out["idle_checkin_after_silence"] = pd.arrays.IntegerArray(checkin * after, unknown.copy())
        out["idle_close_after_silence"] = pd.arrays.IntegerArray(close * after, unknown.copy())
        rows = np.flatnonzero(after)
        if len(rows):
            ids = X["message_id"].astype("string").to_numpy(dtype=object)
            na = [pd.NA] * len(rows)
            extra = evidence_frame(
                ids[rows],
                ["idle_after_silence"] * len(rows),
                na,
                na,
                na,
                [f"written after a silence of at least {self.silence_s:g} s"] * len(rows),
            )
            evidence = pd.concat([evidence, extra], ignore_index=True) if len(evidence) else extra
        return out, evidence
