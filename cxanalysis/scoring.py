"""Exemplar scoring (DESIGN.md section 5): ``cx.score`` and ``cx.explain``.

For each conversation and playbook, every behaviour with ``scope: conversation`` is decided:

* **n/a** — its ``applies`` condition is false, or a condition cannot be judged (a missing
  value: an untimed conversation, a language without a lexicon);
* **met** / **missed** — the ``met`` condition is true / false. For an anti-pattern
  (``anti: true``), **missed** means the anti-pattern was shown (the conversation failed to
  avoid it) and **met** means it was avoided.

Score = 100 × (weight of met behaviours) / (weight of applicable behaviours), minus the
weight (in points) of every anti-pattern shown, clipped to 0-100; NaN when no behaviour
applies. A missed critical behaviour caps the score at 50. ``closest`` is True for exactly
one exemplar per conversation: the highest score among the exemplars with at least 3
applicable behaviours (ties: the order given); when none has 3, the highest score; when all
are NaN, the first exemplar. A conversation no agent answered has every behaviour n/a.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .exemplars import DEFAULT_EXEMPLARS, Behaviour, Playbook, PlaybookError, get_playbook
from .exemplars.conditions import ConditionError
from .scale import dask_score, is_dask

MET, MISSED, NA = "met", "missed", "n/a"
MIN_APPLICABLE = 3


def _norms_for(pb: Playbook, norms: Mapping[str, Any] | None) -> dict[str, float]:
    out = dict(pb.norms)
    if norms:
        if pb.exemplar in norms and isinstance(norms[pb.exemplar], Mapping):
            out.update(norms[pb.exemplar])
        out.update({k: v for k, v in norms.items() if not isinstance(v, Mapping)})
    return out


def _decide(b: Behaviour, conv: pd.DataFrame, norms: dict, pb: Playbook) -> pd.Series:
    try:
        applies = b.applies.evaluate(conv, norms)
        value = b.condition.evaluate(conv, norms)
    except ConditionError as exc:
        raise PlaybookError(f"{pb.path}: {b.id}: {exc}; run cx.featurize with every family") from None
    if "n_agent" in conv.columns:  # a conversation no agent answered has nothing to judge
        applies = applies & (conv["n_agent"].fillna(0) > 0).astype("boolean")
    if b.anti:
        value = ~value  # "met" = the anti-pattern was avoided
    out = pd.Series(NA, index=conv.index, dtype=object)
    ok = applies.fillna(False).to_numpy(dtype=bool) & value.notna().to_numpy()
    v = value.fillna(False).to_numpy(dtype=bool)
    out[ok & v] = MET
    out[ok & ~v] = MISSED
    return out


def score(feats, exemplars: Iterable[Any] = DEFAULT_EXEMPLARS, norms: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Score every conversation against each exemplar's playbook.

    Parameters
    ----------
    feats:
        The result of :func:`cxanalysis.featurize` (or its ``conversations`` frame).
    exemplars:
        Packaged names (``apple``, ``spotify``, ``amazon``, ``crisis``, ``techsupport``), paths
        to playbook YAML files, or :class:`~cxanalysis.exemplars.Playbook` objects.
    norms:
        Overrides of the playbooks' channel norms: ``{"first_reply_s": 120}`` for all, or
        ``{"spotify": {"first_reply_s": 1800}}`` per exemplar.

    Returns
    -------
    One row per conversation × exemplar: ``conversation_id, exemplar, score, closest,
    n_applicable, n_met, capped`` and one column per behaviour ID (``met`` / ``missed`` /
    ``n/a``; ``n/a`` also where the exemplar does not list the ID). ``scores.attrs
    ["playbooks"]`` keeps the playbooks for :func:`explain`.
    """
    if is_dask(getattr(feats, "conversations", feats)):  # Dask: scored partition by partition
        return dask_score(feats, exemplars=exemplars, norms=norms)
    conv = feats.conversations if hasattr(feats, "conversations") else feats
    playbooks = [get_playbook(e) for e in (exemplars if not isinstance(exemplars, str) else [exemplars])]
    if not playbooks:
        raise ValueError("score() needs at least one exemplar")
    names = [pb.exemplar for pb in playbooks]
    if len(set(names)) != len(names):
        raise ValueError(f"exemplars given twice: {names}")
    conv = conv.reset_index(drop=True)
    ids: list[str] = []
    for pb in playbooks:
        ids.extend(b.id for b in pb.scored if b.id not in ids)
    parts = []
    for pb in playbooks:
        nm = _norms_for(pb, norms)
        decisions = {b.id: _decide(b, conv, nm, pb) for b in pb.scored}
        w_app = np.zeros(len(conv))
        w_met = np.zeros(len(conv))
        penalty = np.zeros(len(conv))
        n_app = np.zeros(len(conv), dtype=np.int64)
        n_met = np.zeros(len(conv), dtype=np.int64)
        capped = np.zeros(len(conv), dtype=bool)
        for b in pb.scored:
            d = decisions[b.id].to_numpy(dtype=object)
            if b.anti:
                penalty += np.where(d == MISSED, b.weight, 0.0)
                continue
            app = d != NA
            w_app += np.where(app, b.weight, 0.0)
            w_met += np.where(d == MET, b.weight, 0.0)
            n_app += app
            n_met += d == MET
            if b.critical:
                capped |= d == MISSED
        with np.errstate(invalid="ignore", divide="ignore"):
            s = np.where(w_app > 0, 100.0 * w_met / w_app, np.nan)
        s = np.clip(s - penalty, 0, 100)
        s = np.where(capped, np.minimum(s, 50.0), s)
        frame = pd.DataFrame(
            {
                "conversation_id": conv["conversation_id"].to_numpy(),
                "exemplar": pb.exemplar,
                "score": s,
                "n_applicable": n_app,
                "n_met": n_met,
                "capped": capped,
            }
        )
        for bid in ids:
            frame[bid] = decisions[bid].to_numpy(dtype=object) if bid in decisions else NA
        parts.append(frame)
    out = pd.concat(parts, ignore_index=True)
    out.insert(3, "closest", _closest(out, names))
    out["exemplar"] = out["exemplar"].astype("string")
    out["conversation_id"] = out["conversation_id"].astype("string")
    order = {n: i for i, n in enumerate(names)}
    out = out.sort_values(
        ["conversation_id", "exemplar"], key=lambda c: c.map(order) if c.name == "exemplar" else c, kind="stable"
    )
    out = out.reset_index(drop=True)
    out.attrs["playbooks"] = {pb.exemplar: pb for pb in playbooks}
    out.attrs["norms"] = {pb.exemplar: _norms_for(pb, norms) for pb in playbooks}
    return out


def _closest(out: pd.DataFrame, names: list[str]) -> np.ndarray:
    rank = out["exemplar"].map({n: i for i, n in enumerate(names)}).to_numpy()
    sc = out["score"].to_numpy(dtype=float)
    eligible = out["n_applicable"].to_numpy() >= MIN_APPLICABLE
    key = pd.DataFrame(
        {
            "c": out["conversation_id"].to_numpy(),
            "tier": np.where(eligible & ~np.isnan(sc), 0, np.where(~np.isnan(sc), 1, 2)),
            "neg": -np.nan_to_num(sc, nan=-1.0),
            "rank": rank,
            "pos": np.arange(len(out)),
        }
    )
    best = key.sort_values(["c", "tier", "neg", "rank"], kind="stable").drop_duplicates("c")["pos"].to_numpy()
    flag = np.zeros(len(out), dtype=bool)
    flag[best] = True
    return flag


def _phrasing(b: Behaviour, lang: str | None) -> str:
    items = b.phrasings.get(lang or "", ()) or b.phrasings.get("en", ())
    return items[0] if items else ""


def explain(scores: pd.DataFrame, feats, conversation_id: str, exemplar: str | None = None) -> pd.DataFrame:
    """Why a conversation scored as it did: one row per behaviour of each exemplar.

    Columns: ``exemplar, behaviour, summary, anti, weight, critical, decision, reason,
    message_id, start, end, quote, suggestion``. A met behaviour (or a shown anti-pattern)
    quotes the evidence row that decided it (message and character offsets into the
    unredacted text; NA offsets for features without a text span); a missed one says which
    features were absent and gives the playbook's phrasing in the conversation's language;
    an n/a one says why it did not apply.
    """
    rows_s = scores[scores["conversation_id"] == conversation_id]
    if not len(rows_s):
        raise KeyError(f"conversation {conversation_id!r} is not in the scores")
    playbooks: dict[str, Playbook] = scores.attrs.get("playbooks") or {}
    conv_all = feats.conversations
    conv = conv_all[conv_all["conversation_id"] == conversation_id].reset_index(drop=True)
    lang = str(conv["lang"].iloc[0]) if "lang" in conv.columns and len(conv) and pd.notna(conv["lang"].iloc[0]) else "en"
    msgs = feats.messages
    in_conv = msgs.loc[msgs["conversation_id"] == conversation_id, ["message_id", "role"]]
    ev = feats.evidence.merge(in_conv, on="message_id", how="inner")
    ev_by_feature: dict[str, list[dict]] = {}
    for r in ev.to_dict("records"):  # a few rows per conversation: plain dicts beat frame filters
        ev_by_feature.setdefault(r["feature"], []).append(r)
    out = []
    values = conv.iloc[0].to_dict() if len(conv) else {}
    for r in rows_s.to_dict("records"):
        name = r["exemplar"]
        if exemplar is not None and name != exemplar:
            continue
        pb = playbooks.get(name) or get_playbook(name)
        nm = (scores.attrs.get("norms") or {}).get(name, pb.norms)
        for b in pb.scored:
            decision = r[b.id]
            row = {
                "exemplar": name,
                "behaviour": b.id,
                "summary": b.summary,
                "anti": b.anti,
                "weight": b.weight,
                "critical": b.critical,
            }
            row.update(decision=decision, message_id=pd.NA, start=pd.NA, end=pd.NA, quote=pd.NA, suggestion="")
            # the condition's first column with evidence speaks first (AMZ-04: the refund, then the date)
            hits = [e for c in b.evidence_columns for e in ev_by_feature.get(c, ())]
            shown = decision == (MISSED if b.anti else MET)  # the condition held: quote what made it hold
            if decision == NA:
                applies = b.applies.evaluate(conv, nm) if len(conv) else pd.Series([pd.NA], dtype="boolean")
                if "n_agent" in conv.columns and len(conv) and not conv["n_agent"].iloc[0]:
                    row["reason"] = "no agent message to judge"
                elif applies.isna().iloc[0] or bool(applies.iloc[0]):
                    missing = [c for c in b.condition.columns if c in conv.columns and pd.isna(conv[c].iloc[0])]
                    row["reason"] = (
                        f"cannot judge: {', '.join(missing) or 'a value'} is missing (untimed, or a language without a lexicon)"
                    )
                else:
                    row["reason"] = f"does not apply: {b.applies.source} is false"
            elif shown:
                if hits:
                    row["reason"] = f"{b.condition.source}: {_quote_evidence(row, hits[0])}"
                else:
                    row["reason"] = f"{b.condition.source} holds ({_values(values, b.condition.columns)})"
                if b.anti:
                    row["suggestion"] = _phrasing(b, lang)
            elif b.anti:
                row["reason"] = f"avoided: {b.condition.source} is false ({_values(values, b.condition.columns)})"
            else:
                row["reason"] = f"missed: {b.condition.source} is false ({_values(values, b.condition.columns)})"
                # a playbook may name evidence that shows the miss (TEC-01: the reply in another
                # language): quote the first such agent message, so the miss has an author
                against = [e for e in hits if e["role"] == "agent"] if b.evidence else []
                if against:
                    row["reason"] += f": {_quote_evidence(row, against[0])}"
                row["suggestion"] = _phrasing(b, lang)
            out.append(row)
    cols = [
        "exemplar",
        "behaviour",
        "summary",
        "anti",
        "weight",
        "critical",
        "decision",
        "reason",
        "message_id",
        "start",
        "end",
        "quote",
        "suggestion",
    ]
    frame = pd.DataFrame(out, columns=cols)
    for c in ("start", "end"):
        frame[c] = frame[c].astype("Int64")
    return frame


def _quote_evidence(row: dict, e: dict) -> str:
    """Put evidence row ``e`` (message, offsets, quote) into ``row``; "feature in message id (detail)"."""
    row.update(message_id=e["message_id"], start=e["start"], end=e["end"], quote=e["quote"])
    detail = f" ({e['detail']})" if isinstance(e["detail"], str) and e["detail"] else ""
    return f"{e['feature']} in message {e['message_id']}{detail}"


def _values(values: dict, columns: Iterable[str]) -> str:
    """``col=value`` for the condition's columns, from the conversation's row as a dict."""
    parts = []
    for c in columns:
        if c in values:
            v = values[c]
            parts.append(f"{c}={'NA' if pd.isna(v) else (round(float(v), 1) if isinstance(v, float) else v)}")
    return ", ".join(parts)
