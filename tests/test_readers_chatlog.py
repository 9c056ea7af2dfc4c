"""Plain-text chat logs: line shapes, role labels per language, times, headers, rejects."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import Source

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_bracketed_name_and_role_en(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "c1.txt",
        "[2026-11-22 12:01] Ann (Customer): My router blinks red.\n"
        "[2026-11-22 12:02] Bo (Agent): Sorry to hear that, let me look.\n"
        "It may take a minute.\n"
        "\n"
        "[2026-11-22 12:05:30] Bo (Agent): Done: the line is back.\n",
    )
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["conversation_id"].unique().tolist() == ["c1"]
    assert df["message_id"].tolist() == ["c1:0", "c1:1", "c1:2"]
    assert df["role"].tolist() == ["customer", "agent", "agent"]
    assert df["speaker"].tolist() == ["Ann", "Bo", "Bo"]
    assert df["text"].iloc[1] == "Sorry to hear that, let me look.\nIt may take a minute."
    assert df["text"].iloc[2] == "Done: the line is back."
    assert df["channel"].unique().tolist() == ["chat"]
    assert df["source"].tolist() == [f"{path.as_posix()}:1", f"{path.as_posix()}:2", f"{path.as_posix()}:5"]
    assert df["timestamp"].iloc[2] == pd.Timestamp("2026-11-22 12:05:30", tz="UTC")


@pytest.mark.parametrize(
    ("text", "roles", "speakers"),
    [
        ("客服 小王：您好，请问有什么可以帮您？\n顾客：我的快递还没到。\n", ["agent", "customer"], ["小王", ""]),
        ("客服 小王:您好\n客户:快递没到\n", ["agent", "customer"], ["小王", ""]),
        (
            "オペレーター 田中：お問い合わせありがとうございます。\nお客様：荷物が届きません。\n",
            ["agent", "customer"],
            ["田中", ""],
        ),
        ("Оператор Анна: Добрый день, чем помочь?\nКлиент: Не приходит посылка.\n", ["agent", "customer"], ["Анна", ""]),
        (
            "Agent: Hello there.\nCustomer: Hi, my parcel is late.\nBot: Rate this chat.\nSystem: chat closed\n",
            ["agent", "customer", "bot", "system"],
            ["", "", "", ""],
        ),
    ],
)
def test_role_labels_per_language(tmp_path: Path, text: str, roles: list[str], speakers: list[str]) -> None:
    df, rej = cx.read_transcripts(_write(tmp_path, "log.log", text), return_rejects=True)
    assert len(rej) == 0
    assert df["role"].tolist() == roles
    assert df["speaker"].tolist() == speakers
    assert df["timestamp"].isna().all()


def test_names_only_take_roles_option(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "n.txt",
        "# date: 2026-11-22\n[11:58 PM] Lei: Hello\n[11:59 PM] Kim: Hi, my bill is wrong\n[12:01 AM] Lei: Let me check\n",
    )
    df = cx.read_transcripts(path, roles={"agents": ["Lei"]})
    assert df["role"].tolist() == ["agent", "customer", "agent"]
    # a time-only stamp that goes backwards rolls over to the next day
    assert df["timestamp"].tolist() == [
        pd.Timestamp("2026-11-22 23:58", tz="UTC"),
        pd.Timestamp("2026-11-22 23:59", tz="UTC"),
        pd.Timestamp("2026-11-23 00:01", tz="UTC"),
    ]
    with pytest.warns(cx.errors.RoleWarning):
        unknown = cx.read_transcripts(path)
    assert set(unknown["role"]) == {"unknown"}


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2026-11-22T12:01:00", "2026-11-22 12:01"),
        ("2026/11/22 12:01", "2026-11-22 12:01"),
        ("22.11.2026 12:01", "2026-11-22 12:01"),
        ("12:01", "2026-11-22 12:01"),
        ("12:01 PM", "2026-11-22 12:01"),
        ("1:15 PM", "2026-11-22 13:15"),
    ],
)
def test_time_styles(tmp_path: Path, stamp: str, expected: str) -> None:
    path = _write(tmp_path, "t.txt", f"# date: 2026-11-22\n[{stamp}] Agent: one\n[{stamp}] Customer: two\n")
    df = cx.read_transcripts(path)
    assert df["timestamp"].iloc[0] == pd.Timestamp(expected, tz="UTC")


def test_tz_header_and_default_date_option(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "z.txt",
        "# tz: Asia/Tokyo\n[2026-11-22 09:00] Agent: おはようございます\n[2026-11-22 09:01] お客様: こんにちは\n",
    )
    df = cx.read_transcripts(path)
    assert df["timestamp"].iloc[0] == pd.Timestamp("2026-11-22 00:00", tz="UTC")
    plain = _write(tmp_path, "d.txt", "[09:00] Agent: hi\n[09:01] Customer: hello\n")
    df = cx.read_transcripts(plain, default_date="2026-01-05", tz="Europe/Moscow")
    assert df["timestamp"].iloc[0] == pd.Timestamp("2026-01-05 06:00", tz="UTC")


def test_rejects_and_accounting(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "bad.txt",
        "Transcript exported by some tool\n"
        "# any comment\n"
        "[2026-11-22 12:01] Agent: hello\n"
        "[2026-11-22 99:99] Customer: hi\n"
        "[2026-11-22 12:03] Agent: bye\n",
    )
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(df) == 2
    assert len(rej) == 2
    assert rej["source"].tolist() == [f"{path.as_posix()}:1", f"{path.as_posix()}:4"]
    assert "before the first message" in rej["reason"].iloc[0]
    assert "99:99" in rej["reason"].iloc[1]
    assert rej["raw"].iloc[1] == "[2026-11-22 99:99] Customer: hi"
    # 3 message records + 1 stray line in = 2 rows out + 2 rejects
    assert len(df) + len(rej) == 4


def test_time_only_without_date_is_rejected_with_advice(tmp_path: Path) -> None:
    path = _write(tmp_path, "nodate.txt", "[12:01] Agent: hi\n[12:02] Customer: hello\n")
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(df) == 0 and len(rej) == 2
    assert "# date:" in rej["reason"].iloc[0]


def test_sniff() -> None:
    good = Source("x.txt", b"[12:01] Agent: hi\n[12:02] Customer: hello\n")
    assert sniff(good)[0] == "chatlog"
    prose = Source("notes.txt", b"Dear diary,\nToday I wrote: nothing.\nThe end.\n")
    assert sniff(prose)[0] is None


def test_samples_read_clean() -> None:
    import yaml

    roles = yaml.safe_load((SAMPLES / "cx.yml").read_text(encoding="utf-8"))["read"]["roles"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", cx.errors.RoleWarning)
        df, rej = cx.read_transcripts(SAMPLES / "chatlogs", return_rejects=True, roles=roles)
    assert len(rej) == 0
    manifest = pd.read_csv(SAMPLES / "MANIFEST.csv")
    expected = set(manifest.loc[manifest["file"].str.startswith("chatlogs/"), "conversation_id"])
    assert set(df["conversation_id"]) == expected
    assert set(df["role"]) == {"agent", "customer"}


def test_unstamped_label_lines_continue_a_stamped_message(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "cont.txt",
        "[2026-11-22 12:01] Agent: Here is what to do.\n"
        "Note: unplug the router first.\n"
        "[attachment] Photo: router.jpg\n"
        "[2026-11-22 12:03] Customer: Done.\n",
    )
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["role"].tolist() == ["agent", "customer"]
    assert df["text"].iloc[0] == "Here is what to do.\nNote: unplug the router first.\n[attachment] Photo: router.jpg"
