"""Shared fixtures: paths to the bundled samples."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# The default suite is deterministic: the same examples on every run, so CI cannot fail on a
# draw nobody has seen. Long random exploration is scripts/fuzz_readers.py, or
# HYPOTHESIS_PROFILE=explore make test.
settings.register_profile("cx", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False, database=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "cx"))

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
