"""Timestamp parsing shared by the readers.

Values may be ISO 8601 strings with or without an offset, other common date styles (parsed by
pandas' mixed-format parser, which uses dateutil), Unix epoch numbers (seconds, or
milliseconds when 13 digits), or datetimes. Naive times are taken in the caller's ``tz``
(default UTC). Everything is returned in UTC.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from dateutil import parser as dateutil_parser

from .errors import ConfigError
from .schema import TIMESTAMP_DTYPE

#: a zone at the end: Z/UTC/GMT, +HH:MM / +HHMM, or a short +H / +HH right after a time
_HAS_OFFSET = re.compile(r"(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}|\d:\d{2}(?:\.\d+)?\s?[+-]\d{1,2})$", re.IGNORECASE)
_DAYFIRST = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}")
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?$")
_EPOCH = re.compile(r"^\d{9,13}(?:\.\d+)?$")
_MAX_EPOCH_S = 9.2e9  # seconds after 1970 that datetime64[ns] still holds


def check_tz(tz: str | None) -> str:
    """Validate a time zone name (raises :class:`ConfigError` naming it)."""
    tz = tz or "UTC"
    try:
        pd.Timestamp("2026-01-01").tz_localize(tz)
    except Exception as exc:  # pytz/zoneinfo raise different types
        raise ConfigError(f"unknown time zone tz={tz!r}; use an IANA name such as 'Europe/Moscow'") from exc
    return tz


def _localize(naive: pd.Series, tz: str) -> pd.Series:
    out = naive.dt.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
    return out.dt.tz_convert("UTC")


def parse_timestamps(
    values: pd.Series, tz: str | None = None, fmt: str | None = None, default_date: str | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of timestamps.

    Returns
    -------
    (timestamps, bad)
        ``timestamps``: datetime64[us, UTC] with NaT for empty or bad values; ``bad``: a boolean
        Series, True where a non-empty value could not be parsed (the caller rejects those rows).
        A time without a date (``12:01 PM``) is bad unless ``default_date`` gives the day.
    """
    tz = check_tz(tz)
    index = values.index
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE), pd.Series(False, index=index)
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return _localize(values, tz).astype(TIMESTAMP_DTYPE), pd.Series(False, index=index)
    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        num = pd.to_numeric(values, errors="coerce").astype(float)
        unit_ms = num.abs() >= 1e12
        secs = num.where(~unit_ms, num / 1000.0)
        out = pd.to_datetime(secs, unit="s", utc=True, errors="coerce")
        return out.astype(TIMESTAMP_DTYPE), pd.Series(False, index=index)

    text = values.astype(object).where(values.notna(), "").astype(str).str.strip()
    empty = text.eq("") | text.str.casefold().isin(["nan", "nat", "none", "null"])
    out = pd.Series(pd.NaT, index=index, dtype=TIMESTAMP_DTYPE)
    todo = ~empty
    if fmt:
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce", utc=False)
        return _finish(out, parsed, todo, tz)
    epoch = todo & text.str.match(_EPOCH)
    if epoch.any():
        num = text[epoch].astype(float)
        num = num.where(num < 1e12, num / 1000.0)
        # pandas converts epoch seconds through nanoseconds, which end in 2262: later values are
        # not taken as epoch (they then fail every parser and are flagged bad, not a crash)
        beyond = num.index[num.abs() > _MAX_EPOCH_S]
        epoch[beyond] = False
        num = num.drop(beyond)
        out[epoch] = pd.to_datetime(num, unit="s", utc=True).astype(TIMESTAMP_DTYPE)  # ns -> us (sub-µs digits)
        todo &= ~epoch
    if not todo.any():
        return out, pd.Series(False, index=index)
    iso = pd.to_datetime(text.where(todo, None), format="ISO8601", errors="coerce", utc=True)
    ok = todo & iso.notna()
    naive = ok & ~text.str.contains(_HAS_OFFSET)
    out[ok & ~naive] = iso[ok & ~naive].astype(TIMESTAMP_DTYPE)
    if naive.any():
        plain = pd.to_datetime(text[naive], format="ISO8601", errors="coerce")
        out[naive] = _localize(plain, tz).astype(TIMESTAMP_DTYPE)
    rest = todo & ~ok
    if rest.any():
        out[rest] = _parse_free(text[rest], tz, default_date)
    bad = todo & out.isna()
    return out, bad


def _parse_free(text: pd.Series, tz: str, default_date: str | None) -> pd.Series:
    """Parse non-ISO stamps one distinct value at a time with dateutil (the slow path)."""
    codes, uniques = pd.factorize(text.to_numpy())
    parsed = []
    try:
        default = pd.Timestamp(default_date).to_pydatetime() if default_date else None
    except (ValueError, OverflowError) as exc:
        raise ConfigError(f"default_date={default_date!r} is not a date; use YYYY-MM-DD") from exc
    for value in uniques:
        if default is None and _TIME_ONLY.match(value):
            parsed.append(pd.NaT)
            continue
        try:
            stamp = dateutil_parser.parse(value, dayfirst=bool(_DAYFIRST.match(value)), default=default)
        except (ValueError, OverflowError, TypeError):
            parsed.append(pd.NaT)
            continue
        ts = pd.Timestamp(stamp)
        if ts.tzinfo is None:
            try:
                ts = ts.tz_localize(tz, ambiguous="NaT", nonexistent="NaT")
            except Exception:
                ts = pd.NaT
        parsed.append(ts.tz_convert("UTC") if ts is not pd.NaT else pd.NaT)
    arr = pd.Series(parsed, dtype=TIMESTAMP_DTYPE) if parsed else pd.Series([], dtype=TIMESTAMP_DTYPE)
    return pd.Series(arr.to_numpy()[codes], index=text.index, dtype=TIMESTAMP_DTYPE)


def _finish(out: pd.Series, parsed: pd.Series, todo: pd.Series, tz: str) -> tuple[pd.Series, pd.Series]:
    if getattr(parsed.dtype, "tz", None) is not None:
        out[todo] = parsed.dt.tz_convert("UTC").astype(TIMESTAMP_DTYPE)
    elif len(parsed):
        out[todo] = _localize(pd.to_datetime(parsed), tz).astype(TIMESTAMP_DTYPE)
    bad = todo & out.isna()
    return out, bad


def naive_to_utc(values: pd.Series, tz: str) -> pd.Series:
    """Localise naive datetimes in ``tz`` and convert to UTC."""
    return _localize(values, check_tz(tz)).astype(TIMESTAMP_DTYPE)


__all__ = ["check_tz", "parse_timestamps", "naive_to_utc", "np"]
