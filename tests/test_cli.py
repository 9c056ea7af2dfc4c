from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from cxanalysis.cli import main


def test_cli_read_summary_lists_every_figure(samples, capsys):
    assert main(["read", str(samples / "tables"), "--summary"]) == 0
    out = capsys.readouterr().out
    for label in ("messages", "conversations", "roles", "agents", "languages", "channels", "time span", "rejects", "files:"):
        assert label in out
    assert "callguard_surge_day.csv" in out


def test_cli_read_json_and_outputs(samples, tmp_path, capsys):
    out_file = tmp_path / "frame.parquet"
    rej_file = tmp_path / "rejects.csv"
    code = main(["read", str(samples / "broken" / "bad_rows.csv"), "--json", "-o", str(out_file), "--rejects", str(rej_file)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows"] == 3 and summary["rejects"] == 4
    assert len(pd.read_parquet(out_file)) == 3
    assert len(pd.read_csv(rej_file)) == 4


def test_cli_read_errors_exit_1_with_message(samples, capsys):
    assert main(["read", str(samples / "broken" / "missing_text_column.csv")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("cx read: error:") and "missing_text_column.csv" in err


def test_cli_usage_error_exits_2():
    with pytest.raises(SystemExit) as exc:
        main(["read"])
    assert exc.value.code == 2


def test_cli_config_unknown_key_names_line(tmp_path, samples, capsys):
    cfg = tmp_path / "cx.yml"
    cfg.write_text("read:\n  tz: UTC\n  timezone: UTC\n")
    assert main(["read", str(samples / "tables"), "--config", str(cfg)]) == 1
    assert f"{cfg}:3: unknown key read.timezone" in capsys.readouterr().err


def test_cli_featurize_writes_messages_evidence_and_conversations(samples, tmp_path, capsys):
    out, ev, conv = tmp_path / "f.parquet", tmp_path / "ev.csv", tmp_path / "conv.csv"
    code = main(
        [
            "featurize",
            str(samples / "tables" / "quicknet_chats_en.csv"),
            "-o",
            str(out),
            "--evidence",
            str(ev),
            "--conversations",
            str(conv),
        ]
    )
    assert code == 0
    msgs = pd.read_parquet(out)
    assert {"warmth_thanks", "proactive_info", "tone_playful"} <= set(msgs.columns)
    evidence = pd.read_csv(ev)
    assert list(evidence.columns) == ["message_id", "feature", "start", "end", "quote", "detail"]
    assert len(evidence) > 0 and set(evidence["message_id"]) <= set(msgs["message_id"])
    assert pd.read_csv(conv)["conversation_id"].is_unique
    assert "featurized" in capsys.readouterr().err


def test_cli_featurize_unknown_family_exits_1(samples, tmp_path, capsys):
    code = main(
        ["featurize", str(samples / "tables" / "quicknet_chats_en.csv"), "-o", str(tmp_path / "f.csv"), "--families", "wormth"]
    )
    assert code == 1
    assert "unknown feature family" in capsys.readouterr().err


def test_cli_bench_json(tmp_path, capsys):
    path = tmp_path / "b.json"
    assert main(["bench", "--messages", "400", "--json", str(path)]) == 0
    result = json.loads(path.read_text())
    assert result["messages"] == 400
    for key in ("featurize_msgs_per_s", "spacy_tokenize_msgs_per_s", "peak_rss_mb", "cores"):
        assert result[key] > 0, key
    assert set(result["family_s"]) >= {"warmth", "tone", "proactive"}


def test_cli_score_writes_scores_and_explains(tmp_path, capsys):
    from cxanalysis.cli import main

    out = tmp_path / "scores.csv"
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    rc = main(["score", str(samples), "--config", str(samples / "cx.yml"), "-o", str(out), "--explain", "orchard_chat_en_good"])
    assert rc == 0
    s = pd.read_csv(out)
    assert set(s["exemplar"]) == {"apple", "spotify", "amazon"} and s.groupby("conversation_id")["closest"].sum().eq(1).all()
    printed = capsys.readouterr()
    assert "APL-08" in printed.out and "closest:" in printed.err
    assert main(["score", str(samples), "--config", str(samples / "cx.yml"), "-o", str(out), "--norm", "first_reply_s=abc"]) == 1
    assert "--norm 'first_reply_s=abc'" in capsys.readouterr().err
