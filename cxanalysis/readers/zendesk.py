"""Zendesk ticket comments, as the API returns them (``GET /api/v2/tickets/{id}/comments``).

A file holds ``{"ticket": {...}, "comments": [...], "users": [...]}`` (the ticket and the users
side-load are optional but give the ids and roles), or a JSON array / ``{"tickets": [...]}``
of such documents.

- ``conversation_id``: ``zd-`` + ticket id (from ``ticket.id``, or the comments'
  ``ticket_id``); ``message_id``: ``zd-`` + comment id.
- ``role``: the users side-load role (``end-user`` → customer, ``agent`` / ``admin`` → agent),
  else the ``roles=`` option on the author's name; a comment with ``public: false`` (an internal
  note) is ``system``, with ``meta.public`` kept.
- ``text``: ``plain_body`` / ``body``, else ``html_body`` converted to text; the HTML is kept
  in ``meta.html``. ``channel``: the ticket's ``via.channel`` (else the first comment's),
  default email; each comment's own ``via.channel`` is ``meta.via``.
- ``source``: ``file#n`` (n-th comment of the file, from 1). Comments that are not objects or
  have no id are rejected. Role labels are the API's (English); names may be in any language.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ._build import RawResult
from ._jsondoc import as_list, documents, dumps, head_json, load_json
from ._registry import Format, register
from ._source import Source
from .html import html_to_text, looks_like_html

COLUMNS = [
    "conversation_id",
    "message_id",
    "timestamp",
    "role",
    "speaker",
    "text",
    "channel",
    "meta.public",
    "meta.author_id",
    "meta.subject",
    "meta.via",
    "meta.html",
    "meta.attachments",
    "source",
    "_rawref",
]


def _via(obj: Any) -> str:
    via = obj.get("via") if isinstance(obj, dict) else None
    return str(via.get("channel") or "") if isinstance(via, dict) else ""


def _text(comment: dict[str, Any]) -> str | None:
    """The comment's text; None when a body field holds something other than text."""
    for key in ("plain_body", "body", "html_body"):
        value = comment.get(key)
        if value is not None and not isinstance(value, str):
            return None
    for key in ("plain_body", "body"):
        value = comment.get(key)
        if isinstance(value, str) and value.strip():
            return html_to_text(value) if looks_like_html(value) else value.strip()
    return html_to_text(comment.get("html_body"))


def read_zendesk(sources: list[Source], *, encoding: str | None = None, **_: Any) -> RawResult:
    """Read Zendesk ticket-comment JSON files."""
    rows: list[dict[str, Any]] = []
    raws: list[str] = []
    rejects: list[tuple[str, str, str]] = []
    for src in sources:
        n = 0
        for doc in documents(load_json(src, encoding), "tickets"):
            if not isinstance(doc, dict):
                n += 1
                rejects.append(
                    (f"{src.name}#{n}", "not a Zendesk ticket document (expected an object with 'comments')", dumps(doc))
                )
                continue
            ticket = doc.get("ticket") if isinstance(doc.get("ticket"), dict) else {}
            users = {str(u.get("id")): u for u in as_list(doc.get("users")) if isinstance(u, dict)}
            comments = as_list(doc.get("comments"))
            first = next((c for c in comments if isinstance(c, dict)), {})
            channel = _via(ticket) or _via(first)
            for comment in comments:
                n += 1
                where = f"{src.name}#{n}"
                if (
                    not isinstance(comment, dict)
                    or comment.get("id") in (None, "")
                    or isinstance(comment.get("id"), (dict, list, bool))
                ):
                    rejects.append((where, "comment is not an object with an 'id' (a number or text)", dumps(comment)))
                    continue
                text = _text(comment)
                if text is None:
                    rejects.append((where, "comment body (plain_body/body/html_body) is not text", dumps(comment)))
                    continue
                ticket_id = ticket.get("id", comment.get("ticket_id"))
                author = str(comment.get("author_id", ""))
                user = users.get(author, {})
                public = comment.get("public", True)
                rows.append(
                    {
                        "conversation_id": f"zd-{ticket_id}" if ticket_id not in (None, "") else None,
                        "message_id": f"zd-{comment['id']}",
                        "timestamp": comment.get("created_at"),
                        "role": "system" if public is False else str(user.get("role") or ""),
                        "speaker": str(user.get("name") or user.get("email") or author),
                        "text": text,
                        "channel": channel,
                        "meta.public": public,
                        "meta.author_id": author,
                        "meta.subject": ticket.get("subject"),
                        "meta.via": _via(comment),
                        "meta.html": comment.get("html_body"),
                        "meta.attachments": ", ".join(
                            str(a.get("file_name", "")) for a in as_list(comment.get("attachments")) if isinstance(a, dict)
                        ),
                        "source": where,
                        "_rawref": len(raws),
                    }
                )
                raws.append(dumps(comment))
    return RawResult(pd.DataFrame(rows, columns=COLUMNS), raws.__getitem__, rejects)


def _sniff(src: Source) -> int:
    if src.suffix not in (".json", ""):
        return 0
    text = head_json(src)
    if '"comments":[' in text and ('"author_id"' in text or '"ticket":{' in text):
        return 90
    return 0


register(Format("zendesk", "Zendesk ticket comments (API JSON)", _sniff, read_zendesk, default_channel="email"))
