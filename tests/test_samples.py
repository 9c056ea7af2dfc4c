"""The bundled samples: MANIFEST consistency and exact reading of every file we can read."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

import cxanalysis as cx
from cxanalysis.readers import sniff
from cxanalysis.readers._source import expand

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
EXEMPLAR_ID = re.compile(r"^(APL|SPO|AMZ|CRI|TEC|ANTI)-\d{2}$")
MANIFEST = list(csv.DictReader((SAMPLES / "MANIFEST.csv").open(encoding="utf-8")))


def _options() -> dict:
    return cx.config.read_options(cx.load_config(SAMPLES / "cx.yml"))


def test_samples_manifest_shape():
    assert len(MANIFEST) >= 30
    assert {r["lang"] for r in MANIFEST} >= {"en", "zh", "ja", "ru"}
    assert {r["channel"] for r in MANIFEST} >= {"chat", "email", "social"}
    keys = [(r["file"], r["conversation_id"]) for r in MANIFEST]
    assert len(keys) == len(set(keys))
    for r in MANIFEST:
        present = [x for x in r["present"].split(";") if x]
        absent = [x for x in r["absent"].split(";") if x]
        assert all(EXEMPLAR_ID.match(x) for x in present + absent), r
        assert not set(present) & set(absent), r
        assert (SAMPLES / r["file"]).exists(), r["file"]
    assert any("CRI-05" in r["present"] for r in MANIFEST)


def _readable(rel: str) -> bool:
    sources, _ = expand(SAMPLES / rel)
    return all(sniff(s)[0] is not None for s in sources)


READABLE = sorted({r["file"] for r in MANIFEST if _readable(r["file"])})


@pytest.mark.parametrize("rel", READABLE)
def test_samples_read_with_no_rejects_and_manifest_ids(rel):
    opts = _options()
    opts.pop("exclude", None)
    df, rej = cx.read_transcripts(SAMPLES / rel, return_rejects=True, **opts)
    assert len(rej) == 0, rej.to_string()
    expected = {r["conversation_id"] for r in MANIFEST if r["file"] == rel}
    assert expected <= set(df["conversation_id"]), expected - set(df["conversation_id"])
    assert (df["role"] != "unknown").all()
    for r in MANIFEST:
        if r["file"] == rel:
            conv = df[df["conversation_id"] == r["conversation_id"]]
            assert r["lang"] in set(conv["lang"]), (r["conversation_id"], set(conv["lang"]))


def test_samples_folder_read_has_four_agents_and_languages():
    df, rej = cx.read_transcripts(SAMPLES, return_rejects=True, **_options())
    assert len(rej) == 0
    assert df["agent"].replace("", None).dropna().nunique() >= 4
    assert set(df["lang"]) >= {"en", "zh", "ja", "ru"}
