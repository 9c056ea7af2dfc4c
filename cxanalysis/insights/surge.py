"""A surge day in numbers (CRI-05): volume per hour, backlog, first reply under load, refunds, languages.

All functions take the canonical frame (and, where markers are needed, :class:`cxanalysis.Features`)
and return new frames; nothing is mutated. Times are shown in the time zone ``tz`` (the frame
itself is UTC).

*Waiting*: a customer waits from their first message after an agent message (or from the start
of the conversation) until the next agent message. Bot and system messages are not replies: a
backlog is what people still have to answer. Customer messages after the last agent reply are
taken as a closing ("thanks, that's all") and open no wait; a conversation that never got an
agent reply waits to the end of the data. The *backlog* at a moment is the number of
conversations waiting at that moment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import SchemaError

REPLY_ROLES = ("agent",)


def _check(df: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SchemaError(f"{what}: the frame has no column(s) {missing}; it needs {list(columns)}")


def _local(ts: pd.Series, tz: str | None) -> pd.Series:
    return ts.dt.tz_convert(tz) if tz else ts


def surge_day(df: pd.DataFrame, day: str | None = None, tz: str = "UTC") -> tuple[pd.DataFrame, str]:
    """The conversations that start on one local day, and that day.

    Parameters
    ----------
    df
        The canonical frame.
    day
        ``"YYYY-MM-DD"`` in ``tz``; ``None`` picks the day with the most messages.
    tz
        The time zone the day is counted in (the support team's).

    Returns
    -------
    (frame, day)
        Every message of the conversations whose first timed message falls on ``day``.
    """
    _check(df, ("conversation_id", "timestamp"), "surge_day()")
    timed = df[df["timestamp"].notna()]
    if timed.empty:
        raise SchemaError("surge_day(): no message has a timestamp; a surge needs times")
    dates = _local(timed["timestamp"], tz).dt.strftime("%Y-%m-%d")
    if day is None:
        counts = dates.value_counts()
        day = str(counts.index[counts.to_numpy() == counts.max()].min())
    start = dates.groupby(timed["conversation_id"]).min()
    keep = start.index[start == day]
    if len(keep) == 0:
        raise SchemaError(f"surge_day(): no conversation starts on {day} ({tz}); days with messages: {sorted(set(dates))}")
    return df[df["conversation_id"].isin(keep)].copy(), day


def messages_per_hour(df: pd.DataFrame, tz: str | None = None, freq: str = "h") -> pd.DataFrame:
    """Messages per hour (or ``freq``) by role: columns ``customer``, ``agent``, ``other``, ``total``.

    Every hour between the first and the last message is present (zeros included); the index is
    the start of the hour in ``tz``. Untimed messages are left out.
    """
    _check(df, ("timestamp", "role"), "messages_per_hour()")
    timed = df[df["timestamp"].notna()]
    hour = _local(timed["timestamp"], tz).dt.floor(freq)
    role = timed["role"].astype(str).where(timed["role"].astype(str).isin(["customer", "agent"]), "other")
    table = pd.crosstab(hour, role).reindex(columns=["customer", "agent", "other"], fill_value=0)
    if len(table):
        full = pd.date_range(table.index.min(), table.index.max(), freq=freq, name="hour")
        table = table.reindex(full, fill_value=0)
    table.index.name = "hour"
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table.astype("int64")


def waiting_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """When each customer waited for an agent: ``conversation_id, start, end, answered``.

    One row per run of customer messages that waits for a reply; ``end`` is the next agent
    message (NaT when the conversation never got one). Runs after the last agent reply are
    closings and left out (see the module docstring).
    """
    _check(df, ("conversation_id", "turn", "timestamp", "role"), "waiting_intervals()")
    role = df["role"].astype(str)
    d = df.loc[role.isin(("customer", *REPLY_ROLES)) & df["timestamp"].notna(), ["conversation_id", "turn", "timestamp"]].copy()
    d["is_customer"] = role.loc[d.index] == "customer"
    d = d.sort_values(["conversation_id", "timestamp", "turn"], kind="stable")
    conv = d["conversation_id"].to_numpy()
    cust = d["is_customer"].to_numpy()
    new_conv = np.r_[True, conv[1:] != conv[:-1]]
    new_block = new_conv | np.r_[True, cust[1:] != cust[:-1]]
    block = np.cumsum(new_block)
    d["block"] = block
    firsts = d[new_block]
    nxt_same_conv = np.r_[firsts["conversation_id"].to_numpy()[1:] == firsts["conversation_id"].to_numpy()[:-1], False]
    nxt_start = firsts["timestamp"].shift(-1)
    out = firsts.loc[firsts["is_customer"], ["conversation_id", "timestamp"]].rename(columns={"timestamp": "start"})
    out["end"] = nxt_start[firsts["is_customer"]].where(nxt_same_conv[firsts["is_customer"].to_numpy()])
    out["answered"] = out["end"].notna()
    ever_answered = out.groupby("conversation_id")["answered"].transform("any")
    out = out[out["answered"] | ~ever_answered]
    return out.reset_index(drop=True)


def backlog_at(intervals: pd.DataFrame, times) -> pd.Series:
    """Number of conversations waiting at each of ``times`` (start <= t < end; no end = still waiting)."""
    t = pd.DatetimeIndex(times)
    if t.tz is None and len(intervals) and intervals["start"].dt.tz is not None:
        t = t.tz_localize("UTC")
    starts = np.sort(intervals["start"].to_numpy(dtype="datetime64[ns]"))
    ends = np.sort(intervals["end"].dropna().to_numpy(dtype="datetime64[ns]"))
    tv = (
        t.tz_convert("UTC").tz_localize(None).to_numpy(dtype="datetime64[ns]")
        if t.tz is not None
        else t.to_numpy("datetime64[ns]")
    )
    waiting = np.searchsorted(starts, tv, side="right") - np.searchsorted(ends, tv, side="right")
    return pd.Series(waiting.astype("int64"), index=t, name="backlog")


def backlog(df: pd.DataFrame, tz: str | None = None, freq: str = "h") -> pd.Series:
    """Conversations waiting for an agent at the start of every hour (``freq``) and at the last message.

    The index runs from the first hour mark at or after the first message to the last message,
    in ``tz``.
    """
    iv = waiting_intervals(df)
    timed = df["timestamp"].dropna()
    if timed.empty:
        return pd.Series([], dtype="int64", name="backlog")
    first, last = _local(timed, tz).min(), _local(timed, tz).max()
    grid = pd.date_range(first.ceil(freq), last.floor(freq), freq=freq)
    grid = grid.append(pd.DatetimeIndex([last])).unique()
    out = backlog_at(iv, grid)
    out.index.name = "time"
    return out


def first_replies(df: pd.DataFrame, feats=None, tz: str | None = None) -> pd.DataFrame:
    """First reply per conversation with the load at the time the customer wrote.

    Columns: ``conversation_id, lang, channel, arrived`` (first customer message, in ``tz``),
    ``first_reply_min`` (minutes to the first agent reply; NA if none) and ``backlog_on_arrival``
    (other conversations already waiting then). With ``feats``, the first reply time is the
    package's ``latency_first_reply_s`` (which skips other people's posts in social threads).
    """
    iv = waiting_intervals(df)
    first = iv.groupby("conversation_id", sort=False).first()
    waiting = backlog_at(iv, first["start"])
    conv_info = df.groupby("conversation_id", sort=False)[["lang", "channel"]].first()
    out = pd.DataFrame(
        {
            "conversation_id": first.index,
            "arrived": _local(first["start"], tz).reset_index(drop=True),
            "backlog_on_arrival": waiting.to_numpy() - 1,  # the conversation itself starts waiting then
        }
    )
    if feats is not None:
        lat = feats.conversations.set_index("conversation_id")["latency_first_reply_s"]
        out["first_reply_min"] = (out["conversation_id"].map(lat).astype("Float64") / 60).round(1)
    else:
        secs = (first["end"] - first["start"]).dt.total_seconds()
        out["first_reply_min"] = (secs.reset_index(drop=True).astype("Float64") / 60).round(1)
    out = out.join(conv_info, on="conversation_id")
    out["channel"] = out["channel"].astype(str)
    return out[["conversation_id", "lang", "channel", "arrived", "first_reply_min", "backlog_on_arrival"]].sort_values(
        "arrived", ignore_index=True
    )


def refunds_processed(df: pd.DataFrame, feats, tz: str | None = None, freq: str = "h") -> pd.DataFrame:
    """Conversations in which an agent confirmed a refund, per hour: ``refunds`` and ``cumulative``.

    A refund counts once per conversation, in the hour of the first agent message with a
    ``resolution_refund`` marker (its evidence names the words).
    """
    m = feats.messages
    _check(m, ("message_id", "conversation_id", "role", "resolution_refund"), "refunds_processed()")
    hits = m[(m["role"].astype(str) == "agent") & (m["resolution_refund"] > 0)][["message_id", "conversation_id"]]
    ts = df.set_index("message_id")["timestamp"]
    hits = hits.assign(timestamp=hits["message_id"].map(ts)).dropna(subset=["timestamp"])
    firsts = hits.sort_values("timestamp").drop_duplicates("conversation_id")
    hours = messages_per_hour(df, tz=tz, freq=freq).index
    counts = _local(firsts["timestamp"], tz).dt.floor(freq).value_counts()
    out = pd.DataFrame({"refunds": counts.reindex(hours, fill_value=0).astype("int64")}, index=hours)
    out["cumulative"] = out["refunds"].cumsum()
    return out


def languages_served(df: pd.DataFrame) -> pd.DataFrame:
    """Per language: ``conversations``, customer and agent ``messages``, ``agents`` (distinct) and ``answered`` share.

    The language of a conversation is that of its first customer message (else its first message).
    """
    _check(df, ("conversation_id", "role", "lang", "agent"), "languages_served()")
    role = df["role"].astype(str)
    first_cust = df[role == "customer"].groupby("conversation_id")["lang"].first()
    lang = df.groupby("conversation_id")["lang"].first()
    lang.update(first_cust)
    answered = df[role.isin(REPLY_ROLES)].groupby("conversation_id").size().reindex(lang.index, fill_value=0) > 0
    conv = pd.DataFrame({"lang": lang, "answered": answered})
    by_lang = df.assign(conv_lang=df["conversation_id"].map(lang))
    agents = by_lang[role.isin(REPLY_ROLES) & (by_lang["agent"].fillna("") != "")].groupby("conv_lang")["agent"].nunique()
    out = pd.DataFrame(
        {
            "conversations": conv.groupby("lang").size(),
            "customer_messages": by_lang[role == "customer"].groupby("conv_lang").size(),
            "agent_messages": by_lang[role.isin(REPLY_ROLES)].groupby("conv_lang").size(),
            "agents": agents,
            "answered_share": conv.groupby("lang")["answered"].mean().round(2),
        }
    )
    out = out.fillna(0)
    for c in ("conversations", "customer_messages", "agent_messages", "agents"):
        out[c] = out[c].astype("int64")
    out.index.name = "lang"
    return out.sort_values("conversations", ascending=False, kind="stable")


def surge_summary(df: pd.DataFrame, feats, tz: str | None = None) -> pd.Series:
    """The headline numbers of a surge: what a status update to customers would quote (CRI-05)."""
    per_hour = messages_per_hour(df, tz=tz)
    bl = backlog(df, tz=tz)
    fr = first_replies(df, feats, tz=tz)
    refunds = refunds_processed(df, feats, tz=tz)
    minutes = fr["first_reply_min"].dropna().astype(float)
    return pd.Series(
        {
            "conversations": int(df["conversation_id"].nunique()),
            "messages": int(per_hour["total"].sum()),
            "peak_hour": per_hour["total"].idxmax().strftime("%Y-%m-%d %H:%M") if len(per_hour) else "",
            "peak_messages_per_hour": int(per_hour["total"].max()) if len(per_hour) else 0,
            "max_backlog": int(bl.max()) if len(bl) else 0,
            "median_first_reply_min": float(np.median(minutes)) if len(minutes) else float("nan"),
            "p90_first_reply_min": float(np.percentile(minutes, 90)) if len(minutes) else float("nan"),
            "refunds_processed": int(refunds["refunds"].sum()),
            "languages": int(df["lang"].nunique()),
        },
        name="surge",
    )
