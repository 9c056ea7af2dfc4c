from __future__ import annotations

import pytest

from cxanalysis.text import detect_languages, normalize_lang


@pytest.mark.parametrize(
    "text, lang",
    [
        ("@brand my parcel still hasn't arrived and nobody answers", "en"),
        ("我的订单三天了还没有发货，请帮我查一下", "zh"),
        ("注文した商品がまだ届いていません。確認してもらえますか", "ja"),
        ("Заказ до сих пор не пришёл, проверьте, пожалуйста", "ru"),
        ("Hola, mi pedido no ha llegado todavía, me pueden ayudar por favor", "es"),
        ("Fire TV Stickが映らないです", "ja"),
        ("ok", "und"),
        ("https://t.co/abc @brand", "und"),
        # short English that shares words with Portuguese ("no", "a"); letters inside codes are not words
        ("No, a reboot did nothing", "en"),
        ("No worries, have a good one", "en"),
        ("me pueden ayudar me robaron la cuenta", "es"),  # "me" is Spanish too
        ("version 5.0.12.9a7e macOS", "und"),
        # one katakana of an emoticon in English text is not Japanese
        ("the shuffle button does nothing ¯\\_(ツ)_/¯", "en"),
        # a version string has no language (py3langid's "zxx")
        ("2.3.41.118.gbd09e7f1 macOS", "und"),
    ],
)
def test_text_detect_languages(text, lang):
    assert detect_languages([text]).tolist() == [lang]


@pytest.mark.parametrize(
    "tag, code", [("en-US", "en"), ("zh_CN", "zh"), ("Japanese", "ja"), ("rus", "ru"), ("", None), ("x!", "und")]
)
def test_text_normalize_lang(tag, code):
    assert normalize_lang(tag) == code
