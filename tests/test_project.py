"""Project hygiene: dependency lists agree, the package opens no network connection."""

from __future__ import annotations

import re
import socket
import tomllib
from pathlib import Path

import pytest
import yaml

import cxanalysis as cx

ROOT = Path(__file__).resolve().parents[1]


def _names(reqs: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].strip().lower() for r in reqs if not r.startswith("-")}


def test_project_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dev"])
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert _names(pip) == wanted
    assert "python=3.11" in env["dependencies"]


def test_project_constraints_pin_every_dependency():
    pins = {line.split("==")[0].lower() for line in (ROOT / "constraints.txt").read_text().splitlines() if "==" in line}
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = _names(project["dependencies"]) | _names(project["optional-dependencies"]["dev"])
    assert wanted <= pins, wanted - pins


def test_project_reading_opens_no_socket(samples):
    # pytest-socket is active for the whole suite (--disable-socket); prove it really blocks
    with pytest.raises(Exception, match="socket"):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    df = cx.read_transcripts(samples / "tables", roles={"agents": ["x"]})
    assert len(df) > 0


def test_project_version_matches_pyproject():
    assert cx.__version__ == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
