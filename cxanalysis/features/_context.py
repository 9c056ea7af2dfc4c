"""Shared base of the context families (``latency``, ``language``): no lexicon, no corpus state."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin


def conversation_order(X: pd.DataFrame) -> np.ndarray:
    """Positions of ``X`` in conversation order (conversation, turn, position)."""
    keys = pd.DataFrame(
        {
            "c": X["conversation_id"].astype(object).to_numpy(),
            "t": X["turn"].to_numpy(dtype="float64", na_value=np.nan)
            if "turn" in X.columns
            else np.arange(len(X), dtype="float64"),
            "p": np.arange(len(X)),
        }
    )
    return keys.sort_values(["c", "t", "p"], kind="stable")["p"].to_numpy()


class ContextFamily(TransformerMixin, BaseEstimator):
    """A family computed from turn context; subclasses set ``columns`` and ``transform_with_evidence``."""

    columns: tuple[str, ...] = ()

    def fit(self, X=None, y=None):
        """Nothing to learn: the family looks within each conversation."""
        return self

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(self.columns, dtype=object)

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self.transform_with_evidence(X)[0]

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        raise NotImplementedError
