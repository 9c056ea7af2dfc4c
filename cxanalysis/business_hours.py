"""Business-hours calendar: how many open seconds lie between two instants.

A :class:`BusinessCalendar` holds weekly opening hours, a time zone, and closed dates (an explicit
list and, optionally, the public holidays of a country from the ``holidays`` package).
:meth:`BusinessCalendar.business_seconds` counts the open seconds of many intervals at once.

Opening hours are **local wall-clock time** in the calendar's zone, and all counting is done on
the wall clock: a ``09:00-17:00`` day is 8 h even on the day the clocks change, because changes
happen at night. The one visible effect is on intervals that include the change itself while the
calendar is open (only with ``"24/7"`` or hours over the night): such an interval counts wall-clock
time, so it is one hour shorter (spring) or longer (autumn) than the elapsed time, and two
instants inside the repeated autumn hour that share a wall time are 0 s apart.

How it works (vectorised, no per-row Python): each instant is turned into a local date and a time
of day; a per-day array of open seconds is built for the dates spanned (weekday hours, zero on
closed dates) and cumulatively summed; ``F(t)`` = open seconds of all days before ``t``'s date +
open seconds of ``t``'s own day up to its time of day (each open range clipped). The answer is
``F(end) - F(start)``, so ``end < start`` gives the negative of the reverse interval.

Example
-------
A customer writes on Friday 16:30 in London, the agent answers on Monday 09:30: 65 h of calendar
time, one hour of business time (30 min on Friday and 30 min on Monday).

>>> import pandas as pd
>>> cal = BusinessCalendar(hours={"mon-fri": "09:00-17:00"}, timezone="Europe/London")
>>> start = pd.Series(pd.to_datetime(["2026-03-06 16:30"])).dt.tz_localize("Europe/London")
>>> end = pd.Series(pd.to_datetime(["2026-03-09 09:30"])).dt.tz_localize("Europe/London")
>>> cal.business_seconds(start, end).tolist()
[3600.0]
>>> cal.is_open(end).tolist()
[True]
>>> cal.to_dict()["hours"]
{'mon-fri': '09:00-17:00'}
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ._time import check_tz
from .errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {**{d: i for i, d in enumerate(DAYS)}, **{d: i for i, d in enumerate(_FULL_DAYS)}}
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DAY_S = 86400
_ALWAYS = "24/7"
_CLOSED = ("", "closed", "none", "off")
DEFAULT_HOURS: dict[str, str] = {"mon-fri": "09:00-17:00"}
_KEYS = ("hours", "timezone", "holidays", "country", "subdiv")

Ranges = tuple[tuple[int, int], ...]


def _parse_days(key: Any) -> list[int]:
    """Weekday numbers (Monday = 0) of a key such as ``"mon"``, ``"mon-fri"`` or ``"sat,sun"``."""
    if not isinstance(key, str) or not key.strip():
        raise ConfigError(
            f"business hours: bad day name {key!r}; use {', '.join(DAYS)}, a range such as 'mon-fri' or a list 'sat,sun'"
        )
    out: list[int] = []
    for part in key.split(","):
        names = [p.strip() for p in part.split("-")]
        bad = [n for n in names if n.lower() not in _DAY_INDEX] or ([part.strip()] if len(names) > 2 else [])
        if bad:
            raise ConfigError(
                f"business hours: unknown day name {bad[0]!r} in {key!r}; use {', '.join(DAYS)}, "
                "a range such as 'mon-fri' or a list 'sat,sun'"
            )
        first = _DAY_INDEX[names[0].lower()]
        last = _DAY_INDEX[names[-1].lower()]
        span = (last - first) % 7  # a range may wrap over the week end: 'fri-mon'
        out.extend((first + k) % 7 for k in range(span + 1))
    return out


def _parse_range(text: Any, day_key: str) -> tuple[int, int]:
    """``"09:00-17:00"`` -> (32400, 61200) seconds after midnight."""
    m = _RANGE.match(text) if isinstance(text, str) else None
    if m is None:
        raise ConfigError(f"business hours: bad range {text!r} for {day_key!r}; expected 'HH:MM-HH:MM' such as '09:00-17:00'")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    for h, mi in ((h1, m1), (h2, m2)):
        if h > 24 or mi > 59 or (h == 24 and mi != 0):
            raise ConfigError(f"business hours: bad time in range {text!r} for {day_key!r}; hours run from 00:00 to 24:00")
    start, end = h1 * 3600 + m1 * 60, h2 * 3600 + m2 * 60
    if end <= start:
        raise ConfigError(
            f"business hours: range {text!r} for {day_key!r} ends before it starts; "
            "split hours over midnight into two days ('22:00-24:00' and '00:00-02:00')"
        )
    return start, end


def _parse_day_value(value: Any, day_key: str) -> Ranges:
    if value is None or (isinstance(value, str) and value.strip().lower() in _CLOSED):
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise ConfigError(f"business hours: bad value {value!r} for {day_key!r}; expected 'HH:MM-HH:MM' or a list of them")
    ranges = sorted(_parse_range(item, day_key) for item in items)
    for (_, e1), (s2, _) in zip(ranges, ranges[1:]):
        if s2 < e1:
            raise ConfigError(f"business hours: overlapping ranges {value!r} for {day_key!r}")
    return tuple(ranges)


def _parse_hours(hours: Any) -> tuple[Ranges, ...]:
    """Weekly hours -> a 7-tuple (Monday first) of sorted, non-overlapping (start_s, end_s) ranges."""
    if hours is None:
        hours = DEFAULT_HOURS
    if isinstance(hours, str):
        if hours.strip() == _ALWAYS:
            return tuple(((0, _DAY_S),) for _ in DAYS)
        raise ConfigError(f"business hours: bad hours {hours!r}; use '24/7' or a mapping such as {{'mon-fri': '09:00-17:00'}}")
    if not isinstance(hours, Mapping):
        raise ConfigError(f"business hours: bad hours {hours!r}; use '24/7' or a mapping such as {{'mon-fri': '09:00-17:00'}}")
    week: list[Ranges | None] = [None] * 7
    for key, value in hours.items():
        ranges = _parse_day_value(value, key)
        for day in _parse_days(key):
            if week[day] is not None:
                raise ConfigError(f"business hours: day {DAYS[day]!r} is given twice (in {key!r} and an earlier key)")
            week[day] = ranges
    return tuple(r if r is not None else () for r in week)


def _fmt_time(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}"


def _hours_to_config(week: tuple[Ranges, ...]) -> str | dict[str, str | list[str]]:
    """The compact dict form of weekly hours (runs of equal days merged: ``{'mon-fri': ...}``)."""
    if all(r == ((0, _DAY_S),) for r in week):
        return _ALWAYS
    out: dict[str, str | list[str]] = {}
    i = 0
    while i < 7:
        j = i
        while j + 1 < 7 and week[j + 1] == week[i]:
            j += 1
        if week[i]:
            texts = [f"{_fmt_time(s)}-{_fmt_time(e)}" for s, e in week[i]]
            out[DAYS[i] if i == j else f"{DAYS[i]}-{DAYS[j]}"] = texts[0] if len(texts) == 1 else texts
        i = j + 1
    return out


def _to_date(value: Any) -> np.datetime64:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"business hours: bad holiday date {value!r}; use 'YYYY-MM-DD'") from exc
    if ts is pd.NaT:
        raise ConfigError(f"business hours: bad holiday date {value!r}; use 'YYYY-MM-DD'")
    return np.datetime64(ts.date(), "D")


def _as_utc(values: Any) -> pd.DatetimeIndex:
    """Instants as a UTC DatetimeIndex; tz-aware values in any zone, naive values taken as UTC."""
    if isinstance(values, (str, dt.datetime, dt.date, np.datetime64, pd.Timestamp)) or values is None or values is pd.NaT:
        values = [values]
    if isinstance(values, pd.Series):
        values = values.array
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True))


class BusinessCalendar:
    """Weekly opening hours in a time zone, minus closed dates.

    Parameters
    ----------
    hours
        Weekly opening hours: a mapping of day keys to ranges, e.g.
        ``{"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}``. Keys are day names (``mon`` ...
        ``sun`` or full names), ranges (``mon-fri``) or lists (``sat,sun``); values are one
        ``"HH:MM-HH:MM"`` range, a list of them (``["09:00-12:00", "13:00-17:00"]``), or
        ``"closed"``/``None``. ``"24:00"`` may end a range. Days not listed are closed. The string
        ``"24/7"`` means always open. Default: Monday to Friday, 09:00-17:00.
    timezone
        IANA zone name in which the hours and dates are local wall time (default ``"UTC"``).
    holidays
        Extra closed dates (``"YYYY-MM-DD"`` strings, dates or Timestamps).
    country, subdiv
        Also close on the public holidays of this country (and subdivision), as given by the
        ``holidays`` package, e.g. ``country="GB", subdiv="ENG"``.

    Raises
    ------
    ConfigError
        Naming the bad value: a malformed or impossible range, an unknown day name, an unknown
        time zone, a bad date, an unknown country or subdivision, or ``holidays`` not installed.
    """

    def __init__(
        self,
        hours: Mapping[str, Any] | str | None = None,
        timezone: str | None = "UTC",
        holidays: Iterable[Any] | None = None,
        country: str | None = None,
        subdiv: str | None = None,
    ):
        self._week = _parse_hours(hours)
        self.timezone = check_tz(timezone)
        if isinstance(holidays, (str, dt.date, pd.Timestamp)):
            holidays = [holidays]
        self._holidays = np.unique(np.array([_to_date(h) for h in (holidays or ())], dtype="datetime64[D]"))
        self.country = country.strip().upper() if isinstance(country, str) and country.strip() else None
        self.subdiv = str(subdiv).strip() if subdiv is not None and self.country else None
        if subdiv is not None and self.country is None:
            raise ConfigError(f"business hours: subdiv={subdiv!r} needs a country")
        self._country_cache: dict[int, np.ndarray] = {}
        if self.country is not None:
            self._country_dates(2000, 2000)  # fail now, not on first use, if the code is unknown

        starts = np.zeros((7, max(1, max(len(r) for r in self._week))), dtype=np.float64)
        ends = starts.copy()
        for d, ranges in enumerate(self._week):
            for k, (s, e) in enumerate(ranges):
                starts[d, k], ends[d, k] = s, e
        self._starts, self._ends = starts, ends  # padded with empty (0, 0) ranges
        self._day_open = (ends - starts).sum(axis=1)  # open seconds per weekday

    # ------------------------------------------------------------------ configuration
    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> BusinessCalendar:
        """Build a calendar from its plain-dict (YAML) form; see :meth:`to_dict`."""
        d = dict(d or {})
        unknown = sorted(set(d) - set(_KEYS), key=str)
        if unknown:
            raise ConfigError(f"business hours: unknown calendar key(s) {unknown}; valid keys: {', '.join(_KEYS)}")
        return cls(
            hours=d.get("hours"),
            timezone=d.get("timezone") or "UTC",
            holidays=d.get("holidays"),
            country=d.get("country"),
            subdiv=d.get("subdiv"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (for YAML): ``{"hours", "timezone", "holidays", "country", "subdiv"}``."""
        return {
            "hours": _hours_to_config(self._week),
            "timezone": self.timezone,
            "holidays": [str(h) for h in self._holidays],
            "country": self.country,
            "subdiv": self.subdiv,
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BusinessCalendar) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(repr(self))

    def __repr__(self) -> str:
        d = self.to_dict()
        return "BusinessCalendar(" + ", ".join(f"{k}={v!r}" for k, v in d.items() if v not in (None, [])) + ")"

    # ------------------------------------------------------------------ closed dates
    def _country_dates(self, first_year: int, last_year: int) -> np.ndarray:
        """Public holidays of ``country`` for the years given, from the ``holidays`` package (cached)."""
        missing = [y for y in range(first_year, last_year + 1) if y not in self._country_cache]
        if missing:
            try:
                import holidays as holidays_pkg
            except ImportError as exc:
                raise ConfigError(
                    f"business hours: country={self.country!r} needs the 'holidays' package (pip install holidays)"
                ) from exc
            try:
                found = holidays_pkg.country_holidays(self.country, subdiv=self.subdiv, years=range(missing[0], missing[-1] + 1))
            except NotImplementedError as exc:
                what = f"country={self.country!r}" + (f" with subdiv={self.subdiv!r}" if self.subdiv else "")
                raise ConfigError(f"business hours: unknown {what} for the 'holidays' package ({exc})") from exc
            dates = np.array(sorted(found.keys()), dtype="datetime64[D]")
            years = dates.astype("datetime64[Y]").astype(int) + 1970
            for y in range(missing[0], missing[-1] + 1):
                self._country_cache[y] = dates[years == y]
        return np.concatenate([self._country_cache[y] for y in range(first_year, last_year + 1)])

    def closed_dates(self, first: Any, last: Any) -> np.ndarray:
        """Explicit and public-holiday dates (``datetime64[D]``, sorted) from ``first`` to ``last``."""
        lo, hi = _to_date(first), _to_date(last)
        dates = self._holidays
        if self.country is not None:
            y0 = int(lo.astype("datetime64[Y]").astype(int)) + 1970
            y1 = int(hi.astype("datetime64[Y]").astype(int)) + 1970
            dates = np.union1d(dates, self._country_dates(y0, y1))
        return dates[(dates >= lo) & (dates <= hi)]

    # ------------------------------------------------------------------ counting
    def _local(self, values: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(local day number since 1970-01-01, local time of day in s, NaT mask) of instants."""
        wall = _as_utc(values).tz_convert(self.timezone).tz_localize(None).to_numpy(dtype="datetime64[us]")
        nat = np.isnat(wall)
        us = wall.view(np.int64)
        us = np.where(nat, 0, us)
        day = us // (_DAY_S * 1_000_000)
        tod = (us - day * (_DAY_S * 1_000_000)) / 1e6
        return day, tod, nat

    def _open_today(self, day: np.ndarray, tod: np.ndarray) -> np.ndarray:
        """Open seconds of each instant's own weekday from midnight up to its time of day."""
        wd = (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0
        s, e = self._starts[wd], self._ends[wd]
        return np.clip(tod[:, None], s, e).sum(axis=1) - s.sum(axis=1)

    def _day_table(self, first_day: int, last_day: int) -> tuple[np.ndarray, np.ndarray]:
        """Per local day from ``first_day`` to ``last_day``: (1.0 if not a closed date, open seconds)."""
        days = np.arange(first_day, last_day + 1)
        open_day = np.ones(len(days))
        closed = self.closed_dates(np.datetime64(int(first_day), "D"), np.datetime64(int(last_day), "D"))
        open_day[(closed.astype(np.int64) - first_day)] = 0.0
        return open_day, self._day_open[(days + 3) % 7] * open_day

    def business_seconds(self, start: Any, end: Any) -> np.ndarray:
        """Open seconds between ``start`` and ``end``, element-wise.

        Parameters
        ----------
        start, end
            Array-likes, Series or DatetimeIndex of instants (or single instants), of equal length
            or one of length 1. Tz-aware values may be in any zone (mixed zones are fine); naive
            values and ``datetime64`` arrays are taken as UTC.

        Returns
        -------
        numpy.ndarray
            ``float64`` seconds. NaN where either end is NaT; ``end < start`` gives
            ``-business_seconds(end, start)``.
        """
        d0, t0, n0 = self._local(start)
        d1, t1, n1 = self._local(end)
        try:
            shape = np.broadcast_shapes(d0.shape, d1.shape)
        except ValueError as exc:
            raise ValueError(f"business_seconds: start has {len(d0)} values but end has {len(d1)}") from exc
        ok_days = np.concatenate([d0[~n0], d1[~n1]])
        if ok_days.size == 0:
            return np.full(shape, np.nan)
        first, last = int(ok_days.min()), int(ok_days.max())
        open_day, per_day = self._day_table(first, last)
        before = np.concatenate([[0.0], np.cumsum(per_day)])  # open seconds of the days before each day

        def cumulative(day: np.ndarray, tod: np.ndarray, nat: np.ndarray) -> np.ndarray:
            i = np.where(nat, 0, day - first)
            f = before[i] + self._open_today(day, tod) * open_day[i]
            f[nat] = np.nan
            return f

        return cumulative(d1, t1, n1) - cumulative(d0, t0, n0)

    def is_open(self, ts: Any) -> np.ndarray:
        """True where the instant falls in opening hours (start included, end excluded); NaT -> False."""
        day, tod, nat = self._local(ts)
        if nat.all():
            return np.zeros(day.shape, dtype=bool)
        first, last = int(day[~nat].min()), int(day[~nat].max())
        open_day, _ = self._day_table(first, last)
        wd = (day + 3) % 7
        inside = ((tod[:, None] >= self._starts[wd]) & (tod[:, None] < self._ends[wd])).any(axis=1)
        return inside & (open_day[np.where(nat, 0, day - first)] > 0) & ~nat


__all__ = ["BusinessCalendar", "DAYS", "DEFAULT_HOURS"]
