"""Sentiment (TEC-02): positive and negative wording per message, and the customer's arc.

Lexical markers (``cxanalysis/lexicons/data/sentiment/<lang>.yml``, en/zh/ja/ru; roles:
customer and agent): ``sentiment_positive`` and ``sentiment_negative``. Negation is handled
in the lexicons (a negated positive such as "not happy", 不满意, 嬉しくない, не помогло is a
negative and is excluded from the positive marker).

Computed:

* ``sentiment_polarity`` (``Float64``, -1 to 1) — ``(positive - negative) / (positive +
  negative)`` hits, 0 when the message has neither, NA for languages without a lexicon.
  With ``engine="vader"`` English messages get VADER's compound score instead (needs the
  optional ``vaderSentiment`` package; the other languages keep the lexicon).

Conversation columns (:meth:`Sentiment.aggregate`), over the customer's messages that carry
any sentiment: ``customer_sentiment_first``, ``customer_sentiment_last`` and
``customer_sentiment_change`` (last - first; NA with fewer than two such messages).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._lexical import LexiconFamily, covered_mask

ENGINES = ("lexicon", "vader")


def vader_compound(texts: list[str]) -> np.ndarray:
    """VADER compound scores (-1..1) of English texts; ImportError with the fix if VADER is missing."""
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError as e:  # pragma: no cover - depends on the optional package
        raise ImportError("engine='vader' needs the optional vaderSentiment package: pip install vaderSentiment") from e
    analyser = SentimentIntensityAnalyzer()
    return np.fromiter((analyser.polarity_scores(t)["compound"] for t in texts), dtype="float64", count=len(texts))


class Sentiment(LexiconFamily):
    """The ``sentiment`` family (lexical positive/negative counts plus ``sentiment_polarity``).

    Parameters
    ----------
    engine:
        ``"lexicon"`` (default, every covered language) or ``"vader"`` (English messages
        scored by VADER, if installed).
    """

    family_name = "sentiment"

    def __init__(self, family=None, lexicons=None, engine: str = "lexicon"):
        super().__init__(family=family, lexicons=lexicons)
        self.engine = engine

    def fit(self, X=None, y=None):
        if self.engine not in ENGINES:
            raise ValueError(f"unknown sentiment engine {self.engine!r}; choose one of {ENGINES}")
        return super().fit(X, y)

    def _derived_columns(self) -> tuple[str, ...]:
        return ("sentiment_polarity",)

    def _derive(self, X, out, evidence):
        n = len(X)
        pos = out["sentiment_positive"].fillna(0).to_numpy(dtype="float64") if "sentiment_positive" in out else np.zeros(n)
        neg = out["sentiment_negative"].fillna(0).to_numpy(dtype="float64") if "sentiment_negative" in out else np.zeros(n)
        total = pos + neg
        polarity = np.divide(pos - neg, total, out=np.zeros(n), where=total > 0)
        mask = ~covered_mask(X)
        if self.engine == "vader":
            en = np.flatnonzero((X["lang"].astype("string") == "en").fillna(False).to_numpy(dtype=bool))
            if len(en):
                polarity[en] = vader_compound(X["text"].astype("string").fillna("").to_numpy(dtype=object)[en].tolist())
        out["sentiment_polarity"] = pd.arrays.FloatingArray(polarity, mask)
        return out, evidence

    @staticmethod
    def aggregate(messages: pd.DataFrame) -> pd.DataFrame:
        """The customer's first and last polarity among messages with any sentiment, and the change."""
        if "sentiment_polarity" not in messages.columns:
            return pd.DataFrame(index=pd.Index([], name="conversation_id"))
        from ._context import conversation_order

        m = messages.iloc[conversation_order(messages)]
        pol = m["sentiment_polarity"].astype("float64")
        if "sentiment_positive" in m.columns and "sentiment_negative" in m.columns:
            felt = (m["sentiment_positive"].fillna(0) + m["sentiment_negative"].fillna(0) > 0).to_numpy(dtype=bool)
        else:
            felt = (pol.fillna(0) != 0).to_numpy(dtype=bool)
        cust = (m["role"].astype("string") == "customer").fillna(False).to_numpy(dtype=bool)
        sel = pol[cust & felt & pol.notna().to_numpy()]
        g = sel.groupby(m["conversation_id"][sel.index], sort=False, observed=True)
        out = pd.DataFrame({"customer_sentiment_first": g.first(), "customer_sentiment_last": g.last()})
        out["customer_sentiment_change"] = (out["customer_sentiment_last"] - out["customer_sentiment_first"]).where(g.size() >= 2)
        out.index.name = "conversation_id"
        return out.astype("Float64")
