"""Encodings: long en/zh/ja/ru texts round-trip through the usual encodings, for a CSV and a chat log.

Detection (byte-order mark → strict UTF-8 → charset detection) must find the encoding without
``encoding=``; an explicit ``encoding=`` always wins.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

import cxanalysis as cx

# Each text is over 200 characters, so that charset detection has enough to go on.
TEXTS = {
    "en": (
        "Thank you for waiting while I checked your account. The replacement router left our depot this "
        "morning and should reach you on Thursday before noon. If the courier misses you, a card with a "
        "collection code will be left, and the parcel will wait at the local shop for seven days."
    ),
    "zh": (
        "感谢您耐心等待，我刚刚查询了您的账户。新的路由器今天上午已经从我们的仓库发出，预计星期四中午之前送到您家。"
        "如果快递员上门时您不在家，他会留下一张取件通知单，包裹会在附近的便利店保存七天。"
        "如果还有其他问题，欢迎随时联系我们的客服团队，我们会尽快为您处理，祝您生活愉快。"
    ),
    "ja": (
        "お待たせいたしました。お客様のアカウントを確認いたしました。交換用のルーターは本日午前に当社の倉庫から発送されており、"
        "木曜日の正午までにお届けする予定でございます。配達時にご不在の場合は、不在連絡票が投函され、"
        "お荷物はお近くの店舗で七日間保管されます。ほかにご不明な点がございましたら、いつでもお気軽にお問い合わせください。"
    ),
    "ru": (
        "Спасибо, что подождали, пока я проверял ваш аккаунт. Новый роутер сегодня утром отправлен с нашего склада "
        "и должен прийти к вам в четверг до полудня. Если курьер вас не застанет, он оставит извещение с кодом, "
        "а посылка будет ждать вас в ближайшем магазине семь дней. Если появятся вопросы, пишите нам в любое время."
    ),
}
ENCODINGS = {
    "en": ["utf-8", "utf-8-sig", "utf-16"],
    "zh": ["utf-8", "utf-8-sig", "utf-16", "gb18030"],
    "ja": ["utf-8", "utf-8-sig", "utf-16", "shift_jis"],
    "ru": ["utf-8", "utf-8-sig", "utf-16", "cp1251"],
}
CASES = [(lang, enc) for lang, encs in ENCODINGS.items() for enc in encs]
AGENT = {"en": "Agent", "zh": "客服", "ja": "オペレーター", "ru": "Оператор"}
CUSTOMER = {"en": "Customer", "zh": "顾客", "ja": "お客様", "ru": "Клиент"}


def _csv_text(text: str) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["conversation_id", "speaker", "role", "text"])
    writer.writerow(["c1", "Ann", "customer", text[:40].strip()])
    writer.writerow(["c1", "Bo", "agent", text])
    return buf.getvalue()


def _chat_text(lang: str, text: str) -> str:
    colon = ":" if lang in ("en", "ru") else "："
    return f"# date: 2026-11-22\n[12:01] {CUSTOMER[lang]}{colon}{text[:40].strip()}\n[12:02] {AGENT[lang]}{colon}{text}\n"


@pytest.mark.parametrize(("lang", "encoding"), CASES)
def test_csv_detected(tmp_path: Path, lang: str, encoding: str) -> None:
    path = tmp_path / f"t_{lang}.csv"
    path.write_bytes(_csv_text(TEXTS[lang]).encode(encoding))
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["text"].tolist() == [TEXTS[lang][:40].strip(), TEXTS[lang]]
    assert df["lang"].iloc[1] == lang


@pytest.mark.parametrize(("lang", "encoding"), CASES)
def test_chatlog_detected(tmp_path: Path, lang: str, encoding: str) -> None:
    path = tmp_path / f"chat_{lang}.txt"
    path.write_bytes(_chat_text(lang, TEXTS[lang]).encode(encoding))
    df, rej = cx.read_transcripts(path, return_rejects=True)
    assert len(rej) == 0
    assert df["text"].tolist() == [TEXTS[lang][:40].strip(), TEXTS[lang]]
    assert df["role"].tolist() == ["customer", "agent"]
    assert df["conversation_id"].unique().tolist() == [f"chat_{lang}"]


@pytest.mark.parametrize(("lang", "encoding"), [("zh", "gb18030"), ("ja", "shift_jis"), ("ru", "cp1251"), ("en", "utf-16")])
def test_explicit_encoding(tmp_path: Path, lang: str, encoding: str) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_bytes(_chat_text(lang, TEXTS[lang]).encode(encoding))
    table = tmp_path / "t.csv"
    table.write_bytes(_csv_text(TEXTS[lang]).encode(encoding))
    assert cx.read_transcripts(chat, encoding=encoding)["text"].iloc[1] == TEXTS[lang]
    assert cx.read_transcripts(table, encoding=encoding)["text"].iloc[1] == TEXTS[lang]


def test_explicit_encoding_wins_over_detection(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(_chat_text("ru", TEXTS["ru"]).encode("utf-8"))
    # latin-1 decodes any byte: the caller's choice is used as given, even when it is wrong
    with pytest.warns(cx.RoleWarning):  # the role labels come out as mojibake, so they are unmapped
        df = cx.read_transcripts(path, encoding="latin-1", format="chatlog")
    assert df["text"].iloc[-1] == TEXTS["ru"].encode("utf-8").decode("latin-1")
    # an encoding that cannot decode the bytes is an error naming the file and line
    cp = tmp_path / "ru.txt"
    cp.write_bytes(_chat_text("ru", TEXTS["ru"]).encode("cp1251"))
    with pytest.raises(cx.ParseError, match="utf-8"):
        cx.read_transcripts(cp, encoding="utf-8")


# --- issue 9: the remaining legacy encodings, UTF-16 without a byte-order mark, other readers --

# Traditional Chinese (Big5 has no simplified characters); written for these tests.
TEXT_ZH_HANT = (
    "感謝您耐心等待，我剛剛查詢了您的帳戶。新的路由器今天上午已經從我們的倉庫發出，預計星期四中午之前送到您家。"
    "如果快遞員上門時您不在家，他會留下一張取件通知單，包裹會在附近的便利商店保存七天。"
    "如果還有其他問題，歡迎隨時聯絡我們的客服團隊，我們會盡快為您處理，祝您生活愉快。"
)
LEGACY = [
    ("zh", TEXTS["zh"], "gb18030"),
    ("zh", TEXT_ZH_HANT, "big5"),
    ("ja", TEXTS["ja"], "shift_jis"),
    ("ja", TEXTS["ja"], "euc_jp"),
    ("ru", TEXTS["ru"], "cp1251"),
    ("ru", TEXTS["ru"], "koi8_r"),
    ("en", TEXTS["en"], "utf-16"),
    ("ja", TEXTS["ja"], "utf-16"),
    ("en", TEXTS["en"], "utf-16-le"),  # no byte-order mark
    ("ru", TEXTS["ru"], "utf-16-be"),  # no byte-order mark
    ("zh", TEXTS["zh"], "utf-16-le"),
]


def _chat_legacy(lang: str, text: str) -> str:
    # 顧客 (not 顾客): the customer label must exist in traditional characters for Big5
    return _chat_text(lang, text).replace("顾客", "顧客")


def _jsonl_text(text: str) -> str:
    import json

    rows = [
        {"conversation_id": "c1", "role": "customer", "text": text[:40].strip()},
        {"conversation_id": "c1", "role": "agent", "text": text},
    ]
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


@pytest.mark.parametrize(("lang", "text", "encoding"), LEGACY, ids=[f"{c[0]}-{c[2]}" for c in LEGACY])
@pytest.mark.parametrize("kind", ["csv", "chatlog", "jsonl"])
def test_legacy_encodings_detected_and_explicit(tmp_path: Path, lang: str, text: str, encoding: str, kind: str) -> None:
    body = {"csv": _csv_text, "chatlog": lambda t: _chat_legacy(lang, t), "jsonl": _jsonl_text}[kind](text)
    path = tmp_path / f"t_{lang}.{ {'csv': 'csv', 'chatlog': 'txt', 'jsonl': 'jsonl'}[kind] }"
    path.write_bytes(body.encode(encoding))
    for options in ({}, {"encoding": encoding}):
        df, rej = cx.read_transcripts(path, format=kind, return_rejects=True, **options)
        assert len(rej) == 0, options
        assert df["text"].tolist() == [text[:40].strip(), text], options
        assert df["role"].tolist() == ["customer", "agent"]
        assert df["lang"].iloc[1] == lang


def test_wrong_explicit_encoding_is_an_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(_csv_text(TEXTS["ja"]).encode("euc_jp"))
    with pytest.raises(cx.ParseError, match=r"t\.csv:2: cannot decode byte .* at offset \d+ as shift_jis"):
        cx.read_transcripts(path, encoding="shift_jis")
