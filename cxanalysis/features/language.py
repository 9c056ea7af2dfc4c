"""Language match (TEC-01, CRI-03): does each agent reply use the customer's language?

Message column ``language_match`` (``Int64``) on agent messages: 1 when the reply's language
equals the customer's current language (that of the latest customer message before it, else
the conversation's first customer message), 0 when it differs, NA when either language is
undetermined (``und``) or the conversation has no customer message. Any detected language
counts, not only the four with lexicons. Every mismatch gets an evidence row (no text span:
``start``/``end`` are NA and ``detail`` says "reply in ja, customer wrote en").

Short replies ("OK", "👍") are often ``und`` and so NA rather than a false mismatch.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._context import ContextFamily, conversation_order
from ._lexical import empty_evidence, evidence_frame

COLUMNS = ("language_match",)


class Language(ContextFamily):
    """Agent reply language vs the customer's language (``fit`` learns nothing).

    >>> import pandas as pd
    >>> X = pd.DataFrame({"conversation_id": ["c"] * 3, "message_id": ["1", "2", "3"], "turn": [0, 1, 2],
    ...                   "role": ["customer", "agent", "agent"], "lang": ["ja", "en", "ja"]})
    >>> Language().fit_transform(X)["language_match"].tolist()
    [<NA>, 0, 1]
    """

    family_name = "language"
    columns = COLUMNS

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        n = len(X)
        values = np.zeros(n, dtype=np.int64)
        mask = np.ones(n, dtype=bool)
        customer_lang = np.full(n, None, dtype=object)
        if n:
            order = conversation_order(X)
            conv = X["conversation_id"].astype(object).to_numpy()[order]
            role = X["role"].astype(object).to_numpy()[order]
            lang = X["lang"].astype(object).fillna("und").to_numpy()[order]
            s = pd.Series(np.where((role == "customer") & (lang != "und"), lang, None), dtype=object)
            current = s.groupby(conv, sort=False).ffill()
            first = s.groupby(conv, sort=False).transform("first")
            cust = current.where(current.notna(), first).to_numpy(dtype=object)
            ok = (role == "agent") & (lang != "und") & pd.notna(cust)
            v = np.zeros(n, dtype=np.int64)
            v[ok] = (lang[ok] == cust[ok]).astype(np.int64)
            values[order] = v
            mask[order] = ~ok
            customer_lang[order] = cust
        out = pd.DataFrame({"language_match": pd.arrays.IntegerArray(values, mask)}, index=X.index)
        bad = np.flatnonzero(~mask & (values == 0))
        if not len(bad):
            return out, empty_evidence()
        langs = X["lang"].astype(object).to_numpy()
        ids = X["message_id"].astype(object).to_numpy()
        details = [f"reply in {langs[i]}, customer wrote {customer_lang[i]}" for i in bad]
        ev = evidence_frame(
            ids[bad], ["language_match"] * len(bad), [pd.NA] * len(bad), [pd.NA] * len(bad), [pd.NA] * len(bad), details
        )
        return out, ev

    @staticmethod
    def aggregate(messages: pd.DataFrame) -> pd.DataFrame:
        """``language_mismatches``: agent replies not in the customer's language (NA if none judged)."""
        if "language_match" not in messages.columns:
            return pd.DataFrame(index=pd.Index([], name="conversation_id"))
        agent = (messages["role"].astype("string") == "agent").fillna(False).to_numpy(dtype=bool)
        lm = messages["language_match"].where(agent)
        by = messages["conversation_id"]
        bad = (lm == 0).fillna(False).groupby(by, sort=False, observed=True).sum()
        judged = lm.notna().groupby(by, sort=False, observed=True).sum()
        return pd.DataFrame({"language_mismatches": bad.astype("Int64").mask(judged == 0)})
