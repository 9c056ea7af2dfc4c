"""YAML documents whose errors name the file and line (lexicons and playbooks share this)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

import yaml

#: libyaml's loader when present (several times faster), else the pure-Python one
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def line_of(node: yaml.Node | None, *keys: str) -> int | None:
    """1-based line of a nested key in a composed YAML document."""
    for key in keys:
        if not isinstance(node, yaml.MappingNode):
            return None
        found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)
        if found is None:
            return node.start_mark.line + 1
        if key == keys[-1]:
            return found[0].start_mark.line + 1
        node = found[1]
    return None


def load_mapping(text: str, path: str, error: type[Exception], what: str) -> tuple[dict[str, Any], Callable[..., NoReturn]]:
    """Parse a document that must be a mapping.

    Returns the data and ``fail(msg, *keys)``, which raises ``error`` as ``path:line: msg``
    with the line of the nested key ``keys``. The node tree (for line numbers) is only
    composed when there is an error to report.
    """
    try:
        data = yaml.load(text, Loader=LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(f"{path}:{mark.line + 1 if mark else '?'}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise error(f"{path}:1: {what}")

    def fail(msg: str, *keys: str) -> NoReturn:
        raise error(f"{path}:{line_of(yaml.compose(text, Loader=LOADER), *keys) or 1}: {msg}")

    return data, fail
