"""From a reader's raw frame to the canonical frame: the steps every reader shares.

A reader produces a *raw frame*: canonical column names where it has them (any subset),
``meta.*`` columns, ``source`` (``file:line`` / ``file#record``) and ``_rawref`` (an int the
reader's ``raw`` callable turns back into the record's raw text, for the rejects table). Then
:func:`finalize` validates rows (rejects go to the rejects table with a reason), fills ids,
roles, agents, channels and languages, orders turns and sets the dtypes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .._time import parse_timestamps
from ..errors import ParseError
from ..roles import resolve_roles
from ..schema import (
    CHANNELS,
    COLUMNS,
    TEXT_COLUMNS,
    TEXT_DTYPE,
    TIMESTAMP_DTYPE,
    UNDETERMINED,
    category_dtype,
    empty_frame,
    meta_columns,
)
from ..text import detect_languages, normalize_lang

REJECT_COLUMNS = ("source", "reason", "raw")

#: Source channel labels -> canonical channel.
CHANNEL_ALIASES: dict[str, str] = {
    **{c: c for c in CHANNELS},
    "web": "chat",
    "webchat": "chat",
    "livechat": "chat",
    "live_chat": "chat",
    "messenger": "chat",
    "whatsapp": "chat",
    "wechat": "chat",
    "line": "chat",
    "telegram": "chat",
    "in-app": "chat",
    "mail": "email",
    "e-mail": "email",
    "twitter": "social",
    "x": "social",
    "facebook": "social",
    "instagram": "social",
    "weibo": "social",
    "vk": "social",
    "text": "sms",
    "phone": "voice",
    "call": "voice",
    "api": "other",
    "web_form": "other",
    "form": "other",
}

_INTEGRAL_FLOAT = re.compile(r"^(-?\d+)\.0*$")


@dataclass
class RawResult:
    """What a reader hands to :func:`finalize`."""

    frame: pd.DataFrame
    raw: Callable[[int], str]
    rejects: list[tuple[str, str, str]] = field(default_factory=list)


def canonical_id(values: pd.Series) -> pd.Series:
    """Ids as canonical strings: stripped, ``3.0`` → ``"3"``, empty → missing."""
    s = values.astype(object).where(values.notna(), None)
    s = s.map(canonical_id_one, na_action="ignore")
    return s.where(s.notna() & (s != ""), None)


def canonical_id_one(value: Any) -> str:
    """One id as a canonical string (``3.0`` → ``"3"``; ``""`` for NaN)."""
    if isinstance(value, float):
        if np.isnan(value):
            return ""
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    text = str(value).strip()
    m = _INTEGRAL_FLOAT.match(text)
    return m.group(1) if m else text


def _as_text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str)


def rejects_frame(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The rejects table: ``source, reason, raw`` (all text)."""
    df = pd.DataFrame(rows, columns=list(REJECT_COLUMNS)) if rows else pd.DataFrame(columns=list(REJECT_COLUMNS))
    return df.astype(TEXT_DTYPE)


def finalize(
    result: RawResult,
    *,
    tz: str | None = None,
    channel: str | None = None,
    default_channel: str = "other",
    lang: str | None = None,
    roles: Any = None,
    timestamp_format: str | None = None,
    default_date: str | None = None,
    name: str = "",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Turn a reader's raw frame into the canonical frame plus rejects."""
    raw = result.frame.reset_index(drop=True)
    rejects = list(result.rejects)
    n = len(raw)
    reason = np.full(n, None, dtype=object)

    def flag(mask: np.ndarray | pd.Series, why: Callable[[int], str]) -> None:
        mask = np.asarray(mask, dtype=bool) & pd.isna(reason)
        for i in np.flatnonzero(mask):
            reason[i] = why(int(i))

    if "text" not in raw.columns:
        raw["text"] = ""
    text = _as_text(raw["text"])

    if "conversation_id" not in raw.columns:
        raise ParseError("no conversation id column", name)
    conv = canonical_id(raw["conversation_id"])
    flag(conv.isna(), lambda i: "empty conversation_id")

    if "timestamp" in raw.columns:
        ts, bad = parse_timestamps(raw["timestamp"], tz=tz, fmt=timestamp_format, default_date=default_date)
        ts_raw = raw["timestamp"]
        flag(bad, lambda i: f"unparseable timestamp {str(ts_raw.iloc[i])[:80]!r}")
    else:
        ts = pd.Series(pd.NaT, index=raw.index, dtype=TIMESTAMP_DTYPE)

    # message ids: the source's, else <conversation_id>:<n> in source order within the conversation
    mid = canonical_id(raw["message_id"]) if "message_id" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    missing = mid.isna()
    if missing.any():
        nth = conv.fillna("").groupby(conv.fillna(""), sort=False).cumcount()
        mid = mid.where(~missing, conv.fillna("") + ":" + nth.astype(str))
    sources = _as_text(raw["source"]) if "source" in raw.columns else pd.Series(name or "<buffer>", index=raw.index)
    alive = pd.isna(reason)
    dup = mid.where(alive).duplicated(keep="first") & alive
    if dup.any():
        first_src = pd.Series(sources.to_numpy(), index=mid.to_numpy())
        first_src = first_src[~first_src.index.duplicated()]
        flag(dup, lambda i: f"duplicate message_id {mid.iloc[i]!r} (first at {first_src[mid.iloc[i]]})")

    bad_rows = np.flatnonzero(~pd.isna(reason))
    rawref = raw["_rawref"] if "_rawref" in raw.columns else pd.Series(np.arange(n))
    for i in bad_rows:
        rejects.append((sources.iloc[i], str(reason[i]), result.raw(int(rawref.iloc[i]))))
    keep = pd.isna(reason)
    if not keep.any():
        return empty_frame(), rejects_frame(rejects)

    raw = raw[keep].reset_index(drop=True)
    conv, mid, text, ts, sources = (s[keep].reset_index(drop=True) for s in (conv, mid, text, ts, sources))
    out = pd.DataFrame({"conversation_id": conv, "message_id": mid, "timestamp": ts})

    speaker = _as_text(raw["speaker"]) if "speaker" in raw.columns else pd.Series("", index=raw.index)
    labels = raw["role"] if "role" in raw.columns else None
    role = resolve_roles(labels, speaker, roles, source=name)
    out["role"] = role
    out["speaker"] = speaker.str.strip()
    agent_src = _as_text(raw["agent"]).str.strip() if "agent" in raw.columns else pd.Series("", index=raw.index)
    out["agent"] = np.where(role == "agent", np.where(agent_src != "", agent_src, out["speaker"]), "")
    out["text"] = text

    ch_raw = _as_text(raw["channel"]).str.strip().str.casefold() if "channel" in raw.columns else pd.Series("", index=raw.index)
    fallback = CHANNEL_ALIASES.get((channel or default_channel).casefold())
    if fallback is None:
        raise ParseError(f"channel={channel!r} is not a channel; valid: {list(CHANNELS)}", name)
    mapped = ch_raw.map(CHANNEL_ALIASES)
    unmapped = (ch_raw != "") & mapped.isna()
    if unmapped.any():
        out["meta.channel"] = raw["channel"].where(unmapped, None)
    out["channel"] = mapped.where(ch_raw != "", fallback).fillna("other")

    src_lang = raw["lang"].map(normalize_lang) if "lang" in raw.columns else pd.Series(None, index=raw.index, dtype=object)
    lang_source = pd.Series(np.where(src_lang.notna(), "source", ""), index=raw.index, dtype=object)
    caller = normalize_lang(lang) if lang not in (None, "auto") else None
    if caller:
        fill = src_lang.isna()
        src_lang = src_lang.where(~fill, caller)
        lang_source[fill] = "caller"
    need = src_lang.isna()
    if need.any():
        src_lang[need] = detect_languages(text[need])
        lang_source[need] = "detected"
    out["lang"] = src_lang.fillna(UNDETERMINED)
    out["lang_source"] = lang_source
    out["reply_to"] = canonical_id(raw["reply_to"]) if "reply_to" in raw.columns else None
    out["source"] = sources
    for col in meta_columns(raw):
        out[col] = raw[col]
    out = order_turns(out)
    return to_canonical_dtypes(out), rejects_frame(rejects)


def order_turns(df: pd.DataFrame) -> pd.DataFrame:
    """Assign ``turn`` and order rows: conversations by first appearance, then turn.

    Within a conversation, timed messages are ordered by (timestamp, source position) among
    the positions that timed messages occupy; untimed messages keep their source position.
    """
    n = len(df)
    pos = np.arange(n)
    conv_codes, _ = pd.factorize(df["conversation_id"], sort=False)
    slot = pd.Series(pos).groupby(conv_codes).cumcount().to_numpy()
    turn = slot.copy()
    timed = df["timestamp"].notna().to_numpy()
    if timed.any():
        t_idx = np.flatnonzero(timed)
        by_slot = t_idx[np.lexsort((pos[t_idx], conv_codes[t_idx]))]
        ts_int = (
            df["timestamp"].dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()[t_idx].astype("datetime64[us]").astype(np.int64)
        )
        by_time = t_idx[np.lexsort((pos[t_idx], ts_int, conv_codes[t_idx]))]
        turn[by_time] = slot[by_slot]
    out = df.copy()
    out["turn"] = turn
    order = np.lexsort((turn, conv_codes))
    return out.iloc[order].reset_index(drop=True)


def to_canonical_dtypes(df: pd.DataFrame) -> pd.DataFrame:
    """Cast the canonical columns to their dtypes and put them first, meta after."""
    out = pd.DataFrame(index=df.index)
    for col in COLUMNS:
        s = df[col] if col in df.columns else pd.Series(None, index=df.index, dtype=object)
        if col in TEXT_COLUMNS:
            if col == "reply_to":
                out[col] = s.astype(object).where(s.notna(), None).astype(TEXT_DTYPE)
            else:
                out[col] = s.astype(object).where(s.notna(), "").astype(str).astype(TEXT_DTYPE)
        elif col in ("role", "channel", "lang_source"):
            out[col] = s.astype(category_dtype(col))
        elif col == "turn":
            out[col] = s.astype("int64")
        else:
            out[col] = s.astype(TIMESTAMP_DTYPE)
    for col in meta_columns(df):
        out[col] = df[col]
    return out
