"""cxanalysis: measure the quality of customer-support conversations.

Public API (DESIGN.md section 8) — implemented so far::

    import cxanalysis as cx
    df = cx.read_transcripts(source, format=None, **options)
    df, rejects = cx.read_transcripts(source, return_rejects=True)
    for chunk, rej in cx.read_transcripts(big, chunksize=100_000): ...
    cx.to_convokit(df, path)                 # and format="convokit" to read
    feats = cx.featurize(df, families=None)  # cx.Features: .messages, .evidence, .conversations
    scores = cx.score(feats, exemplars=("apple", "spotify", "amazon"), norms=None)
    cx.explain(scores, feats, conversation_id, exemplar=None)
    cx.load_playbook("my_playbook.yml")
    cx.drivers(feats, outcome=None)          # outcome model: effects with intervals, AUC, baseline
    cx.agreement(scores, human_grades)      # kappa per behaviour, correlation per exemplar
    cx.coaching_report(df, agent=None)      # one self-contained HTML page (team or agent)
    cx.write_reports(df, "reports")         # index.html, agents/<name>.html, scores.csv
    cx.redact(df)                            # PII -> typed placeholders ([EMAIL], [NAME], ...)
    cx.insights.surge_summary(df, feats)     # notebooks' analyses: surge (CRI-05), contact reasons
                                             # and FAQ candidates (TEC-08), TEC-02 split, plots
"""

from __future__ import annotations

from . import insights, schema
from .accessor import CxAccessor
from .calibration import Agreement, agreement
from .config import load_config
from .drivers import Drivers, drivers
from .errors import ConfigError, CxError, CxWarning, ParseError, RoleWarning, SchemaError
from .exemplars import PlaybookError, load_playbook
from .features import FAMILIES, REQUIRED_COLUMNS, Features, featurize
from .lexicons import LexiconError, lexicon_stats, load_lexicon
from .readers import FORMATS, read_transcripts
from .readers.convokit import to_convokit
from .redact import redact
from .report import coaching_report, write_reports
from .roles import ROLE_ALIASES
from .schema import validate
from .scoring import explain, score
from .summary import format_summary, summarize
from .text import COVERED_LANGUAGES, detect_languages

__version__ = "0.1.0"

__all__ = [
    "Agreement",
    "Drivers",
    "COVERED_LANGUAGES",
    "ConfigError",
    "CxAccessor",
    "CxError",
    "CxWarning",
    "FAMILIES",
    "FORMATS",
    "Features",
    "LexiconError",
    "ParseError",
    "PlaybookError",
    "REQUIRED_COLUMNS",
    "ROLE_ALIASES",
    "RoleWarning",
    "SchemaError",
    "__version__",
    "agreement",
    "coaching_report",
    "detect_languages",
    "drivers",
    "explain",
    "featurize",
    "lexicon_stats",
    "load_lexicon",
    "load_playbook",
    "format_summary",
    "insights",
    "load_config",
    "read_transcripts",
    "redact",
    "schema",
    "score",
    "summarize",
    "to_convokit",
    "validate",
    "write_reports",
]
