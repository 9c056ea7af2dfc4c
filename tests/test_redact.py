"""cx.redact: typed placeholders per kind and language, evidence kept, inputs untouched."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxanalysis as cx
from cxanalysis.errors import ConfigError
from cxanalysis.redact import (
    find_pii,
    luhn_ok,
    names_from_frame,
    redact_evidence,
    redact_span,
    redact_text,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("write to jane.roe@example.com today", "write to [EMAIL] today"),
        ("ＪＡＮＥ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "[EMAIL]"),
        ("call +1 415 555 0134", "call [PHONE]"),
        ("call (415) 555-0134 now", "call [PHONE] now"),
        ("позвоните +7 (912) 345-67-89", "позвоните [PHONE]"),
        ("или 8 (912) 345-67-89", "или [PHONE]"),
        ("電話は090-1234-5678です", "電話は[PHONE]です"),
        ("電話は０９０－１２３４－５６７８です", "電話は[PHONE]です"),
        ("本社03-1234-5678まで", "本社[PHONE]まで"),
        ("手机138 0013 8000", "手机[PHONE]"),
        ("手机13800138000", "手机[PHONE]"),
        ("电话010-12345678", "电话[PHONE]"),
        ("card 4111 1111 1111 1111 declined", "card [CARD] declined"),
        ("card 4111-1111-1111-1111", "card [CARD]"),
        ("カード４１１１ １１１１ １１１１ １１１１", "カード[CARD]"),
        ("order 112-4455667-1234567", "order [ORDER]"),
        ("Order W7730418.", "Order [ORDER]."),
        ("account number QN-2231907", "account number [ORDER]"),
        ("订单号 PN-20261101-7741", "订单号 [ORDER]"),
        ("注文番号：JP39018844", "注文番号：[ORDER]"),
        ("Договор 7045-118.", "Договор [ORDER]."),
        ("tracking RR123456789CN", "tracking [ORDER]"),
        ("@115712 sorry about that!", "[HANDLE] sorry about that!"),
        ("Hi Jane, welcome back", "Hi [NAME], welcome back"),
        ("Dear Ms. Roe,", "Dear Ms. [NAME],"),
        ("Good morning Laura Bennett,", "Good morning [NAME],"),
        ("张先生您好", "[NAME]先生您好"),
        ("刘女士您好：", "[NAME]女士您好："),
        ("伊藤様のアカウント", "[NAME]様のアカウント"),
        ("山田 健一 様", "[NAME] 様"),
        ("ジェーンさん、こんにちは", "[NAME]さん、こんにちは"),
        ("Здравствуйте, Марина!", "Здравствуйте, [NAME]!"),
        ("Добрый день, Сергей Петрович.", "Добрый день, [NAME]."),
    ],
)
def test_redact_text_kinds(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # dates, times and amounts are evidence (APL-06, AMZ-04); versions and counts too
        "Refund of $24.99 by November 19 (2026-11-19), 14:30 at the latest.",
        "£1,299.00 will be back on 19/11/2026; 3 parcels, v8.4.2, 256GB.",
        "88元会在11月19日前到账，1-3个工作日。",
        "2,400円を11月19日までに返金いたします。月額480円。",
        "Ваши 990 ₽ вернутся до 19.11.2026, сумма 1 234 567,89 ₽.",
        "Hi there! Hello again, thanks so much. お客様、皆様、ご担当者様、お母様",
        "这位先生、各位女士",
        "Здравствуйте! Благодарим Вас за обращение.",
        "Bug STU-482 filed with WH-2291.",
        "4111 1111 1111 1112 fails the Luhn check",
    ],
)
def test_redact_text_keeps_evidence(text: str) -> None:
    assert redact_text(text) == text


def test_luhn() -> None:
    assert luhn_ok("4111111111111111")
    assert luhn_ok("5555555555554444")
    assert not luhn_ok("4111111111111112")
    assert not luhn_ok("４１１１")  # full-width digits are folded before, never here


def test_find_pii_spans_index_the_original() -> None:
    text = "Ｍｙ card ４１１１ １１１１ １１１１ １１１１, mail a@b.example"
    spans = find_pii(text)
    assert [s.kind for s in spans] == ["CARD", "EMAIL"]
    for s in spans:
        assert text[s.start : s.end] == s.text
    assert spans[0].text == "４１１１ １１１１ １１１１ １１１１"


def test_keep_and_kinds() -> None:
    text = "@SpotifyCares hi @jane_r, mail jane@x.example"
    assert redact_text(text, keep=["SpotifyCares"]) == "@SpotifyCares hi [HANDLE], mail [EMAIL]"
    assert redact_text(text, kinds=["EMAIL"]) == "@SpotifyCares hi @jane_r, mail [EMAIL]"
    with pytest.raises(ConfigError, match="ADDRESS"):
        redact_text(text, kinds=["ADDRESS"])


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "message_id": ["m1", "m2", "m3", "m4"],
            "role": pd.Categorical(["customer", "agent", "customer", "agent"]),
            "speaker": ["Jane Roe <jane.roe@example.com>", "Sam", "803311", "Sam"],
            "agent": ["", "Sam", "", "Sam"],
            "text": [
                "My card 4111 1111 1111 1111 was charged twice.\n\nJane",
                "Sorry about that Jane, Sam here. $24.99 is back by 19 November.",
                "@SamCares still waiting",
                "@803311 refund sent, see tunely.example/p/for-803311",
            ],
        }
    ).astype({"text": "string", "speaker": "string"})


def test_redact_frame_uses_customer_names_and_keeps_agents() -> None:
    df = _frame()
    before = df.copy(deep=True)
    out = cx.redact(df, columns=("text", "speaker"))
    pd.testing.assert_frame_equal(df, before)  # input untouched
    assert out["text"].tolist() == [
        "My card [CARD] was charged twice.\n\n[NAME]",
        "Sorry about that [NAME], Sam here. $24.99 is back by 19 November.",
        "[HANDLE] still waiting",
        "[HANDLE] refund sent, see tunely.example/p/for-[HANDLE]",
    ]
    assert out["speaker"].tolist() == ["[NAME] <[EMAIL]>", "Sam", "[HANDLE]", "Sam"]
    assert out["text"].dtype == df["text"].dtype
    names, keep = names_from_frame(df)
    assert {"Jane Roe", "Jane", "Roe", "jane.roe@example.com", "803311"} <= set(names)
    assert "Sam" in keep and "Sam" not in names


def test_redact_evidence_keeps_offsets_and_masks_quotes() -> None:
    df = _frame()
    text = df["text"].iat[1]
    start = text.index("Sorry")
    end = text.index(",") + 0
    evidence = pd.DataFrame(
        {
            "message_id": ["m2", "m1", "zz"],
            "feature": ["warmth_apology", "x", "y"],
            "start": [start, 8, pd.NA],
            "end": [end, 27, pd.NA],
            "quote": [text[start:end], df["text"].iat[0][8:27], "mail jane.roe@example.com"],
            "detail": ["sorry", "", ""],
        }
    )
    out = redact_evidence(evidence, df)
    assert out["quote"].tolist() == ["Sorry about that [NAME]", "[CARD]", "mail [EMAIL]"]
    pd.testing.assert_series_equal(out["start"], evidence["start"])
    assert text[int(out["start"].iat[0]) : int(out["end"].iat[0])] == evidence["quote"].iat[0]


def test_redact_span_partial_overlap() -> None:
    text = "call +1 415 555 0134 now"
    spans = find_pii(text)
    assert redact_span(text, 0, 9, spans) == "call [PHONE]"
    assert redact_span(text, 21, 24, spans) == "now"


def test_redactor_knows_the_frame() -> None:
    from cxanalysis.redact import Redactor

    df = _frame()
    red = Redactor(df)
    # a customer name without a greeting is only known from the frame
    assert red("Thanks!\n\nJane") == "Thanks!\n\n[NAME]"
    assert redact_text("Thanks!\n\nJane") == "Thanks!\n\nJane"
    assert red("Sam will call you back") == "Sam will call you back"  # agents are kept
    text = df["text"].iat[1]
    start = text.index("Jane")
    assert red.quote(text, start - 5, start + 4) == "that [NAME]"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_find_pii_spans_are_sorted_disjoint_and_exact(text: str) -> None:
    spans = find_pii(text)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))
    assert all(text[s.start : s.end] == s.text and s.text for s in spans)
    assert redact_text(text, kinds=()) == text
    out = redact_text(text)
    for s in spans:  # what was found is gone from the output (unless it also occurs elsewhere)
        assert s.text not in out or text.count(s.text) > 1 or s.text in "[EMAIL][PHONE][CARD][ORDER][HANDLE][NAME]"


def test_name_trie_matches_what_a_longest_first_alternation_matches():
    import random
    import re

    from cxanalysis.redact import _trie

    rnd = random.Random(7)
    for _ in range(300):
        words = {"".join(rnd.choice("ab1.") for _ in range(rnd.randint(1, 5))) for _ in range(rnd.randint(1, 8))}
        trie = re.compile(_trie(words))
        plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
        for _ in range(30):
            s = "".join(rnd.choice("ab1.") for _ in range(rnd.randint(1, 6)))
            m1, m2 = trie.match(s), plain.match(s)
            assert (m1 and m1.group()) == (m2 and m2.group()), (words, s)


def test_a_frame_with_thousands_of_customer_ids_still_finds_each_one():
    import pandas as pd

    from cxanalysis.redact import Redactor

    ids = [str(115000 + 7 * i) for i in range(20_000)]
    df = pd.DataFrame({"role": ["customer"] * len(ids) + ["agent"], "speaker": [*ids, "Brand"], "text": "x"})
    red = Redactor(df)
    assert red("thanks @115007 and 115014, not 1150070 or 115001") == "thanks [HANDLE] and [HANDLE], not 1150070 or 115001"
