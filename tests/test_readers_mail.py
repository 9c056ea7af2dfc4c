"""Email (.eml, .mbox): threading, ids, roles by address, HTML, quote and signature splitting."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import Source
from cxanalysis.readers.mail import normalize_subject, split_reply

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
ROLES = {"agent_domains": ["help.example"]}


def _eml(
    sender: str,
    subject: str,
    body: str,
    msgid: str,
    date: str,
    in_reply_to: str | None = None,
    references: str | None = None,
    html: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "someone@example.org"
    msg["Subject"] = subject
    msg["Date"] = date
    msg["Message-ID"] = msgid
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
    if references:
        msg["References"] = references
    msg.set_content(body)
    if html:
        msg.add_alternative(html, subtype="html")
    return bytes(msg)


def _thread_files(tmp_path: Path) -> Path:
    folder = tmp_path / "thread"
    folder.mkdir()
    (folder / "a.eml").write_bytes(
        _eml(
            "Ann Lee <ann@mail.example>",
            "Broken lamp",
            "My lamp arrived broken.\n\nAnn",
            "<m1@mail.example>",
            "Mon, 02 Nov 2026 08:00:00 +0000",
        )
    )
    (folder / "b.eml").write_bytes(
        _eml(
            "Bo at Help <bo@help.example>",
            "Re: Broken lamp",
            "Sorry about the lamp, a new one ships today.\n\n-- \nBo\nHelp team\n",
            "<r1@help.example>",
            "Mon, 02 Nov 2026 09:00:00 +0000",
            in_reply_to="<m1@mail.example>",
            references="<m1@mail.example>",
            html="<p>Sorry about the lamp, a <b>new one</b> ships today.</p>",
        )
    )
    (folder / "c.eml").write_bytes(
        _eml(
            "Ann Lee <ann@mail.example>",
            "RE: Broken lamp",
            "Thanks!\n\nOn Mon, 2 Nov 2026 at 09:00, Bo <bo@help.example> wrote:\n> Sorry about the lamp\n",
            "<m2@mail.example>",
            "Mon, 02 Nov 2026 10:00:00 +0000",
            in_reply_to="<r1@help.example>",
        )
    )
    return folder


def test_eml_thread(tmp_path: Path) -> None:
    df, rej = cx.read_transcripts(_thread_files(tmp_path), return_rejects=True, roles=ROLES)
    assert len(rej) == 0
    assert df["conversation_id"].unique().tolist() == ["em-m1@mail.example"]
    assert df["message_id"].tolist() == ["m1@mail.example", "r1@help.example", "m2@mail.example"]
    assert df["reply_to"].tolist()[1:] == ["m1@mail.example", "r1@help.example"]
    assert df["role"].tolist() == ["customer", "agent", "customer"]
    assert df["speaker"].iloc[0] == "Ann Lee <ann@mail.example>"
    # the agent is named by the From header's display name; customers carry no agent
    assert df["agent"].tolist() == ["", "Bo at Help", ""]
    assert df["channel"].unique().tolist() == ["email"]
    assert df["text"].iloc[1] == "Sorry about the lamp, a new one ships today."
    assert df["meta.signature"].iloc[1] == "Bo\nHelp team"
    assert "<b>new one</b>" in df["meta.html"].iloc[1]
    assert df["text"].iloc[2] == "Thanks!"
    assert df["meta.quoted"].iloc[2].startswith("On Mon, 2 Nov 2026")
    assert df["meta.subject"].iloc[2] == "RE: Broken lamp"
    assert df["timestamp"].iloc[0] == pd.Timestamp("2026-11-02 08:00", tz="UTC")


def test_html_only_body_becomes_text(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"] = "x@mail.example"
    msg["Subject"] = "Hi"
    msg["Message-ID"] = "<h1@mail.example>"
    msg["Date"] = "Mon, 02 Nov 2026 08:00:00 +0000"
    msg.set_content("<html><body><p>Hello&nbsp;there,</p><p>my order is <i>late</i>.</p></body></html>", subtype="html")
    path = tmp_path / "h.eml"
    path.write_bytes(bytes(msg))
    df = cx.read_transcripts(path, roles=ROLES)
    assert df["text"].iloc[0] == "Hello there,\n\nmy order is late."
    assert df["meta.html"].iloc[0].startswith("<html>")


def test_subject_threading_without_link_headers(tmp_path: Path) -> None:
    a = _eml("c@mail.example", "Invoice question", "Where is my invoice?", "<s1@mail.example>", "Mon, 02 Nov 2026 08:00:00 +0000")
    b = _eml(
        "d@help.example", "回复: Invoice question", "It is attached.", "<s2@help.example>", "Mon, 02 Nov 2026 09:00:00 +0000"
    )
    c = _eml("e@mail.example", "Another topic", "Hello", "<s3@mail.example>", "Mon, 02 Nov 2026 10:00:00 +0000")
    mbox = b"".join(b"From x@y Mon Nov  2 08:00:00 2026\n" + m + b"\n" for m in (a, b, c))
    path = tmp_path / "box.mbox"
    path.write_bytes(mbox)
    df = cx.read_transcripts(path, roles=ROLES)
    assert df["conversation_id"].tolist() == ["em-s1@mail.example", "em-s1@mail.example", "em-s3@mail.example"]
    assert df["source"].tolist()[0] == f"{path.as_posix()}:1"


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        ("Re: Re: Hello", "hello"),
        ("RE: Fwd: Hello", "hello"),
        ("回复：你好", "你好"),
        ("答复: 你好", "你好"),
        ("Ответ: Привет", "привет"),
        ("Re[2]: Hi", "hi"),
        ("転送: こんにちは", "こんにちは"),
    ],
)
def test_normalize_subject(subject: str, expected: str) -> None:
    assert normalize_subject(subject) == expected


@pytest.mark.parametrize(
    ("body", "text", "quoted_start"),
    [
        ("Спасибо!\n\n23.11.2026, 14:31, Ольга <o@help.example> пишет:\n> Здравствуйте\n", "Спасибо!", "23.11.2026"),
        ("谢谢！\n\n在 2026年11月2日 09:00，客服 <k@help.example> 写道：\n> 您好\n", "谢谢！", "在 2026"),
        (
            "ありがとうございます。\n\n2026年11月2日(月) 9:00 山田 <y@help.example>のメッセージ:\n> こんにちは\n",
            "ありがとうございます。",
            "2026年",
        ),
        ("Fine.\n\n-----Original Message-----\nFrom: a@b.example\nSent: Monday\n\nold text\n", "Fine.", "-----Original"),
        ("Fine.\n\nFrom: a@b.example\nSent: Monday, 2 November 2026 09:00\nTo: c@d.example\n\nold text\n", "Fine.", "From: a@b"),
        ("Ok\n> old line\n> older line\n", "Ok", "> old line"),
    ],
)
def test_split_reply_per_language(body: str, text: str, quoted_start: str) -> None:
    own, quoted, signature = split_reply(body)
    assert own == text
    assert quoted.startswith(quoted_start)
    assert signature == ""


def test_inline_quotes_are_kept() -> None:
    own, quoted, _ = split_reply("> Can you refund?\nYes, done.\n> And the fee?\nAlso refunded.")
    assert quoted == ""
    assert "Also refunded." in own


def test_broken_message_is_rejected_and_counted(tmp_path: Path) -> None:
    good = _eml("c@mail.example", "Hi", "Hello", "<g1@mail.example>", "Mon, 02 Nov 2026 08:00:00 +0000")
    junk = b"this is not an email at all\nno headers here\n"
    bad_date = _eml("c@mail.example", "Re: Hi", "Hello again", "<g2@mail.example>", "Mon, 02 Nov 2026 09:00:00 +0000").replace(
        b"Mon, 02 Nov 2026 09:00:00 +0000", b"sometime last week"
    )
    mbox = b"From a@b Mon Nov  2 08:00:00 2026\n" + good + b"\nFrom a@b Mon Nov  2 08:00:00 2026\n" + junk
    mbox += b"\nFrom a@b Mon Nov  2 08:00:00 2026\n" + bad_date
    path = tmp_path / "mixed.mbox"
    path.write_bytes(mbox)
    df, rej = cx.read_transcripts(path, return_rejects=True, roles=ROLES)
    assert len(df) == 1 and len(rej) == 2
    assert len(df) + len(rej) == 3  # messages in the mbox
    assert any("not an email" in r for r in rej["reason"])
    assert any("timestamp" in r for r in rej["reason"])


def test_sniff() -> None:
    eml = Source("x.eml", _eml("a@b.example", "Hi", "Hello", "<x@b.example>", "Mon, 02 Nov 2026 08:00:00 +0000"))
    assert sniff(eml)[0] == "email"
    mbox = Source("x.mbox", b"From a@b Mon Nov  2 08:00:00 2026\nFrom: a@b.example\nSubject: Hi\n\nHello\n")
    assert sniff(mbox)[0] == "email"


def test_samples_threads_match_manifest() -> None:
    import yaml

    roles = yaml.safe_load((SAMPLES / "cx.yml").read_text(encoding="utf-8"))["read"]["roles"]
    df, rej = cx.read_transcripts(SAMPLES / "email", return_rejects=True, roles=roles)
    assert len(rej) == 0
    manifest = pd.read_csv(SAMPLES / "MANIFEST.csv")
    expected = set(manifest.loc[manifest["file"].str.startswith("email/"), "conversation_id"])
    assert set(df["conversation_id"]) == expected
    assert set(df["role"]) == {"agent", "customer"}


def test_agent_without_display_name_is_named_by_address(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(
        _eml("bo@help.example", "Lamp", "A new one ships today.", "<r9@help.example>", "Mon, 02 Nov 2026 09:00:00 +0000")
    )
    df = cx.read_transcripts(tmp_path / "a.eml", roles=ROLES)
    assert df["role"].tolist() == ["agent"] and df["agent"].tolist() == ["bo@help.example"]
