"""PII redaction: personal data in transcript text -> typed placeholders.

What is found (rules, not a model; see ``docs/hardening.md`` for what is *not* found):

=========  ==================================================================================
kind       rule
=========  ==================================================================================
EMAIL      ``local@domain.tld``
PHONE      ``+CC`` international numbers; North American ``(415) 555-0134``; Russian
           ``8 (912) 345-67-89``; Japanese ``090-1234-5678`` / ``03-1234-5678``; Chinese mobiles
           ``138 0013 8000`` and landlines ``010-12345678``
CARD       13-19 digits, optionally grouped by spaces or dashes, that pass the Luhn check
ORDER      Amazon-style ``112-4455667-1234567``; ids after a label (order, tracking, reference,
           account, 订单号, 注文番号, заказ, договор, ...); prefixed ids such as ``W7730418``,
           ``QN-2231907``; ``204-5513870``; S10 parcel ids ``RR123456789CN``; UPS ``1Z...``;
           ``#12345``; any other run of nine or more digits
HANDLE     ``@handle`` (except the handles of agents), and the customers' own ids of the frame
NAME       the customers' speaker names of the frame (and their parts), and the name after a
           greeting or honorific: ``Hi Jane,``, ``Dear Ms. Roe``, ``张先生``, ``刘女士``,
           ``伊藤様``, ``山田さん``, ``Здравствуйте, Марина!``
=========  ==================================================================================

Full-width digits and punctuation (``４１１１``, ``＋``, ``－``, ``＠``) and Unicode dashes are
folded to ASCII for matching only; the output keeps the original characters outside the
placeholders. Dates, times, amounts, percentages and version numbers are never redacted: they
are the evidence of promised times (APL-06) and refunds (AMZ-04).

Evidence offsets (``feats.evidence``) index the *unredacted* text; :func:`redact_evidence`
redacts the ``quote`` column on output from the spans found in the whole message, so a name
that is only recognisable in context ("Hi Jane") is also masked inside a short quote.

Examples
--------
>>> from cxanalysis.redact import redact_text
>>> redact_text("Hi Jane, call +1 415 555 0134 about order 112-4455667-1234567 ($24.99).")
'Hi [NAME], call [PHONE] about order [ORDER] ($24.99).'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import NamedTuple

import pandas as pd

from .roles import ROLE_ALIASES

__all__ = [
    "KINDS",
    "PiiSpan",
    "Redactor",
    "find_pii",
    "luhn_ok",
    "names_from_frame",
    "redact",
    "redact_evidence",
    "redact_id",
    "redact_span",
    "redact_tables",
    "redact_text",
]

#: Placeholder kinds, in the order they win when two findings overlap.
KINDS: tuple[str, ...] = ("EMAIL", "ORDER", "CARD", "PHONE", "HANDLE", "NAME")


class PiiSpan(NamedTuple):
    """One finding: ``text[start:end]`` is personal data of ``kind`` (one of :data:`KINDS`)."""

    start: int
    end: int
    kind: str
    text: str


# --- folding full-width and look-alike characters (length-preserving) -------------------------

_FOLD = {0x3000: " ", 0x00A0: " ", 0x202F: " ", 0x2007: " "}
_FOLD.update({cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)})  # full-width ASCII
_FOLD.update({cp: "-" for cp in (0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212)})
_FOLD_TABLE = str.maketrans(_FOLD)


def _fold(text: str) -> str:
    """Same length as ``text``: full-width ASCII, odd spaces and dashes -> ASCII."""
    return text.translate(_FOLD_TABLE)


# --- rules -----------------------------------------------------------------------------------

_D = "[0-9]"
_NOT_DIGIT_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_DIGIT_AFTER = r"(?![0-9A-Za-z])"

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}(?![\w-])")

_PHONE = re.compile(
    "|".join(
        [
            # +CC then 2-6 groups: +1 415 555 0134, +7 (912) 345-67-89, +86 138 0013 8000
            r"(?<![\w+])\+[0-9]{1,3}(?:[ .-]?\(?[0-9]{1,5}\)?){2,6}" + _NOT_DIGIT_AFTER,
            # North America: (415) 555-0134, 415-555-0134, 415.555.0134
            _NOT_DIGIT_BEFORE + r"(?:\([0-9]{3}\)\s?|[0-9]{3}[ .-])[0-9]{3}[ .-][0-9]{4}" + _NOT_DIGIT_AFTER,
            # Russia: 8 (912) 345-67-89, 8 912 345 67 89, 8-912-345-67-89
            _NOT_DIGIT_BEFORE + r"8[ -]?\(?9[0-9]{2}\)?[ -]?[0-9]{3}[ -]?[0-9]{2}[ -]?[0-9]{2}" + _NOT_DIGIT_AFTER,
            # Japan: 090-1234-5678, 03-1234-5678, 0120-123-456 (leading 0, three groups)
            _NOT_DIGIT_BEFORE + r"0[0-9]{1,4}-[0-9]{1,4}-[0-9]{3,4}" + _NOT_DIGIT_AFTER,
            # Japan/China mobiles without separators: 09012345678, 13800138000
            _NOT_DIGIT_BEFORE + r"0[789]0[0-9]{8}" + _NOT_DIGIT_AFTER,
            # China mobile: 138 0013 8000, 138-0013-8000
            _NOT_DIGIT_BEFORE + r"1[3-9][0-9][ -]?[0-9]{4}[ -]?[0-9]{4}" + _NOT_DIGIT_AFTER,
            # China landline: 010-12345678, (021) 1234 5678
            _NOT_DIGIT_BEFORE + r"(?:0[0-9]{2,3}-|\(0[0-9]{2,3}\)\s?)[0-9]{3,4}[ -]?[0-9]{4}" + _NOT_DIGIT_AFTER,
        ]
    )
)

_CARD = re.compile(_NOT_DIGIT_BEFORE + r"[0-9](?:[ -]?[0-9]){12,18}" + _NOT_DIGIT_AFTER)

_ID = r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){3,39}"
_ORDER_LABELLED = re.compile(
    r"(?:"
    r"\b(?i:order|tracking|track|parcel|shipment|reference|ref|ticket|case|account|"
    r"confirmation|invoice|booking|member(?:ship)?|customer|contract|policy)"
    r"(?:\s+(?i:number|no\.?|num|id|code|#))?(?:\s+(?i:is|was))?\s*[:#№]?\s*"
    r"|(?:订单号|订单编号|订单|运单号|快递单号|物流单号|单号|工单号|会员号|合同号|账号)"
    r"(?:是|为)?[:：\s]*"
    r"|(?:注文番号|追跡番号|伝票番号|お問い合わせ番号|問い合わせ番号|受付番号|契約番号|"
    r"会員番号|予約番号|お客様番号)(?:は)?[:：\s]*"
    r"|(?i:заказ[а-яё]*|трек-?номер[а-яё]*|договор[а-яё]*|обращени[а-яё]+|"
    r"лицево[а-яё]+\s+сч[её]т[а-яё]*|номер[а-яё]*)"
    r"(?:\s+(?i:заказа|договора|обращения))?\s*(?:№\s*)?[:\s]*"
    r")"
    r"(?P<id>" + _ID + r")",
)
_ORDER_FORMATS = re.compile(
    "|".join(
        [
            _NOT_DIGIT_BEFORE + r"[0-9]{3}-[0-9]{7}-[0-9]{7}" + _NOT_DIGIT_AFTER,  # Amazon
            r"(?<![\w-])[A-Z]{2}[0-9]{9}[A-Z]{2}(?![\w-])",  # S10 (UPU) parcel id
            r"(?<![\w-])1Z[0-9A-Z]{16}(?![\w-])",  # UPS
        ]
    )
)
_ORDER_GENERIC = re.compile(
    "|".join(
        [
            # letter prefix + five or more digits: W7730418, QN-2231907, PN-20261101-7741
            r"(?<![\w-])[A-Z]{1,4}-?[0-9]{5,}(?:-[0-9A-Z]+)*(?![\w-])",
            # digit groups with a long tail: 204-5513870, 7045-118222
            _NOT_DIGIT_BEFORE + r"[0-9]{2,4}(?:-[0-9]{5,})+" + _NOT_DIGIT_AFTER,
            # #12345
            r"(?<![\w#])#[0-9]{4,}(?![\w-])",
            # any other long run of digits
            _NOT_DIGIT_BEFORE + r"[0-9]{9,}" + _NOT_DIGIT_AFTER,
        ]
    )
)

_HANDLE = re.compile(r"(?<![\w@.+-])@(?P<h>[^\W][\w.]{0,49}(?<!\.))")

# Greeting and honorific rules -------------------------------------------------------------

_EN_NAME = r"[A-Z][a-z]+(?:['-][A-Z]?[a-z]+)?"
_EN_NOT_NAMES = frozenset(
    """
    There Team All Everyone Everybody Folks Again Customer Customers Sir Madam Friend Friends
    Guys Support Care Both You Yes No Ok Okay Thanks Thank So And The This That We I Im Please
    Sorry Welcome Hello Hi Hey Morning Afternoon Evening Dear Valued Good Great Just Only
    Again Mr Mrs Ms Miss Dr Prof Our My Your Just Still Quick Happy Glad Any Anyone
    """.split()
)
_EN_GREETING = re.compile(
    r"\b(?:Hi|Hello|Hey|Dear|Hiya|Morning|Good\s+(?:morning|afternoon|evening|day)|"
    r"Thanks|Thank\s+you)"
    r"(?:\s+(?:again|so\s+much))?,?\s+"
    r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.?\s+)?"
    r"(?P<name>" + _EN_NAME + r"(?:\s+" + _EN_NAME + r")?)"
    r"(?=\s*[,!.:;?\n)]|\s*$|\s+-)"
)
_EN_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+(?P<name>" + _EN_NAME + r")")

_RU_NAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_RU_NOT_NAMES = frozenset(
    """
    Вы Вас Вам Вами Ваш Ваша Ваше Ваши Меня Мы Я Это Коллеги Клиент Уважаемый Уважаемая
    Спасибо Пожалуйста Друзья Все Всем Господин Госпожа Дорогой Дорогая Благодарим Рады Рад
    Рада Привет Здравствуйте Добрый Доброе Доброго Извините Простите Да Нет Хорошо Ок
    """.split()
)
_RU_GREETING = re.compile(
    r"(?:Здравствуйте|Здравствуй|Добрый\s+(?:день|вечер)|Доброе\s+утро|Доброго\s+дня|Привет|"
    r"Уважаем(?:ый|ая|ые)|Дорог(?:ой|ая|ие)|Спасибо)"
    r"(?:,\s*|\s+)(?:(?:господин|госпожа)\s+)?"
    r"(?P<name>" + _RU_NAME + r"(?:\s+" + _RU_NAME + r"){0,2})"
    r"(?=\s*[,!.:;?\n)]|\s*$)"
)

# zh: common surnames (single and compound) before an honorific
_ZH_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华"
    "喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗"
    "瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_ZH_COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐")
_ZH_HONORIFIC = re.compile(
    r"(?P<name>(?:" + "|".join(_ZH_COMPOUND) + r"|[" + _ZH_SURNAMES + r"])[\u4e00-\u9fff]?)"
    r"(?=先生|女士|小姐|老师|同学|阿姨|师傅)"
)
_ZH_NOT_NAMES = frozenset({"这位", "那位", "各位", "诸位", "一位", "老", "小"})

# ja: a run of kanji or katakana (or a name with one space inside) before 様/さま/さん/殿
_JA_HONORIFIC = re.compile(
    r"(?P<name>(?:(?![様殿])[\u4e00-\u9fff々]){1,4}"
    r"(?:[ \u3000](?:(?![様殿])[\u4e00-\u9fff々ぁ-ゖ]){1,4})?"
    r"|[ァ-ヺー]{2,12}(?:[ \u3000・][ァ-ヺー]{2,12})?)"
    r"[ \u3000]?(?=様|さま|さん|殿)"
)
_JA_NOT_NAME_TAILS = (
    "者",
    "客",
    "員",
    "位",
    "皆",
    "奥",
    "子",
    "神",
    "方",
    "家",
    "社",
    "店",
    "母",
    "父",
    "兄",
    "姉",
    "弟",
    "妹",
    "娘",
    "族",
    "主",
    "人",
)
_JA_NOT_NAMES = frozenset({"お客", "皆", "皆さ", "奥", "お子", "神", "王", "社長", "先生", "部長"})

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]")
_LOOKS_LIKE_HANDLE = re.compile(r"@?[\w.]*[0-9_][\w.]*")
_SPEAKER_EMAIL = re.compile(r"<[^>]*>|\S+@\S+")


def luhn_ok(digits: str) -> bool:
    """Whether a string of ASCII digits passes the Luhn checksum of payment cards.

    Examples
    --------
    >>> luhn_ok("4111111111111111"), luhn_ok("4111111111111112")
    (True, False)
    """
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


#: longer values are not names or handles (and would make the patterns needlessly deep)
_MAX_NAME = 200


def _trie(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, factored by common prefixes, longest match first.

    One alternation of thousands of literals makes Python's ``re`` try every one at every
    position (a frame of 20,000 customer ids took 19 ms per message); the factored form
    tests one character per step. At a node that ends a word the shorter match is tried
    last (``(?:...)?`` is greedy), as the old longest-first alternation did.

    >>> _trie(["ann", "anna", "bo"])
    '(?:ann(?:a)?|bo)'
    """
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        for ch in sorted(k for k in node if k):
            child = node[ch]
            while len(child) == 1 and "" not in child:  # a chain: no group needed
                ((nxt, child),) = child.items()
                ch += nxt
            alts.append(re.escape(ch) + build(child))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """One regex for literal names: word-bounded for alphabetic, plain for CJK names."""
    latin, stems, cjk = set(), set(), set()
    for name in names:
        name = name.strip()
        if not name or len(name) > _MAX_NAME:
            continue
        if _CJK.search(name):
            if len(name) >= 2:
                cjk.add(name)
        elif re.fullmatch(r"[А-ЯЁ][а-яё]{3,}", name):  # Russian first names decline
            stems.add(name[:-1] if name[-1] in "аяйьоеи" else name)
        elif len(name) >= 2:
            latin.add(name)
    parts = []
    if latin:
        parts.append(r"(?<![\w@])" + _trie(latin) + r"(?!\w)")
    if stems:
        parts.append(r"(?<![\w@])" + _trie(stems) + r"[а-яё]{0,3}(?!\w)")
    if cjk:
        parts.append(_trie(cjk))
    return re.compile("|".join(parts)) if parts else None


class _Rules:
    """Compiled per-call state: literal names and handles, kept names."""

    def __init__(
        self,
        names: Iterable[str] = (),
        keep: Iterable[str] = (),
        kinds: Collection[str] | None = None,
    ):
        self.kinds = frozenset(KINDS if kinds is None else kinds)
        unknown = self.kinds - set(KINDS)
        if unknown:
            from .errors import ConfigError

            raise ConfigError(f"redact: unknown kind(s) {sorted(unknown)}; valid: {list(KINDS)}")
        self.keep = frozenset(k.strip().lstrip("@").casefold() for k in keep if k and k.strip())
        handles, plain = set(), set()
        for name in names:
            name = _fold(str(name)).strip()
            if not name:
                continue
            if _LOOKS_LIKE_HANDLE.fullmatch(name):
                if len(name.lstrip("@")) >= 3:
                    handles.add(name.lstrip("@"))
            elif name.casefold() not in self.keep:
                plain.add(name)
        handles = {h for h in handles if len(h) <= _MAX_NAME}
        self.handles = re.compile(r"(?<![\w])@?" + _trie(handles) + r"(?!\w)") if handles else None
        self.names = _names_pattern(plain)


def _kept(rules: _Rules, name: str) -> bool:
    return name.casefold() in rules.keep or any(part.casefold() in rules.keep for part in name.split())


def _candidates(text: str, rules: _Rules) -> Iterable[tuple[int, int, int, str]]:
    """(priority, start, end, kind) for every rule hit on the folded text."""
    kinds = rules.kinds
    prio = {k: i for i, k in enumerate(KINDS)}
    if "EMAIL" in kinds and "@" in text:
        for m in _EMAIL.finditer(text):
            yield prio["EMAIL"], m.start(), m.end(), "EMAIL"
    has_digit = any(c.isdigit() for c in text)
    if "ORDER" in kinds and has_digit:
        for m in _ORDER_FORMATS.finditer(text):
            yield prio["ORDER"], m.start(), m.end(), "ORDER"
        for m in _ORDER_LABELLED.finditer(text):
            ident = m.group("id")
            if (
                re.search("[0-9]", ident)
                and len(ident) >= 5
                and not re.fullmatch(r"[0-9]{1,2}[:.][0-9]{2}|(?:19|20)[0-9]{2}", ident)
            ):
                yield prio["ORDER"], m.start("id"), m.end("id"), "ORDER"
    if "CARD" in kinds and has_digit:
        for m in _CARD.finditer(text):
            digits = re.sub("[^0-9]", "", m.group())
            if 13 <= len(digits) <= 19 and luhn_ok(digits):
                yield prio["CARD"], m.start(), m.end(), "CARD"
    if "PHONE" in kinds and has_digit:
        for m in _PHONE.finditer(text):
            n = sum(c.isdigit() for c in m.group())
            if 7 <= n <= 15:
                yield prio["PHONE"], m.start(), m.end(), "PHONE"
    if "HANDLE" in kinds:
        if "@" in text:
            for m in _HANDLE.finditer(text):
                if m.group("h").casefold() not in rules.keep:
                    yield prio["HANDLE"], m.start(), m.end(), "HANDLE"
        if rules.handles is not None:
            for m in rules.handles.finditer(text):
                yield prio["HANDLE"], m.start(), m.end(), "HANDLE"
    if "NAME" in kinds:
        yield from _name_candidates(text, rules, prio["NAME"])
    if "ORDER" in kinds and has_digit:
        for m in _ORDER_GENERIC.finditer(text):
            yield len(KINDS), m.start(), m.end(), "ORDER"


def _name_candidates(text: str, rules: _Rules, p: int) -> Iterable[tuple[int, int, int, str]]:
    if rules.names is not None:
        for m in rules.names.finditer(text):
            yield p, m.start(), m.end(), "NAME"
    for rx in (_EN_GREETING, _EN_TITLE):
        for m in rx.finditer(text):
            name = m.group("name")
            words = name.split()
            while words and words[-1] in _EN_NOT_NAMES:
                words.pop()
            if not words or words[0] in _EN_NOT_NAMES or _kept(rules, words[0]):
                continue
            start = m.start("name")
            yield p, start, start + len(" ".join(words)), "NAME"
    for m in _RU_GREETING.finditer(text):
        name = m.group("name")
        if name.split()[0] in _RU_NOT_NAMES or _kept(rules, name):
            continue
        yield p, m.start("name"), m.end("name"), "NAME"
    if _CJK.search(text):
        for m in _ZH_HONORIFIC.finditer(text):
            name = m.group("name")
            if name in _ZH_NOT_NAMES or _kept(rules, name):
                continue
            yield p, m.start("name"), m.end("name"), "NAME"
        for m in _JA_HONORIFIC.finditer(text):
            name = m.group("name").rstrip(" \u3000")
            if m.start() and text[m.start() - 1] in "おご御":  # お母様, ご主人様: not names
                continue
            if name in _JA_NOT_NAMES or name.endswith(_JA_NOT_NAME_TAILS) or _kept(rules, name):
                continue
            yield p, m.start("name"), m.start("name") + len(name), "NAME"


def _select(cands: Iterable[tuple[int, int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans: higher priority first, then the longer one."""
    chosen: list[tuple[int, int, str]] = []
    for _, start, end, kind in sorted(cands, key=lambda c: (c[0], c[1] - c[2], c[1])):
        if end <= start:
            continue
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, kind))
    chosen.sort()
    return chosen


def _find(text: str, rules: _Rules) -> list[PiiSpan]:
    folded = _fold(text)
    return [PiiSpan(s, e, k, text[s:e]) for s, e, k in _select(_candidates(folded, rules))]


def find_pii(
    text: str,
    *,
    names: Iterable[str] = (),
    keep: Iterable[str] = (),
    kinds: Collection[str] | None = None,
) -> list[PiiSpan]:
    """Find personal data in one text.

    Parameters
    ----------
    text
        Any string.
    names
        Literal names and handles to find wherever they occur (the customers of a frame);
        a value made of digits, underscores or dots, or starting with ``@``, is a handle.
    keep
        Names and handles never to redact (the agents' own, such as ``@SpotifyCares``).
    kinds
        Which of :data:`KINDS` to look for (default: all).

    Returns
    -------
    list of PiiSpan
        Sorted, non-overlapping spans that index ``text`` itself.

    Examples
    --------
    >>> [s.kind for s in find_pii("Mail jane.roe@example.com or @115712")]
    ['EMAIL', 'HANDLE']
    """
    return _find(text, _Rules(names, keep, kinds))


def _render(text: str, spans: Iterable[tuple[int, int, str]]) -> str:
    out, pos = [], 0
    for start, end, kind in spans:
        out.append(text[pos:start])
        out.append(f"[{kind}]")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def redact_text(
    text: str,
    *,
    names: Iterable[str] = (),
    keep: Iterable[str] = (),
    kinds: Collection[str] | None = None,
) -> str:
    """Replace the personal data in ``text`` by ``[EMAIL]``, ``[PHONE]``, ``[CARD]``, ...

    Parameters are those of :func:`find_pii`. Dates and amounts are kept.

    Examples
    --------
    >>> redact_text("Здравствуйте, Марина! Заказ 204-7781205 вернём до 19 ноября, 990 ₽.")
    'Здравствуйте, [NAME]! Заказ [ORDER] вернём до 19 ноября, 990 ₽.'
    """
    spans = _find(text, _Rules(names, keep, kinds))
    return _render(text, ((s.start, s.end, s.kind) for s in spans))


def redact_span(text: str, start: int, end: int, spans: Iterable[PiiSpan]) -> str:
    """``text[start:end]`` with the parts that fall on ``spans`` replaced by placeholders.

    A span that only partly overlaps the window still masks the overlapping part (the
    placeholder is written once).

    Examples
    --------
    >>> text = "Hi Jane, sorry!"
    >>> redact_span(text, 0, 7, find_pii(text))
    'Hi [NAME]'
    """
    inside = [(max(s.start, start) - start, min(s.end, end) - start, s.kind) for s in spans if s.start < end and s.end > start]
    return _render(text[start:end], inside)


def names_from_frame(df: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Customer names/handles to redact and agent names/handles to keep, from a frame.

    Customers are the ``speaker`` values of ``role == "customer"`` rows: the whole value, the
    display name without an e-mail address, and each word of it. Agents (``agent`` and the
    ``speaker`` of agent and bot rows) are kept. Generic role words ("customer", "客户") are
    ignored.

    Returns
    -------
    names, keep
    """
    if "speaker" not in df.columns or "role" not in df.columns:
        return [], []
    role = df["role"].astype("string")
    speaker = df["speaker"].astype("string").fillna("")
    customers = set(speaker[role == "customer"].unique())
    staff = set(speaker[role.isin(["agent", "bot"])].unique())
    if "agent" in df.columns:
        staff |= set(df["agent"].astype("string").dropna().unique())
    keep: set[str] = set()
    for value in staff:
        shown = _SPEAKER_EMAIL.sub(" ", str(value)).strip(" ,")
        if shown:
            keep.add(shown)
            keep.update(w.strip(",") for w in shown.split() if len(w.strip(",")) >= 2)
    names: set[str] = set()
    for value in customers:
        value = str(value).strip()
        if not value or value.casefold() in ROLE_ALIASES:
            continue
        shown = _SPEAKER_EMAIL.sub(" ", value).strip(" ,\"'")
        names.update(re.sub(r"[<>\"]", "", m.group()) for m in _SPEAKER_EMAIL.finditer(value) if "@" in m.group())
        if shown and shown.casefold() not in ROLE_ALIASES:
            names.add(shown)
            for word in re.split(r"[\s,]+", shown):
                word = word.strip(".\"'()")
                if len(word) >= 2 and word.casefold() not in ROLE_ALIASES and word not in keep:
                    names.add(word)
    names -= keep
    return sorted(names), sorted(keep)


class Redactor:
    """Redaction rules compiled once for a frame: call it on any text of that frame.

    A drop-in for :func:`redact_text` that also knows the frame's customer names and handles
    (redacted wherever they occur, also without a greeting) and its agents' (kept).

    Parameters
    ----------
    df
        The transcript frame (optional); its names come from :func:`names_from_frame`.
    names, keep, kinds
        As for :func:`find_pii`, added to the frame's.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"role": ["customer"], "speaker": ["Jane Roe"], "text": ["..."]})
    >>> red = Redactor(df)
    >>> red("Thanks for waiting, Roe family!")
    'Thanks for waiting, [NAME] family!'
    >>> red.quote("Hi Jane, sorry!", 3, 7)
    '[NAME]'
    """

    def __init__(
        self,
        df: pd.DataFrame | None = None,
        *,
        names: Iterable[str] = (),
        keep: Iterable[str] = (),
        kinds: Collection[str] | None = None,
    ) -> None:
        found_names, found_keep = names_from_frame(df) if df is not None else ([], [])
        self._rules = _Rules([*found_names, *names], [*found_keep, *keep], kinds)

    def find(self, text: str) -> list[PiiSpan]:
        """The spans of personal data in ``text`` (see :func:`find_pii`)."""
        return _find(text, self._rules)

    def __call__(self, text: str) -> str:
        """``text`` with personal data replaced by typed placeholders."""
        return _render(text, ((s.start, s.end, s.kind) for s in self.find(text)))

    def quote(self, text: str, start: int, end: int) -> str:
        """``text[start:end]`` redacted with the spans found in the whole ``text``."""
        return redact_span(text, start, end, self.find(text))


def redact(
    df: pd.DataFrame,
    columns: Iterable[str] = ("text",),
    *,
    kinds: Collection[str] | None = None,
    names: Iterable[str] | None = None,
    keep: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A copy of ``df`` with personal data in ``columns`` replaced by typed placeholders.

    Parameters
    ----------
    df
        A transcript frame (any frame with the named text columns works; customer names are
        taken from ``speaker``/``role`` when present).
    columns
        Text columns to redact. Add ``"speaker"`` to mask the customers' names and handles in
        that column too (agents' names stay); missing columns are skipped.
    kinds
        Which of :data:`KINDS` to redact (default: all).
    names, keep
        Extra names to redact and names to keep, added to those of :func:`names_from_frame`.

    Returns
    -------
    pandas.DataFrame
        A new frame; ``df`` is not modified. Other columns, the index and dtypes are unchanged.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"role": ["customer", "agent"], "speaker": ["Jane Roe", "Sam"],
    ...                    "text": ["Card 4111 1111 1111 1111 failed", "Sorry Jane, refunded $5"]})
    >>> redact(df)["text"].tolist()
    ['Card [CARD] failed', 'Sorry [NAME], refunded $5']
    """
    found_names, found_keep = names_from_frame(df)
    rules = _Rules(list(found_names) + list(names or ()), list(found_keep) + list(keep or ()), kinds)
    out = df.copy()
    for col in columns:
        if col not in out.columns:
            continue
        values = out[col]
        mask = values.notna()
        redacted = [_render(v, ((s.start, s.end, s.kind) for s in _find(v, rules))) for v in values[mask].astype(str)]
        if redacted:
            new = values.astype(object).copy()
            new[mask] = redacted
            out[col] = new.astype(values.dtype) if values.dtype != object else new
    return out


def redact_evidence(
    evidence: pd.DataFrame,
    df: pd.DataFrame,
    *,
    kinds: Collection[str] | None = None,
    names: Iterable[str] | None = None,
    keep: Iterable[str] | None = None,
) -> pd.DataFrame:
    """A copy of an evidence table whose ``quote`` (and ``detail``) columns are redacted.

    ``start``/``end`` keep indexing the unredacted message text of ``df``; each quote is
    rebuilt from ``text[start:end]`` with the spans found in the *whole* message masked, so
    context-dependent names are caught. Quotes whose message is not in ``df`` (or that have no
    offsets) are redacted on their own.

    Parameters
    ----------
    evidence
        ``message_id, start, end, quote`` (``feats.evidence`` or :func:`~cxanalysis.explain`
        output).
    df
        The frame the evidence came from (``message_id``, ``text``).
    kinds, names, keep
        As for :func:`redact`.

    Returns
    -------
    pandas.DataFrame
    """
    found_names, found_keep = names_from_frame(df)
    rules = _Rules(list(found_names) + list(names or ()), list(found_keep) + list(keep or ()), kinds)
    out = evidence.copy()
    if "quote" in out.columns:
        texts = dict(zip(df["message_id"].astype(str), df["text"].astype(str), strict=False))
        cache: dict[str, list[PiiSpan]] = {}
        quotes = []
        has_ids = "message_id" in out.columns
        has_offsets = {"start", "end"} <= set(out.columns)
        for i, quote in enumerate(out["quote"].tolist()):
            if quote is None or (isinstance(quote, float) and pd.isna(quote)):
                quotes.append(quote)
                continue
            mid = str(out["message_id"].iat[i]) if has_ids else None
            text = texts.get(mid) if mid is not None else None
            start = out["start"].iat[i] if has_offsets else None
            end = out["end"].iat[i] if has_offsets else None
            if (
                text is not None
                and start is not None
                and not pd.isna(start)
                and not pd.isna(end)
                and text[int(start) : int(end)] == quote
            ):
                if mid not in cache:
                    cache[mid] = _find(text, rules)
                quotes.append(redact_span(text, int(start), int(end), cache[mid]))
            else:
                q = str(quote)
                quotes.append(_render(q, ((s.start, s.end, s.kind) for s in _find(q, rules))))
        out["quote"] = pd.Series(quotes, index=out.index, dtype=evidence["quote"].dtype)
    if "detail" in out.columns:
        detail = out["detail"]
        mask = detail.notna()
        vals = [_render(v, ((s.start, s.end, s.kind) for s in _find(v, rules))) for v in detail[mask].astype(str)]
        if vals:
            new = detail.astype(object).copy()
            new[mask] = vals
            out["detail"] = new.astype(detail.dtype) if detail.dtype != object else new
    return out


def redact_id(value: str, redactor: Callable[[str], str]) -> str:
    """An id with its personal data replaced; a short hash of the original keeps it unique.

    Ids without personal data are returned unchanged. The same id always gives the same
    label, so tables redacted apart still join on it.

    >>> redact_id("em-CAL8841.laura@mail.example", redact_text)
    '[EMAIL]#359581'
    >>> redact_id("QN-5501", redact_text)
    'QN-5501'
    """
    shown = redactor(value)
    return shown if shown == value else f"{shown}#{hashlib.sha1(value.encode('utf-8')).hexdigest()[:6]}"


#: columns of feature and score tables, by what redaction does to them
ID_COLUMNS = ("conversation_id", "message_id", "reply_to")
NAME_COLUMNS = ("speaker", "agent", "agents")


def redact_tables(df: pd.DataFrame, tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Copies of output tables (``feats.messages``/``evidence``/``conversations``, scores) without personal data.

    * ``quote`` and ``detail`` (evidence, :func:`~cxanalysis.explain` output) as
      :func:`redact_evidence` does it, from the unredacted messages of ``df``;
    * ``conversation_id``, ``message_id`` and ``reply_to`` through :func:`redact_id` (an
      e-mail's ids often hold addresses), identically in every table so they still join;
    * ``speaker``, ``agent``, ``agents``: customers' names, handles and addresses masked
      (agents' names kept, as in the text).

    ``df`` is the transcript frame the tables came from (its customer names are redacted
    wherever they occur).
    """
    red = Redactor(df)
    ids: dict[str, str] = {}
    names: dict[str, str] = {}

    def mapped(column: pd.Series, fn: Callable[[str], str], cache: dict[str, str]) -> pd.Series:
        """``fn`` of each present value (once per distinct value); missing values stay missing."""
        out = []
        for v in column.tolist():
            if v is None or v is pd.NA or (isinstance(v, float) and v != v):
                out.append(v)
                continue
            s = str(v)
            if s not in cache:
                cache[s] = fn(s)
            out.append(cache[s])
        return pd.Series(out, index=column.index, dtype=column.dtype)

    out: dict[str, pd.DataFrame] = {}
    for key, table in tables.items():
        t = redact_evidence(table, df) if {"quote", "detail"} & set(table.columns) else table.copy()
        for col in ID_COLUMNS:
            if col in t.columns:
                t[col] = mapped(t[col], lambda s: redact_id(s, red), ids)
        for col in NAME_COLUMNS:
            if col in t.columns:
                t[col] = mapped(t[col], red, names)
        t.attrs = {}
        out[key] = t
    return out
