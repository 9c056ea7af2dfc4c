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
    ],
)
def test_text_detect_languages(text, lang):
    assert detect_languages([text]).tolist() == [lang]


@pytest.mark.parametrize("tag, code", [("en-US", "en"), ("zh_CN", "zh"), ("Japanese", "ja"), ("rus", "ru"), ("", None), ("x!", "und")])
def test_text_normalize_lang(tag, code):
    assert normalize_lang(tag) == code
