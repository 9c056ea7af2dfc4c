"""Shared fixtures: paths to the bundled samples."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def broken() -> Path:
    return SAMPLES / "broken"


@pytest.fixture(scope="session")
def sample_frame():
    """Every bundled sample read once (with the samples' config)."""
    import cxanalysis as cx

    opts = cx.config.read_options(cx.load_config(SAMPLES / "cx.yml"))
    return cx.read_transcripts(SAMPLES, **opts)


@pytest.fixture(scope="session")
def sample_features(sample_frame):
    """``cx.featurize`` of every bundled sample, computed once."""
    import cxanalysis as cx

    return cx.featurize(sample_frame)
