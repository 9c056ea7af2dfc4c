"""Text layer: language detection per message.

Detection runs only where neither the source nor the caller gave a language, in two steps:

1. **Script ranges** decide CJK and other non-Latin scripts directly: any kana → ``ja``; Han
   characters → ``zh``; Hangul → ``ko``; Thai, Arabic, Hebrew, Greek, Devanagari by script.
2. **Latin and Cyrillic** text: a vote of function words that belong to one language only
   (``data/stopwords.json``: en, es, fr, de, pt, it, nl) settles clear cases fast; the rest
   goes to py3langid (a bundled Naive Bayes model, no download); its "zxx" (no linguistic
   content: version strings, codes) is ``und``. Cyrillic text defaults to ``ru`` unless py3langid is confident of
   another Cyrillic language (uk, bg, be, sr, mk, kk).

Texts with fewer than three letters (after removing @handles and URLs) are ``und``.
Languages covered by lexicons: en, zh, ja, ru (see :data:`COVERED_LANGUAGES`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .schema import UNDETERMINED

#: Languages whose lexicons cxanalysis ships.
COVERED_LANGUAGES: tuple[str, ...] = ("en", "zh", "ja", "ru")

_NOISE = re.compile(r"https?://\S+|www\.\S+|(?<![^\s@])[^\s@]+@[^\s@]+\.\w+|@\w+|#\w+")
_SCRIPTS: dict[str, str] = {
    "kana": "\u3040-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9d",
    "han": "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff",
    "hangul": "\uac00-\ud7af\u1100-\u11ff\u3130-\u318f",
    "cyrillic": "\u0400-\u04ff",
    "latin": "A-Za-z\u00c0-\u024f",
    "thai": "\u0e00-\u0e7f",
    "arabic": "\u0600-\u06ff",
    "hebrew": "\u0590-\u05ff",
    "greek": "\u0370-\u03ff",
    "devanagari": "\u0900-\u097f",
}
_SCRIPT_LANG = {"hangul": "ko", "thai": "th", "arabic": "ar", "hebrew": "he", "greek": "el", "devanagari": "hi"}
#: whole words only: the letters of "gac7a8e02" or "15a432" are not the words "a" and "e"
_WORD = re.compile(r"(?<![\w'])[a-zà-ɏ']+(?![\w'])")
_CYRILLIC_LANGS = ("ru", "uk", "bg", "be", "sr", "mk", "kk")

_LANG_NAMES = {
    "english": "en",
    "chinese": "zh",
    "japanese": "ja",
    "russian": "ru",
    "spanish": "es",
    "french": "fr",
    "german": "de",
    "korean": "ko",
    "portuguese": "pt",
    "italian": "it",
    "中文": "zh",
    "日本語": "ja",
    "русский": "ru",
}


@lru_cache(maxsize=1)
def _stopwords() -> dict[str, tuple[str, ...]]:
    """Function word -> the languages it belongs to."""
    raw = json.loads(resources.files("cxanalysis.data").joinpath("stopwords.json").read_text("utf-8"))
    index: dict[str, list[str]] = {}
    for lang, words in raw.items():
        if lang.startswith("_"):
            continue
        for word in words:
            index.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


@lru_cache(maxsize=1)
def _langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def normalize_lang(value: object) -> str | None:
    """Normalise a language tag from a source or caller to ISO 639-1 (``en-US`` → ``en``).

    Returns None for empty values and ``und`` for tags that are not recognisable.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    tag = str(value).strip()
    if not tag:
        return None
    low = tag.casefold()
    if low in _LANG_NAMES:
        return _LANG_NAMES[low]
    primary = re.split(r"[-_]", low, maxsplit=1)[0]
    if re.fullmatch(r"[a-z]{2}", primary):
        return primary
    if primary in ("zho", "chi", "cmn"):
        return "zh"
    if primary in ("jpn",):
        return "ja"
    if primary in ("rus",):
        return "ru"
    if primary in ("eng",):
        return "en"
    return UNDETERMINED


_SCRIPT_RES = {name: re.compile(f"[{chars}]") for name, chars in _SCRIPTS.items()}


def detect_one(text: str) -> str:
    """Detect the language of one text (see the module docstring for the rules)."""
    clean = _NOISE.sub(" ", text or "")
    counts = {name: len(rx.findall(clean)) for name, rx in _SCRIPT_RES.items()}
    cjk = counts["kana"] + counts["han"]
    letters = sum(counts.values())
    if letters < 3 and cjk < 2:
        return UNDETERMINED
    # one katakana in a Latin emoticon (¯\\_(ツ)_/¯) is not Japanese: kana needs a second kana or a Han character
    if counts["kana"] >= 1 and (counts["kana"] >= 2 or counts["han"] >= 1) and counts["kana"] * 20 >= cjk:
        return "ja"
    if counts["han"] * 3 >= counts["latin"] and counts["han"] >= 2:
        return "zh"
    top = max(counts, key=lambda k: counts[k])
    if top in _SCRIPT_LANG:
        return _SCRIPT_LANG[top]
    if top == "cyrillic":
        lang, prob = _langid().classify(clean)
        return lang if lang in _CYRILLIC_LANGS and lang != "ru" and prob > 0.9 else "ru"
    # Latin: function-word vote, then the model
    words = _WORD.findall(clean.casefold())
    if words:
        index = _stopwords()
        votes: dict[str, int] = {}
        for w in words:
            langs = index.get(w, ())
            if len(langs) == 1:  # a word several languages use ("a", "no", "de") says nothing
                votes[langs[0]] = votes.get(langs[0], 0) + 1
        ranked = sorted(votes.items(), key=lambda kv: -kv[1]) + [("", 0), ("", 0)]
        (best, top), (_, second) = ranked[0], ranked[1]
        if top >= 2 and top >= 2 * second and top >= 0.2 * len(words):
            return best
    lang, prob = _langid().classify(clean)
    # "zxx" is py3langid's "no linguistic content" (version strings, codes)
    return lang if prob >= 0.5 and lang != "zxx" else UNDETERMINED


def detect_languages(texts: Iterable[str] | pd.Series) -> pd.Series:
    """Detect the language of each text; returns a Series of ISO 639-1 codes or ``und``.

    Examples
    --------
    >>> detect_languages(["Thanks, that fixed it!", "谢谢您的耐心等待", "ありがとうございます",
    ...                   "Спасибо, всё работает"]).tolist()
    ['en', 'zh', 'ja', 'ru']
    """
    s = pd.Series(texts) if not isinstance(texts, pd.Series) else texts
    values = s.astype(object).where(s.notna(), "")
    codes, uniques = pd.factorize(values.to_numpy())
    detected = np.array([detect_one(str(u)) for u in uniques], dtype=object)
    return pd.Series(detected[codes] if len(uniques) else [], index=s.index, dtype=object)
