from __future__ import annotations

import pandas as pd
import pytest

from cxanalysis._time import parse_timestamps
from cxanalysis.errors import ConfigError


def test_time_styles_and_zones():
    s = pd.Series(
        [
            "2026-11-03T09:14:05+08:00",
            "2026-11-03 09:14:05",
            "Tue Oct 31 22:10:47 +0000 2017",
            "22.11.2026 12:01",
            "2026/11/22 12:01",
            "1762160045",
            "",
            None,
        ]
    )
    ts, bad = parse_timestamps(s, tz="Europe/Moscow")
    got = [t.isoformat() if not pd.isna(t) else None for t in ts]
    assert got == [
        "2026-11-03T01:14:05+00:00",
        "2026-11-03T06:14:05+00:00",
        "2017-10-31T22:10:47+00:00",
        "2026-11-22T09:01:00+00:00",
        "2026-11-22T09:01:00+00:00",
        "2025-11-03T08:54:05+00:00",
        None,
        None,
    ]
    assert not bad.any()


def test_time_bad_values_are_flagged_not_guessed():
    ts, bad = parse_timestamps(pd.Series(["soon", "12:01 PM", "2026-11-03"]))
    assert bad.tolist() == [True, True, False]
    ts, bad = parse_timestamps(pd.Series(["12:01 PM"]), default_date="2026-11-05")
    assert ts.iloc[0].isoformat() == "2026-11-05T12:01:00+00:00" and not bad.any()


def test_time_unknown_zone_is_a_config_error():
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        parse_timestamps(pd.Series(["2026-11-03 10:00"]), tz="Mars/Olympus")


def test_time_epoch_text_past_2262_is_bad_not_a_crash():
    # found by the long fuzz run (convokit): 13 digits with decimals, read as milliseconds, lie past
    # what pandas can convert; they were a bare OutOfBoundsDatetime
    ts, bad = parse_timestamps(pd.Series(["9999999999999.999", "1762160045", "1762160045000"]))
    assert bad.tolist() == [True, False, False]
    assert ts.isna().tolist() == [True, False, False] and ts.iloc[1] == ts.iloc[2]


def test_time_short_offsets_are_offsets():
    # found by the long fuzz run (email): '+01' and '+0' after a time were taken for naive times,
    # and localising the parsed aware value was a bare TypeError
    ts, bad = parse_timestamps(pd.Series(["2026-11-22T12:00:00+01", "2026-11-22T12:00:00+0", "2026-11-22"]), tz="Asia/Tokyo")
    assert not bad.any()
    assert [t.isoformat() for t in ts] == ["2026-11-22T11:00:00+00:00", "2026-11-22T12:00:00+00:00", "2026-11-21T15:00:00+00:00"]
