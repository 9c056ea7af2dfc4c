"""cx.featurize and cx.score on a Dask DataFrame give the pandas results.

The tests run on Dask's threaded scheduler with two workers. A ``distributed.LocalCluster``,
even with ``processes=False`` and the in-process transport, resolves host names through
``socket.getaddrinfo``, which pytest-socket (``--disable-socket`` in the project's pytest
options) blocks; the graph the scheduler runs is the same one a cluster would run, fitted
state included (docs/scale.md shows the multi-machine set-up).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.bench import synthetic_frame
from cxanalysis.errors import SchemaError
from cxanalysis.scale import DaskFeatures

dd = pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def client():
    import dask

    with dask.config.set(scheduler="threads", num_workers=2):
        yield


def corpus() -> pd.DataFrame:
    """Synthetic conversations (every language, channel, returning customers) plus repeated
    agent templates, read back through a file so the frame is exactly what readers give."""
    df = synthetic_frame(1500, seed=11)
    canned = "Thanks for contacting us, we have escalated your ticket to the right team and will reply within two days."
    agent_rows = df.index[(df["role"] == "agent") & (df.index % 9 == 0)]
    df.loc[agent_rows, "text"] = canned
    return df


def normalised(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        # Dask keeps text as pyarrow strings with pd.NA, pandas 3 as str with NaN: one text dtype
        if isinstance(out[col].dtype, (pd.CategoricalDtype, pd.StringDtype)):
            out[col] = out[col].astype(pd.StringDtype(na_value=np.nan))
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


def test_dask_featurize_and_score_equal_pandas(client):
    df = corpus()
    shuffled = df.sample(frac=1, random_state=3).reset_index(drop=True)  # conversations scattered
    ddf = dd.from_pandas(shuffled, npartitions=5, sort=False)
    assert ddf.npartitions >= 4

    expected = cx.featurize(shuffled)
    lazy = cx.featurize(ddf)
    assert isinstance(lazy, DaskFeatures)
    got = lazy.compute()

    assert got.families == expected.families == tuple(cx.FAMILIES)
    # every family fired somewhere, so the comparison covers them all
    for family in cx.FAMILIES:
        cols = [c for c in expected.messages.columns if c.startswith(family + "_")]
        assert cols and expected.messages[cols].fillna(0).to_numpy(dtype=float).any() or family in ("language", "latency"), family
    assert (expected.messages["template_match"] == 1).sum() > 10
    assert expected.conversations["latency_first_reply_s"].notna().sum() > 100

    pd.testing.assert_frame_equal(normalised(got.messages, ["message_id"]), normalised(expected.messages, ["message_id"]))
    pd.testing.assert_frame_equal(
        normalised(got.evidence, ["message_id", "feature", "start", "end", "detail"]),
        normalised(expected.evidence, ["message_id", "feature", "start", "end", "detail"]),
    )
    pd.testing.assert_frame_equal(
        normalised(got.conversations, ["conversation_id"]), normalised(expected.conversations, ["conversation_id"])
    )

    scores = cx.score(lazy)
    assert hasattr(scores, "npartitions")
    want = cx.score(expected)
    pd.testing.assert_frame_equal(
        normalised(scores.compute(), ["conversation_id", "exemplar"]), normalised(want, ["conversation_id", "exemplar"])
    )


def test_dask_fitted_state_is_the_whole_corpus(client):
    df = corpus().sample(frac=1, random_state=5).reset_index(drop=True)
    ddf = dd.from_pandas(df, npartitions=4, sort=False)
    lazy = cx.featurize(ddf, families=["template", "effort", "warmth"])
    whole = cx.FAMILIES["template"]().fit(df)
    pd.testing.assert_frame_equal(lazy.fitted["template"].templates_, whole.templates_)
    assert len(whole.templates_) > 0
    # a partition alone would not know the template: fitted on one partition there are fewer members
    part = ddf.partitions[0].compute()
    alone = cx.FAMILIES["template"]().fit(part)
    assert alone.templates_["size"].sum() < whole.templates_["size"].sum()
    assert len(lazy.fitted["effort"].contacts_) == len(cx.FAMILIES["effort"]().fit(df).contacts_)


def test_dask_rejects_duplicate_ids_across_partitions(client):
    df = corpus().iloc[:200].copy()
    df.loc[150, "message_id"] = df.loc[3, "message_id"]
    ddf = dd.from_pandas(df, npartitions=4, sort=False)
    with pytest.raises(SchemaError, match="appears more than once"):
        cx.featurize(ddf)


def test_dask_already_partitioned_by_conversation_index(client):
    df = corpus().iloc[:600]
    expected = cx.featurize(df, families=["warmth", "latency"])
    ddf = dd.from_pandas(df.set_index("conversation_id"), npartitions=4, sort=True)
    got = cx.featurize(ddf, families=["warmth", "latency"]).compute()
    cols = list(expected.conversations.columns)
    pd.testing.assert_frame_equal(
        normalised(got.conversations[cols], ["conversation_id"]), normalised(expected.conversations, ["conversation_id"])
    )
    assert np.array_equal(
        np.sort(got.messages["message_id"].to_numpy(dtype=str)), np.sort(expected.messages["message_id"].to_numpy(dtype=str))
    )
