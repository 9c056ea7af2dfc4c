"""Calibration with human graders: ``cx.agreement`` ("grade the grader").

QA teams grade a sample of conversations by hand and compare with the automatic scores.
The human grades are a table with one row per judgement:

=================  ==========================================================================
column             meaning
=================  ==========================================================================
conversation_id    the conversation graded
behaviour          a behaviour ID (``APL-08``) — for a behaviour grade, **or**
exemplar           an exemplar name (``apple``) — for an overall score
grade              behaviour: ``met`` / ``missed`` / ``n/a`` (also yes/no, 1/0, true/false;
                   for ANTI- IDs ``shown`` = missed and ``avoided`` = met);
                   exemplar: a number on the 0-100 scale of ``cx.score``
grader             optional: who graded (agreement is computed over all graders together)
=================  ==========================================================================

Per behaviour: Cohen's kappa between the automatic and the human decision over the
conversations both judged met or missed (n/a on either side is left out and counted), with
the raw share of agreement. Per exemplar: Pearson and Spearman correlation and the mean
absolute difference between the automatic and the human score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import SchemaError

_TRUE = {"met", "yes", "y", "1", "true", "avoided", "pass"}
_FALSE = {"missed", "no", "n", "0", "false", "shown", "fail"}
_NA = {"n/a", "na", "not applicable", ""}


@dataclass
class Agreement:
    """The result of :func:`agreement`: ``behaviours`` and ``exemplars`` tables."""

    behaviours: pd.DataFrame
    exemplars: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"Agreement({len(self.behaviours)} behaviours, {len(self.exemplars)} exemplars)\n{self.behaviours}\n{self.exemplars}"
        )


def _grade(value, behaviour: str) -> str:
    s = str(value).strip().casefold() if value is not None and not (isinstance(value, float) and np.isnan(value)) else ""
    if s in _NA:
        return "n/a"
    if s in _TRUE:
        return "met"
    if s in _FALSE:
        return "missed"
    raise SchemaError(f"agreement(): grade {value!r} for {behaviour} is not met / missed / n/a")


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa (scikit-learn's); NaN when both sides use one label only (kappa undefined)."""
    from sklearn.metrics import cohen_kappa_score

    if len(np.union1d(a, b)) < 2:
        return np.nan
    return float(cohen_kappa_score(a.astype(str), b.astype(str)))


def _column_of(auto_scores: pd.DataFrame, exemplar: str, column: str) -> pd.Series:
    """One exemplar's ``column`` of the scores, indexed by conversation id."""
    rows = auto_scores[auto_scores["exemplar"] == exemplar]
    return pd.Series(rows[column].to_numpy(), index=rows["conversation_id"].astype("string").to_numpy(), name=column)


def agreement(auto_scores: pd.DataFrame, human_scores: pd.DataFrame) -> Agreement:
    """Agreement between :func:`cxanalysis.score` output and human grades (schema above)."""
    need = {"conversation_id", "grade"}
    if not need <= set(human_scores.columns) or not ({"behaviour", "exemplar"} & set(human_scores.columns)):
        raise SchemaError("agreement(): human grades need columns conversation_id, grade and behaviour or exemplar")
    human = human_scores.copy()
    human["conversation_id"] = human["conversation_id"].astype("string")
    known = set(auto_scores["conversation_id"].astype("string"))
    unknown = sorted(set(human["conversation_id"]) - known)
    if unknown:
        raise SchemaError(f"agreement(): {len(unknown)} graded conversation(s) are not in the scores, e.g. {unknown[:3]}")
    playbooks = auto_scores.attrs.get("playbooks") or {}
    beh_rows, ex_rows = [], []
    if "behaviour" in human.columns:
        hb = human[human["behaviour"].notna() & (human["behaviour"].astype("string") != "")]
        for bid, g in hb.groupby("behaviour", sort=True):
            if bid not in auto_scores.columns:
                raise SchemaError(f"agreement(): behaviour {bid!r} is not in the scores")
            owners = [name for name, pb in playbooks.items() if any(b.id == bid for b in pb.scored)] or list(
                auto_scores["exemplar"].unique()
            )
            auto = _column_of(auto_scores, owners[0], bid)
            h = np.array([_grade(v, bid) for v in g["grade"]], dtype=object)
            a = auto.reindex(g["conversation_id"].to_numpy()).to_numpy(dtype=object)
            both = (h != "n/a") & (a != "n/a")
            hh, aa = h[both], a[both]
            beh_rows.append(
                {
                    "behaviour": bid,
                    "exemplar": owners[0],
                    "n": int(both.sum()),
                    "n_excluded_na": int((~both).sum()),
                    "agreement": float(np.mean(hh == aa)) if both.any() else np.nan,
                    "kappa": _kappa(aa, hh) if both.any() else np.nan,
                    "auto_met": int((aa == "met").sum()),
                    "human_met": int((hh == "met").sum()),
                }
            )
    if "exemplar" in human.columns:
        he = human[human["exemplar"].notna() & (human["exemplar"].astype("string") != "")]
        if "behaviour" in he.columns:
            he = he[he["behaviour"].isna() | (he["behaviour"].astype("string") == "")]
        for name, g in he.groupby("exemplar", sort=True):
            auto = _column_of(auto_scores, name, "score")
            if not len(auto):
                raise SchemaError(f"agreement(): exemplar {name!r} is not in the scores")
            h = pd.to_numeric(g["grade"], errors="coerce").to_numpy(dtype=float)
            a = auto.reindex(g["conversation_id"].to_numpy()).to_numpy(dtype=float)
            ok = ~np.isnan(h) & ~np.isnan(a)
            pearson = spearman = np.nan
            if ok.sum() >= 3 and np.std(h[ok]) > 0 and np.std(a[ok]) > 0:
                pearson = float(np.corrcoef(a[ok], h[ok])[0, 1])
                spearman = float(pd.Series(a[ok]).corr(pd.Series(h[ok]), method="spearman"))
            ex_rows.append(
                {
                    "exemplar": name,
                    "n": int(ok.sum()),
                    "pearson": pearson,
                    "spearman": spearman,
                    "mean_abs_diff": float(np.mean(np.abs(a[ok] - h[ok]))) if ok.any() else np.nan,
                }
            )
    behaviours = pd.DataFrame(
        beh_rows, columns=["behaviour", "exemplar", "n", "n_excluded_na", "agreement", "kappa", "auto_met", "human_met"]
    )
    exemplars = pd.DataFrame(ex_rows, columns=["exemplar", "n", "pearson", "spearman", "mean_abs_diff"])
    return Agreement(behaviours, exemplars)
