"""Why customers get in touch: contact reasons, FAQ gaps (TEC-08) and the TEC-02 split.

* :func:`opening_messages` — what each customer wrote before the first agent reply.
* :func:`contact_reasons` — clusters of similar opening messages. Text becomes TF-IDF
  character n-grams (word boundaries respected), which works for English and Russian and for
  Chinese and Japanese, which have no spaces. Before that, short greeting and sign-off lines
  ("Hi,", "Thanks, Helen") are dropped, @handles, links and digits are masked and English
  function words (scikit-learn's list) removed, so that a brand handle, an order number or
  "I ... my ... the" does not make questions look alike. Clusters come
  from average-linkage agglomerative clustering on cosine distance, cut at ``max_distance``:
  no number of clusters to guess. Questions in different languages share few n-grams and
  land in different clusters. The tree needs all pairwise distances (n² floats: 5,000
  openings take about 1 GB), so above ``max_tree`` openings it is built on a fixed random
  sample of that size, and every other opening joins the reason whose centroid is nearest,
  if within ``max_distance``, else becomes a reason of its own.
* A cluster of ``min_faq`` (default 10, TEC-08) or more similar questions is an FAQ article
  candidate.
* :func:`contact_types` — technical / emotional / constructive (TEC-02) from feature columns
  that already exist; the rules are in its docstring.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SchemaError

FAQ_MIN = 10
_MASK = re.compile(r"https?://\S+|www\.\S+|@\w+|#\w+|\S+@\S+\.\w+")
_DIGITS = re.compile(r"\d+")


@dataclass
class ContactReasons:
    """The result of :func:`contact_reasons`.

    ``assignments``: one row per conversation (``conversation_id, lang, channel, text, reason``).
    ``clusters``: one row per reason (``reason, size, languages, example, faq_candidate``),
    largest first; ``example`` is the member most similar to the rest of its cluster.
    """

    assignments: pd.DataFrame
    clusters: pd.DataFrame
    min_faq: int

    @property
    def faq_candidates(self) -> pd.DataFrame:
        """The clusters with at least ``min_faq`` similar questions."""
        return self.clusters[self.clusters["faq_candidate"]].reset_index(drop=True)

    def __repr__(self) -> str:
        return (
            f"ContactReasons({len(self.assignments)} conversations, {len(self.clusters)} reasons, "
            f"{int(self.clusters['faq_candidate'].sum())} FAQ candidates at >= {self.min_faq})"
        )


def opening_messages(df: pd.DataFrame) -> pd.DataFrame:
    """The customer's opening per conversation: their messages before the first agent or bot reply.

    Returns ``conversation_id, lang, channel, timestamp, text`` (messages joined by a newline);
    conversations without a customer message are left out.
    """
    need = ("conversation_id", "turn", "role", "text")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise SchemaError(f"opening_messages(): the frame has no column(s) {missing}; it needs {list(need)}")
    d = df.sort_values(["conversation_id", "turn"], kind="stable")
    role = d["role"].astype(str)
    replied = role.isin(["agent", "bot"]).groupby(d["conversation_id"]).cummax()
    first = d[(role == "customer") & ~replied]
    if first.empty:
        return pd.DataFrame(columns=["conversation_id", "lang", "channel", "timestamp", "text"])
    g = first.groupby("conversation_id", sort=False)
    out = pd.DataFrame(
        {
            "lang": g["lang"].first() if "lang" in d else "und",
            "channel": g["channel"].first().astype(str) if "channel" in d else "other",
            "timestamp": g["timestamp"].first() if "timestamp" in d else pd.NaT,
            "text": g["text"].agg(lambda s: "\n".join(s.fillna("").astype(str))),
        }
    )
    return out.reset_index()


def _strip_frame(text: str) -> str:
    """Drop short opening and closing lines (greeting, name, sign-off) of a multi-line message."""
    lines = [line for line in text.split("\n") if line.strip()]

    def short(line: str) -> bool:
        return len(line.split()) <= 3 and len(line.strip()) < 25

    while len(lines) > 1 and short(lines[0]):
        lines = lines[1:]
    while len(lines) > 1 and short(lines[-1]):
        lines = lines[:-1]
    return " ".join(lines)


def _clean(text: pd.Series) -> pd.Series:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    stop = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, ENGLISH_STOP_WORDS), key=len, reverse=True)) + r")\b")
    t = text.fillna("").astype(str).map(_strip_frame)
    t = t.str.replace(_MASK, " ", regex=True).str.replace(_DIGITS, "0", regex=True).str.casefold()
    t = t.str.replace(stop, " ", regex=True)
    return t.str.replace(r"\s+", " ", regex=True).str.strip()


def contact_reasons(
    openings: pd.DataFrame,
    max_distance: float = 0.8,
    min_faq: int = FAQ_MIN,
    ngram_range: tuple[int, int] = (2, 4),
    max_tree: int = 5000,
    random_state: int = 0,
) -> ContactReasons:
    """Cluster opening messages into contact reasons and flag FAQ candidates (TEC-08).

    Parameters
    ----------
    openings
        From :func:`opening_messages` (needs ``conversation_id`` and ``text``).
    max_distance
        Cosine distance (0 = same n-grams, 1 = none shared) at which the cluster tree is cut;
        lower gives more, tighter reasons.
    min_faq
        Cluster size from which a reason is an FAQ article candidate (TEC-08: about ten).
    ngram_range
        Character n-gram lengths.
    max_tree, random_state
        With more openings than ``max_tree``, the cluster tree is built on a random sample of
        ``max_tree`` of them (seeded by ``random_state``) and the rest join the nearest reason's
        centroid (cosine distance at most ``max_distance``) or start their own: memory stays
        bounded by ``max_tree``², not the corpus size squared.

    Returns
    -------
    ContactReasons
    """
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    for c in ("conversation_id", "text"):
        if c not in openings.columns:
            raise SchemaError(f"contact_reasons(): openings have no column {c!r}; build them with opening_messages(df)")
    if not 0 < max_distance <= 1:
        raise ValueError(f"contact_reasons(): max_distance must be in (0, 1], got {max_distance}")
    assign = openings.reset_index(drop=True).copy()
    clean = _clean(assign["text"])
    if len(assign) == 0:
        clusters = pd.DataFrame(columns=["reason", "size", "languages", "example", "faq_candidate"])
        return ContactReasons(assign.assign(reason=pd.Series(dtype="int64")), clusters, min_faq)
    if max_tree < 2:
        raise ValueError(f"contact_reasons(): max_tree must be at least 2, got {max_tree}")
    n = len(assign)
    tree = np.arange(n)  # the openings the tree is built on; sim is among them
    if n == 1 or (clean == "").all():
        labels = np.zeros(n, dtype=int)
        sim = np.ones((n, n))
    else:
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range, sublinear_tf=True, min_df=1)
        X = vec.fit_transform(clean)
        if n > max_tree:
            tree = np.sort(np.random.default_rng(random_state).choice(n, size=max_tree, replace=False))
        Xt = X[tree]
        sim = (Xt @ Xt.T).toarray()
        dist = np.clip(1 - sim, 0, None)
        model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average", distance_threshold=max_distance)
        tree_labels = model.fit_predict(dist)
        labels = tree_labels if n <= max_tree else _assign_rest(X, tree, tree_labels, max_distance)
    # number reasons by size (largest first), ties by first appearance
    sizes = pd.Series(labels).value_counts(sort=False)
    first_seen = pd.Series(np.arange(len(labels))).groupby(labels).min()
    order = sorted(sizes.index, key=lambda k: (-sizes[k], first_seen[k]))
    renumber = {old: new for new, old in enumerate(order)}
    assign["reason"] = np.array([renumber[k] for k in labels], dtype="int64")
    rows = []
    pos_in_tree = pd.Series(np.arange(len(tree)), index=tree)
    for reason, members in assign.groupby("reason").groups.items():
        idx = np.asarray(members)
        in_tree = idx[np.isin(idx, tree)]
        if len(in_tree):  # the member most similar to the others (of those the tree saw)
            at = pos_in_tree[in_tree].to_numpy()
            central = in_tree[int(np.argmax(sim[np.ix_(at, at)].mean(axis=1)))]
        else:
            central = idx[0]
        langs = assign.loc[idx, "lang"].value_counts() if "lang" in assign else pd.Series(dtype="int64")
        rows.append(
            {
                "reason": int(reason),
                "size": len(idx),
                "languages": ", ".join(f"{k} {v}" for k, v in langs.items()),
                "example": _strip_frame(str(assign.loc[central, "text"]))[:160],
                "faq_candidate": len(idx) >= min_faq,
            }
        )
    clusters = pd.DataFrame(rows).sort_values("reason", ignore_index=True)
    return ContactReasons(assign, clusters, min_faq)


def _assign_rest(X, tree: np.ndarray, tree_labels: np.ndarray, max_distance: float, batch: int = 2000) -> np.ndarray:
    """Labels for every row of ``X``: the tree's own, and for the others the nearest centroid or a new label."""
    from scipy import sparse
    from sklearn.preprocessing import normalize

    k = int(tree_labels.max()) + 1
    member = sparse.csr_matrix((np.ones(len(tree)), (tree_labels, np.arange(len(tree)))), shape=(k, len(tree)))
    centroids = normalize(member @ X[tree])  # mean direction of each reason, unit length
    labels = np.full(X.shape[0], -1, dtype=np.int64)
    labels[tree] = tree_labels
    rest = np.setdiff1d(np.arange(X.shape[0]), tree)
    nxt = k
    for lo in range(0, len(rest), batch):
        rows = rest[lo : lo + batch]
        s = (X[rows] @ centroids.T).toarray()
        best = s.argmax(axis=1)
        near = s[np.arange(len(rows)), best] >= 1 - max_distance
        labels[rows[near]] = best[near]
        far = rows[~near]
        labels[far] = np.arange(nxt, nxt + len(far))
        nxt += len(far)
    return labels


CONTACT_TYPES = ("technical", "emotional", "constructive")


def contact_types(feats) -> pd.DataFrame:
    """Sort conversations into technical, emotional and constructive contacts (TEC-02).

    From columns of ``feats.conversations`` (no new lexicon):

    * **emotional** — the customer's first message is negative (``customer_sentiment_first`` < 0)
      or the customer swears (``customer_tone_profanity``);
    * **technical** — the agent walks through troubleshooting (``resolution_troubleshoot``) or the
      customer asks about their account (``customer_proactive_topic_account``);
    * **constructive** — the rest: calm questions, requests and suggestions.

    A conversation can be both emotional and technical; ``contact_type`` is the first that
    applies in the order emotional, technical, constructive (an upset customer is answered as
    upset first). Returns ``conversation_id, lang, channel, technical, emotional, constructive,
    contact_type``.
    """
    c = feats.conversations

    def col(name: str) -> pd.Series:
        if name not in c.columns:
            return pd.Series(0, index=c.index)
        return pd.to_numeric(c[name], errors="coerce").astype("float64").fillna(0)

    emotional = (col("customer_sentiment_first") < 0) | (col("customer_tone_profanity") > 0)
    technical = (col("resolution_troubleshoot") > 0) | (col("customer_proactive_topic_account") > 0)
    out = pd.DataFrame(
        {
            "conversation_id": c["conversation_id"],
            "lang": c["lang"] if "lang" in c else "und",
            "channel": c["channel"].astype(str) if "channel" in c else "other",
            "technical": technical.to_numpy(),
            "emotional": emotional.to_numpy(),
        }
    )
    out["constructive"] = ~(out["technical"] | out["emotional"])
    out["contact_type"] = np.select([out["emotional"], out["technical"]], ["emotional", "technical"], "constructive")
    return out.reset_index(drop=True)
