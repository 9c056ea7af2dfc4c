"""Shared helpers for readers of JSON documents in a help desk API's shape (Zendesk, Intercom)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ParseError
from ._source import Source, head


def load_json(src: Source, encoding: str | None = None) -> Any:
    """Parse a whole JSON document; :class:`ParseError` with the line when it is not JSON."""
    try:
        return json.loads(src.text(encoding).lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", src.name, exc.lineno) from exc


def documents(obj: Any, list_key: str) -> list[Any]:
    """The documents of a file: one object, a JSON array of them, or ``{list_key: [...]}``."""
    if isinstance(obj, list):
        return obj
    if isinstance(obj, dict) and isinstance(obj.get(list_key), list):
        return obj[list_key]
    return [obj]


def dumps(value: Any) -> str:
    """Compact JSON text of a record, for the rejects table."""
    return json.dumps(value, ensure_ascii=False, default=str)


def head_json(src: Source) -> str:
    """The start of a source without whitespace, for sniffing JSON shapes."""
    return "".join(head(src, 8192).lstrip("\ufeff").split())
