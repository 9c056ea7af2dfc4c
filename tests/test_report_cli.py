"""``cx report`` and the command line's help, progress and exit codes."""

from __future__ import annotations

import pandas as pd
import pytest

from cxanalysis.cli import EXIT_CODES, main


@pytest.fixture(scope="module")
def tables_report(tmp_path_factory):
    from tests.conftest import SAMPLES

    out = tmp_path_factory.mktemp("report")
    code = main(["report", str(SAMPLES / "tables"), "--config", str(SAMPLES / "cx.yml"), "-o", str(out)])
    return code, out


def test_cli_report_writes_index_agent_pages_and_scores(tables_report, sample_frame):
    code, out = tables_report
    assert code == 0
    tables = sample_frame[sample_frame["source"].str.contains("/tables/", regex=False)]
    n_conv = tables["conversation_id"].nunique()
    n_agents = tables.loc[tables["role"] == "agent", "agent"].replace("", "(agent not named)").nunique()
    scores = pd.read_csv(out / "scores.csv")
    assert len(scores) == n_conv * 3
    pages = sorted(p.name for p in (out / "agents").glob("*.html"))
    assert len(pages) == n_agents
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="agents/{p}"' in index for p in pages)


def test_cli_report_prints_a_summary_without_a_progress_bar_when_not_a_tty(samples, tmp_path, capsys):
    assert main(["report", str(samples / "tables" / "quicknet_chats_en.csv"), "-o", str(tmp_path), "--agent", "Tom"]) == 0
    err = capsys.readouterr().err
    assert "wrote" in err and "1 agent page" in err and "cx report:" not in err  # tqdm stays silent off a terminal
    assert [p.name for p in (tmp_path / "agents").iterdir()][0].startswith("tom-")


def test_cli_report_unknown_agent_exits_1_with_suggestion(samples, tmp_path, capsys):
    code = main(["report", str(samples / "tables" / "quicknet_chats_en.csv"), "-o", str(tmp_path), "--agent", "Tomm"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.startswith("cx report: error: no agent 'Tomm'") and "did you mean Tom" in err


def test_cli_report_unwritable_output_exits_1_with_hint(samples, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = main(["report", str(samples / "tables" / "quicknet_chats_en.csv"), "-o", str(blocker / "reports")])
    assert code == 1
    assert "check the path" in capsys.readouterr().err


def test_cli_report_without_output_is_a_usage_error(samples):
    with pytest.raises(SystemExit) as exc:
        main(["report", str(samples / "tables")])
    assert exc.value.code == 2


@pytest.mark.parametrize("command", ["read", "featurize", "score", "report", "lexicon-stats", "bench"])
def test_cli_every_help_shows_examples_and_exit_codes(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "examples:" in out and f"cx {command}" in out.split("examples:", 1)[1]
    assert "exit codes:" in out and all(f"  {k:<4}{v}" in out for k, v in EXIT_CODES.items())


def test_cli_main_help_lists_report(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "report" in out and "cx report data/samples" in out and "exit codes:" in out
