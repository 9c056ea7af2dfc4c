"""Plain-text chat logs (``.txt``, ``.log``): one conversation per file.

A message starts on a line of one of these shapes (half- or full-width colon)::

    [2026-11-22 12:01] Lei (Agent): text      [time] Name (Role): text
    [12:01 PM] Lei: text                      [time] Name: text   (roles from roles= by name)
    Agent: text                               Role: text
    客服 Lei：text                             role label, optional name

Following lines that start no message belong to the message above (multi-line messages).
Role labels are those of :data:`cxanalysis.roles.ROLE_ALIASES`, which cover English, Chinese,
Japanese and Russian (Agent/Customer/Operator/Client/Bot/System, 客服/顾客/客户,
オペレーター/お客様, Оператор/Клиент, ...). Without a time stamp a line starts a message only
when it carries a role label, and only in a log whose messages carry no time stamps. Time styles: ISO, ``12:01``, ``2026/11/22 12:01``,
``22.11.2026 12:01``, ``12:01 PM``. Header lines ``# date: 2026-11-22`` (the day for
time-only stamps; a later header moves the day on) and ``# tz: Asia/Tokyo`` (the zone of naive
times in this file) may precede the messages; other ``#`` lines before the first message are
ignored. Time-only stamps that go backwards roll over to the next day.

- ``conversation_id``: the file name without extension; ``message_id``: ``<conversation_id>:<n>``.
- ``role``: the role label on the line, else the ``roles=`` option by speaker name.
- ``source``: ``file:line`` of the message's first line; ``channel``: chat.
- Non-blank lines before the first message that are not ``#`` headers are rejected, as are
  messages whose time stamp cannot be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .._time import check_tz, parse_timestamps
from ..errors import ConfigError, ParseError
from ..roles import ROLE_ALIASES
from ..schema import TIMESTAMP_DTYPE
from ._build import RawResult
from ._registry import Format, register
from ._source import Source, decode, head

_STAMP = re.compile(r"^\[(?P<time>[^\[\]]{0,30}\d{1,2}:\d{2}[^\[\]]{0,12})\]\s*(?P<rest>.*)$")
_HEAD = re.compile(r"^(?P<head>[^:：\[\]]{1,60}?)\s*[:：]\s?(?P<text>.*)$")
_PAREN_ROLE = re.compile(r"^(?P<name>.*?)\s*[(（](?P<role>[^()（）]{1,30})[)）]$")
_HEADER = re.compile(r"^#\s*(?P<key>[\w-]+)\s*[:：]\s*(?P<value>.*?)\s*$")
_TIME_ONLY = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?\s*(?:[AaPp]\.?[Mm]\.?)?$")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LETTER = re.compile(r"[^\W\d_]")
# role labels, longest first, so that "客服人员 Lei" is not read as "客服" + "人员 Lei"
_LABEL_PREFIX = re.compile(
    r"^(?P<label>" + "|".join(re.escape(a) for a in sorted(ROLE_ALIASES, key=len, reverse=True)) + r")\s+(?P<name>\S.*)$",
    re.IGNORECASE,
)


@dataclass
class _Message:
    line: int
    stamp: str | None
    label: str
    speaker: str
    lines: list[str]
    raw: list[str]
    date: str | None
    tz: str | None


@dataclass
class _Parsed:
    messages: list[_Message] = field(default_factory=list)
    stray: list[tuple[int, str]] = field(default_factory=list)


def _split_head(head_text: str) -> tuple[str, str] | None:
    """(role label, speaker) of a message head, or None when it names nobody."""
    head_text = head_text.strip()
    if not head_text:
        return None
    m = _PAREN_ROLE.match(head_text)
    if m and m.group("name"):
        return m.group("role").strip(), m.group("name").strip()
    if head_text.casefold() in ROLE_ALIASES:
        return head_text, ""
    m = _LABEL_PREFIX.match(head_text)
    if m:
        name = m.group("name").strip()
        # "Agent 0427": a number is no name, keep the whole head as the speaker
        return m.group("label"), name if _LETTER.search(name) else head_text
    return "", head_text


def _message_start(line: str) -> tuple[str | None, str, str, str] | None:
    """(stamp, role label, speaker, text) when ``line`` starts a message."""
    stamp = None
    rest = line
    m = _STAMP.match(line)
    if m:
        stamp, rest = m.group("time").strip(), m.group("rest")
    h = _HEAD.match(rest)
    if not h:
        return None
    parts = _split_head(h.group("head"))
    if parts is None:
        return None
    label, speaker = parts
    if stamp is None and not label:
        return None  # "Name: text" without a time is too ambiguous to start a message
    return stamp, label, speaker, h.group("text")


def _parse(text: str) -> _Parsed:
    out = _Parsed()
    date: str | None = None
    tz: str | None = None
    current: _Message | None = None
    # physical lines end at \r\n, \r or \n only (str.splitlines() also cuts at U+2028, \x1c ...)
    for number, line in enumerate(_LINE_BREAK.split(text.lstrip("\ufeff")), start=1):
        header = _HEADER.match(line.strip())
        if header and (current is None or header.group("key").casefold() in ("date", "tz", "timezone")):
            key = header.group("key").casefold()
            if key == "date":
                date = header.group("value")
            elif key in ("tz", "timezone"):
                tz = header.group("value")
            continue
        start = _message_start(line)
        if start is not None and current is not None and current.stamp is not None and start[0] is None:
            start = None  # in a log with time stamps, an unstamped "Note: ..." line continues a message
        if start is not None:
            stamp, label, speaker, first = start
            current = _Message(number, stamp, label, speaker, [first], [line], date, tz)
            out.messages.append(current)
        elif current is not None:
            current.lines.append(line)
            current.raw.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            out.stray.append((number, line))
    return out


def _times(messages: list[_Message], tz: str | None, default_date: str | None) -> tuple[pd.Series, pd.Series, dict[int, str]]:
    """Parse the stamps of one file; time-only stamps that go backwards move to the next day.

    Returns the times, the bad flags and, for messages under a ``# date:`` / ``# tz:`` header
    that is itself invalid, the reason (those messages are rejected).
    """
    ts = pd.Series(pd.NaT, index=range(len(messages)), dtype=TIMESTAMP_DTYPE)
    bad = pd.Series(False, index=ts.index)
    header_errors: dict[int, str] = {}
    groups: dict[tuple[str | None, str | None], list[int]] = {}
    for i, msg in enumerate(messages):
        if msg.stamp is not None:
            groups.setdefault((msg.date or default_date, msg.tz or tz), []).append(i)
    for (day, zone), idx in groups.items():
        values = pd.Series([messages[i].stamp for i in idx], index=idx, dtype=object)
        try:
            parsed, wrong = parse_timestamps(values, tz=zone, default_date=day)
        except ConfigError as exc:  # a '# tz:' or '# date:' header that is not valid
            bad[idx] = True
            for i in idx:
                header_errors[i] = f"the '# date:'/'# tz:' header in force is invalid: {exc}"
            continue
        ts[idx], bad[idx] = parsed, wrong
    shift, previous, day = pd.Timedelta(0), None, None
    for i, msg in enumerate(messages):
        if msg.stamp is None or pd.isna(ts[i]) or not _TIME_ONLY.match(msg.stamp) or msg.date != day:
            shift, previous, day = pd.Timedelta(0), None, msg.date
            if msg.stamp is None or pd.isna(ts[i]) or not _TIME_ONLY.match(msg.stamp):
                continue
        if previous is not None and ts[i] + shift < previous:
            shift += pd.Timedelta(days=1)
        ts[i] = previous = ts[i] + shift
    return ts, bad, header_errors


def read_chatlog(
    sources: list[Source],
    *,
    encoding: str | None = None,
    tz: str | None = None,
    default_date: str | None = None,
    **_: Any,
) -> RawResult:
    """Read plain-text chat logs, one conversation per file (see the module docstring)."""
    check_tz(tz)  # the caller's zone is the caller's error, not a file's
    rows: list[dict[str, Any]] = []
    raws: list[str] = []
    rejects: list[tuple[str, str, str]] = []
    for src in sources:
        parsed = _parse(src.text(encoding))
        for number, line in parsed.stray:
            rejects.append((f"{src.name}:{number}", "line before the first message is neither a message nor a '#' header", line))
        msgs = parsed.messages
        ts, bad, header_errors = _times(msgs, tz, default_date)
        conv = Path(src.name).stem
        for i, msg in enumerate(msgs):
            where = f"{src.name}:{msg.line}"
            raw = "\n".join(msg.raw).rstrip()
            if i in header_errors:
                rejects.append((where, header_errors[i], raw))
                continue
            if bad[i]:
                why = f"unparseable time stamp {msg.stamp!r}"
                if _TIME_ONLY.match(msg.stamp or "") and not (msg.date or default_date):
                    why += "; a time without a date needs a '# date: YYYY-MM-DD' header or default_date="
                rejects.append((where, why, raw))
                continue
            rows.append(
                {
                    "conversation_id": conv,
                    "timestamp": ts[i],
                    "role": msg.label,
                    "speaker": msg.speaker,
                    "text": "\n".join(msg.lines).strip(),
                    "source": where,
                    "_rawref": len(raws),
                }
            )
            raws.append(raw)
    columns = ["conversation_id", "timestamp", "role", "speaker", "text", "source", "_rawref"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["timestamp"] = pd.Series([r["timestamp"] for r in rows], dtype=TIMESTAMP_DTYPE)
    return RawResult(frame, raws.__getitem__, rejects)


def _sniff(src: Source) -> int:
    text = head(src)
    if "\ufffd" in text:  # not UTF-8: detect the encoding of the first bytes
        try:
            text = decode(src.data[:8192], src.name)
        except ParseError:
            return 0
    lines = [ln for ln in text.lstrip("\ufeff").splitlines()[:40] if ln.strip() and not ln.lstrip().startswith("#")]
    hits = sum(_message_start(ln) is not None for ln in lines[:20])
    if hits < 2:
        return 0
    return 85 if src.suffix in (".txt", ".log", "") else 40


register(
    Format("chatlog", "plain-text chat log, one conversation per file (.txt, .log)", _sniff, read_chatlog, default_channel="chat")
)
