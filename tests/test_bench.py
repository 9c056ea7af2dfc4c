"""cx bench: the JSON figures on a tiny N (no timing thresholds: speed goals live in the benchmark)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from cxanalysis.bench import run_bench, synthetic_frame, tiled_frame
from cxanalysis.cli import main

REQUIRED = (
    "messages",
    "read_msgs_per_s",
    "featurize_msgs_per_s",
    "score_msgs_per_s",
    "spacy_tokenize_msgs_per_s",
    "vader_msgs_per_s",
    "peak_rss_mb",
    "cores",
)


def test_cli_bench_writes_the_documented_json(tmp_path, capsys):
    path = tmp_path / "bench.json"
    assert main(["bench", "--messages", "300", "--peer-sample", "50", "--json", str(path)]) == 0
    result = json.loads(path.read_text(encoding="utf-8"))
    for key in REQUIRED:
        assert isinstance(result[key], (int, float)) and result[key] > 0, key
    assert result["messages"] == 300
    assert result["read_rows"] == 300  # the temporary CSV reads back whole
    assert 0 < result["peer_sample"] <= 50 and result["peer_sample"] <= result["english_messages"]
    assert set(result["family_s"]) >= {"warmth", "template", "effort", "latency", "(language detection)"}
    assert result["featurize_vs_spacy"] == pytest.approx(
        result["featurize_msgs_per_s"] / result["spacy_tokenize_msgs_per_s"], rel=0.02
    )
    assert result["peak_rss_mb"] >= result["featurize_peak_rss_mb"] > 0
    printed = capsys.readouterr().out
    assert "messages/s" in printed and "VADER" in printed


def test_bench_tiles_a_real_file_with_fresh_ids(samples):
    path = samples / "tables" / "quicknet_chats_en.csv"
    df = tiled_frame(path, 100)
    assert len(df) == 100
    assert df["message_id"].is_unique
    base = pd.read_csv(path)
    # every copy is its own set of conversations
    assert df["conversation_id"].nunique() > base.shape[0] // 10
    assert df["lang"].isna().all()


def test_bench_without_families_and_missing_convokit():
    result = run_bench(120, families=False, convokit=True, peer_sample=20)
    assert "family_s" not in result
    assert result["messages"] == 120
    assert "convokit" in result or result["convokit_politeness_msgs_per_s"] > 0


def test_synthetic_timing_depends_on_channel():
    df = synthetic_frame(3000, seed=5)
    gap = df.groupby("conversation_id")["timestamp"].diff().dt.total_seconds()
    median = gap.groupby(df["channel"]).median()
    assert median["chat"] < median["social"] < median["email"]
    assert df["speaker"][df["role"] == "customer"].duplicated().any()  # customers come back
