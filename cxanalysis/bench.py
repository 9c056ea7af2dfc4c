"""``cx bench``: a seeded synthetic transcript generator and throughput figures.

The generator writes mixed-language support conversations (en, zh, ja, ru; chat, email and
social) from small banks of sentences written for this purpose, with order numbers, dates and
amounts filled in at random, so that markers fire at realistic rates. Conversation lengths,
message lengths and reply delays depend on the channel (a chat answers in seconds, an email in
hours), and customers come back, so the re-contact and latency columns have work to do.

:func:`run_bench` takes N such messages (or a real transcript file tiled up to N with fresh
ids) and times, on the same messages and in one process:

* ``read`` — the frame written to a temporary CSV file and read back with
  :func:`cxanalysis.read_transcripts` (language detection included, as a file without a
  language column needs);
* ``featurize`` — :func:`cxanalysis.featurize` on the frame without ``lang`` (detection and
  every family included), then each family alone (``family_s``);
* ``score`` — :func:`cxanalysis.score` against the default exemplars;
* the peers an analyst would otherwise use, on the English messages: ``spacy.blank("en")``
  tokenization and VADER polarity (on a sample of at most ``peer_sample`` messages, as they
  are slow; the rate is per message either way), and, when installed and asked for,
  ConvoKit's politeness strategies;
* peak resident memory, overall and per stage (Linux ``VmHWM``, reset before each stage).
"""

from __future__ import annotations

import datetime as _dt
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
            "Please don't close this chat while I check with the warehouse.",
            "Glad I could help, and we're here for you if anything else comes up.",
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
_DATES = {
    "en": ["15 September", "Friday", "5 November"],
    "zh": ["9月15日", "周五"],
    "ja": ["9月15日", "金曜日"],
    "ru": ["15 сентября", "пятницы"],
}
_CHANNELS = ("chat", "email", "social")
#: per channel: (mean extra turns beyond 2, sentences per agent message (low, high), reply delay
#: median in seconds, the delay's log-normal sigma)
_SHAPE = {
    "chat": (4.0, (1, 4), 45.0, 0.8),
    "email": (1.5, (2, 6), 3.0 * 3600, 1.0),
    "social": (2.0, (1, 3), 20.0 * 60, 1.2),
}


def synthetic_frame(n_messages: int, seed: int = 0) -> pd.DataFrame:
    """A canonical-looking frame of ``n_messages`` synthetic messages (``lang`` left empty).

    Conversations alternate customer and agent turns (2 + a Poisson number of further turns,
    longer on chat); agent messages join 1-5 sentences (more on email); reply delays are
    log-normal around 45 s (chat), 20 min (social) and 3 h (email); about one customer in
    five writes again within days.

    >>> df = synthetic_frame(50, seed=1)
    >>> len(df), df["message_id"].is_unique
    (50, True)
    """
    rng = np.random.default_rng(seed)
    langs = list(_LANG_WEIGHTS)
    p = np.array(list(_LANG_WEIGHTS.values()))
    t0 = pd.Timestamp("2026-11-02 08:00", tz="UTC").value // 1000  # microseconds
    n_conv = max(1, n_messages // 3 + 2)
    conv_lang = rng.choice(len(langs), size=n_conv, p=p)
    conv_channel = rng.integers(0, 3, size=n_conv)
    extra = rng.poisson([_SHAPE[_CHANNELS[c]][0] for c in conv_channel])
    lengths = 2 + extra
    # a fifth of the conversations come from a customer seen before
    customers = np.arange(n_conv)
    again = rng.random(n_conv) < 0.2
    customers[again] = rng.integers(0, n_conv, size=int(again.sum()))
    starts = t0 + rng.integers(0, 86400 * 14, size=n_conv) * 1_000_000
    conv_ids, msg_ids, turns, stamps, roles, texts, channels, speakers = [], [], [], [], [], [], [], []
    total = 0
    for c in range(n_conv):
        if total >= n_messages:
            break
        lang = langs[conv_lang[c]]
        channel = _CHANNELS[conv_channel[c]]
        _, (lo, hi), median, sigma = _SHAPE[channel]
        n = int(min(lengths[c], n_messages - total))
        delays = rng.lognormal(np.log(median), sigma, size=n) * 1_000_000
        delays[0] = 0
        times = starts[c] + np.cumsum(delays).astype(np.int64)
        sep = " " if lang in ("en", "ru") else ""
        for turn in range(n):
            role = "customer" if turn % 2 == 0 else "agent"
            bank = _BANK[lang][role]
            k = int(rng.integers(lo, hi + 1)) if role == "agent" else int(rng.integers(1, 3))
            parts = [bank[i] for i in rng.integers(0, len(bank), size=k)]
            text = sep.join(parts).format(
                order=f"{rng.integers(10**6, 10**7)}",
                n=int(rng.integers(2, 30)),
                date=_DATES[lang][rng.integers(len(_DATES[lang]))],
                amount=f"{rng.integers(5, 500)}.{rng.integers(0, 99):02d}" if lang == "en" else f"{rng.integers(5, 5000)}",
            )
            conv_ids.append(f"syn-{c}")
            msg_ids.append(f"syn-{c}-{turn}")
            turns.append(turn)
            stamps.append(times[turn])
            roles.append(role)
            texts.append(text)
            channels.append(channel)
            speakers.append(f"cust-{customers[c]}" if role == "customer" else f"agent-{(c + turn) % 37}")
        total += n
    df = pd.DataFrame(
        {
            "conversation_id": pd.array(conv_ids, dtype=TEXT_DTYPE),
            "message_id": pd.array(msg_ids, dtype=TEXT_DTYPE),
            "turn": np.asarray(turns, dtype=np.int64),
            "timestamp": pd.to_datetime(np.asarray(stamps, dtype="datetime64[us]")).tz_localize("UTC").astype(TIMESTAMP_DTYPE),
            "role": roles,
            "text": pd.array(texts, dtype=TEXT_DTYPE),
            "channel": channels,
        }
    )
    df["speaker"] = pd.array(speakers, dtype=TEXT_DTYPE)
    df["agent"] = pd.array(np.where(df["role"] == "agent", df["speaker"], ""), dtype=TEXT_DTYPE)
    df["lang"] = pd.array([pd.NA] * len(df), dtype="string")
    return df


def tiled_frame(path: str | os.PathLike, n_messages: int) -> pd.DataFrame:
    """Read a real transcript file and repeat it up to ``n_messages`` rows (``lang`` left empty).

    Each copy gets fresh ids: ``<conversation_id>~<copy>`` and ``<message_id>~<copy>`` (reply
    links follow), so copies are separate conversations, as a bigger corpus would have.
    """
    from .readers import read_transcripts

    base = read_transcripts(path)
    if not len(base):
        raise ValueError(f"{path}: no messages to tile")
    reps = -(-n_messages // len(base))
    parts = []
    for r in range(reps):
        part = base.copy()
        for col in ("conversation_id", "message_id", "reply_to"):
            part[col] = part[col] + f"~{r}"
        parts.append(part)
    df = pd.concat(parts, ignore_index=True).iloc[:n_messages].copy()
    df["lang"] = pd.array([pd.NA] * len(df), dtype="string")
    df["lang_source"] = pd.NA
    return df


class _Peak:
    """Peak resident memory of this process, per stage where Linux lets us reset the mark."""

    def __init__(self) -> None:
        self.max_mb = self._hwm_mb()
        self.cpu_s = 0.0
        self.resettable = self._reset()

    @staticmethod
    def _reset() -> bool:
        try:
            Path("/proc/self/clear_refs").write_text("5")
            return True
        except OSError:
            return False

    @staticmethod
    def _hwm_mb() -> float:
        try:
            for line in Path("/proc/self/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0

    def stage(self, fn: Callable[[], Any]) -> tuple[Any, float, float]:
        """Run ``fn``; return its result, seconds and the peak RSS (MB) while it ran.

        The process CPU seconds of the last stage are kept in :attr:`cpu_s`: on a machine
        shared with other work, messages per CPU second say more than wall-clock rates.
        """
        if self.resettable:
            self._reset()
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        seconds, hwm = time.perf_counter() - t, self._hwm_mb()
        self.cpu_s = time.process_time() - c
        self.max_mb = max(self.max_mb, hwm)
        return result, seconds, hwm


def _rate(n: int, seconds: float) -> float:
    return round(n / seconds, 1) if seconds > 0 else float("inf")


def run_bench(
    messages: int,
    seed: int = 0,
    real: str | os.PathLike | None = None,
    peer_sample: int | None = 100_000,
    families: bool = True,
    convokit: bool = False,
    spacy_sample: int | None = None,
) -> dict[str, Any]:
    """Time read, featurize and score on the same ``messages`` messages, and the peers.

    Parameters
    ----------
    messages
        Number of messages (synthetic, or the ``real`` file tiled).
    seed
        Seed of the synthetic generator.
    real
        A transcript file to tile instead of synthetic text (any format
        :func:`cxanalysis.read_transcripts` reads).
    peer_sample
        Time spaCy and VADER on at most this many English messages (None: all of them).
    families
        Also time each feature family alone (``family_s``).
    convokit
        Also time ConvoKit's politeness strategies (on the peer sample) when it is installed.
    spacy_sample
        Older name of ``peer_sample``.

    Returns
    -------
    dict
        ``messages, conversations, source, cores, read_msgs_per_s, featurize_msgs_per_s,
        score_msgs_per_s, spacy_tokenize_msgs_per_s, vader_msgs_per_s, peak_rss_mb``, the
        seconds and per-stage peaks behind them, ``family_s``, the ratios
        ``featurize_vs_spacy`` and ``featurize_vs_vader``, and when and under what load it ran.
    """
    from .features import FAMILIES, featurize
    from .readers import read_transcripts
    from .scoring import score

    if spacy_sample is not None:
        peer_sample = spacy_sample
    peak = _Peak()
    out: dict[str, Any] = {
        "started_utc": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_avg_start": [round(x, 2) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
    }
    df = tiled_frame(real, messages) if real else synthetic_frame(messages, seed)
    n = len(df)
    out.update(
        messages=n, conversations=int(df["conversation_id"].nunique()), source=str(real) if real else f"synthetic(seed={seed})"
    )

    # read: the same messages written as a CSV file without languages, read back
    with tempfile.TemporaryDirectory(prefix="cx-bench-") as tmp:
        path = Path(tmp) / "bench.csv"
        cols = ["conversation_id", "message_id", "timestamp", "role", "speaker", "text", "channel"]
        df[cols].to_csv(path, index=False)
        out["read_file_mb"] = round(path.stat().st_size / 2**20, 1)
        back, s, rss = peak.stage(lambda: read_transcripts(path, format="csv"))
    out.update(read_cpu_s=round(peak.cpu_s, 3), read_msgs_per_cpu_s=_rate(n, peak.cpu_s))
    out.update(read_s=round(s, 3), read_msgs_per_s=_rate(n, s), read_peak_rss_mb=round(rss, 1), read_rows=len(back))
    del back

    feats, s, rss = peak.stage(lambda: featurize(df))
    out.update(featurize_cpu_s=round(peak.cpu_s, 3), featurize_msgs_per_cpu_s=_rate(n, peak.cpu_s))
    out.update(featurize_s=round(s, 3), featurize_msgs_per_s=_rate(n, s), featurize_peak_rss_mb=round(rss, 1))
    out["evidence_rows"] = len(feats.evidence)

    scores, s, rss = peak.stage(lambda f=feats: score(f))
    out.update(score_cpu_s=round(peak.cpu_s, 3), score_msgs_per_cpu_s=_rate(n, peak.cpu_s))
    out.update(score_s=round(s, 3), score_msgs_per_s=_rate(n, s), score_peak_rss_mb=round(rss, 1))
    out["score_rows"] = len(scores)
    del scores

    lang = feats.messages["lang"].astype("string").fillna("").to_numpy(dtype=object)
    del feats
    if families:
        from .text import detect_languages

        with_lang = df.assign(lang=pd.array(lang, dtype="string"))
        _, s, _ = peak.stage(lambda: detect_languages(df["text"]))
        per_family = {"(language detection)": round(s, 3)}
        for name, cls in FAMILIES.items():
            _, s, _ = peak.stage(lambda cls=cls: cls().fit(with_lang).transform_with_evidence(with_lang))
            per_family[name] = round(s, 3)
        out["family_s"] = per_family
        del with_lang

    english = df["text"].astype(str).to_numpy(dtype=object)[lang == "en"].tolist()
    out["english_messages"] = len(english)
    if peer_sample is not None and peer_sample < len(english):
        english = english[:peer_sample]
    out["peer_sample"] = len(english)
    out["peers_note"] = (
        f"spaCy and VADER timed on the first {len(english):,} English messages of the same frame; rates are per message"
    )
    if english:
        import spacy

        nlp = spacy.blank("en")
        _, s, _ = peak.stage(lambda: [len(doc) for doc in nlp.pipe(english, batch_size=1000)])
        out.update(spacy_tokenize_s=round(s, 3), spacy_tokenize_msgs_per_s=_rate(len(english), s))
        out["spacy_tokenize_msgs_per_cpu_s"] = _rate(len(english), peak.cpu_s)
        out["spacy_tokenize_messages"] = len(english)
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        vader = SentimentIntensityAnalyzer()
        _, s, _ = peak.stage(lambda: [vader.polarity_scores(t)["compound"] for t in english])
        out.update(vader_s=round(s, 3), vader_msgs_per_s=_rate(len(english), s))
        out["vader_msgs_per_cpu_s"] = _rate(len(english), peak.cpu_s)
        out["featurize_vs_spacy"] = round(out["featurize_msgs_per_s"] / out["spacy_tokenize_msgs_per_s"], 4)
        out["featurize_vs_vader"] = round(out["featurize_msgs_per_s"] / out["vader_msgs_per_s"], 4)
    if convokit:
        out.update(_convokit_politeness(english))
    out["peak_rss_mb"] = round(max(peak.max_mb, peak._hwm_mb()), 1)
    out["load_avg_end"] = [round(x, 2) for x in os.getloadavg()]
    out["finished_utc"] = _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return out


def _convokit_politeness(texts: list[str]) -> dict[str, Any]:
    """Time ConvoKit's politeness strategies on ``texts`` (skipped when ConvoKit is absent)."""
    try:
        from convokit import Corpus, PolitenessStrategies, TextParser, Utterance
    except ImportError:
        return {"convokit": "not installed"}
    t = time.perf_counter()
    corpus = Corpus(utterances=[Utterance(id=str(i), text=x, speaker=None) for i, x in enumerate(texts)])
    corpus = TextParser(verbosity=0).transform(corpus)
    PolitenessStrategies().transform(corpus, markers=True)
    s = time.perf_counter() - t
    return {"convokit_politeness_s": round(s, 3), "convokit_politeness_msgs_per_s": _rate(len(texts), s)}


def format_bench(result: dict[str, Any]) -> str:
    """The figures of :func:`run_bench` as a short text table."""
    n = result["messages"]
    lines = [
        f"{n:,} messages, {result['conversations']:,} conversations from {result['source']}; "
        f"{result['cores']} cores; load {result['load_avg_start']} -> {result.get('load_avg_end')}",
        f"{'stage':<22}{'seconds':>10}{'messages/s':>14}{'peak RSS MB':>14}{'msgs/CPU s':>14}",
    ]
    for stage in ("read", "featurize", "score"):
        lines.append(
            f"{stage:<22}{result[stage + '_s']:>10.2f}{result[stage + '_msgs_per_s']:>14,.0f}"
            f"{result[stage + '_peak_rss_mb']:>14,.0f}{result[stage + '_msgs_per_cpu_s']:>14,.0f}"
        )
    if "spacy_tokenize_s" in result:
        k = result["peer_sample"]
        for label, key in (("spacy.blank(en)", "spacy_tokenize"), ("VADER", "vader")):
            lines.append(
                f"{label:<22}{result[key + '_s']:>10.2f}{result[key + '_msgs_per_s']:>14,.0f}{'':>14}"
                f"{result[key + '_msgs_per_cpu_s']:>14,.0f}   ({k:,} English messages)"
            )
        lines.append(
            f"featurize / spaCy tokenize = {result['featurize_vs_spacy']}x; featurize / VADER = {result['featurize_vs_vader']}x"
        )
    if "convokit_politeness_msgs_per_s" in result:
        lines.append(
            f"{'ConvoKit politeness':<22}{result['convokit_politeness_s']:>10.2f}{result['convokit_politeness_msgs_per_s']:>14,.0f}"
        )
    if "family_s" in result:
        fam = sorted(result["family_s"].items(), key=lambda kv: -kv[1])
        lines.append("seconds per family (each run alone): " + ", ".join(f"{k} {v:.2f}" for k, v in fam))
    lines.append(f"peak RSS {result['peak_rss_mb']:,.0f} MB (whole run)")
    return "\n".join(lines)
