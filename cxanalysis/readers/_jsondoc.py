"""Shared helpers for readers of JSON documents in a help desk API's shape (Zendesk, Intercom)."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ParseError
from ._source import Source, head

#: what a reader says about JSON nested deeper than Python's parser can follow
TOO_DEEP = "JSON nested too deeply to parse"


def loads(text: str) -> Any:
    """``json.loads``; nesting deeper than the parser's recursion limit is a ``ValueError``.

    Raises
    ------
    json.JSONDecodeError
        When ``text`` is not JSON.
    ValueError
        With :data:`TOO_DEEP` when it nests too deeply (a bare RecursionError otherwise).
    """
    try:
        return json.loads(text)
    except RecursionError as exc:
        raise ValueError(TOO_DEEP) from exc


def load_json(src: Source, encoding: str | None = None) -> Any:
    """Parse a whole JSON document; :class:`ParseError` with the line when it is not JSON."""
    text = src.text(encoding).lstrip("\ufeff")
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg}", src.name, exc.lineno) from exc
    except ValueError as exc:
        raise ParseError(f"{exc} (more than about 1,000 levels)", src.name, 1) from exc


def as_list(value: Any) -> list[Any]:
    """``value`` when it is a list, ``[]`` for null/absent, else ``[value]`` (one bad record)."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


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
