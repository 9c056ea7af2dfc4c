"""Intercom conversations, as the API returns them (``GET /conversations/{id}``).

A file holds one conversation object, a JSON array of them, or ``{"conversations": [...]}``.

- ``conversation_id``: ``ic-`` + conversation id; ``message_id``: ``ic-`` + part id, and
  ``ic-<conversation id>:source`` for the opening message (``source``).
- ``role`` by author type: ``user`` / ``lead`` / ``contact`` → customer, ``admin`` / ``team``
  → agent, ``bot`` → bot; ``note`` parts → system. Parts without a body (assignment, open,
  close, snooze ...) are kept as system rows with empty text and ``meta.part_type``, so
  nothing is lost. Author types are the API's (English); names may be in any language.
- ``text``: the HTML body converted to text (``meta.html`` keeps it); ``timestamp``: the
  Unix ``created_at``; ``channel``: chat; ``source``: ``file#n`` (n-th message of the file,
  from 1, the opening message first). Parts that are not objects or have no id are rejected.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._build import RawResult
from ._jsondoc import as_list, documents, dumps, head_json, load_json
from ._registry import Format, register
from ._source import Source
from .html import html_to_text

COLUMNS = [
    "conversation_id",
    "message_id",
    "timestamp",
    "role",
    "speaker",
    "text",
    "meta.part_type",
    "meta.author_type",
    "meta.author_id",
    "meta.html",
    "meta.subject",
    "source",
    "_rawref",
]


def _row(conv_id: Any, message_id: str, part: dict[str, Any], part_type: str, subject: Any) -> dict[str, Any]:
    author = part.get("author") if isinstance(part.get("author"), dict) else {}
    body = part.get("body")
    author_type = str(author.get("type") or "")
    if part_type == "note" or (not body and part_type not in ("comment", "source")):
        role = "system"
    else:
        role = author_type
    return {
        "conversation_id": f"ic-{conv_id}" if conv_id not in (None, "") else None,
        "message_id": message_id,
        "timestamp": part.get("created_at"),
        "role": role,
        "speaker": str(author.get("name") or author.get("email") or author.get("id") or ""),
        "text": html_to_text(body) if isinstance(body, str) else "",
        "meta.part_type": part_type,
        "meta.author_type": author_type,
        "meta.author_id": str(author.get("id") or ""),
        "meta.html": body,
        "meta.subject": subject,
    }


def read_intercom(sources: list[Source], *, encoding: str | None = None, **_: Any) -> RawResult:
    """Read Intercom conversation JSON files."""
    rows: list[dict[str, Any]] = []
    raws: list[str] = []
    rejects: list[tuple[str, str, str]] = []
    for src in sources:
        n = 0
        for conv in documents(load_json(src, encoding), "conversations"):
            if not isinstance(conv, dict):
                n += 1
                rejects.append((f"{src.name}#{n}", "not an Intercom conversation object", dumps(conv)))
                continue
            conv_id = conv.get("id")
            records: list[tuple[Any, str | None, str]] = []
            if isinstance(conv.get("source"), dict):
                source = dict(conv["source"])
                source.setdefault("created_at", conv.get("created_at"))
                records.append((source, f"ic-{conv_id}:source", "source"))
            parts = conv.get("conversation_parts")
            parts = as_list(parts.get("conversation_parts") if isinstance(parts, dict) else parts)
            for part in parts:
                ok = (
                    isinstance(part, dict)
                    and part.get("id") not in (None, "")
                    and not isinstance(part.get("id"), (dict, list, bool))
                )
                records.append((part, f"ic-{part['id']}" if ok else None, str(part.get("part_type") or "") if ok else ""))
            subject = conv["source"].get("subject") if isinstance(conv.get("source"), dict) else None
            for record, message_id, part_type in records:
                n += 1
                where = f"{src.name}#{n}"
                if message_id is None:
                    rejects.append((where, "conversation part is not an object with an 'id' (a number or text)", dumps(record)))
                    continue
                if record.get("body") is not None and not isinstance(record.get("body"), str):
                    rejects.append((where, "conversation part 'body' is not text", dumps(record)))
                    continue
                row = _row(conv_id, message_id, record, part_type, subject)
                row["source"], row["_rawref"] = where, len(raws)
                rows.append(row)
                raws.append(dumps(record))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame["timestamp"] = pd.to_numeric(frame["timestamp"], errors="coerce") if len(frame) else frame["timestamp"]
    return RawResult(frame, raws.__getitem__, rejects)


def _sniff(src: Source) -> int:
    if src.suffix not in (".json", ""):
        return 0
    text = head_json(src)
    if '"conversation_parts":' in text or ('"type":"conversation"' in text and '"source":{' in text):
        return 90
    return 0


register(Format("intercom", "Intercom conversations (API JSON)", _sniff, read_intercom, default_channel="chat"))
