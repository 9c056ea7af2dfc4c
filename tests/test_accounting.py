"""Property test: for any table, rows in = rows out + rejects, and no text is altered."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cxanalysis as cx

texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
ids = st.one_of(st.just(""), st.sampled_from(["c1", "c2", "3.0", "3"]))
stamps = st.one_of(st.just(""), st.just("2026-11-03T10:00:00Z"), st.just("2026-11-03 10:01"), st.just("not a date"))
rows = st.lists(st.tuples(ids, st.one_of(st.just(""), st.sampled_from(["m1", "m2", "m3"])), stamps, texts), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_accounting_rows_in_equal_rows_out_plus_rejects(records):
    buf = io.StringIO()
    w = csv.writer(buf)  # default \r\n terminator: fields holding \r or \n get quoted
    w.writerow(["conversation_id", "message_id", "timestamp", "text"])
    w.writerows(records)
    df, rej = cx.read_transcripts(io.StringIO(buf.getvalue()), return_rejects=True, lang="en", roles={"map": {}})
    assert len(df) + len(rej) == len(records)
    assert df["message_id"].is_unique
    kept = sorted(df["text"].tolist())
    assert all(t in [r[3] for r in records] for t in kept)
    assert (rej["reason"].str.len() > 0).all()
