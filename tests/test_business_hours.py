"""Tests of cxanalysis.business_hours: open seconds between instants under a weekly calendar."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from cxanalysis.business_hours import BusinessCalendar
from cxanalysis.errors import ConfigError

LONDON = "Europe/London"


def local(*stamps: str, tz: str = LONDON) -> pd.Series:
    """Wall-clock stamps in ``tz`` as a tz-aware Series converted to UTC (as the readers store them)."""
    return pd.Series(pd.to_datetime(list(stamps))).dt.tz_localize(tz).dt.tz_convert("UTC")


def one(cal: BusinessCalendar, start: str, end: str, tz: str = LONDON) -> float:
    out = cal.business_seconds(local(start, tz=tz), local(end, tz=tz))
    assert out.shape == (1,) and out.dtype == np.float64
    return float(out[0])


# ---------------------------------------------------------------------------- the main cases
def test_reply_across_a_weekend_counts_only_open_time():
    cal = BusinessCalendar(timezone=LONDON)  # default: mon-fri 09:00-17:00
    start, end = local("2026-03-06 16:30"), local("2026-03-09 09:30")  # Friday -> Monday
    assert pd.Timestamp("2026-03-06").day_name() == "Friday"
    calendar_s = (end - start).dt.total_seconds().iloc[0]
    assert calendar_s == 65 * 3600
    assert cal.business_seconds(start, end).tolist() == [3600.0]


def test_reverse_interval_is_negative():
    cal = BusinessCalendar(timezone=LONDON)
    start, end = local("2026-03-06 16:30"), local("2026-03-09 09:30")
    assert cal.business_seconds(end, start).tolist() == [-3600.0]


def test_gb_holidays_2026_from_the_holidays_package():
    holidays = pytest.importorskip("holidays")
    gb = holidays.country_holidays("GB", years=[2026])
    # 25 Dec 2026 is a Friday; Boxing Day falls on Saturday, so Monday 28 Dec is the substitute day.
    assert dt.date(2026, 12, 25) in gb
    assert dt.date(2026, 12, 28) in gb
    assert dt.date(2026, 12, 24) not in gb and dt.date(2026, 12, 29) not in gb

    cal = BusinessCalendar(timezone=LONDON, country="GB")
    # Thu 24 Dec 16:00-17:00 (1 h) + Tue 29 Dec 09:00-10:00 (1 h); Fri 25 and Mon 28 are closed.
    assert one(cal, "2026-12-24 16:00", "2026-12-29 10:00") == 7200.0
    plain = BusinessCalendar(timezone=LONDON)
    assert one(plain, "2026-12-24 16:00", "2026-12-29 10:00") == 1 * 3600 + 8 * 3600 + 8 * 3600 + 1 * 3600
    assert cal.is_open(local("2026-12-28 12:00", "2026-12-29 12:00")).tolist() == [False, True]


def test_explicit_holiday_list_matches_the_country_calendar():
    cal = BusinessCalendar(timezone=LONDON, holidays=["2026-12-25", dt.date(2026, 12, 26), pd.Timestamp("2026-12-28")])
    assert one(cal, "2026-12-24 16:00", "2026-12-29 10:00") == 7200.0
    # a message written on a holiday waits for the next open day
    assert one(cal, "2026-12-25 11:00", "2026-12-29 09:15") == 900.0


def test_same_instants_differ_by_time_zone():
    start = pd.Series(pd.to_datetime(["2026-03-10 00:00"], utc=True))  # Tuesday
    end = pd.Series(pd.to_datetime(["2026-03-10 12:00"], utc=True))
    tokyo = BusinessCalendar(timezone="Asia/Tokyo").business_seconds(start, end)[0]
    new_york = BusinessCalendar(timezone="America/New_York").business_seconds(start, end)[0]
    # Tokyo (UTC+9): 09:00-21:00 local -> 8 h open. New York (UTC-4 after 8 March): 20:00-08:00 -> 0 h.
    assert tokyo == 8 * 3600
    assert new_york == 0.0
    assert BusinessCalendar(timezone="UTC").business_seconds(start, end)[0] == 3 * 3600


# ---------------------------------------------------------------------------- hours shapes
def test_interval_outside_hours_is_zero():
    cal = BusinessCalendar(timezone=LONDON)
    assert one(cal, "2026-03-10 18:00", "2026-03-11 08:59") == 0.0  # overnight
    assert one(cal, "2026-03-07 10:00", "2026-03-08 16:00") == 0.0  # weekend


def test_interval_inside_one_day_is_exact():
    cal = BusinessCalendar(timezone=LONDON)
    assert one(cal, "2026-03-10 10:15:30", "2026-03-10 11:00:00") == 2670.0
    assert one(cal, "2026-03-10 08:00", "2026-03-10 18:00") == 8 * 3600


def test_lunch_break_ranges():
    cal = BusinessCalendar(hours={"mon-fri": ["09:00-12:00", "13:00-17:00"]}, timezone=LONDON)
    assert one(cal, "2026-03-10 11:30", "2026-03-10 13:30") == 3600.0
    assert one(cal, "2026-03-10 12:10", "2026-03-10 12:50") == 0.0
    assert one(cal, "2026-03-10 00:00", "2026-03-11 00:00") == 7 * 3600
    assert cal.is_open(local("2026-03-10 12:30", "2026-03-10 13:00", "2026-03-10 12:00")).tolist() == [False, True, False]


def test_saturday_short_hours():
    cal = BusinessCalendar(hours={"mon-fri": "09:00-17:00", "sat": "10:00-14:00"}, timezone=LONDON)
    # Fri 16:00 -> Mon 10:00: 1 h Friday + 4 h Saturday + 1 h Monday
    assert one(cal, "2026-03-06 16:00", "2026-03-09 10:00") == 6 * 3600
    assert one(cal, "2026-03-07 09:00", "2026-03-07 11:30") == 1.5 * 3600
    assert cal.is_open(local("2026-03-07 13:59", "2026-03-07 14:00", "2026-03-08 12:00")).tolist() == [True, False, False]


def test_24_7_equals_calendar_seconds():
    rng = np.random.default_rng(7)
    base = pd.Timestamp("2025-01-01", tz="UTC")
    start = pd.Series(base + pd.to_timedelta(rng.integers(0, 400 * 86400, 200), unit="s"))
    end = start + pd.to_timedelta(rng.integers(0, 30 * 86400, 200), unit="s")
    for cal in (BusinessCalendar(hours="24/7"), BusinessCalendar(hours={"mon-sun": "00:00-24:00"}, timezone="Asia/Tokyo")):
        np.testing.assert_array_equal(cal.business_seconds(start, end), (end - start).dt.total_seconds().to_numpy())


def test_24_7_counts_wall_clock_time_over_a_dst_change():
    # documented: counting is on the local wall clock, so the night of the spring change is 1 h short
    cal = BusinessCalendar(hours="24/7", timezone=LONDON)
    assert one(cal, "2026-03-28 12:00", "2026-03-29 12:00") == 24 * 3600
    elapsed = (local("2026-03-29 12:00") - local("2026-03-28 12:00")).dt.total_seconds().iloc[0]
    assert elapsed == 23 * 3600
    # ... while a 09:00-17:00 day is 8 h on the change day (Monday 30 March, BST) as on any other
    assert one(BusinessCalendar(timezone=LONDON), "2026-03-27 00:00", "2026-03-31 00:00") == 16 * 3600


# ---------------------------------------------------------------------------- inputs
def test_nat_gives_nan():
    cal = BusinessCalendar(timezone=LONDON)
    start = pd.Series([pd.Timestamp("2026-03-10 10:00", tz="UTC"), pd.NaT, pd.Timestamp("2026-03-10 10:00", tz="UTC")])
    end = pd.Series([pd.Timestamp("2026-03-10 11:00", tz="UTC"), pd.Timestamp("2026-03-10 11:00", tz="UTC"), pd.NaT])
    out = cal.business_seconds(start, end)
    assert out[0] == 3600.0
    assert np.isnan(out[1:]).all()
    assert cal.is_open(start).tolist() == [True, False, True]
    assert np.isnan(cal.business_seconds([pd.NaT], [pd.NaT])).all()


def test_mixed_input_zones():
    cal = BusinessCalendar(timezone=LONDON)
    utc_start = pd.Series(pd.to_datetime(["2026-03-10 10:00"], utc=True))
    tokyo_end = pd.Series(pd.to_datetime(["2026-03-10 20:00"])).dt.tz_localize("Asia/Tokyo")  # = 11:00 UTC
    assert cal.business_seconds(utc_start, tokyo_end).tolist() == [3600.0]
    mixed = [pd.Timestamp("2026-03-10 12:00", tz="America/New_York"), pd.Timestamp("2026-03-10 12:00", tz="UTC")]
    # New York noon is 16:00 UTC (EDT since 8 March) = 16:00 London (GMT until 29 March)
    assert cal.business_seconds(mixed, ["2026-03-10T17:30:00Z", "2026-03-10T12:30:00Z"]).tolist() == [3600.0, 1800.0]
    naive = np.array(["2026-03-10T10:00", "2026-03-10T16:00"], dtype="datetime64[s]")  # naive = UTC
    assert cal.business_seconds(naive[:1], naive[1:]).tolist() == [6 * 3600.0]
    idx = pd.DatetimeIndex(utc_start)
    assert cal.business_seconds(idx, idx + pd.Timedelta(hours=2)).tolist() == [7200.0]


def test_length_mismatch_is_an_error():
    cal = BusinessCalendar()
    with pytest.raises(ValueError, match="3 values"):
        cal.business_seconds(
            local("2026-03-10 10:00", "2026-03-10 11:00", "2026-03-10 12:00"), local("2026-03-10 10:00", "2026-03-10 11:00")
        )


# ---------------------------------------------------------------------------- configuration
def test_dict_round_trip():
    cal = BusinessCalendar(
        hours={"mon-thu": ["09:00-12:00", "13:00-17:30"], "fri": "09:00-16:00", "sat": "10:00-14:00"},
        timezone="Europe/Berlin",
        holidays=["2026-12-31", "2026-12-24"],
        country="DE",
        subdiv="BY",
    )
    d = cal.to_dict()
    assert d == {
        "hours": {"mon-thu": ["09:00-12:00", "13:00-17:30"], "fri": "09:00-16:00", "sat": "10:00-14:00"},
        "timezone": "Europe/Berlin",
        "holidays": ["2026-12-24", "2026-12-31"],
        "country": "DE",
        "subdiv": "BY",
    }
    again = BusinessCalendar.from_dict(d)
    assert again == cal and again.to_dict() == d
    assert BusinessCalendar.from_dict({"hours": "24/7"}).to_dict()["hours"] == "24/7"
    assert BusinessCalendar.from_dict({}).to_dict() == {
        "hours": {"mon-fri": "09:00-17:00"},
        "timezone": "UTC",
        "holidays": [],
        "country": None,
        "subdiv": None,
    }


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [
        ({"hours": {"mon-fri": "9-5"}}, "9-5"),
        ({"hours": {"mon-fri": "25:00-26:00"}}, "25:00-26:00"),
        ({"hours": {"mon-fri": "17:00-09:00"}}, "17:00-09:00"),
        ({"hours": {"mon-fri": "09:00-09:00"}}, "09:00-09:00"),
        ({"hours": {"mon-fry": "09:00-17:00"}}, "fry"),
        ({"hours": {"funday": "09:00-17:00"}}, "funday"),
        ({"hours": {"mon": ["09:00-12:00", "11:00-13:00"]}}, "11:00-13:00"),
        ({"hours": {"mon-fri": "09:00-17:00", "fri": "09:00-16:00"}}, "fri"),
        ({"hours": "9 to 5"}, "9 to 5"),
        ({"timezone": "Mars/Olympus_Mons"}, "Mars/Olympus_Mons"),
        ({"holidays": ["2026-13-45"]}, "2026-13-45"),
        ({"country": "XX"}, "XX"),
        ({"country": "GB", "subdiv": "ZZ"}, "ZZ"),
        ({"subdiv": "ENG"}, "ENG"),
    ],
)
def test_config_errors_name_the_bad_value(kwargs, named):
    if "country" in kwargs:
        pytest.importorskip("holidays")
    with pytest.raises(ConfigError, match=f"'{named}'") as info:
        BusinessCalendar(**kwargs)
    assert named in str(info.value)


def test_from_dict_rejects_unknown_keys():
    with pytest.raises(ConfigError, match="tz"):
        BusinessCalendar.from_dict({"tz": "UTC"})


def test_hours_spelling_variants():
    cal = BusinessCalendar(hours={"Monday": "08:00-12:00", "sat,sun": "10:00-11:00"})
    assert cal.to_dict()["hours"] == {"mon": "08:00-12:00", "sat-sun": "10:00-11:00"}
    wrap = BusinessCalendar(hours={"fri-mon": "09:00-10:00"})
    assert wrap.to_dict()["hours"] == {"mon": "09:00-10:00", "fri-sun": "09:00-10:00"}
    closed = BusinessCalendar(hours={"mon-tue,thu-fri": "09:00-17:00", "wed": "closed", "sun": None})
    assert closed.to_dict()["hours"] == {"mon-tue": "09:00-17:00", "thu-fri": "09:00-17:00"}
    assert BusinessCalendar(hours={}).business_seconds(local("2026-03-09 00:00"), local("2026-03-16 00:00")).tolist() == [0.0]


# ---------------------------------------------------------------------------- properties
def test_random_intervals_are_bounded_and_additive():
    rng = np.random.default_rng(20260301)
    n = 400
    cal = BusinessCalendar(
        hours={"mon-fri": ["08:30-12:00", "13:00-18:00"], "sat": "10:00-14:00"},
        timezone=LONDON,
        holidays=["2025-12-25", "2026-04-03"],
    )
    base = pd.Timestamp("2025-06-01", tz="UTC")
    offsets = np.sort(rng.integers(0, 500 * 86400, size=(n, 3)), axis=1)  # a <= b <= c, DST changes included
    a, b, c = (pd.Series(base + pd.to_timedelta(offsets[:, k], unit="s")) for k in range(3))
    s_ab, s_bc, s_ac = cal.business_seconds(a, b), cal.business_seconds(b, c), cal.business_seconds(a, c)
    calendar_ac = (c - a).dt.total_seconds().to_numpy()
    assert (s_ac >= 0).all() and (s_ac <= calendar_ac).all()
    assert (s_ac > 0).mean() > 0.5  # the intervals mostly do overlap opening hours
    np.testing.assert_allclose(s_ac, s_ab + s_bc, rtol=0, atol=1e-6)
    np.testing.assert_allclose(cal.business_seconds(c, a), -s_ac, rtol=0, atol=1e-6)
