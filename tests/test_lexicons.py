"""Lexicon files: schema errors with file and line, every example through the real matcher,
coverage per language, and no sample sentence copied into a lexicon."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import cxanalysis as cx
from cxanalysis.features import CONTEXT_FAMILIES, FAMILIES, REQUIRED_COLUMNS
from cxanalysis.features._matcher import compile_marker, example_failures, phrase_regex
from cxanalysis.features.proactive import LEXICAL_INFO_MARKERS
from cxanalysis.lexicons import LANGUAGES, LexiconError, lexicon_stats, packaged_lexicons, parse_lexicon

LEXICONS = packaged_lexicons()

GOOD = """\
family: warmth
lang: en
version: 1
provenance: test
markers:
  thanks:
    phrases: [thank you, thanks]
    exclude: [thanks to]
    examples:
      positive: [Thanks a lot!]
      negative: [It works thanks to the update.]
"""


def test_every_family_has_a_lexicon_in_every_language():
    have = {(lex.family, lex.lang) for lex in LEXICONS}
    missing = [(f, lang) for f in FAMILIES if f not in CONTEXT_FAMILIES for lang in LANGUAGES if (f, lang) not in have]
    assert not missing


@pytest.mark.parametrize("lex", LEXICONS, ids=lambda lex: f"{lex.family}-{lex.lang}")
def test_lexicon_examples_hit_and_near_misses_do_not(lex):
    assert example_failures(lex) == []
    assert lex.provenance and lex.version >= 1
    assert lex.boundaries == ("none" if lex.lang in ("zh", "ja") else "word")


def test_required_markers_have_at_least_five_entries_in_every_language():
    table = lexicon_stats()
    parts = [c for c in table.index if c in LEXICAL_INFO_MARKERS or c.startswith("proactive_topic_")]
    table.loc["proactive_info"] = table.loc[parts].sum()
    for col in REQUIRED_COLUMNS:
        for lang in LANGUAGES:
            assert table.loc[col, lang] >= 5, (col, lang, table.loc[col, lang])


def test_same_markers_in_every_language():
    by_family: dict[str, dict[str, set[str]]] = {}
    for lex in LEXICONS:
        by_family.setdefault(lex.family, {})[lex.lang] = set(lex.markers)
    for fam, langs in by_family.items():
        sets = list(langs.values())
        assert all(s == sets[0] for s in sets), (fam, {k: sorted(v ^ sets[0]) for k, v in langs.items()})


def _sample_sentences() -> set[str]:
    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    df = cx.read_transcripts(samples, **cx.config.read_options(cx.load_config(samples / "cx.yml")))
    out = set()
    for text in df["text"].dropna():
        for sent in re.split(r"(?<=[.!?。！？])\s*|\n+", str(text)):
            sent = " ".join(sent.split()).casefold()
            long_enough = len(sent.split()) >= 4 if re.search(r"[a-zа-я]", sent) else len(sent) >= 8
            if long_enough:
                out.add(sent)
    return out


def test_no_sample_sentence_is_copied_into_a_lexicon():
    sentences = _sample_sentences()
    assert len(sentences) > 100
    copied = []
    for lex in LEXICONS:
        for m in lex.markers.values():
            for entry in (*m.phrases, *m.patterns, *m.exclude, *m.positive, *m.negative):
                flat = " ".join(entry.split()).casefold()
                copied.extend((lex.path, m.name, s) for s in sentences if s in flat)
    assert not copied, copied[:5]


def test_phrase_semantics():
    assert re.fullmatch(phrase_regex("don't  worry"), "don’t\n worry")
    assert re.fullmatch(phrase_regex("извин*"), "извините")
    assert not re.fullmatch(phrase_regex("a.b"), "axb")
    lex = parse_lexicon(GOOD)
    cm = compile_marker(lex, lex.markers["thanks"])
    assert cm.spans("Thanks!") == [(0, 6)]
    assert cm.spans("thanksgiving") == []  # word boundaries
    assert cm.spans("all thanks to you") == []  # near miss excluded
    zh = parse_lexicon(GOOD.replace("lang: en", "lang: zh") + "boundaries: none\n")
    assert compile_marker(zh, zh.markers["thanks"]).spans("xthanksx") == [(1, 7)]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("provenance: test\n", "provenance: test\ncolour: red\n"), r"<t>:5: unknown field 'colour'"),
        (
            ("    phrases: [thank you, thanks]", "    phrases: [thank you, thanks]\n    patterns: ['(unclosed']"),
            r"<t>:8: .*not a valid regex",
        ),
        (("      negative: [It works thanks to the update.]\n", ""), r"<t>:\d+: .*near-miss"),
        (("  thanks:\n", "  thanks:\n    behaviours: [APL-1]\n"), r"<t>:7: .*'APL-1' is not an EXEMPLARS.md id"),
        (("  thanks:\n", "  thanks:\n    roles: [boss]\n"), r"<t>:7: .*'boss' is not a role"),
        (("version: 1\n", ""), r"<t>:1: missing field 'version'"),
        (("markers:", "markers: [a"), r"<t>:\d+: invalid YAML"),
    ],
)
def test_lexicon_errors_name_file_line_and_field(edit, message):
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(GOOD.replace(*edit), "<t>")


def test_load_lexicon_missing_file(tmp_path):
    with pytest.raises(LexiconError, match="cannot read lexicon"):
        cx.load_lexicon(tmp_path / "nope.yml")


def test_lexicon_stats_cli(capsys):
    from cxanalysis.cli import main

    assert main(["lexicon-stats", "--min", "5"]) == 0
    out = capsys.readouterr().out
    assert "warmth_thanks" in out and "proactive_info" in out
    assert main(["lexicon-stats", "--min", "100000"]) == 1
