"""The lexical family: a scikit-learn transformer that counts lexicon markers per message.

Every lexicon-based family (``warmth``, ``tone``, ...) is a :class:`LexiconFamily`: it takes
the canonical frame (``text``, ``lang``, ``role``), compiles the family's lexicons once per
language, and returns one integer column per marker, aligned with the frame's rows.
Messages in a language without a lexicon get ``NA``; messages whose role a marker does not
count get 0. :meth:`LexiconFamily.transform_with_evidence` also returns the evidence rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
import pyarrow as pa
from sklearn.base import BaseEstimator, TransformerMixin

from ..lexicons import LANGUAGES, Lexicon, packaged_lexicons
from ._matcher import CompiledMarker, compile_lexicon, find_hits

EVIDENCE_COLUMNS = ("message_id", "feature", "start", "end", "quote", "detail")
COUNT_DTYPE = "Int64"


def empty_evidence() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "message_id": pd.Series(dtype="string"),
            "feature": pd.Series(dtype="string"),
            "start": pd.Series(dtype="Int64"),
            "end": pd.Series(dtype="Int64"),
            "quote": pd.Series(dtype="string"),
            "detail": pd.Series(dtype="string"),
        }
    )


def evidence_frame(message_ids: np.ndarray, features: list[str], starts, ends, quotes, details) -> pd.DataFrame:
    if not len(features):
        return empty_evidence()
    return pd.DataFrame(
        {
            "message_id": pd.array(message_ids, dtype="string"),
            "feature": pd.array(features, dtype="string"),
            "start": pd.array(starts, dtype="Int64"),
            "end": pd.array(ends, dtype="Int64"),
            "quote": pd.array(quotes, dtype="string"),
            "detail": pd.array(details, dtype="string"),
        }
    )


@lru_cache(maxsize=1)
def _packaged_compiled() -> dict[str, dict[str, list[CompiledMarker]]]:
    """The packaged lexicons compiled once per process: family -> lang -> markers."""
    out: dict[str, dict[str, list[CompiledMarker]]] = {}
    for lex in packaged_lexicons():
        out.setdefault(lex.family, {})[lex.lang] = compile_lexicon(lex)
    return out


def _lang_array(X: pd.DataFrame) -> np.ndarray:
    return X["lang"].astype("string").fillna("und").to_numpy(dtype=object)


class LexiconFamily(TransformerMixin, BaseEstimator):
    """Count the markers of one family's lexicons in each message.

    Parameters
    ----------
    family:
        The family name (= column prefix).
    lexicons:
        Lexicons to use instead of the packaged ones (e.g. a trainer's own YAML files loaded
        with :func:`cxanalysis.lexicons.load_lexicon`); only those of ``family`` are used.

    >>> import pandas as pd
    >>> X = pd.DataFrame({"message_id": ["1", "2"], "text": ["Thanks so much!", "Спасибо!"],
    ...                   "lang": ["en", "ru"], "role": ["agent", "agent"]})
    >>> LexiconFamily("warmth").fit_transform(X)["warmth_thanks"].tolist()
    [1, 1]
    """

    family_name: str = ""

    def __init__(self, family: str | None = None, lexicons: Iterable[Lexicon] | None = None):
        self.family = family
        self.lexicons = lexicons

    # -- set-up -----------------------------------------------------------------------
    def _family(self) -> str:
        fam = self.family or self.family_name
        if not fam:
            raise ValueError("LexiconFamily needs a family name")
        return fam

    def _compiled(self) -> dict[str, list[CompiledMarker]]:
        fam = self._family()
        if self.lexicons is None:
            by_lang = dict(_packaged_compiled().get(fam, {}))
        else:
            by_lang = {lex.lang: compile_lexicon(lex) for lex in self.lexicons if lex.family == fam}
        if not by_lang:
            raise ValueError(f"no lexicon for family {fam!r}")
        return by_lang

    def fit(self, X=None, y=None):
        """Compile the lexicons (no corpus state is learned)."""
        self.compiled_ = self._compiled()
        columns: list[str] = []
        customer: set[str] = set()
        for markers in self.compiled_.values():
            for cm in markers:
                if cm.column not in columns:
                    columns.append(cm.column)
                if "customer" in cm.marker.roles:
                    customer.add(cm.column)
        self.columns_ = columns
        #: columns that also count in customer messages (aggregated as customer_<column>)
        self.customer_columns_ = [c for c in columns if c in customer]
        self.languages_ = tuple(sorted(self.compiled_))
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        if not hasattr(self, "columns_"):
            self.fit()
        return np.asarray(self.columns_ + list(self._derived_columns()), dtype=object)

    def _derived_columns(self) -> tuple[str, ...]:
        """Columns a subclass computes from context (e.g. proactive_info)."""
        return ()

    # -- transform ----------------------------------------------------------------------
    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self.transform_with_evidence(X)[0]

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Marker counts aligned with ``X`` and the evidence rows for every hit."""
        if not hasattr(self, "compiled_"):
            self.fit()
        n = len(X)
        langs = _lang_array(X)
        roles = X["role"].astype("string").fillna("unknown").to_numpy(dtype=object)
        texts = pa.array(X["text"].astype("string").fillna("").to_numpy(dtype=object), type=pa.large_string())
        message_ids = X["message_id"].astype("string").to_numpy(dtype=object)
        counts = {c: np.zeros(n, dtype=np.int64) for c in self.columns_}
        covered = np.zeros(n, dtype=bool)
        ev_rows: list[np.ndarray] = []
        ev_feat: list[str] = []
        ev_start: list[int] = []
        ev_end: list[int] = []
        for lang, markers in self.compiled_.items():
            in_lang = langs == lang
            if not in_lang.any():
                continue
            covered |= in_lang
            for cm in markers:
                rows = np.flatnonzero(in_lang & np.isin(roles, cm.marker.roles))
                c, hits = find_hits(texts, rows, cm)
                counts[cm.column][rows] += c
                if hits:
                    pos = np.fromiter((h[0] for h in hits), dtype=np.int64, count=len(hits))
                    ev_rows.append(rows[pos])
                    ev_feat.extend([cm.column] * len(hits))
                    ev_start.extend(h[1] for h in hits)
                    ev_end.extend(h[2] for h in hits)
        mask = ~covered
        out = pd.DataFrame(
            {c: pd.arrays.IntegerArray(v, mask.copy()) for c, v in counts.items()},
            index=X.index,
        )
        if ev_rows:
            rows_all = np.concatenate(ev_rows)
            text_list = X["text"].astype("string").fillna("").to_numpy(dtype=object)
            quotes = [text_list[r][s:e] for r, s, e in zip(rows_all.tolist(), ev_start, ev_end)]
            evidence = evidence_frame(message_ids[rows_all], ev_feat, ev_start, ev_end, quotes, [""] * len(quotes))
        else:
            evidence = empty_evidence()
        out, evidence = self._derive(X, out, evidence)
        return out, evidence

    def _derive(self, X: pd.DataFrame, out: pd.DataFrame, evidence: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Hook for subclasses that compute columns from context."""
        return out, evidence


def covered_mask(X: pd.DataFrame) -> np.ndarray:
    """Rows whose language has lexicons (the others get NA marker columns)."""
    return np.isin(_lang_array(X), LANGUAGES)
