"""Column-name aliases for long tables (see docs/formats.md)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..errors import ConfigError
from ..schema import COLUMNS, META_PREFIX

#: canonical column -> accepted source names (case-insensitive), first found wins
ALIASES: dict[str, tuple[str, ...]] = {
    "conversation_id": (
        "conversation_id",
        "ticket_id",
        "conversation",
        "thread_id",
        "chat_id",
        "case_id",
        "session_id",
        "dialog_id",
        "dialogue_id",
    ),
    "message_id": ("message_id", "id", "msg_id", "comment_id", "utterance_id"),
    "timestamp": ("timestamp", "created_at", "time", "date", "datetime", "sent_at", "ts"),
    "role": ("role", "sender_type", "author_type", "from_type", "speaker_role", "author_role"),
    "speaker": ("speaker", "author", "sender", "user", "from", "name", "handle", "author_name"),
    "text": ("text", "body", "message", "content", "comment", "utterance", "plain_body"),
    "channel": ("channel", "via", "medium"),
    "lang": ("lang", "language", "locale"),
    "agent": ("agent", "agent_name"),
    "reply_to": ("reply_to", "in_reply_to", "parent_id", "reply_to_id"),
}
READER_OWNED = ("turn", "lang_source", "source")


def map_columns(header: Iterable[str], columns: Mapping[str, str] | None = None) -> dict[str, str]:
    """Map source column names to canonical names or ``meta.<name>``.

    ``columns`` (the caller's mapping, source name → canonical name) wins over the aliases.
    """
    header = list(header)
    columns = dict(columns or {})
    for src, dst in columns.items():
        if dst not in COLUMNS or dst in READER_OWNED:
            raise ConfigError(
                f"columns: {src!r} -> {dst!r}: not a column a source can provide; valid: "
                f"{[c for c in COLUMNS if c not in READER_OWNED]}"
            )
    out: dict[str, str] = {}
    taken = set()
    lower = {h: h.strip().casefold() for h in header}
    for h in header:
        if h in columns:
            out[h] = columns[h]
            taken.add(columns[h])
    for canon, names in ALIASES.items():
        if canon in taken:
            continue
        for name in names:
            match = next((h for h in header if lower[h] == name and h not in out), None)
            if match is not None:
                out[match] = canon
                taken.add(canon)
                break
    used = set(out.values())
    for i, h in enumerate(header):
        if h not in out:
            name = META_PREFIX + (h.strip() or f"unnamed_{i}")
            n = 0
            while name in used:  # "a" and "a " (or a nested key flattened onto another) stay apart
                n += 1
                name = f"{META_PREFIX}{h.strip() or f'unnamed_{i}'}.{n}"
            out[h] = name
            used.add(name)
    return out


def has_alias(header: Iterable[str], canonical: str) -> bool:
    names = {h.strip().casefold() for h in header}
    return any(n in names for n in ALIASES[canonical])
