"""``cx bench``: a seeded synthetic transcript generator and throughput figures.

The generator writes mixed-language support conversations (en, zh, ja, ru; chat, email and
social) from small banks of sentences written for this purpose, with order numbers, dates and
amounts filled in at random, so that markers fire at realistic rates. :func:`run_bench`
featurizes the same messages with ``cx.featurize`` (language detection included: the frame
comes without ``lang``) and tokenizes them with ``spacy.blank("en")``, the peer an analyst
would otherwise reach for, and reports messages per second for both.
"""

from __future__ import annotations

import os
import resource
import time

import numpy as np
import pandas as pd

from .schema import TEXT_DTYPE, TIMESTAMP_DTYPE

_BANK: dict[str, dict[str, list[str]]] = {
    "en": {
        "customer": [
            "My parcel hasn't moved for a week.",
            "I was charged twice for the same subscription.",
            "The app keeps crashing when I open my playlists",
            "Can I change the delivery address on order {order}?",
            "This is the third time I'm writing about this!!",
            "ok thanks",
            "still not working after the update",
            "Where is my refund? It has been {n} days.",
            "I can't log in, it says my password is wrong.",
            "great, that fixed it, you guys rock",
        ],
        "agent": [
            "Hi there, thanks for reaching out!",
            "I'm sorry your order is late, that must be frustrating.",
            "I've checked with the carrier and the parcel is on its way.",
            "It will arrive by {date} at the latest.",
            "Could you send me your order number so I can take a look?",
            "Please DM us your email address and we'll dig into this.",
            "I have refunded {amount} to your original payment method; it takes 3-5 business days.",
            "Also, you'll get a tracking link by email once it ships.",
            "Let's try restarting the app and clearing the cache.",
            "Does that help?",
            "Have a great weekend!",
            "Are you still there?",
            "We're looking into it and will update you soon.",
            "Your request has been received.",
        ],
    },
    "zh": {
        "customer": [
            "我的快递一周都没有更新了。",
            "同一个会员被扣了两次钱",
            "订单{order}可以改收货地址吗？",
            "退款怎么还没到账？已经{n}天了",
            "好的谢谢",
            "更新以后还是打不开",
        ],
        "agent": [
            "您好，很高兴为您服务！",
            "非常抱歉让您久等了，理解您的心情。",
            "我已经帮您查询了物流，包裹正在派送中。",
            "预计{date}前送达。",
            "麻烦您提供一下订单号，我帮您查一下。",
            "退款{amount}元已原路退回，3个工作日内到账。",
            "另外，发货后您会收到短信通知。",
            "请问还有其他可以帮您的吗？",
            "祝您生活愉快！",
            "您还在吗？",
        ],
    },
    "ja": {
        "customer": [
            "注文した商品がまだ届きません。",
            "二重に請求されています",
            "注文番号{order}の配送先を変更できますか？",
            "返金はいつになりますか",
            "ありがとうございました",
        ],
        "agent": [
            "お問い合わせいただきありがとうございます。",
            "ご不便をおかけして大変申し訳ございません。",
            "配送状況を確認いたしました。",
            "{date}までにお届けいたします。",
            "恐れ入りますが、ご注文番号を教えていただけますでしょうか。",
            "{amount}円を返金いたしました。",
            "なお、発送後に追跡番号をメールでお送りします。",
            "ご不明な点はございますか？",
            "どうぞよい一日をお過ごしください。",
        ],
    },
    "ru": {
        "customer": [
            "Мой заказ не двигается уже неделю.",
            "С меня списали деньги дважды",
            "Можно изменить адрес доставки для заказа {order}?",
            "Где мой возврат? Прошло {n} дней.",
            "спасибо, всё заработало",
        ],
        "agent": [
            "Здравствуйте! Спасибо, что обратились.",
            "Приносим извинения за задержку, понимаем, как это неприятно.",
            "Я проверила статус заказа, посылка уже в пути.",
            "Заказ будет доставлен до {date}.",
            "Пришлите, пожалуйста, номер заказа.",
            "Мы вернули {amount} ₽ на вашу карту в течение 3 рабочих дней.",
            "Также обратите внимание: трек-номер придёт по почте.",
            "Всё понятно?",
            "Хорошего дня!",
        ],
    },
}
_LANG_WEIGHTS = {"en": 0.55, "zh": 0.15, "ja": 0.15, "ru": 0.15}
_DATES = {"en": ["15 September", "Friday", "5 November"], "zh": ["9月15日", "周五"], "ja": ["9月15日", "金曜日"], "ru": ["15 сентября", "пятницы"]}


def synthetic_frame(n_messages: int, seed: int = 0) -> pd.DataFrame:
    """A canonical-looking frame of ``n_messages`` synthetic messages (``lang`` left empty).

    >>> df = synthetic_frame(50, seed=1)
    >>> len(df), df["message_id"].is_unique
    (50, True)
    """
    rng = np.random.default_rng(seed)
    langs = list(_LANG_WEIGHTS)
    p = np.array(list(_LANG_WEIGHTS.values()))
    rows = []
    conv = 0
    t0 = pd.Timestamp("2026-11-02 08:00", tz="UTC")
    while len(rows) < n_messages:
        lang = langs[rng.choice(len(langs), p=p)]
        channel = ("chat", "email", "social")[rng.integers(3)]
        length = int(rng.integers(2, 9))
        start = t0 + pd.Timedelta(seconds=int(rng.integers(0, 86400 * 7)))
        for turn in range(min(length, n_messages - len(rows))):
            role = "customer" if turn % 2 == 0 else "agent"
            bank = _BANK[lang][role]
            k = int(rng.integers(1, 4 if role == "agent" else 3))
            parts = [bank[i] for i in rng.integers(0, len(bank), size=k)]
            text = (" " if lang in ("en", "ru") else "").join(parts).format(
                order=f"{rng.integers(10**6, 10**7)}",
                n=int(rng.integers(2, 30)),
                date=_DATES[lang][rng.integers(len(_DATES[lang]))],
                amount=f"{rng.integers(5, 500)}.{rng.integers(0, 99):02d}" if lang == "en" else f"{rng.integers(5, 5000)}",
            )
            rows.append((f"syn-{conv}", f"syn-{conv}-{turn}", turn, start + pd.Timedelta(seconds=90 * turn), role, text, channel))
        conv += 1
    df = pd.DataFrame(rows, columns=["conversation_id", "message_id", "turn", "timestamp", "role", "text", "channel"])
    for c in ("conversation_id", "message_id", "text"):
        df[c] = df[c].astype(TEXT_DTYPE)
    df["timestamp"] = df["timestamp"].astype(TIMESTAMP_DTYPE)
    df["speaker"] = np.where(df["role"] == "agent", "Agent", "Customer")
    df["agent"] = np.where(df["role"] == "agent", "agent-" + (df.index % 7).astype(str), "")
    df["lang"] = pd.array([pd.NA] * len(df), dtype="string")
    return df


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_bench(messages: int, seed: int = 0, real: str | None = None, spacy_sample: int | None = None) -> dict:
    """Featurize ``messages`` synthetic (or real, tiled) messages and time the peers on them."""
    from . import featurize
    from .features import FAMILIES
    from .text import detect_languages

    if real:
        from .readers import read_transcripts

        base = read_transcripts(real)
        reps = -(-messages // max(len(base), 1))
        df = pd.concat([base] * reps, ignore_index=True).iloc[:messages].copy()
        df["message_id"] = pd.array([f"m{i}" for i in range(len(df))], dtype="string")
        df["lang"] = pd.array([pd.NA] * len(df), dtype="string")
    else:
        df = synthetic_frame(messages, seed)
    n = len(df)
    out: dict = {"messages": n, "source": real or f"synthetic(seed={seed})", "cores": os.cpu_count()}

    t = time.perf_counter()
    feats = featurize(df)
    out["featurize_s"] = round(time.perf_counter() - t, 3)
    out["featurize_msgs_per_s"] = round(n / out["featurize_s"], 1)
    out["evidence_rows"] = len(feats.evidence)
    del feats

    t = time.perf_counter()
    langs = detect_languages(df["text"])
    out["detect_s"] = round(time.perf_counter() - t, 3)
    with_lang = df.assign(lang=langs.to_numpy())
    per_family = {}
    for name, cls in FAMILIES.items():
        t = time.perf_counter()
        cls().fit(with_lang).transform_with_evidence(with_lang)
        per_family[name] = round(time.perf_counter() - t, 3)
    out["family_s"] = per_family

    import spacy

    nlp = spacy.blank("en")
    texts = df["text"].astype(str).tolist()
    if spacy_sample and spacy_sample < n:
        texts = texts[:spacy_sample]
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    out["spacy_tokenize_s"] = round(time.perf_counter() - t, 3)
    out["spacy_tokenize_messages"] = len(texts)
    out["spacy_tokenize_msgs_per_s"] = round(len(texts) / out["spacy_tokenize_s"], 1)
    out["featurize_vs_spacy"] = round(out["featurize_msgs_per_s"] / out["spacy_tokenize_msgs_per_s"], 2)
    out["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    return out
