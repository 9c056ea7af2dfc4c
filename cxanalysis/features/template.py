"""Templates (ANTI-01, ANTI-06, TEC-07): near-duplicate agent replies across the corpus.

Two-phase (DESIGN.md section 4): :meth:`Template.fit` learns the corpus' templates, groups
of near-identical agent messages, and :meth:`Template.transform` marks the messages of any
frame that match one of them.

* Near-identical means an estimated Jaccard similarity of at least ``threshold`` between
  the messages' normalised 3-token shingles (handles, numbers, URLs and signatures masked;
  see :mod:`cxanalysis.features._shingles`), found with MinHash and banded LSH (64
  permutations, 16 bands of 4): candidate pairs share a band key with a bucket's first
  member and are confirmed on the full signature, so a bucket of 10,000 copies costs
  10,000 comparisons, not 50 million. Connected groups of at least ``min_size`` messages
  in at least ``min_conversations`` conversations are templates, numbered ``T1`` (largest)
  onwards; :attr:`Template.templates_` lists them.
* Messages of fewer than ``min_tokens`` tokens ("Thanks!", "You're welcome") are never
  templates: a short courtesy repeated is not a canned answer.

Message columns (``Int64``; 0 on customer messages):

* ``template_match`` — 1 when an agent message matches a learned template.
* ``template_offtopic`` — 1 when it matches and shares no content word with the customer's
  earlier messages of the conversation (ANTI-06: the canned text does not fit the question).
  Content words are tokens of at least three letters (two-character runs in Chinese and
  Japanese), minus a short list of English and Russian function words, that occur in less
  than ``common_share`` of the corpus' customer messages (and in at most 2 of them), so
  "help", "please" or 您好 do not count as a shared topic. 0 when the customer wrote nothing before.

Evidence rows have no text span (NA offsets); ``detail`` names the template, its size and an
example. The conversation aggregate adds ``template_share`` (matches / agent messages).
Language-independent: covers every language, en, zh, ja and ru included.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.base import BaseEstimator, TransformerMixin

from ._context import conversation_order
from ._lexical import empty_evidence, evidence_frame
from ._shingles import band_keys, estimated_jaccard, minhash, shingle_hashes, tokens

COLUMNS = ("template_match", "template_offtopic")
_CJK_START = "\u3040"
#: function words of 3+ letters that never make a shared topic (en, ru); corpus frequency handles the rest
FUNCTION_WORDS = frozenset(
    """the and for you your yours our ours are was were have has had not but with this that these those
    from they them their there here what when where which who how why can could would should will
    just also very all any some out about into its it's than then too yes please thanks thank
    hey hello dear sorry get got let know see look one can't don't i'm we're we'll you're
    это как что вот так для мне вам вас ваш ваша ваше ваши нас наш наша все уже или при
    был была было были есть если там тут его она они оно меня тебя тебе спасибо пожалуйста
    здравствуйте""".split()
)


def content_units(text: str) -> set[str]:
    """Words of 3+ letters, and 2-character runs of CJK text, of a normalised message."""
    toks = tokens(text)
    out: set[str] = set()
    prev_cjk = ""
    for t in toks:
        if len(t) == 1 and t >= _CJK_START:
            if prev_cjk:
                out.add(prev_cjk + t)
            prev_cjk = t
            continue
        prev_cjk = ""
        if len(t) >= 3 and not t.startswith("<") and t not in FUNCTION_WORDS:
            out.add(t)
    return out


class Template(TransformerMixin, BaseEstimator):
    """Near-duplicate agent replies (a scikit-learn transformer with corpus state).

    Parameters
    ----------
    threshold:
        Estimated Jaccard similarity above which two replies are the same template.
    min_size, min_conversations:
        A group is a template when it has this many messages in this many conversations.
    min_tokens:
        Shorter messages are never templates.
    common_share:
        Tokens in more than this share of the corpus' messages are not content words.
    num_perm, bands, seed:
        MinHash permutations, LSH bands and the random seed (results are deterministic).
    """

    family_name = "template"
    columns = COLUMNS

    def __init__(
        self,
        threshold: float = 0.6,
        min_size: int = 5,
        min_conversations: int = 3,
        min_tokens: int = 6,
        common_share: float = 0.05,
        num_perm: int = 64,
        bands: int = 16,
        seed: int = 1,
    ):
        self.threshold = threshold
        self.min_size = min_size
        self.min_conversations = min_conversations
        self.min_tokens = min_tokens
        self.common_share = common_share
        self.num_perm = num_perm
        self.bands = bands
        self.seed = seed

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        return np.asarray(self.columns, dtype=object)

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_fit_signatures", None)  # a cache for the next transform, not fitted state
        return state

    # -- helpers --------------------------------------------------------------------------
    def _signatures(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        hashes, owner, _ = shingle_hashes(texts, k=3, min_tokens=self.min_tokens)
        sig, has = minhash(hashes, owner, len(texts), num_perm=self.num_perm, seed=self.seed)
        return sig, has, band_keys(sig, self.bands)

    # -- fit ------------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y=None):
        """Learn the corpus' templates from its agent messages."""
        role = X["role"].astype("string").fillna("").to_numpy(dtype=object)
        texts_all = X["text"].astype("string").fillna("").to_numpy(dtype=object)
        agent = np.flatnonzero(role == "agent")
        texts = texts_all[agent].tolist()
        sig, has, keys = self._signatures(texts)
        # kept until the next transform: featurize fits and transforms the same frame, whose
        # agent messages then need no second shingling
        self._fit_signatures = (texts, sig, has, keys)
        rows = np.flatnonzero(has)
        n = len(texts)
        src: list[np.ndarray] = []
        dst: list[np.ndarray] = []
        for b in range(self.bands):
            _, first, inverse = np.unique(keys[rows, b], return_index=True, return_inverse=True)
            head = rows[first][inverse]
            other = head != rows
            if other.any():
                a, h = rows[other], head[other]
                ok = estimated_jaccard(sig[a], sig[h]) >= self.threshold
                src.append(a[ok])
                dst.append(h[ok])
        if src:
            s, d = np.concatenate(src), np.concatenate(dst)
            graph = coo_matrix((np.ones(len(s), dtype=np.int8), (s, d)), shape=(n, n))
            _, comp = connected_components(graph, directed=False)
        else:
            comp = np.arange(n)
        conv = X["conversation_id"].astype("string").to_numpy(dtype=object)[agent]
        speaker = (
            X["speaker"].astype("string").fillna("").to_numpy(dtype=object)[agent]
            if "speaker" in X.columns
            else np.full(n, "", dtype=object)
        )
        groups = pd.DataFrame({"comp": comp[rows], "row": rows, "conv": conv[rows], "speaker": speaker[rows]})
        stats = groups.groupby("comp", sort=False).agg(
            size=("row", "size"), n_conversations=("conv", "nunique"), first=("row", "min")
        )
        keep = stats[(stats["size"] >= self.min_size) & (stats["n_conversations"] >= self.min_conversations)]
        keep = keep.sort_values(["size", "first"], ascending=[False, True])
        tid = {c: f"T{i + 1}" for i, c in enumerate(keep.index)}
        members = groups[groups["comp"].isin(tid)]
        top_speaker = members.groupby("comp")["speaker"].agg(lambda s: s.value_counts().index[0] if len(s) else "")
        self.templates_ = pd.DataFrame(
            {
                "template_id": [tid[c] for c in keep.index],
                "size": keep["size"].to_numpy(),
                "n_conversations": keep["n_conversations"].to_numpy(),
                "speaker": [top_speaker.get(c, "") for c in keep.index],
                "example": [texts[r] for r in keep["first"].to_numpy()],
            }
        )
        m_rows = members["row"].to_numpy()
        self.member_template_ = np.asarray([tid[c] for c in members["comp"].to_numpy()], dtype=object)
        self.member_signatures_ = sig[m_rows]
        # per band: key -> first member position
        self.band_index_ = []
        for b in range(self.bands):
            k = keys[m_rows, b]
            _, first = np.unique(k, return_index=True)
            self.band_index_.append((pd.Index(k[first]), first))
        # document frequency of content units in the customers' messages, for the fit test: words
        # customers use everywhere ("help", "please") say nothing about the topic
        asked = texts_all[role == "customer"] if (role == "customer").any() else texts_all
        units = [content_units(t) for t in asked.tolist()]
        counts = pd.Series([u for us in units for u in us], dtype=object).value_counts()
        self.common_units_ = frozenset(counts[counts > max(2, self.common_share * len(asked))].index)
        self.n_fit_messages_ = len(texts_all)
        return self

    # -- transform ------------------------------------------------------------------------
    def _match(self, texts: list[str]) -> np.ndarray:
        """Template id (or None) for each text."""
        out = np.full(len(texts), None, dtype=object)
        cached = self.__dict__.pop("_fit_signatures", None)
        if not len(texts) or not len(self.member_template_):
            return out
        if cached is not None and cached[0] == texts:
            sig, has, keys = cached[1:]
        else:
            sig, has, keys = self._signatures(texts)
        for b, (index, first) in enumerate(self.band_index_):
            todo = np.flatnonzero(has & pd.isna(out))
            if not len(todo):
                break
            pos = index.get_indexer(keys[todo, b])
            hit = pos >= 0
            cand, member = todo[hit], first[pos[hit]]
            ok = estimated_jaccard(sig[cand], self.member_signatures_[member]) >= self.threshold
            out[cand[ok]] = self.member_template_[member[ok]]
        return out

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        return self.transform_with_evidence(X)[0]

    def transform_with_evidence(self, X: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        if not hasattr(self, "templates_"):
            raise RuntimeError("Template is not fitted: call fit() on the corpus first")
        n = len(X)
        match = np.zeros(n, dtype=np.int64)
        offtopic = np.zeros(n, dtype=np.int64)
        ids = np.full(n, None, dtype=object)
        role = X["role"].astype("string").fillna("").to_numpy(dtype=object)
        texts = X["text"].astype("string").fillna("").to_numpy(dtype=object)
        agent = np.flatnonzero(role == "agent")
        ids[agent] = self._match(texts[agent].tolist())
        matched = np.flatnonzero(pd.notna(ids))
        match[matched] = 1
        if len(matched):
            order = conversation_order(X)
            conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
            want = set(matched.tolist())
            # only conversations with a match need their customers' content words
            order = order[pd.Series(conv[order]).isin(pd.unique(conv[matched])).to_numpy(dtype=bool)]
            seen: dict[str, set[str]] = {}
            for i in order.tolist():
                c = conv[i]
                if role[i] == "customer":
                    seen.setdefault(c, set()).update(content_units(texts[i]) - self.common_units_)
                elif i in want:
                    asked = seen.get(c, set())
                    if asked and not (content_units(texts[i]) - self.common_units_) & asked:
                        offtopic[i] = 1
        out = pd.DataFrame(
            {"template_match": pd.array(match, dtype="Int64"), "template_offtopic": pd.array(offtopic, dtype="Int64")},
            index=X.index,
        )
        if not len(matched):
            return out, empty_evidence()
        info = self.templates_.set_index("template_id")
        msg_ids = X["message_id"].astype("string").to_numpy(dtype=object)
        feats, rows, details = [], [], []
        for i in matched.tolist():
            t = info.loc[ids[i]]
            example = t["example"] if len(t["example"]) <= 80 else t["example"][:77] + "..."
            feats.append("template_match")
            rows.append(i)
            details.append(
                f"template {ids[i]}: {t['size']} near-identical agent replies in {t['n_conversations']} conversations, e.g. “{example}”"
            )
            if offtopic[i]:
                feats.append("template_offtopic")
                rows.append(i)
                details.append(f"template {ids[i]} shares no content word with the customer's earlier messages")
        na = [pd.NA] * len(rows)
        return out, evidence_frame(msg_ids[rows], feats, na, na, na, details)

    @staticmethod
    def aggregate(messages: pd.DataFrame) -> pd.DataFrame:
        """``template_share``: template matches / agent messages (NA without agent messages)."""
        if "template_match" not in messages.columns:
            return pd.DataFrame(index=pd.Index([], name="conversation_id"))
        agent = (messages["role"].astype("string") == "agent").fillna(False).to_numpy(dtype=bool)
        by = messages["conversation_id"]
        m = messages["template_match"].astype("float64").where(agent)
        return pd.DataFrame({"template_share": m.groupby(by, sort=False, observed=True).mean().astype("Float64")})
