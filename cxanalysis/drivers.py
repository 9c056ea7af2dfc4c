"""What drives satisfaction: ``cx.drivers`` (DESIGN.md section 5, the learned layer).

Two kinds of outcome:

* **Given** (``outcome=``): a CSAT score or a resolved flag per conversation — a column of
  ``feats.conversations``, a Series indexed by ``conversation_id``, or a frame with
  ``conversation_id`` and ``outcome``. Booleans and 0/1 are used as they are; scores on a
  1-5 scale count as satisfied at 4 or 5 (top-two-box); other numbers at or above their
  median. The unit is the conversation; its features are the agent's marker counts.
* **Proxy** (no outcome; the rule was fixed before any model was fitted): every customer
  message that follows an agent message is a unit. Its label is *positive* when the message
  has a ``sentiment_positive`` hit and no ``sentiment_negative`` hit, *negative* in the
  opposite case; messages with both or neither are left out. The features are the marker
  counts of the agent messages between the previous customer message and this one — only
  what the customer was reacting to, nothing written after. The ``sentiment`` family, which
  makes the label, is excluded from the features.

Features are presence (count > 0) of every agent marker column. The model is a
standardised, L2-regularised logistic regression; AUC comes from 5-fold cross-validation
grouped by conversation (no conversation in both train and test), next to the AUC of the
same procedure on shuffled labels. Effects are the model's coefficients (log-odds per
standard deviation of presence) with bootstrap 95% intervals. They are **associations, not
causes**: agents choose their words in response to the conversation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import SchemaError

PROXY_RULE = (
    "unit = a customer message after an agent message; positive = sentiment_positive hit and no sentiment_negative hit; "
    "negative = the opposite; both/neither left out; features = agent messages since the previous customer message; "
    "family sentiment excluded"
)
EXCLUDED_FAMILIES = ("sentiment",)
_NOT_FEATURES = ("latency_", "language_", "sentiment_")


@dataclass
class Drivers:
    """The result of :func:`drivers`."""

    effects: pd.DataFrame  # feature, coef, ci_low, ci_high, prevalence
    auc: float
    auc_sd: float
    baseline_auc: float
    n_units: int
    n_positive: int
    outcome: str
    notes: list[str] = field(default_factory=list)

    def __repr__(self) -> str:
        return (
            f"Drivers(outcome={self.outcome!r}, units={self.n_units}, positive={self.n_positive}, "
            f"cross-validated AUC {self.auc:.3f} ± {self.auc_sd:.3f} vs shuffled-label baseline {self.baseline_auc:.3f}; "
            f"associations, not causes)"
        )


def _feature_columns(messages: pd.DataFrame) -> list[str]:
    from .features import BASE_COLUMNS

    return [
        c
        for c in messages.columns
        if c not in BASE_COLUMNS and pd.api.types.is_integer_dtype(messages[c].dtype) and not c.startswith(_NOT_FEATURES)
    ]


def proxy_units(feats) -> tuple[pd.DataFrame, pd.Series, pd.Series]:
    """Units of the proxy rule: (features, label 0/1, conversation of each unit)."""
    from .features._context import conversation_order

    m = feats.messages
    if "sentiment_positive" not in m.columns:
        raise SchemaError("drivers(): the proxy outcome needs the sentiment family; featurize with it or pass outcome=")
    m = m.iloc[conversation_order(m)].reset_index(drop=True)
    cols = _feature_columns(m)
    role = m["role"].astype("string").fillna("").to_numpy(dtype=object)
    conv = m["conversation_id"].astype("string").to_numpy(dtype=object)
    is_cust = role == "customer"
    is_agent = role == "agent"
    same = np.r_[False, conv[1:] == conv[:-1]]
    # segment = the rows after a customer message (or a conversation start) up to the next customer message
    new = ~same.copy()
    new[1:] |= is_cust[:-1]
    seg = np.cumsum(new) - 1
    x = (m[cols].fillna(0).to_numpy(dtype=np.float64) > 0).astype(np.float64)
    x[~is_agent] = 0.0
    summed = pd.DataFrame(x, columns=cols).groupby(seg).max()
    has_agent = pd.Series(is_agent).groupby(seg).any()
    pos = m["sentiment_positive"].fillna(0).to_numpy() > 0
    neg = m["sentiment_negative"].fillna(0).to_numpy() > 0
    units = np.flatnonzero(is_cust & (pos != neg))
    units = units[has_agent.reindex(seg[units]).fillna(False).to_numpy(dtype=bool)]
    X = summed.loc[seg[units]].reset_index(drop=True)
    y = pd.Series(pos[units].astype(int), name="outcome")
    return X, y, pd.Series(conv[units], name="conversation_id")


def _given_units(feats, outcome) -> tuple[pd.DataFrame, pd.Series, pd.Series, str]:
    conv = feats.conversations
    if isinstance(outcome, str):
        if outcome not in conv.columns:
            raise SchemaError(f"drivers(): outcome column {outcome!r} is not in feats.conversations")
        y = conv.set_index("conversation_id")[outcome]
        name = outcome
    elif isinstance(outcome, pd.DataFrame):
        if not {"conversation_id", "outcome"} <= set(outcome.columns):
            raise SchemaError("drivers(): an outcome frame needs columns conversation_id and outcome")
        y = outcome.set_index("conversation_id")["outcome"]
        name = "outcome"
    else:
        y = pd.Series(outcome)
        name = str(y.name or "outcome")
    y = y[y.notna()]
    values = pd.to_numeric(y.astype("object").replace({True: 1, False: 0}), errors="coerce")
    if values.isna().any():
        raise SchemaError(f"drivers(): outcome values must be numbers or booleans, e.g. not {y[values.isna()].iloc[0]!r}")
    uniq = set(values.unique())
    if uniq <= {0, 1}:
        label = values.astype(int)
    elif values.min() >= 1 and values.max() <= 5:
        label = (values >= 4).astype(int)
        name += " (4-5 = satisfied)"
    else:
        label = (values >= values.median()).astype(int)
        name += " (>= median)"
    feat_cols = [c for c in _feature_columns(conv) if c in conv.columns and not c.startswith("customer_")]
    c = conv.set_index("conversation_id").reindex(label.index)
    X = (c[feat_cols].fillna(0).to_numpy(dtype=np.float64) > 0).astype(np.float64)
    return (
        pd.DataFrame(X, columns=feat_cols),
        label.reset_index(drop=True).rename("outcome"),
        pd.Series(label.index.astype(str)),
        name,
    )


def drivers(feats, outcome=None, folds: int = 5, n_boot: int = 100, seed: int = 0, min_prevalence: float = 0.01) -> Drivers:
    """Relate agent behaviour to an outcome (given, or the documented proxy); see the module docstring."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedGroupKFold
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    if outcome is None:
        X, y, groups = proxy_units(feats)
        name = "proxy: " + PROXY_RULE
    else:
        X, y, groups, name = _given_units(feats, outcome)
    notes: list[str] = []
    present = X.sum()
    keep = X.columns[(X.std(ddof=0) > 0) & (present >= max(3, min_prevalence * len(X)))]
    dropped = int((X.std(ddof=0) > 0).sum() - len(keep))
    if dropped:
        notes.append(
            f"{dropped} markers present in fewer than {min_prevalence:.0%} of units (or 3) left out: too rare to estimate"
        )
    X = X[keep]
    n_pos = int(y.sum())
    minority = min(n_pos, len(y) - n_pos)
    n_groups = groups.nunique()
    if minority < 2 or n_groups < 2 or X.shape[1] == 0:
        raise SchemaError(
            f"drivers(): too few units to model ({len(y)} units, {n_pos} positive, {X.shape[1]} varying features); need at least 2 of each class"
        )
    if minority < folds or n_groups < folds:
        folds = max(2, min(minority, n_groups))
        notes.append(
            f"only {minority} units in the smaller class: {folds}-fold cross-validation; the figures are not reliable at this size"
        )

    def model():
        return make_pipeline(StandardScaler(), LogisticRegression(C=0.5, max_iter=2000))

    def cv_auc(labels: np.ndarray, rs: int) -> list[float]:
        out = []
        cv = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=rs)
        for tr, te in cv.split(X, labels, groups):
            if len(set(labels[te])) < 2 or len(set(labels[tr])) < 2:
                continue
            p = model().fit(X.iloc[tr], labels[tr]).predict_proba(X.iloc[te])[:, 1]
            out.append(roc_auc_score(labels[te], p))
        return out

    yv = y.to_numpy()
    aucs = cv_auc(yv, seed)
    rng = np.random.default_rng(seed)
    base = [a for k in range(5) for a in cv_auc(rng.permutation(yv), seed + k + 1)]
    full = model().fit(X, yv)
    coef = full[-1].coef_[0]
    boot = np.full((n_boot, X.shape[1]), np.nan)
    for k in range(n_boot):
        idx = rng.integers(0, len(yv), len(yv))
        if len(set(yv[idx])) < 2:
            continue
        with np.errstate(all="ignore"):
            boot[k] = model().fit(X.iloc[idx], yv[idx])[-1].coef_[0]
    lo, hi = np.nanpercentile(boot, [2.5, 97.5], axis=0)
    effects = pd.DataFrame({"feature": keep, "coef": coef, "ci_low": lo, "ci_high": hi, "prevalence": X.mean().to_numpy()})
    effects = effects.sort_values("coef", key=np.abs, ascending=False, ignore_index=True)
    notes.append(
        "coefficients: log-odds per standard deviation of a marker's presence; 95% bootstrap intervals; associations, not causes"
    )
    return Drivers(effects, float(np.mean(aucs)), float(np.std(aucs)), float(np.mean(base)), len(yv), n_pos, name, notes)
