"""Hostile inputs for every reader, shared by tests/test_fuzz_readers.py and scripts/fuzz_readers.py.

For each format a hypothesis strategy draws a :class:`Case`: the bytes of one file, its name,
and — when the file is well-formed at the record level — the number of records it holds.
Records carry hostile values: NUL bytes and control characters, lines of up to 200,000
characters, duplicate ids, reply cycles (ids drawn from a small pool point at each other),
timestamps out of order, in mixed zones, out of range or junk, and (JSON formats) values of the
wrong type or nested deeply. File-level mutations then break the structure: truncation,
inserted NUL and invalid UTF-8 bytes, a stretch re-encoded in another charset, an enormous
line, deeply nested JSON; and some files are random bytes.

:func:`check` states the contract: reading either succeeds with ``rows + rejects == records``
(when the record count is known; always a valid frame whose rows and rejects name the file) or
raises a :class:`~cxanalysis.errors.CxError` whose message names the file. Anything else — a
bare exception from a dependency — is a failure.
"""

from __future__ import annotations

import csv
import io
import json
import re
import warnings
from collections import Counter
from zoneinfo import ZoneInfo

import pandas as pd
from hypothesis import strategies as st

import cxanalysis as cx
from cxanalysis.errors import CxError
from cxanalysis.readers import FORMATS
from cxanalysis.readers._source import Source

#: every reader this module fuzzes (``sql`` reads databases, not files, and is not fuzzed here)
READERS: tuple[str, ...] = (
    "csv",
    "tsv",
    "jsonl",
    "parquet",
    "twitter",
    "chatlog",
    "email",
    "zendesk",
    "intercom",
    "convokit",
)
FILE_NAMES = {
    "csv": "fuzz.csv",
    "tsv": "fuzz.tsv",
    "jsonl": "fuzz.jsonl",
    "parquet": "fuzz.parquet",
    "twitter": "fuzz_twitter.csv",
    "chatlog": "fuzz.txt",
    "email": "fuzz.mbox",
    "zendesk": "fuzz_zendesk.json",
    "intercom": "fuzz_intercom.json",
    "convokit": "utterances.jsonl",
}
#: largest file a case may produce (bytes), so every example stays bounded in time
MAX_BYTES = 400_000


class Case:
    """One fuzz input: ``data`` read as ``name``; ``records`` when the count is known."""

    def __init__(self, fmt: str, name: str, data: bytes, records: int | None, how: str) -> None:
        self.fmt, self.name, self.data, self.records, self.how = fmt, name, data, records, how

    def __repr__(self) -> str:  # hypothesis prints this on failure
        head = self.data[:300]
        return f"Case({self.fmt!r}, {self.how!r}, records={self.records}, {len(self.data)} bytes, {head!r}...)"


# --- hostile values ------------------------------------------------------------------------

ZONES = ["UTC", "Asia/Tokyo", "Europe/Moscow", "America/New_York", "Asia/Shanghai", "Pacific/Kiritimati"]
_FIXED_STAMPS = [
    "2026-11-22T12:00:00+09:00",
    "2026-11-22 03:00:00Z",
    "2026-11-21T22:00:00-05:00",
    "2026-11-22T03:00:00.123456789+00:00",
    "2026-03-29 02:30",  # inside a DST gap in Europe
    "2026-11-01 01:30",  # inside a DST fold in New York
    "Tue Oct 31 22:10:47 +0000 2017",
    "22.11.2026 12:01",
    "2026/11/22 12:01",
    "12:01",
    "12:01 PM",
    "1763800000",
    "1763800000000",
    "-1",
    "1e300",
    "9999-12-31T23:59:59+14:00",
    "0001-01-01T00:00:00-12:00",
    "2262-04-12T00:00:00Z",
    "1677-09-21T00:00:00Z",
    "2026-13-45",
    "2026-02-30",
    "not a date",
    "",
    " ",
    "NaT",
    "\x00",
]
stamps = st.one_of(
    st.sampled_from(_FIXED_STAMPS),
    st.datetimes(timezones=st.sampled_from(ZONES).map(ZoneInfo)).map(lambda d: d.isoformat()),
)
ids = st.one_of(
    st.sampled_from(["1", "2", "3", "10", "1.0", " 2 ", "", "x", "-5", "0", "18446744073709551617", "会话"]),
    st.integers(min_value=0, max_value=40).map(str),
)
convs = st.sampled_from(["c1", "c2", "", " c1 ", "会话一", "1", "1.0", "NaN", "None"])
roles = st.sampled_from(["customer", "agent", "Agent", "客服", "お客様", "Клиент", "bot", "system", "", "???", "end-user"])
speakers = st.one_of(
    st.sampled_from(["Ann", "Lei", "伊藤 さくら", "Дмитрий", "", "@h_1", "a@b.example", "Agent 0427"]),
    st.text(max_size=12),
)
_SAMPLE_TEXTS = [
    "Hi! How can I help?",
    "订单还没到，能查一下吗？",
    "ご注文の商品は明日届きます。",
    "Здравствуйте! Заказ уже в пути.",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
]
_any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)
texts = st.one_of(
    st.sampled_from(_SAMPLE_TEXTS),
    _any_text,
    st.integers(min_value=1_000, max_value=200_000).map(lambda n: "長" * (n // 3) + "x" * (n - n // 3)),
)
# a single physical line (for chat logs): no line separators of any kind
_line_text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    max_size=120,
)
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _maybe_wrong(value: st.SearchStrategy, p_wrong: int = 4) -> st.SearchStrategy:
    """``value`` most of the time; a JSON value of any type now and then."""
    return st.one_of(*([value] * p_wrong), json_values)


@st.composite
def messages(draw, min_size: int = 0, max_size: int = 8) -> list[dict]:
    """Message records with hostile values (see the module docstring)."""
    n = draw(st.integers(min_value=min_size, max_value=max_size))
    return [
        {
            "conversation_id": draw(convs),
            "message_id": draw(ids),
            "timestamp": draw(stamps),
            "speaker": draw(speakers),
            "role": draw(roles),
            "text": draw(texts),
            "reply_to": draw(ids),
        }
        for _ in range(n)
    ]


# --- encoders: records -> file bytes --------------------------------------------------------

_TABLE_COLUMNS = ["conversation_id", "message_id", "timestamp", "speaker", "role", "text", "reply_to"]


def _delimited(records: list[dict], delimiter: str) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(_TABLE_COLUMNS)
    for r in records:
        w.writerow([r[c] for c in _TABLE_COLUMNS])
    return buf.getvalue().encode("utf-8")


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8")


def _parquet(records: list[dict]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = {c: [None if r[c] == "" else r[c] for r in records] for c in _TABLE_COLUMNS}
    table = pa.table({c: pa.array(v, type=pa.string()) for c, v in columns.items()})
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


_TWITTER_COLUMNS = [
    "tweet_id",
    "author_id",
    "inbound",
    "created_at",
    "text",
    "response_tweet_id",
    "in_response_to_tweet_id",
]


@st.composite
def twitter_records(draw) -> list[list[str]]:
    n = draw(st.integers(min_value=0, max_value=8))
    tweet = st.sampled_from(["1", "2", "3", "4", "5", "1.0", "", "x1", "99999999999999999999", "-3"])
    out = []
    for _ in range(n):
        out.append(
            [
                draw(tweet),
                draw(st.sampled_from(["115712", "TunelyCares", "", "@x", "803311"])),
                draw(st.sampled_from(["True", "False", "true", "0", "1", "", "maybe"])),
                draw(stamps),
                draw(texts),
                draw(st.sampled_from(["", "2", "2,3", "1,2,3", "#####", "3.0", "x"])),
                draw(st.sampled_from(["", "1", "2", "3", "1.0", "4", "1,2", "junk"])),
            ]
        )
    return out


def _twitter(rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(_TWITTER_COLUMNS)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


@st.composite
def chatlog_lines(draw) -> tuple[list[str], int]:
    """Lines of a chat log and how many records (messages + stray lines) they hold."""
    header = []
    if draw(st.booleans()):
        header.append(f"# date: {draw(st.sampled_from(['2026-11-22', '2026-02-30', 'someday', '']))}")
    if draw(st.booleans()):
        header.append(f"# tz: {draw(st.sampled_from(ZONES + ['Mars/Olympus', '+09:00', '']))}")
    n = draw(st.integers(min_value=0, max_value=8))
    lines = []
    for _ in range(n):
        stamp = draw(st.sampled_from(["12:01", "23:59", "00:00", "2026-11-22 12:01", "25:61", "12:01 PM", "22.11.2026 09:00"]))
        name = draw(st.sampled_from(["Lei", "Ann", "伊藤", "Дмитрий"]))
        role = draw(st.sampled_from(["Agent", "Customer", "客服", "お客様", "Клиент"]))
        text = draw(_line_text)
        lines.append(f"[{stamp}] {name} ({role}): {text}")
        if draw(st.integers(0, 5)) == 0:  # a mid-log header moves the day on
            lines.append(f"# date: {draw(st.sampled_from(['2026-11-23', '2026-11-21', 'x']))}")
    return header + lines, n


def _chatlog(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


@st.composite
def mbox_messages(draw) -> list[dict]:
    n = draw(st.integers(min_value=0, max_value=6))
    mid = st.sampled_from(["<a@x>", "<b@x>", "<c@x>", "", "<a@x> <b@x>", "garbage", "<>"])
    single = st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
        max_size=40,
    )
    return [
        {
            "from": draw(
                st.sampled_from(["Ann <ann@mail.example>", "care@shop.example", "=?utf-8?b?5byg?= <z@x>", "", "<<>>", "a@@b"])
            ),
            "message_id": draw(mid),
            "in_reply_to": draw(mid),
            "references": draw(mid),
            "date": draw(st.one_of(stamps, st.sampled_from(["Mon, 23 Nov 2026 10:00:00 +0900", "Mon, 99 Foo 2026"]))),
            "subject": draw(st.one_of(single, st.sampled_from(["Re: order", "Fwd: order", "回复：订单", "order"]))),
            "charset": draw(st.sampled_from(["utf-8", "koi8-r", "shift_jis", "x-unknown", "gb18030"])),
            "body": draw(texts),
        }
        for _ in range(n)
    ]


def _mbox(msgs: list[dict]) -> bytes:
    out = []
    for m in msgs:
        headers = [f"From: {m['from']}"] if m["from"] else ["X-Note: no sender"]
        for key, name in (("message_id", "Message-ID"), ("in_reply_to", "In-Reply-To"), ("references", "References")):
            if m[key]:
                headers.append(f"{name}: {m[key]}")
        headers.append(f"Date: {m['date']}".rstrip())
        headers.append(f"Subject: {m['subject']}".rstrip())
        headers.append(f'Content-Type: text/plain; charset="{m["charset"]}"')
        body = "\n".join(">" + ln if ln.startswith("From ") or ln.startswith(">From ") else ln for ln in m["body"].split("\n"))
        out.append("From sender@example Mon Nov 23 10:00:00 2026\n" + "\n".join(headers) + "\n\n" + body + "\n")
    return "".join(out).encode("utf-8", errors="surrogatepass")


@st.composite
def zendesk_doc(draw) -> tuple[object, int]:
    comments = []
    for r in draw(messages(max_size=6)):
        comment = {
            "id": draw(_maybe_wrong(st.just(r["message_id"]))),
            "author_id": draw(_maybe_wrong(st.sampled_from([1, 2, "3"]))),
            "created_at": draw(_maybe_wrong(st.just(r["timestamp"]))),
            "public": draw(_maybe_wrong(st.booleans())),
            draw(st.sampled_from(["plain_body", "body", "html_body"])): draw(_maybe_wrong(st.just(r["text"]))),
            "attachments": draw(_maybe_wrong(st.just([{"file_name": "a.png"}]))),
            "via": draw(_maybe_wrong(st.just({"channel": "email"}))),
        }
        comments.append(comment)
    doc = {
        "ticket": draw(
            _maybe_wrong(
                st.fixed_dictionaries({"id": _maybe_wrong(st.integers(1, 9)), "subject": _maybe_wrong(st.text(max_size=10))})
            )
        ),
        "users": draw(
            _maybe_wrong(st.just([{"id": 1, "role": "end-user", "name": "Ann"}, {"id": 2, "role": "agent", "name": "Lei"}]))
        ),
        "comments": comments,
    }
    many = draw(st.integers(0, 3))
    if many == 0:
        return {"tickets": [doc, doc]}, 2 * len(comments)
    if many == 1:
        return [doc], len(comments)
    return doc, len(comments)


@st.composite
def intercom_doc(draw) -> tuple[object, int]:
    parts = []
    for r in draw(messages(max_size=6)):
        parts.append(
            {
                "id": draw(_maybe_wrong(st.just(r["message_id"]))),
                "part_type": draw(_maybe_wrong(st.sampled_from(["comment", "note", "assignment", "close"]))),
                "body": draw(_maybe_wrong(st.just(r["text"]))),
                "created_at": draw(_maybe_wrong(st.integers(-(2**63), 2**63))),
                "author": draw(
                    _maybe_wrong(
                        st.fixed_dictionaries({"type": st.sampled_from(["user", "admin", "bot", "lead", "?"]), "name": speakers})
                    )
                ),
            }
        )
    conv = {
        "type": "conversation",
        "id": draw(_maybe_wrong(st.sampled_from(["7100", "7101", ""]))),
        "created_at": draw(_maybe_wrong(st.integers(0, 2**40))),
        "source": {"id": "s1", "body": draw(texts), "author": {"type": "user", "name": "Ann"}},
        "conversation_parts": {"conversation_parts": parts},
    }
    return conv, 1 + len(parts)


@st.composite
def convokit_lines(draw) -> list[str]:
    out = []
    for r in draw(messages(max_size=8)):
        utt = {
            "id": draw(_maybe_wrong(st.just(r["message_id"]))),
            "conversation_id": draw(_maybe_wrong(st.just(r["conversation_id"]))),
            "speaker": draw(_maybe_wrong(st.just(r["speaker"]))),
            "text": draw(_maybe_wrong(st.just(r["text"]))),
            "reply_to": draw(_maybe_wrong(st.just(r["reply_to"] or None))),
            "timestamp": draw(_maybe_wrong(st.one_of(stamps, st.integers(-(2**40), 2**40)))),
            "meta": draw(_maybe_wrong(st.fixed_dictionaries({"role": roles}))),
        }
        out.append(json.dumps(utt, ensure_ascii=False))
    return out


def _jsonl_wrong(records: list[dict], draw) -> bytes:
    lines = []
    for r in records:
        obj = {k: draw(_maybe_wrong(st.just(v), 5)) for k, v in r.items()}
        lines.append(json.dumps(obj, ensure_ascii=False))
    return "".join(x + "\n" for x in lines).encode("utf-8")


# --- mutations --------------------------------------------------------------------------------


def _deep(depth: int, kind: str = "list") -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


@st.composite
def mutate(draw, data: bytes) -> tuple[bytes, str]:
    """Break ``data`` at the byte level; return the new bytes and what was done."""
    how = draw(
        st.sampled_from(["truncate", "nul", "bad_utf8", "mixed_encoding", "huge_line", "deep_json", "splice_random", "crlf"])
    )
    pos = draw(st.integers(min_value=0, max_value=len(data)))
    if how == "truncate":
        return data[:pos], how
    if how == "nul":
        return data[:pos] + b"\x00" * draw(st.integers(1, 3)) + data[pos:], how
    if how == "bad_utf8":
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80\x80"]))
        return data[:pos] + bad + data[pos:], how
    if how == "mixed_encoding":
        enc = draw(st.sampled_from(["cp1251", "koi8_r", "shift_jis", "euc_jp", "gb18030", "big5", "utf-16-le", "latin-1"]))
        sample = {
            "cp1251": "Заказ в пути",
            "koi8_r": "Здравствуйте",
            "shift_jis": "ご注文ありがとう",
            "euc_jp": "お届け予定",
            "gb18030": "订单已发货",
            "big5": "訂單已出貨",
            "utf-16-le": "mixed",
            "latin-1": "café déjà",
        }[enc]
        return data[:pos] + sample.encode(enc) + data[pos:], how + ":" + enc
    if how == "huge_line":
        n = draw(st.integers(10_000, 300_000))
        return data[:pos] + b"y" * n + data[pos:], how
    if how == "deep_json":
        depth = draw(st.sampled_from([50, 900, 1200, 5000, 20000]))
        return data[:pos] + _deep(depth, draw(st.sampled_from(["list", "dict"]))).encode() + data[pos:], how
    if how == "crlf":
        return data.replace(b"\n", draw(st.sampled_from([b"\r\n", b"\r", b"\n\r"]))), how
    chunk = draw(st.binary(min_size=1, max_size=64))
    return data[:pos] + chunk + data[pos:], how


# --- cases per format -------------------------------------------------------------------------


@st.composite
def well_formed(draw, fmt: str) -> Case:
    """A file that is well-formed at the record level, with its record count."""
    name = FILE_NAMES[fmt]
    if fmt in ("csv", "tsv"):
        recs = draw(messages())
        return Case(fmt, name, _delimited(recs, "," if fmt == "csv" else "\t"), len(recs), "records")
    if fmt == "jsonl":
        recs = draw(messages())
        if draw(st.booleans()):
            return Case(fmt, name, _jsonl_wrong(recs, draw), len(recs), "wrong-typed JSON")
        return Case(fmt, name, _jsonl(recs), len(recs), "records")
    if fmt == "parquet":
        recs = draw(messages())
        return Case(fmt, name, _parquet(recs), len(recs), "records")
    if fmt == "twitter":
        rows = draw(twitter_records())
        return Case(fmt, name, _twitter(rows), len(rows), "records")
    if fmt == "chatlog":
        lines, n = draw(chatlog_lines())
        return Case(fmt, name, _chatlog(lines), n, "records")
    if fmt == "email":
        msgs = draw(mbox_messages())
        return Case(fmt, name, _mbox(msgs), len(msgs), "records")
    if fmt == "zendesk":
        doc, n = draw(zendesk_doc())
        return Case(fmt, name, json.dumps(doc, ensure_ascii=False).encode("utf-8"), n, "wrong-typed JSON")
    if fmt == "intercom":
        doc, n = draw(intercom_doc())
        return Case(fmt, name, json.dumps(doc, ensure_ascii=False).encode("utf-8"), n, "wrong-typed JSON")
    if fmt == "convokit":
        lines = draw(convokit_lines())
        return Case(fmt, name, "".join(x + "\n" for x in lines).encode("utf-8"), len(lines), "wrong-typed JSON")
    raise ValueError(fmt)


@st.composite
def cases(draw, fmt: str) -> Case:
    """Any hostile case for ``fmt``: well-formed, mutated, deep JSON, or random bytes."""
    kind = draw(st.sampled_from(["well_formed", "well_formed", "mutated", "mutated", "random", "deep"]))
    if kind == "random":
        data = draw(st.binary(max_size=2_000))
        return Case(fmt, FILE_NAMES[fmt], data, None, "random bytes")
    if kind == "deep":
        depth = draw(st.sampled_from([10, 900, 1_000, 3_000, 50_000]))
        doc = _deep(depth, draw(st.sampled_from(["list", "dict"])))
        if fmt in ("zendesk", "intercom"):
            key = "comments" if fmt == "zendesk" else "conversation_parts"
            wrapped = ['{"' + key + '": ' + doc + "}", '{"ticket": {"id": 1}, "comments": [' + doc + "]}"]
            doc = draw(st.sampled_from([doc, *wrapped]))
        elif fmt in ("jsonl", "convokit"):
            doc = draw(st.sampled_from([doc, '{"conversation_id": "c", "id": "1", "text": ' + doc + "}"]))
        return Case(fmt, FILE_NAMES[fmt], (doc + "\n").encode(), None, f"deep JSON ({depth})")
    case = draw(well_formed(fmt))
    if kind == "well_formed":
        return case
    data, how = draw(mutate(case.data))
    return Case(fmt, case.name, data[:MAX_BYTES], None, how)


# --- the contract -----------------------------------------------------------------------------


class ContractError(AssertionError):
    """A reader broke the fuzz contract."""


def check(case: Case, sniffed: bool = False, errors: Counter | None = None) -> str:
    """Read ``case``; return ``"read"`` or ``"error"`` (a CxError), raise ContractError otherwise.

    ``sniffed``: let the format be sniffed (every sniffer runs) instead of naming it.
    """
    buf = io.BytesIO(case.data)
    buf.name = case.name
    for fmt in FORMATS.values():  # sniffers must not fail on any bytes
        try:
            score = fmt.sniff(Source(case.name, case.data))
        except Exception as exc:
            raise ContractError(f"sniffer {fmt.name} raised {type(exc).__name__}: {exc}") from exc
        if not isinstance(score, int) or not 0 <= score <= 100:
            raise ContractError(f"sniffer {fmt.name} returned {score!r}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            df, rej = cx.read_transcripts(buf, None if sniffed else case.fmt, return_rejects=True)
    except CxError as exc:
        if case.name not in str(exc):
            raise ContractError(f"{type(exc).__name__} does not name the file: {exc}") from exc
        if errors is not None:  # what kind of error: the message without the file and details
            errors[re.sub(r"[\"'(].*", "", str(exc).removeprefix(case.name).lstrip(":0123456789 "))[:60]] += 1
        return "error"
    except Exception as exc:
        raise ContractError(f"bare {type(exc).__module__}.{type(exc).__name__}: {str(exc)[:300]}") from exc
    cx.validate(df)
    if case.records is not None and not sniffed and len(df) + len(rej) != case.records:
        raise ContractError(f"{case.records} records in, {len(df)} rows + {len(rej)} rejects out")
    if not df["message_id"].is_unique:
        raise ContractError("message ids are not unique")
    if len(df) and not df["source"].str.startswith(case.name).all():
        raise ContractError(f"row sources do not name the file: {df['source'].head(3).tolist()}")
    if len(rej) and not rej["source"].astype(str).str.startswith(case.name).all():
        raise ContractError(f"reject sources do not name the file: {rej['source'].head(3).tolist()}")
    if len(rej) and not (rej["reason"].astype(str).str.len() > 0).all():
        raise ContractError("a reject has no reason")
    if len(df) and pd.api.types.is_datetime64_any_dtype(df["timestamp"]) and str(df["timestamp"].dt.tz) != "UTC":
        raise ContractError("timestamps are not UTC")
    return "read"
