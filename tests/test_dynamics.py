"""Context families: latency (raw seconds, NA when untimed) and language match."""

from __future__ import annotations

import pandas as pd
import pytest

import cxanalysis as cx


def conv(rows, cid="c", timed=True):
    """rows: (role, minute or None, text, lang)"""
    out = []
    for i, (role, minute, text, lang) in enumerate(rows):
        ts = (
            pd.Timestamp("2026-11-02 09:00", tz="UTC") + pd.Timedelta(minutes=minute)
            if (timed and minute is not None)
            else pd.NaT
        )
        out.append(
            {
                "conversation_id": cid,
                "message_id": f"{cid}:{i}",
                "turn": i,
                "timestamp": ts,
                "role": role,
                "text": text,
                "lang": lang,
                "agent": "A" if role == "agent" else "",
            }
        )
    df = pd.DataFrame(out)
    df["timestamp"] = pd.to_datetime(df["timestamp"], utc=True)
    return df


def test_latency_reply_counts_from_the_first_unanswered_customer_message():
    df = conv(
        [
            ("customer", 0, "Hi, my order is late", "en"),
            ("customer", 2, "hello??", "en"),
            ("agent", 5, "Sorry! Checking now.", "en"),
            ("agent", 6, "It ships today.", "en"),
            ("customer", 30, "Thanks", "en"),
            ("agent", 90, "You're welcome", "en"),
        ]
    )
    feats = cx.featurize(df, families=["latency"])
    reply = feats.messages["latency_reply_s"]
    assert reply.tolist()[2] == 300.0 and pd.isna(reply[3]) and reply[5] == 3600.0
    assert pd.isna(reply[0]) and pd.isna(reply[4])
    c = feats.conversations.iloc[0]
    assert c["latency_first_reply_s"] == 300.0
    assert c["latency_max_reply_s"] == 3600.0
    assert c["latency_mean_reply_s"] == 1950.0
    assert c["latency_customer_wait_s"] == 3900.0
    assert c["latency_longest_gap_s"] == 3600.0
    assert c["latency_resolution_s"] == 5400.0


def at(rows, cid="bh"):
    """rows: (role, local London time)"""
    ts = pd.to_datetime([t for _, t in rows]).tz_localize("Europe/London").tz_convert("UTC")
    return pd.DataFrame(
        {"conversation_id": cid, "message_id": [f"{cid}:{i}" for i in range(len(rows))], "turn": range(len(rows)),
         "timestamp": ts, "role": [r for r, _ in rows], "text": "x", "lang": "en"}
    )  # fmt: skip


def test_business_hours_latency_across_a_weekend_and_a_holiday():
    from cxanalysis.business_hours import BusinessCalendar

    cal = BusinessCalendar(hours={"mon-fri": "09:00-17:00"}, timezone="Europe/London", country="GB")
    df = pd.concat(
        [
            # Friday 16:30 -> Monday 09:30: 65 h of calendar time, 1 business hour
            at([("customer", "2026-11-20 16:30"), ("agent", "2026-11-23 09:30")], cid="weekend"),
            # Thu 24 Dec 16:00 -> Tue 29 Dec 10:00 (25, 26 and 28 Dec are GB holidays): 2 business hours
            at([("customer", "2026-12-24 16:00"), ("agent", "2026-12-29 10:00"), ("customer", "2026-12-29 10:30")], cid="xmas"),
        ],
        ignore_index=True,
    )
    feats = cx.featurize(df, families=["latency"], params={"latency": {"calendar": cal}})
    c = feats.conversations.set_index("conversation_id")
    assert c.loc["weekend", "latency_first_reply_s"] == 65 * 3600 and c.loc["weekend", "latency_first_reply_bh_s"] == 3600
    assert c.loc["xmas", "latency_first_reply_bh_s"] == 7200
    assert (
        c.loc["xmas", "latency_resolution_bh_s"] == 7200 + 1800 and c.loc["xmas", "latency_customer_response_mean_bh_s"] == 1800
    )
    # the same calendar from its dict form (as in cx.yml) gives the same figures
    d = cx.featurize(df, families=["latency"], params={"latency": {"calendar": cal.to_dict()}}).conversations
    assert d["latency_first_reply_bh_s"].tolist() == c["latency_first_reply_bh_s"].tolist()
    # without a calendar there are no business-hours columns
    assert not any("_bh_" in col for col in cx.featurize(df, families=["latency"]).conversations.columns)


def test_customer_response_time_is_measured_from_the_agents_first_unanswered_message():
    df = conv(
        [
            ("customer", 0, "Hi", "en"),
            ("agent", 1, "Hello", "en"),
            ("agent", 2, "Order number?", "en"),
            ("customer", 11, "123", "en"),
        ]
    )
    feats = cx.featurize(df, families=["latency"])
    assert feats.messages["latency_customer_reply_s"].tolist()[3] == 600.0
    assert feats.conversations["latency_customer_response_mean_s"].tolist() == [600.0]


def test_untimed_conversation_gives_na_never_zero():
    df = conv([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en")], timed=False)
    c = cx.featurize(df, families=["latency"]).conversations.iloc[0]
    for col in ("latency_first_reply_s", "latency_max_reply_s", "latency_resolution_s", "latency_longest_gap_s"):
        assert pd.isna(c[col]), col


def test_latency_is_per_conversation_and_order_independent():
    a = conv([("customer", 0, "Hi", "en"), ("agent", 10, "Hello", "en")], cid="a")
    b = conv([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en")], cid="b")
    shuffled = pd.concat([a, b]).sample(frac=1, random_state=3).reset_index(drop=True)
    c = cx.featurize(shuffled, families=["latency"]).conversations.set_index("conversation_id")
    assert c.loc["a", "latency_first_reply_s"] == 600.0 and c.loc["b", "latency_first_reply_s"] == 60.0


def test_language_match_follows_the_customers_current_language():
    df = conv(
        [
            ("customer", 0, "x", "ja"),
            ("agent", 1, "x", "en"),
            ("agent", 2, "x", "ja"),
            ("customer", 3, "x", "en"),
            ("agent", 4, "x", "en"),
            ("agent", 5, "x", "und"),
        ]
    )
    feats = cx.featurize(df, families=["language"])
    m = feats.messages["language_match"]
    assert m.tolist()[1:3] == [0, 1] and m[4] == 1
    assert pd.isna(m[0]) and pd.isna(m[5])
    c = feats.conversations.iloc[0]
    assert c["language_match"] == 2 and c["language_mismatches"] == 1
    ev = feats.evidence
    assert ev["detail"].tolist() == ["reply in en, customer wrote ja"] and ev["start"].isna().all()


def test_language_without_customer_is_na():
    c = cx.featurize(conv([("agent", 0, "x", "en")]), families=["language"]).conversations.iloc[0]
    assert pd.isna(c["language_mismatches"])


# -- template ------------------------------------------------------------------------------
DM_TEMPLATE = "@{h} Could you send us a DM with the email address on your account? We'll have a look behind the scenes {sig} https://t.co/abc{h}"


def thread(cid, customer_text, agent_text, minute=0, customer="u", lang="en", agent="A"):
    return conv([("customer", minute, customer_text, lang), ("agent", minute + 5, agent_text, lang)], cid=cid).assign(
        speaker=[customer, "Brand"], agent=["", agent]
    )


def template_corpus():
    asks = ["my playlist vanished after the update", "songs keep skipping on my phone", "the podcast will not download",
            "why was I charged twice this month", "lyrics are out of sync", "cannot find my liked songs"]  # fmt: skip
    parts = [
        thread(f"t{i}", f"@Brand {ask}", DM_TEMPLATE.format(h=100 + i, sig=f"/{'ABCDEFGH'[i]}K"), customer=f"u{i}")
        for i, ask in enumerate(asks)
    ]
    parts.append(
        thread(
            "t-email",
            "@Brand I changed the email address on my account and now I can't log in",
            DM_TEMPLATE.format(h=200, sig="/ZZ"),
            customer="u9",
        )
    )
    parts.append(
        thread(
            "t-own",
            "@Brand the app crashes when I open a podcast",
            "@300 Sorry about the crashes! Which phone and app version are you on?",
            customer="u8",
        )
    )
    return pd.concat(parts, ignore_index=True)


def test_template_learns_near_duplicates_across_conversations():
    df = template_corpus()
    feats = cx.featurize(df, families=["template"])
    m = feats.messages.set_index("message_id")
    assert m.loc[[f"t{i}:1" for i in range(6)], "template_match"].tolist() == [1] * 6
    assert m.loc["t-own:1", "template_match"] == 0 and m.loc["t0:0", "template_match"] == 0  # own reply; customer
    c = feats.conversations.set_index("conversation_id")
    assert c.loc["t0", "template_share"] == 1.0 and c.loc["t-own", "template_share"] == 0.0
    ev = feats.evidence[feats.evidence["feature"] == "template_match"]
    assert len(ev) == 7 and ev["start"].isna().all() and ev["detail"].str.startswith("template T1: 7 near-identical").all()


def test_template_offtopic_when_no_content_word_is_shared():
    feats = cx.featurize(template_corpus(), families=["template"])
    m = feats.messages.set_index("message_id")["template_offtopic"]
    assert m["t0:1"] == 1  # asked about a playlist, got "DM us your email"
    assert m["t-email:1"] == 0  # asked about the account email: the template fits


def test_template_two_phase_fit_on_corpus_transform_part():
    corpus = template_corpus()
    from cxanalysis.features.template import Template

    fitted = Template().fit(corpus)
    new = thread("n1", "@Brand songs skip", DM_TEMPLATE.format(h=999, sig="/QQ"))
    m = cx.featurize(new, families=[fitted]).messages
    assert m["template_match"].tolist() == [0, 1]
    # fitted on this conversation alone, nothing repeats
    assert cx.featurize(new, families=["template"]).messages["template_match"].sum() == 0


def test_template_needs_several_conversations_and_cjk_text_works():
    zh = "亲，您的订单{n}已经登记，请耐心等待处理结果，我们会尽快通知您哦"
    one_conv = conv([("agent", i, zh.format(n=1000 + i), "zh") for i in range(6)], cid="solo")
    assert cx.featurize(one_conv, families=["template"]).messages["template_match"].sum() == 0
    many = pd.concat([thread(f"z{i}", "我的快递一直没到", zh.format(n=2000 + i), lang="zh") for i in range(5)], ignore_index=True)
    assert cx.featurize(many, families=["template"]).conversations["template_match"].tolist() == [1] * 5


# -- idle ------------------------------------------------------------------------------------
def chat(rows, cid="i", timed=True):
    return conv(rows, cid=cid, timed=timed).assign(channel="chat")


CHECKINS = {
    "en": ("Let me check that for you.", "Are you still there? Take your time."),
    "zh": ("我帮您查一下。", "您还在吗？"),
    "ja": ("確認いたします。", "恐れ入りますが、まだこちらのチャットをご覧になっていますか？"),
    "ru": ("Сейчас проверю.", "Вы ещё на связи? Я никуда не тороплюсь."),
}
CLOSES = {
    "en": "We have not received a response, so this chat has been closed.",
    "zh": "由于您一直没有回复，本次对话已结束。",
    "ja": "ご返答がないため、チャットを終了いたします。",
    "ru": "Ответа от вас не поступило, чат закрыт.",
}


@pytest.mark.parametrize("lang", sorted(CHECKINS))
def test_idle_checkin_after_customer_silence(lang):
    wait, checkin = CHECKINS[lang]
    df = chat([("customer", 0, "…", lang), ("agent", 1, wait, lang), ("agent", 8, checkin, lang)])
    m = cx.featurize(df, families=["idle"]).messages
    assert m["idle_after_silence"].tolist() == [0, 0, 1]
    assert m["idle_checkin_after_silence"].tolist()[2] >= 1 and m["idle_close_after_silence"].sum() == 0


@pytest.mark.parametrize("lang", sorted(CLOSES))
def test_idle_blunt_close_after_silence_in_each_language(lang):
    df = chat([("customer", 0, "…", lang), ("agent", 1, CHECKINS[lang][0], lang), ("agent", 9, CLOSES[lang], lang)])
    m = cx.featurize(df, families=["idle"]).messages
    assert m["idle_close_after_silence"].tolist()[2] >= 1 and m["idle_checkin_after_silence"].sum() == 0


def test_idle_blunt_close_after_silence_that_follows_the_customer():
    df = chat([("customer", 0, "Hang on, someone is at the door.", "en"), ("agent", 1, "Sure.", "en"),
               ("customer", 2, "Back in a minute", "en"),
               ("agent", 9, "We have not received a response, so this chat has been closed.", "en")])  # fmt: skip
    m = cx.featurize(df, families=["idle"]).messages
    assert m["idle_blunt_close"].tolist()[3] >= 1, "lexicon should see the close"
    assert m["idle_after_silence"].tolist() == [0, 0, 0, 1] and m["idle_close_after_silence"].tolist()[3] >= 1


def test_idle_slow_reply_is_not_silence_and_untimed_is_na():
    slow = chat([("customer", 0, "Where is my refund?", "en"), ("agent", 30, "It was sent today.", "en")])
    assert cx.featurize(slow, families=["idle"]).messages["idle_after_silence"].tolist() == [0, 0]
    untimed = chat([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en"), ("agent", 2, "Still there?", "en")], timed=False)
    m = cx.featurize(untimed, families=["idle"]).messages["idle_after_silence"]
    assert pd.isna(m[1]) and pd.isna(m[2]) and m[0] == 0
    email = chat([("agent", 0, "We sent the label.", "en"), ("agent", 600, "Are you still there?", "en")]).assign(channel="email")
    assert cx.featurize(email, families=["idle"]).messages["idle_after_silence"].sum() == 0


# -- effort across turns ---------------------------------------------------------------------
def test_effort_transfer_between_named_agents_only():
    df = conv([("customer", 0, "Hi", "en"), ("agent", 1, "Hello", "en"), ("agent", 2, "Passing you on", "en"),
               ("agent", 3, "Hi, I'm taking over", "en"), ("agent", 4, "Done", "en")])  # fmt: skip
    df["agent"] = ["", "Ana", "Ana", "Ben", "Ben /JK"]
    feats = cx.featurize(df, families=["effort"])
    assert feats.messages["effort_transfer"].tolist() == [0, 0, 0, 1, 0]
    ev = feats.evidence[feats.evidence["feature"] == "effort_transfer"]
    assert ev["detail"].tolist() == ["handed over from Ana to Ben"]


def test_effort_customer_repeats_themselves_in_any_language():
    for lang, text, other in (
        ("en", "my parcel 123 still has not arrived, please help", "thanks, that works"),
        ("ru", "моя посылка так и не пришла, помогите пожалуйста", "спасибо, всё понятно"),
        ("ja", "注文した荷物がまだ届いていません。確認してください", "ありがとうございました"),
    ):
        df = conv(
            [
                ("customer", 0, text, lang),
                ("agent", 1, "…", lang),
                ("customer", 60, text.replace("123", "124"), lang),
                ("customer", 61, other, lang),
            ]
        )
        m = cx.featurize(df, families=["effort"]).messages["effort_repeat"]
        assert m.tolist() == [0, 0, 1, 0], lang


def test_effort_recontact_within_days_two_phase():
    def one(cid, day, who):
        d = conv([("customer", 0, "my card was charged twice", "en"), ("agent", 5, "Sorry, checking", "en")], cid=cid)
        d["timestamp"] = d["timestamp"] + pd.Timedelta(days=day)
        return d.assign(speaker=[who, "Brand"])

    corpus = pd.concat(
        [one("a", 0, "u1"), one("b", 3, "u1"), one("c", 20, "u1"), one("d", 1, "u2"), one("e", 2, "Customer")], ignore_index=True
    )
    feats = cx.featurize(corpus, families=["effort"])
    c = feats.conversations.set_index("conversation_id")["customer_effort_recontact"]
    assert c.to_dict() == {"a": 0, "b": 1, "c": 0, "d": 0, "e": 0}
    assert feats.evidence.loc[feats.evidence["feature"] == "effort_recontact", "detail"].tolist() == [
        "the same customer's conversation a ended 3.0 days before"
    ]
    from cxanalysis.features.effort import Effort

    fitted = Effort().fit(corpus)
    only_b = corpus[corpus["conversation_id"] == "b"]
    assert cx.featurize(only_b, families=[fitted]).messages["effort_recontact"].tolist() == [1, 0]
    assert cx.featurize(only_b, families=["effort"]).messages["effort_recontact"].sum() == 0  # b alone has no history


# -- parameters and configuration -------------------------------------------------------------
def test_family_params_change_results_and_bad_ones_are_named():
    df = chat([("customer", 0, "…", "en"), ("agent", 1, "One moment.", "en"), ("agent", 5, "Are you still there?", "en")])
    assert cx.featurize(df, families=["idle"]).messages["idle_after_silence"].sum() == 1
    assert cx.featurize(df, families=["idle"], params={"idle": {"silence_s": 600}}).messages["idle_after_silence"].sum() == 0
    with pytest.raises(
        ValueError, match=r"params for 'idle': unknown argument\(s\) \['silense_s'\]; valid: \['channels', 'silence_s'\]"
    ):
        cx.featurize(df, params={"idle": {"silense_s": 1}})
    with pytest.raises(ValueError, match="params for unknown feature family"):
        cx.featurize(df, params={"idel": {}})


def test_config_features_section(tmp_path):
    from cxanalysis.config import feature_params
    from cxanalysis.errors import ConfigError

    good = tmp_path / "cx.yml"
    good.write_text("read:\n  tz: UTC\nfeatures:\n  idle: {silence_s: 60}\n  template:\n    min_size: 3\n", encoding="utf-8")
    assert feature_params(cx.load_config(good)) == {"idle": {"silence_s": 60}, "template": {"min_size": 3}}
    bad = tmp_path / "bad.yml"
    bad.write_text("features:\n  idle: {silence_s: 60}\n  sentimentt: {}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yml:3: unknown key features.sentimentt"):
        cx.load_config(bad)
    bad.write_text("features:\n  idle: 60\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad.yml:2: features.idle must be a mapping"):
        cx.load_config(bad)


REASKS = {
    "en": (
        "My order 112-4455667-1234567 arrived with a cracked screen.",
        "Sorry about that! Could you please send me your order number?",
    ),
    "zh": ("我的订单号是 5523018847，收到的杯子是碎的。", "非常抱歉！麻烦您提供一下订单号，我帮您查询。"),
    "ja": ("注文番号 A-20931 の商品が壊れて届きました。", "申し訳ございません。ご注文番号を教えていただけますでしょうか。"),
    "ru": ("Заказ № 48213 пришёл разбитым.", "Приносим извинения! Подскажите, пожалуйста, номер заказа."),
}


@pytest.mark.parametrize("lang", sorted(REASKS))
def test_effort_reask_only_when_the_customer_already_gave_it(lang):
    gave, ask = REASKS[lang]
    df = conv([("customer", 0, gave, lang), ("agent", 1, ask, lang)])
    feats = cx.featurize(df, families=["effort"])
    assert feats.messages["effort_asks_info"].tolist()[1] >= 1
    assert feats.messages["effort_reask"].tolist() == [0, 1]
    ev = feats.evidence[feats.evidence["feature"] == "effort_reask"].iloc[0]
    assert ev["detail"].startswith("asks for the order or reference number") and ev["quote"] in ask
    # the same request without the number given first is an ordinary question
    fresh = conv([("customer", 0, "…", lang), ("agent", 1, ask, lang)])
    assert cx.featurize(fresh, families=["effort"]).messages["effort_reask"].sum() == 0


# -- sentiment -------------------------------------------------------------------------------
ARCS = {
    "en": (
        "This is ridiculous, my order is still not here and nobody answers!",
        "It arrived, thank you so much, you're awesome!",
    ),
    "zh": ("太差了，快递到现在还没到，我很生气。", "收到了，太好了，非常满意！"),
    "ja": ("まだ届きません。本当に困っています。", "無事に届きました。本当に助かりました！"),
    "ru": ("Это просто ужасно, посылка до сих пор не пришла.", "Всё пришло, отлично, огромное спасибо!"),
}


@pytest.mark.parametrize("lang", sorted(ARCS))
def test_sentiment_arc_from_negative_to_positive(lang):
    first, last = ARCS[lang]
    df = conv([("customer", 0, first, lang), ("agent", 1, "…", lang), ("customer", 2, "ok", lang), ("customer", 3, last, lang)])
    feats = cx.featurize(df, families=["sentiment"])
    pol = feats.messages["sentiment_polarity"]
    assert pol[0] < 0 and pol[3] > 0 and pol[2] == 0
    c = feats.conversations.iloc[0]
    assert c["customer_sentiment_first"] < 0 < c["customer_sentiment_last"] and c["customer_sentiment_change"] > 1
    assert c["customer_sentiment_negative"] >= 1 and c["customer_sentiment_positive"] >= 1


def test_sentiment_negation_and_uncovered_language():
    df = conv(
        [
            ("customer", 0, "I'm not happy with this at all", "en"),
            ("customer", 1, "Das ist toll", "de"),
            ("customer", 2, "不满意", "zh"),
        ]
    )
    m = cx.featurize(df, families=["sentiment"]).messages
    assert m["sentiment_positive"].tolist()[0] == 0 and m["sentiment_negative"].tolist()[0] >= 1
    assert pd.isna(m["sentiment_polarity"][1]) and pd.isna(m["sentiment_positive"][1])
    assert m["sentiment_polarity"][2] == -1.0
    c = cx.featurize(df, families=["sentiment"]).conversations.iloc[0]
    assert pd.notna(c["customer_sentiment_first"]) and c["customer_sentiment_change"] == 0.0


def test_sentiment_vader_engine_scores_english_only():
    pytest.importorskip("vaderSentiment")
    df = conv([("customer", 0, "This is absolutely terrible.", "en"), ("customer", 1, "太好了", "zh")])
    lex = cx.featurize(df, families=["sentiment"]).messages["sentiment_polarity"]
    vader = cx.featurize(df, families=["sentiment"], params={"sentiment": {"engine": "vader"}}).messages["sentiment_polarity"]
    assert -1 < vader[0] < -0.3 and vader[0] != lex[0]  # a graded compound score, not the lexicon's -1
    assert vader[1] == lex[1] == 1.0
    with pytest.raises(ValueError, match="unknown sentiment engine"):
        cx.featurize(df, families=["sentiment"], params={"sentiment": {"engine": "bert"}})


def test_reply_time_ignores_a_strangers_old_post_at_the_root_of_a_thread():
    df = conv(
        [
            ("customer", 0, "an old public post", "en"),
            ("customer", 60 * 24 * 30, "@Brand my booking is lost", "en"),
            ("agent", 60 * 24 * 30 + 20, "@u2 Sorry!", "en"),
        ]
    )
    df["speaker"] = ["u1", "u2", "Brand"]
    assert cx.featurize(df, families=["latency"]).conversations["latency_first_reply_s"].tolist() == [1200.0]
