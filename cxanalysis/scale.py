"""Dask: ``cx.featurize`` and ``cx.score`` on a Dask DataFrame (DESIGN.md section 7).

Pass a Dask DataFrame of the canonical frame to :func:`cxanalysis.featurize` and it returns a
:class:`DaskFeatures` whose ``messages``, ``evidence`` and ``conversations`` are lazy Dask
DataFrames; ``.compute()`` gives the :class:`~cxanalysis.features.Features` the pandas path
gives for the same rows (up to row order and dtypes that pandas cannot hold per partition).
:func:`cxanalysis.score` on it (or on its ``conversations``) returns a lazy Dask DataFrame of
scores.

How it runs:

1. **Partitioned by conversation.** Every family looks within one conversation, except the
   corpus-level state below, so each partition must hold whole conversations. Unless the
   caller says ``partitioned=True`` (or the index is ``conversation_id`` with known
   divisions), the frame is shuffled on ``conversation_id`` with Dask's own shuffle, and
   each partition is put back in the input's row order.
2. **Corpus-level state fitted once.** ``template`` (the corpus' near-duplicate agent
   replies) and ``effort`` (every customer's conversations, for re-contacts) learn from the
   whole corpus. Their ``fit`` runs once, on the client, over the columns it needs
   (``conversation_id, role, speaker, timestamp, text``), in the input's row order; the
   fitted transformers become one node of the graph that every partition's task reads, so a
   distributed scheduler ships them to each worker once. A family instance that is already
   fitted is used as it is (fit it on a sample when the texts of the whole corpus do not fit
   on the client).
3. **Per partition**, :func:`cxanalysis.featurize` runs unchanged with those fitted
   families; the three result frames are built from the partitions' results with the dtypes
   of a small sample's result.

See ``docs/scale.md`` for running on a multi-machine cluster.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .errors import SchemaError

#: families whose ``fit`` learns from the whole corpus
CORPUS_FAMILIES = ("template", "effort")
#: the columns their ``fit`` reads
FIT_COLUMNS = ("conversation_id", "role", "speaker", "timestamp", "text")
_POS = "_cx_position"


def is_dask(obj: Any) -> bool:
    """True for a Dask collection (checked by type, without importing Dask)."""
    mod = type(obj).__module__
    return mod.startswith(("dask.", "dask_expr")) or isinstance(obj, DaskFeatures)


@dataclass
class DaskFeatures:
    """The lazy result of :func:`cxanalysis.featurize` on a Dask DataFrame.

    Attributes
    ----------
    messages, evidence, conversations
        Dask DataFrames with the columns of :class:`~cxanalysis.features.Features`.
    families
        The families computed.
    fitted
        The corpus-level families as fitted once on the whole frame (name → transformer).
    """

    messages: Any
    evidence: Any
    conversations: Any
    families: tuple[str, ...]
    fitted: dict[str, Any]
    _sample: Any = None

    @property
    def marker_columns(self) -> list[str]:
        from .features import BASE_COLUMNS

        return [c for c in self.messages.columns if c not in BASE_COLUMNS]

    def compute(self, **kwargs: Any):
        """Compute the three frames in one pass; returns :class:`~cxanalysis.features.Features`."""
        import dask

        from .features import Features

        messages, evidence, conversations = dask.compute(self.messages, self.evidence, self.conversations, **kwargs)
        return Features(messages, evidence, conversations, self.families)

    def __repr__(self) -> str:
        return (
            f"DaskFeatures({self.messages.npartitions} partitions, {len(self.marker_columns)} marker columns; "
            f"families: {', '.join(self.families)})"
        )


def _with_position(part: pd.DataFrame, partition_info: dict | None = None) -> pd.DataFrame:
    k = partition_info["number"] if partition_info else 0
    return part.assign(**{_POS: (np.int64(k) << np.int64(40)) + np.arange(len(part), dtype=np.int64)})


def _in_input_order(part: pd.DataFrame) -> pd.DataFrame:
    return part.sort_values(_POS, kind="stable").drop(columns=_POS).reset_index(drop=True)


def by_conversation(ddf: Any, partitioned: bool | None = None) -> Any:
    """``ddf`` with every conversation in one partition, rows of a partition in input order."""
    if partitioned:
        return ddf
    ddf = ddf.map_partitions(_with_position, meta=_with_position(ddf._meta))
    return ddf.shuffle(on="conversation_id").map_partitions(_in_input_order, meta=ddf._meta.drop(columns=_POS))


def _conform(frame: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the columns and dtypes of ``meta`` (an empty partition's evidence, say)."""
    frame = frame.reindex(columns=meta.columns)
    for col, dtype in meta.dtypes.items():
        if frame[col].dtype != dtype:
            frame[col] = frame[col].astype(dtype)
    return frame.reset_index(drop=True)


def _featurize_part(part: pd.DataFrame, spec: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from .features import featurize

    if not len(part):
        m, e, c = spec["meta"]
        return m, e, c
    f = featurize(part, families=spec["families"], lexicons=spec["lexicons"], params=spec["params"])
    m, e, c = spec["meta"]
    return _conform(f.messages, m), _conform(f.evidence, e), _conform(f.conversations, c)


def _head(part: pd.DataFrame, n: int) -> pd.DataFrame:
    return part.head(n)


def _check_ids(counts: pd.Series) -> None:
    if len(counts):
        first = counts.index[0]
        raise SchemaError(
            f"featurize(): message_id {first!r} appears more than once ({int(counts.sum() - len(counts))} duplicates)"
        )


def dask_featurize(
    ddf: Any,
    families: Sequence[str | object] | str | None = None,
    lexicons: Iterable[Any] | None = None,
    params: Mapping[str, dict] | None = None,
    partitioned: bool | None = None,
) -> DaskFeatures:
    """:func:`cxanalysis.featurize` on a Dask DataFrame (see the module notes).

    Parameters
    ----------
    ddf
        A Dask DataFrame of the canonical frame (``dask.dataframe.from_pandas(df)``,
        ``dd.read_parquet(...)``).
    families, lexicons, params
        As for :func:`cxanalysis.featurize`.
    partitioned
        True when every conversation is already within one partition (skips the shuffle).

    Returns
    -------
    DaskFeatures
    """
    import dask
    from dask import delayed
    from dask.dataframe import from_delayed

    from .features import FAMILIES, _family_name, _is_fitted, featurize

    if ddf.index.name == "conversation_id":  # indexed by conversation: with known divisions, partitioned already
        if partitioned is None:
            partitioned = bool(ddf.known_divisions)
        ddf = ddf.reset_index()
    missing = [c for c in ("message_id", "conversation_id", "role", "text") if c not in ddf.columns]
    if missing:
        raise SchemaError(f"featurize(): the frame lacks column(s) {missing}; read it with cx.read_transcripts()")
    if isinstance(families, str):
        families = [families]
    requested = list(FAMILIES) if families is None else list(families)
    params = {k: dict(v) for k, v in (params or {}).items()}
    own = list(lexicons) if lexicons is not None else []

    # corpus-level state: fit once, on the client, in input order
    to_fit: dict[str, Any] = {}
    for i, item in enumerate(requested):
        name = item if isinstance(item, str) else _family_name(item)
        if name not in CORPUS_FAMILIES:
            continue
        if isinstance(item, str):
            if item not in FAMILIES:
                continue  # featurize names it below
            kwargs = dict(params.get(name, {}))
            if name in {lex.family for lex in own}:
                kwargs["lexicons"] = [lex for lex in own if lex.family == name]
            requested[i] = FAMILIES[name](**kwargs)
        if not _is_fitted(requested[i]):
            to_fit[name] = requested[i]
    counts = ddf["message_id"].value_counts()
    dups = counts[counts > 1]
    sample = ddf.partitions[0].map_partitions(_head, 200)
    if to_fit:
        cols = [c for c in FIT_COLUMNS if c in ddf.columns]
        fit_frame, dup_counts, sample = dask.compute(ddf[cols], dups, sample)
        _check_ids(dup_counts)
        fit_frame = fit_frame.reset_index(drop=True)
        for est in to_fit.values():
            est.fit(fit_frame)
        del fit_frame
    else:
        dup_counts, sample = dask.compute(dups, sample)
        _check_ids(dup_counts)

    # the result frames' columns and dtypes, from a small sample (first rows of the input)
    if not len(sample):
        sample = ddf._meta_nonempty
    probe = featurize(sample.reset_index(drop=True), families=requested, lexicons=lexicons, params=params)
    meta = (probe.messages.iloc[:0], probe.evidence.iloc[:0], probe.conversations.iloc[:0])

    spec = delayed(
        {"families": requested, "lexicons": lexicons, "params": params, "meta": meta},
        pure=True,
    )
    parts = by_conversation(ddf, partitioned).to_delayed()
    results = [delayed(_featurize_part, nout=3, pure=True)(p, spec) for p in parts]
    frames = [from_delayed([r[k] for r in results], meta=meta[k], verify_meta=False) for k in range(3)]
    fitted = {name: est for name, est in to_fit.items()}
    for item in requested:
        if not isinstance(item, str):
            fitted.setdefault(_family_name(item), item)
    return DaskFeatures(*frames, probe.families, {k: v for k, v in fitted.items() if k in CORPUS_FAMILIES}, probe)


def _score_part(conv: pd.DataFrame, exemplars: list[Any], norms: Any, meta: pd.DataFrame) -> pd.DataFrame:
    from .scoring import score

    if not len(conv):
        return meta
    out = _conform(score(conv, exemplars=exemplars, norms=norms), meta)
    out.attrs.clear()  # the playbooks stay with the caller; Parquet cannot hold them
    return out


def dask_score(feats: Any, exemplars: Iterable[Any], norms: Mapping[str, Any] | None = None) -> Any:
    """:func:`cxanalysis.score` on :class:`DaskFeatures` (or a Dask conversations frame): a lazy Dask DataFrame.

    Scoring looks at one conversation at a time, so it runs on each partition of the
    conversations as they are.
    """
    from .features import aggregate_conversations
    from .scoring import score

    conv = feats.conversations if isinstance(feats, DaskFeatures) else feats
    exemplars = [exemplars] if isinstance(exemplars, str) else list(exemplars)
    sample = feats._sample.conversations if isinstance(feats, DaskFeatures) and feats._sample is not None else None
    if sample is None or not len(sample):
        sample = conv.partitions[0].map_partitions(_head, 50).compute()
    if not len(sample):
        sample = aggregate_conversations(pd.DataFrame(columns=["conversation_id"]))
    meta = score(sample, exemplars=exemplars, norms=norms).iloc[:0]
    meta.attrs.clear()
    return conv.map_partitions(_score_part, exemplars, norms, meta, meta=meta)
