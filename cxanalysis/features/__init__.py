"""Features: transparent, per-message marker counts with evidence (DESIGN.md section 4).

>>> import cxanalysis as cx
>>> feats = cx.featurize(cx.read_transcripts("data/samples/chatlogs/orchard_chat_en_good.txt"))  # doctest: +SKIP
>>> feats.messages.filter(like="warmth_").sum()                                                 # doctest: +SKIP

Each family is a module and a scikit-learn transformer (``fit`` / ``transform`` /
``get_feature_names_out`` / ``set_output``) whose columns are named ``<family>_<marker>``.
:func:`featurize` runs the families, collects their evidence, and aggregates to one row per
conversation with :func:`aggregate_conversations`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import SchemaError
from ..lexicons import LANGUAGES, Lexicon
from ..scale import dask_featurize, is_dask
from ..text import detect_languages
from ._lexical import EVIDENCE_COLUMNS, LexiconFamily, empty_evidence
from .channel import Channel
from .comprehension import Comprehension
from .delight import Delight
from .effort import Effort
from .idle import Idle
from .language import Language
from .latency import Latency
from .ownership import Ownership
from .politeness import Politeness
from .precision import Precision
from .proactive import Proactive
from .resolution import Resolution
from .sentiment import Sentiment
from .session import Session
from .template import Template
from .tone import Tone
from .warmth import Warmth

#: Family name -> transformer class, in the order columns appear.
FAMILIES: dict[str, type] = {
    "warmth": Warmth,
    "politeness": Politeness,
    "proactive": Proactive,
    "precision": Precision,
    "ownership": Ownership,
    "resolution": Resolution,
    "effort": Effort,
    "channel": Channel,
    "tone": Tone,
    "comprehension": Comprehension,
    "session": Session,
    "delight": Delight,
    "idle": Idle,
    "sentiment": Sentiment,
    "template": Template,
    "language": Language,
    "latency": Latency,
}
#: families that read no lexicon (they look across turns or the corpus)
CONTEXT_FAMILIES = frozenset({"language", "latency", "template"})

#: Message-level marker columns every featurization has (DESIGN.md section 8).
REQUIRED_COLUMNS: tuple[str, ...] = (
    "warmth_greeting", "warmth_thanks", "warmth_apology", "warmth_empathy", "warmth_care",
    "warmth_self_intro", "warmth_we", "effort_asks_info", "channel_redirect", "proactive_info",
    "precision_commitment", "ownership_action", "tone_playful", "tone_blame", "tone_profanity",
    "comprehension_check", "idle_checkin",
)  # fmt: skip

BASE_COLUMNS: tuple[str, ...] = (
    "message_id", "conversation_id", "turn", "timestamp", "role", "speaker", "agent", "lang", "channel",
)  # fmt: skip
_NEEDED = ("message_id", "conversation_id", "role", "text")


@dataclass
class Features:
    """The result of :func:`featurize`.

    Attributes
    ----------
    messages:
        One row per input message: ``message_id, conversation_id, turn, timestamp, role,
        speaker, agent, lang, channel`` then the ``<family>_<marker>`` count columns
        (nullable ``Int64``; ``NA`` where the message's language has no lexicon).
    evidence:
        One row per hit: ``message_id, feature, start, end, quote, detail``;
        ``quote == text[start:end]`` of the unredacted message text.
    conversations:
        One row per conversation (see :func:`aggregate_conversations`).
    families:
        The families computed.
    """

    messages: pd.DataFrame
    evidence: pd.DataFrame
    conversations: pd.DataFrame
    families: tuple[str, ...]

    @property
    def marker_columns(self) -> list[str]:
        return [c for c in self.messages.columns if c not in BASE_COLUMNS]

    def __repr__(self) -> str:
        return (
            f"Features({len(self.messages)} messages, {len(self.conversations)} conversations, "
            f"{len(self.marker_columns)} marker columns, {len(self.evidence)} evidence rows; "
            f"families: {', '.join(self.families)})"
        )


def _check_frame(df: pd.DataFrame) -> None:
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"featurize() needs a pandas DataFrame from read_transcripts(), not {type(df).__name__}")
    missing = [c for c in _NEEDED if c not in df.columns]
    if missing:
        raise SchemaError(f"featurize(): the frame lacks column(s) {missing}; read it with cx.read_transcripts()")
    dup = df["message_id"].duplicated()
    if dup.any():
        first = df["message_id"][dup].iloc[0]
        raise SchemaError(f"featurize(): message_id {first!r} appears more than once ({int(dup.sum())} duplicates)")


def _with_languages(df: pd.DataFrame) -> pd.DataFrame:
    """Fill missing ``lang`` values by detection (a frame from read_transcripts has them already)."""
    if "lang" not in df.columns:
        return df.assign(lang=detect_languages(df["text"].astype("string").fillna("")).to_numpy())
    lang = df["lang"].astype(object).where(df["lang"].notna(), "").to_numpy(dtype=object)
    missing = lang == ""
    if missing.any():
        lang = lang.copy()
        lang[missing] = detect_languages(df.loc[missing, "text"].astype("string").fillna("")).to_numpy()
        return df.assign(lang=pd.array(lang, dtype="string"))
    return df


def _family_name(est) -> str:
    name = getattr(est, "family", None) or getattr(est, "family_name", None)
    if not name:
        raise ValueError(f"{type(est).__name__} is not a cxanalysis feature family (no family_name)")
    return name


def _is_fitted(est) -> bool:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(est)
    except NotFittedError:
        return False
    return True


def featurize(
    df: pd.DataFrame,
    families: Sequence[str | object] | str | None = None,
    lexicons: Iterable[Lexicon] | None = None,
    params: dict[str, dict] | None = None,
) -> Features:
    """Compute the marker columns, their evidence and per-conversation aggregates.

    Parameters
    ----------
    df:
        The canonical frame (:func:`cxanalysis.read_transcripts`). Rows without ``lang`` get
        one by detection.
    families:
        What to compute (default: all of :data:`FAMILIES`): family names, or transformer
        instances. An instance that is already fitted is used as it is, which is how a
        corpus-level family (``template``, ``effort`` re-contacts) fitted on a whole corpus
        is applied to part of it; an unfitted one is fitted on ``df``.
    lexicons:
        Lexicons that replace the packaged ones for their family (e.g. a trainer's own
        YAML files loaded with :func:`cxanalysis.lexicons.load_lexicon`).
    params:
        Constructor arguments per family name, e.g.
        ``{"latency": {"calendar": BusinessCalendar(...)}, "template": {"min_size": 3}}``.
    """
    if is_dask(df):  # a Dask DataFrame: partitions by conversation, corpus state fitted once (cxanalysis/scale.py)
        return dask_featurize(df, families=families, lexicons=lexicons, params=params)
    _check_frame(df)
    if isinstance(families, str):
        families = [families]
    requested = list(FAMILIES) if families is None else list(families)
    unknown = [f for f in requested if isinstance(f, str) and f not in FAMILIES]
    if unknown:
        raise ValueError(f"unknown feature family {unknown}; available: {list(FAMILIES)}")
    params = dict(params or {})
    bad = [k for k in params if k not in FAMILIES]
    if bad:
        raise ValueError(f"params for unknown feature family {bad}; available: {list(FAMILIES)}")
    for fam, kwargs in params.items():
        valid = set(FAMILIES[fam]().get_params()) - {"family", "lexicons"}
        wrong = sorted(set(kwargs) - valid)
        if wrong:
            raise ValueError(f"params for {fam!r}: unknown argument(s) {wrong}; valid: {sorted(valid)}")
    df = _with_languages(df)
    own = list(lexicons) if lexicons is not None else []
    own_families = {lex.family for lex in own}
    base = df[[c for c in BASE_COLUMNS if c in df.columns]].copy()
    columns: list[pd.DataFrame] = [base]
    evidence: list[pd.DataFrame] = []
    customer_columns: list[str] = []
    names: list[str] = []
    for item in requested:
        if isinstance(item, str):
            name = item
            kwargs = dict(params.get(name, {}))
            if name not in CONTEXT_FAMILIES and name in own_families:
                kwargs["lexicons"] = [lex for lex in own if lex.family == name]
            family = FAMILIES[name](**kwargs).fit(df)
        else:
            name = _family_name(item)
            family = item if _is_fitted(item) else item.fit(df)
        names.append(name)
        counts, ev = family.transform_with_evidence(df)
        customer_columns.extend(getattr(family, "customer_columns_", []))
        columns.append(counts)
        if len(ev):
            evidence.append(ev)
    messages = pd.concat(columns, axis=1).reset_index(drop=True)
    ev = pd.concat(evidence, ignore_index=True) if evidence else empty_evidence()
    if len(ev):
        order = pd.Series(np.arange(len(df)), index=df["message_id"].astype("string").to_numpy())
        ev = (
            ev.assign(_o=order.reindex(ev["message_id"].to_numpy()).to_numpy())
            .sort_values(["_o", "start", "feature"], kind="stable")
            .drop(columns="_o")
            .reset_index(drop=True)
        )
    return Features(messages, ev[list(EVIDENCE_COLUMNS)], aggregate_conversations(messages, customer_columns), tuple(names))


def _top_language(conv_ids: pd.Series, lang: pd.Series, role: pd.Series) -> pd.Series:
    """Most frequent customer language per conversation (else most frequent of any role)."""
    t = pd.DataFrame(
        {
            "c": conv_ids.astype(object).to_numpy(),
            "lang": lang.astype(object).to_numpy(),
            "cust": (role == "customer").fillna(False).to_numpy(dtype=bool),
        }
    )
    t = t[t["lang"].notna()]
    n = t.groupby(["c", "lang"], sort=True).agg(n=("cust", "size"), nc=("cust", "sum")).reset_index()
    n = n.sort_values(["c", "nc", "n", "lang"], ascending=[True, False, False, True], kind="stable")
    return n.drop_duplicates("c").set_index("c")["lang"]


def aggregate_conversations(messages: pd.DataFrame, customer_columns: Sequence[str] | None = None) -> pd.DataFrame:
    """One row per conversation from message-level features.

    Columns: ``conversation_id, channel, lang`` (the most frequent customer language, else
    the most frequent), ``agents`` (";"-joined), ``n_messages, n_agent, n_customer``, then
    for every marker column the sum over the **agent** messages under the same name, and the
    sum over the **customer** messages as ``customer_<column>`` for ``customer_columns``
    (default: every marker column; featurize passes those whose markers count customers).
    Sums of only-NA messages stay NA (an uncovered language is not a zero). Only integer
    counts are summed; families with measures add their own conversation columns through an
    ``aggregate(messages)`` static method: :meth:`Latency.aggregate` (``latency_first_reply_s``
    and the rest), :meth:`Language.aggregate` (``language_mismatches``: agent replies not in
    the customer's language, NA when no reply could be judged), :meth:`Template.aggregate`
    (``template_share``), :meth:`Sentiment.aggregate` (the customer's first and last polarity).
    """
    if not len(messages):
        return pd.DataFrame({"conversation_id": pd.Series(dtype="string")})
    markers = [c for c in messages.columns if c not in BASE_COLUMNS]
    g = messages.groupby("conversation_id", sort=False, observed=True)
    conv = pd.DataFrame(index=pd.Index(g.size().index, name="conversation_id"))
    if "channel" in messages.columns:
        conv["channel"] = g["channel"].first().astype("string")
    else:  # a frame without channels: unknown, so channel-specific behaviours are n/a
        conv["channel"] = pd.Series(pd.NA, index=conv.index, dtype="string")
    role = messages["role"].astype("string")
    lang = messages["lang"].astype("string")
    conv["lang"] = _top_language(messages["conversation_id"], lang, role).reindex(conv.index).astype("string")
    if "agent" in messages.columns:
        pairs = pd.DataFrame(
            {"c": messages["conversation_id"].astype(object).to_numpy(), "a": messages["agent"].astype(object).to_numpy()}
        )[(role == "agent").fillna(False).to_numpy(dtype=bool)]
        pairs = pairs[pairs["a"].notna() & (pairs["a"] != "")].drop_duplicates().sort_values(["c", "a"])
        joined = pairs.groupby("c", sort=False)["a"].agg(";".join)
        conv["agents"] = joined.reindex(conv.index).fillna("").astype("string")
    conv["n_messages"] = g.size()
    conv["n_agent"] = (
        (role == "agent").groupby(messages["conversation_id"], observed=True).sum().reindex(conv.index).astype("int64")
    )
    conv["n_customer"] = (
        (role == "customer").groupby(messages["conversation_id"], observed=True).sum().reindex(conv.index).astype("int64")
    )
    for family in FAMILIES.values():
        hook = getattr(family, "aggregate", None)
        if hook is not None:
            conv = conv.join(hook(messages))
    # counts are summed; measures (Float64: seconds, polarity) are left to the families' aggregate()
    markers = [c for c in markers if pd.api.types.is_integer_dtype(messages[c].dtype)]
    if markers:
        cust = [c for c in (markers if customer_columns is None else customer_columns) if c in markers]
        for who, prefix, cols in (("agent", "", markers), ("customer", "customer_", cust)):
            if not cols:
                continue
            part = messages.loc[(role == who).to_numpy(), ["conversation_id", *cols]]
            sums = part.groupby("conversation_id", sort=False, observed=True)[cols].sum(min_count=1).reindex(conv.index)
            conv = conv.join(sums.astype("Int64").add_prefix(prefix))
    return conv.reset_index()


__all__ = [
    "BASE_COLUMNS",
    "CONTEXT_FAMILIES",
    "LexiconFamily",
    "FAMILIES",
    "Features",
    "LANGUAGES",
    "REQUIRED_COLUMNS",
    "aggregate_conversations",
    "featurize",
]
