"""The YAML configuration file shared by the CLI and the notebooks.

Example (``data/samples/cx.yml``)::

    read:
      tz: UTC
      exclude: ["broken/**", "MANIFEST.csv"]
      roles:
        agents: [Maya, Lei]
        agent_domains: [parcelnest.example]
      columns: {}

    features:                 # constructor arguments per feature family
      latency:
        calendar: {hours: {mon-fri: "09:00-17:00"}, timezone: Europe/London, country: GB}
      idle: {silence_s: 180}
      template: {min_size: 5}

Sections: ``read`` (options of :func:`cxanalysis.read_transcripts`) and ``features``
(``params`` of :func:`cxanalysis.featurize`; keys are family names). Unknown keys are errors
that name the file, line and key.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError

READ_KEYS = {"tz", "exclude", "roles", "columns", "channel", "lang", "encoding", "timestamp_format", "default_date", "format"}


def _family_names() -> set[str]:
    from .features import FAMILIES

    return set(FAMILIES)


SECTIONS = {"read": READ_KEYS, "features": _family_names}


def _line_of(node: yaml.Node | None, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for k, _ in node.value:
            if getattr(k, "value", None) == key:
                return k.start_mark.line + 1
    return None


def load_config(path: str | os.PathLike) -> dict[str, Any]:
    """Load and check a config file; returns a dict of sections.

    Raises
    ------
    ConfigError
        Naming the file, line and key of an unknown section or key, or a YAML syntax error.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read config: {exc.strerror}") from exc
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{p}:{mark.line + 1}" if mark else str(p)
        raise ConfigError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{p}: the config must be a mapping of sections {sorted(SECTIONS)}")
    for section, body in data.items():
        if section not in SECTIONS:
            raise ConfigError(f"{p}:{_line_of(node, section)}: unknown section {section!r}; valid: {sorted(SECTIONS)}")
        if body is None:
            data[section] = {}
            continue
        if not isinstance(body, dict):
            raise ConfigError(f"{p}:{_line_of(node, section)}: section {section!r} must be a mapping")
        if section == "features":
            sub = next((v for k, v in node.value if k.value == section), None)
            for key, value in body.items():
                if value is not None and not isinstance(value, dict):
                    raise ConfigError(f"{p}:{_line_of(sub, key)}: features.{key} must be a mapping of arguments")
        sub = next((v for k, v in node.value if k.value == section), None)
        valid = SECTIONS[section]() if callable(SECTIONS[section]) else SECTIONS[section]
        for key in body:
            if key not in valid:
                raise ConfigError(f"{p}:{_line_of(sub, key)}: unknown key {section}.{key}; valid: {sorted(valid)}")
    return data


def read_options(config: dict[str, Any] | None) -> dict[str, Any]:
    """The ``read`` section as keyword arguments for :func:`cxanalysis.read_transcripts`."""
    return dict((config or {}).get("read") or {})


def feature_params(config: dict[str, Any] | None) -> dict[str, dict]:
    """The ``features`` section as ``params`` for :func:`cxanalysis.featurize`."""
    return {k: dict(v or {}) for k, v in ((config or {}).get("features") or {}).items()}
