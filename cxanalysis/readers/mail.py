"""Email: ``.eml`` files (one message each) and ``.mbox`` mailboxes, read with the standard library.

Messages are parsed with :mod:`email` (``policy=email.policy.default``); an mbox is cut into
messages at its ``From `` separator lines. All files arrive together, so a thread may span
files.

- ``message_id``: the Message-ID without angle brackets; ``reply_to``: In-Reply-To likewise.
- Threads: messages linked by Message-ID / In-Reply-To / References; a message with no link
  headers whose subject carries a reply or forward prefix joins the thread with the same
  normalised subject. Prefixes stripped: Re, Fw, Fwd, AW, WG, SV, VS, Ответ, Отв, Пересл,
  回复, 回覆, 答复, 转发, 轉寄, 返信, 転送 (en, de, nordic, ru, zh, ja), with ``[n]`` counters.
- ``conversation_id``: ``em-`` + the Message-ID of the thread's first message (by Date, then
  input order).
- ``speaker``: the From address as ``Name <address>``; ``role`` comes from the ``roles=``
  agent addresses / domains (see :mod:`cxanalysis.roles`).
- ``text``: the text/plain part, else the text/html part converted to text (inscriptis); the
  HTML is kept in ``meta.html``. Quoted history is split off into ``meta.quoted`` and the
  signature (after a ``-- `` line) into ``meta.signature``. Quote markers recognised: ``>``
  lines, "On … wrote:", "… пишет:" / "… написал(а):", "在…写道：", "…のメッセージ:" /
  "…さんは書きました:", "-----Original Message-----" (and its ru/zh/ja forms), and Outlook
  header blocks (From:/Sent:, От:/Отправлено:, 发件人:/发送时间:, 差出人:/送信日時:).
- ``meta.subject``, ``meta.to``, ``meta.cc``, ``meta.references``; ``channel``: email;
  ``source``: ``file:line`` of the message's first line.
- Records without any header, or whose headers cannot be parsed, are rejected.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import re
from email.message import EmailMessage
from typing import Any

import pandas as pd

from ._build import RawResult
from ._registry import Format, register
from ._source import Source, head
from .html import html_to_text

_MBOX_FROM = re.compile(rb"^From \S", re.MULTILINE)
_HEADER_LINE = re.compile(r"^[A-Za-z][\w-]*:[ \t]")
_MSGID = re.compile(r"<([^<>\s]+)>")
_PREFIX = re.compile(
    r"^\s*(?:(?:re|fwd?|aw|wg|sv|vs|ответ|отв|пересл|回复|回覆|答复|转发|轉寄|返信|転送)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_ATTRIBUTION = re.compile(
    r"(?:^On\s.+\swrote:\s*$"
    r"|^.+(?:пишет|написал|написала|написал\(а\))\s*:\s*$"
    r"|^.*在.+写道\s*[:：]?\s*$"
    r"|^.+(?:のメッセージ|さんは書きました|wrote)\s*[:：]\s*$)",
    re.IGNORECASE,
)
_ORIGINAL = re.compile(
    r"^\s*-{2,}\s*(?:original message|forwarded message|исходное сообщение|пересылаемое сообщение|原始邮件|原始郵件|"
    r"元のメッセージ|転送されたメッセージ)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_OUTLOOK_FROM = re.compile(r"^\s*\**(?:from|от|发件人|寄件者|差出人)\**\s*[:：]", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(r"^\s*\**(?:sent|date|отправлено|дата|发送时间|寄件日期|日期|送信日時|日時)\**\s*[:：]", re.IGNORECASE)
_SIG = re.compile(r"^--\s?$")
#: longest line tested as a quote attribution ("On … wrote:"); longer lines are text
MAX_ATTRIBUTION = 400


def normalize_subject(subject: str) -> str:
    """The subject without reply/forward prefixes, whitespace folded, case-folded."""
    return " ".join(_PREFIX.sub("", subject or "").split()).casefold()


def _quote_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None."""
    n = len(lines)
    stripped = [line.strip() for line in lines]
    # quoted_to_end[i]: every non-blank line from i up to a signature line starts with ">"
    quoted_to_end = [True] * (n + 1)
    for i in range(n - 1, -1, -1):
        x = stripped[i]
        quoted_to_end[i] = quoted_to_end[i + 1] if not x else bool(_SIG.match(x)) or (x.startswith(">") and quoted_to_end[i + 1])
    for i, text in enumerate(stripped):
        if not text:
            continue
        # attribution lines are short; the patterns backtrack on long lines, so skip those
        short = len(text) <= MAX_ATTRIBUTION
        if short and (_ORIGINAL.match(text) or _ATTRIBUTION.match(text)):
            return i
        if short and i + 1 < n and text.startswith("On ") and _ATTRIBUTION.match(text + " " + stripped[i + 1][:MAX_ATTRIBUTION]):
            return i
        if _OUTLOOK_FROM.match(text) and any(_OUTLOOK_SENT.match(x) for x in lines[i + 1 : i + 4]):
            return i
        if text.startswith(">") and quoted_to_end[i]:
            return i
    return None


def split_reply(body: str) -> tuple[str, str, str]:
    """Split an email body into (new text, quoted history, signature)."""
    lines = body.replace("\r\n", "\n").split("\n")
    q = _quote_start(lines)
    q = len(lines) if q is None else q
    own, quoted = lines[:q], lines[q:]
    signature: list[str] = []
    # a signature placed below a ">" quote block belongs to this message
    last_quote = max((k for k, x in enumerate(quoted) if x.lstrip().startswith(">")), default=None)
    if last_quote is not None:
        rest = quoted[last_quote + 1 :]
        first = next((x for x in rest if x.strip()), None)
        if first is not None and _SIG.match(first.rstrip()):
            start = rest.index(first)
            signature = rest[start + 1 :]
            quoted = quoted[: last_quote + 1]
    s = next((k for k, x in enumerate(own) if _SIG.match(x.rstrip())), None)
    if s is not None:
        signature = own[s + 1 :] + signature
        own = own[:s]
    return "\n".join(own).strip(), "\n".join(quoted).strip(), "\n".join(signature).strip()


def _split_mbox(data: bytes) -> list[tuple[int, bytes]]:
    """(1-based line, message bytes) for each message of an mbox."""
    starts = [m.start() for m in _MBOX_FROM.finditer(data) if m.start() == 0 or data[m.start() - 1 : m.start()] == b"\n"]
    out = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(data)
        chunk = data[start:end]
        body = chunk.split(b"\n", 1)[1] if b"\n" in chunk else b""
        body = re.sub(rb"(?m)^>(>*From )", rb"\1", body)  # mboxrd unquoting
        out.append((data[:start].count(b"\n") + 1, body))
    if starts and data[: starts[0]].strip():
        out.insert(0, (1, data[: starts[0]]))
    return out


def _address(header: Any) -> str:
    if header is None:
        return ""
    try:
        addrs = header.addresses
    except AttributeError:
        return str(header)
    if not addrs:
        return str(header)
    a = addrs[0]
    return f"{a.display_name} <{a.addr_spec}>" if a.display_name else a.addr_spec


def _display_name(header: Any) -> str:
    """The sender's name without the address ("" when the header gives none): the agent's name."""
    addrs = getattr(header, "addresses", None) if header is not None else None
    return str(addrs[0].display_name or "").strip() if addrs else ""


def _ids(value: Any) -> list[str]:
    return _MSGID.findall(str(value)) if value else []


def _content(part: EmailMessage) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError, AssertionError):
        payload = part.get_payload(decode=True) or b""
        return (
            payload.decode(part.get_content_charset() or "utf-8", errors="replace")
            if isinstance(payload, bytes)
            else str(payload)
        )


def _timestamp(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return email.utils.parsedate_to_datetime(str(value)).isoformat()
    except (TypeError, ValueError, IndexError):
        return str(value)


#: longest header field (unfolded) and most double quotes in one that are parsed; the standard
#: library's structured-header parser takes quadratic time on long fields full of quoted
#: strings (a 20,000-character From took 20 s), so such a message is rejected instead
MAX_HEADER_CHARS = 8192
MAX_HEADER_QUOTES = 64
_FIELD = re.compile(rb"^([^\s:]+)[ \t]*:((?:.*)(?:\r?\n[ \t].*)*)", re.MULTILINE)


def _check_header_sizes(data: bytes) -> None:
    """Raise ValueError for a header field too long (or too quote-laden) to parse in time."""
    end = re.search(rb"\r?\n\r?\n", data)
    block = data[: end.start()] if end else data
    for m in _FIELD.finditer(block):
        value = m.group(2)
        quotes = value.count(b'"')
        if len(value) > MAX_HEADER_CHARS or quotes > MAX_HEADER_QUOTES:
            name = m.group(1).decode("ascii", "replace")
            raise ValueError(
                f"header {name!r} is {len(value):,} bytes with {quotes} double quotes "
                f"(limits {MAX_HEADER_CHARS:,} and {MAX_HEADER_QUOTES}); not parsed"
            )


def _no_surrogates(value: Any) -> Any:
    """Text without lone surrogates (the email package keeps undecodable header bytes as
    U+DC80..U+DCFF, which nothing downstream can encode): each becomes U+FFFD."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c for c in value)
        return value
    if isinstance(value, list):
        return [_no_surrogates(v) for v in value]
    return value


def _parse_message(data: bytes) -> dict[str, Any]:
    return {key: _no_surrogates(value) for key, value in _parse_message_raw(data).items()}


def _parse_message_raw(data: bytes) -> dict[str, Any]:
    _check_header_sizes(data)
    msg = email.message_from_bytes(data, policy=email.policy.default)
    if not msg.keys():
        raise ValueError("no email headers found: not an email message")
    if msg.get("From") is None and msg.get("Message-ID") is None:
        raise ValueError("neither From nor Message-ID header: not an email message")
    plain = msg.get_body(preferencelist=("plain",))
    html_part = msg.get_body(preferencelist=("html",))
    html = _content(html_part) if html_part is not None else None
    if plain is not None:
        body = _content(plain)
    elif html is not None:
        body = html_to_text(html)
    else:
        body = ""
    text, quoted, signature = split_reply(body)
    ids = _ids(msg.get("Message-ID"))
    parent = _ids(msg.get("In-Reply-To"))
    subject = str(msg.get("Subject") or "")
    return {
        "message_id": ids[0] if ids else None,
        "timestamp": _timestamp(msg.get("Date")),
        "speaker": _address(msg.get("From")),
        "agent": _display_name(msg.get("From")),
        "text": text,
        "reply_to": parent[0] if parent else None,
        "meta.subject": subject,
        "meta.to": str(msg.get("To") or ""),
        "meta.cc": str(msg.get("Cc") or ""),
        "meta.references": " ".join(_ids(msg.get("References"))),
        "meta.quoted": quoted,
        "meta.signature": signature,
        "meta.html": html,
        "_links": [*parent, *_ids(msg.get("References"))],
        "_subject": normalize_subject(subject),
        "_is_reply": bool(_PREFIX.match(subject)),
    }


def _is_mbox(src: Source) -> bool:
    return src.suffix == ".mbox" or src.data.lstrip()[:5] == b"From "


def read_mail(sources: list[Source], **_: Any) -> RawResult:
    """Read ``.eml`` files and ``.mbox`` mailboxes into one frame, threads across files."""
    rows: list[dict[str, Any]] = []
    raws: list[str] = []
    rejects: list[tuple[str, str, str]] = []
    for src in sources:
        chunks = _split_mbox(src.data) if _is_mbox(src) else [(1, src.data)]
        for line, chunk in chunks:
            where = f"{src.name}:{line}"
            raw = chunk.decode("utf-8", errors="replace")
            try:
                row = _parse_message(chunk)
            except Exception as exc:  # the email package raises many types on malformed input
                rejects.append((where, f"cannot parse email message: {exc}", raw))
                continue
            row["source"] = where
            row["_rawref"] = len(raws)
            raws.append(raw)
            rows.append(row)
    _thread(rows)
    for row in rows:
        for key in ("_links", "_subject", "_is_reply"):
            row.pop(key)
    frame = pd.DataFrame(
        rows,
        columns=[
            "conversation_id",
            "message_id",
            "timestamp",
            "speaker",
            "agent",
            "text",
            "reply_to",
            "meta.subject",
            "meta.to",
            "meta.cc",
            "meta.references",
            "meta.quoted",
            "meta.signature",
            "meta.html",
            "source",
            "_rawref",
        ],
    )
    return RawResult(frame, raws.__getitem__, rejects)


def _thread(rows: list[dict[str, Any]]) -> None:
    """Set ``conversation_id`` on each row: linked ids first, then reply subjects."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    keys = [row["message_id"] or f"\0{i}" for i, row in enumerate(rows)]
    for key, row in zip(keys, rows):
        find(key)
        for link in row["_links"]:
            union(key, link)
    by_subject: dict[str, str] = {}
    for key, row in zip(keys, rows):
        if row["_subject"] and not row["_links"] and not row["_is_reply"]:
            by_subject.setdefault(row["_subject"], key)
    for key, row in zip(keys, rows):
        if row["_subject"] and not row["_links"] and row["_is_reply"]:
            if row["_subject"] in by_subject:
                union(by_subject[row["_subject"]], key)
            else:
                by_subject[row["_subject"]] = key
    order = pd.to_datetime(pd.Series([r["timestamp"] for r in rows], dtype=object), errors="coerce", utc=True, format="ISO8601")
    first: dict[str, tuple[Any, int]] = {}
    for i, key in enumerate(keys):
        root = find(key)
        stamp = order.iloc[i] if len(order) else pd.NaT
        rank = (pd.isna(stamp), stamp if not pd.isna(stamp) else pd.Timestamp(0, tz="UTC"), i)
        if root not in first or rank < first[root][0]:
            first[root] = (rank, i)
    for key, row in zip(keys, rows):
        i = first[find(key)][1]
        mid = rows[i]["message_id"] or f"{rows[i]['source']}"
        row["conversation_id"] = f"em-{mid}"


def _sniff(src: Source) -> int:
    text = head(src).lstrip("\ufeff")
    lines = text.splitlines()[:40]
    if src.suffix == ".mbox" or (lines and lines[0].startswith("From ")):
        return 95 if any(ln.lower().startswith(("from:", "message-id:", "subject:")) for ln in lines) else 0
    headers = []
    for ln in lines:
        if not ln.strip():
            break
        if _HEADER_LINE.match(ln):
            headers.append(ln.split(":", 1)[0].casefold())
    known = {"from", "to", "subject", "date", "message-id", "received", "mime-version", "content-type", "return-path"}
    hits = len(known & set(headers))
    if hits >= 2 and "from" in headers:
        return 90 if src.suffix in (".eml", ".msg", "") else 60
    return 0


register(Format("email", "email messages (.eml files, .mbox mailboxes)", _sniff, read_mail, default_channel="email"))
