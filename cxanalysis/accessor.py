"""The ``df.cx`` accessor: thin delegations to the package's plain functions.

Registered on import of :mod:`cxanalysis`. It validates the frame when first used (raising
``AttributeError``, as pandas expects of accessors) and keeps no state.

Examples
--------
>>> import cxanalysis as cx
>>> df = cx.schema.empty_frame()
>>> df.cx.summary()["rows"]
0
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .errors import SchemaError
from .schema import validate
from .summary import summarize


@pd.api.extensions.register_dataframe_accessor("cx")
class CxAccessor:
    """``df.cx``: the common verbs on a canonical transcript frame."""

    def __init__(self, df: pd.DataFrame) -> None:
        try:
            validate(df)
        except SchemaError as exc:
            raise AttributeError(f"df.cx needs a canonical transcript frame: {exc}") from exc
        self._df = df

    def validate(self) -> pd.DataFrame:
        """See :func:`cxanalysis.schema.validate`."""
        return validate(self._df)

    def summary(self, rejects: pd.DataFrame | None = None) -> dict[str, Any]:
        """See :func:`cxanalysis.summary.summarize`."""
        return summarize(self._df, rejects)

    def conversation(self, conversation_id: str) -> pd.DataFrame:
        """The messages of one conversation, in turn order."""
        part = self._df[self._df["conversation_id"] == conversation_id]
        if part.empty:
            raise KeyError(f"no conversation {conversation_id!r}")
        return part.sort_values("turn")

    def by_role(self, role: str) -> pd.DataFrame:
        """The messages of one role (customer, agent, bot, system, unknown)."""
        return self._df[self._df["role"] == role]
