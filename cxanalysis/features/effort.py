"""Customer effort (APL-05, TEC-06, ANTI-05, ANTI-07): what the customer is asked, and what they must redo.

Lexical markers (``cxanalysis/lexicons/data/effort/<lang>.yml``, en/zh/ja/ru): ``asks_info``,
``asks_repeat``, ``explains_why``.

Computed across turns:

* ``effort_reask`` (agent) — the agent asks for a kind of information the customer already
  gave earlier in the conversation (ANTI-07): a sentence with an ``asks_info`` hit that names
  an information kind (order number, e-mail, phone, address, name, device, photo, date;
  lexicons ``infokind/<lang>.yml``, en/zh/ja/ru) which an earlier customer message supplied.
  One per kind and message; the evidence quotes the request.
* ``effort_repeat`` (customer) — the customer sends again what they already wrote in this
  conversation: Jaccard similarity of normalised token pairs of at least ``repeat_threshold``
  with an earlier customer message (messages of at least 4 tokens; any language).
* ``effort_transfer`` (agent) — the first message of an agent who takes over from another
  agent of the same conversation (needs the ``agent`` column; "Brand" followed by
  "Brand /JK" is the same desk signing, not a transfer).
* ``effort_recontact`` (customer, two-phase) — on the first customer message of a
  conversation: the same customer (their ``speaker`` id) had another conversation in the
  corpus that ended at most ``recontact_days`` days before this one started (or overlaps it).
  :meth:`Effort.fit` learns every customer's conversations from the corpus;
  :meth:`Effort.transform` looks them up. Customers without an id, and untimed
  conversations, give 0.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa

from ..roles import ROLE_ALIASES
from ._context import conversation_order
from ._lexical import LexiconFamily, _packaged_compiled, evidence_frame
from ._matcher import find_hits
from ._shingles import tokens

DERIVED = ("effort_reask", "effort_repeat", "effort_transfer", "effort_recontact")
_SENTENCE_END = re.compile(r"[.!?。！？\n]")
_KIND_NAMES = {
    "order": "the order or reference number",
    "email": "the e-mail address",
    "phone": "the phone number",
    "address": "the address",
    "name": "the name",
    "device": "the device or version",
    "photo": "a photo or screenshot",
    "date": "the date",
}


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence around ``text[start:end]``."""
    left = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    m = _SENTENCE_END.search(text, end)
    return left, (m.end() if m else len(text))


def _pairs(text: str) -> set[str]:
    toks = tokens(text)
    return {f"{a} {b}" for a, b in zip(toks, toks[1:])} if len(toks) >= 4 else set()


def _customer_ids(X: pd.DataFrame) -> np.ndarray:
    """The customer's id per row (its ``speaker``), or None when it is missing or only a role label."""
    n = len(X)
    out = np.full(n, None, dtype=object)
    if "speaker" not in X.columns:
        return out
    role = X["role"].astype("string").fillna("").to_numpy(dtype=object)
    spk = X["speaker"].astype("string").fillna("").str.strip().to_numpy(dtype=object)
    ok = (role == "customer") & (spk != "") & ~np.isin(pd.Series(spk).str.casefold().to_numpy(dtype=object), list(ROLE_ALIASES))
    out[ok] = spk[ok]
    return out


def _contacts(X: pd.DataFrame) -> pd.DataFrame:
    """One row per (customer, conversation): first and last message time."""
    cust = _customer_ids(X)
    if "timestamp" not in X.columns:
        return pd.DataFrame(columns=["customer", "conversation_id", "start", "end"])
    t = pd.DataFrame(
        {
            "customer": cust,
            "conversation_id": X["conversation_id"].astype("string").to_numpy(dtype=object),
            "ts": pd.to_datetime(X["timestamp"], utc=True).to_numpy(),
        }
    )
    span = t.groupby("conversation_id", sort=False)["ts"].agg(["min", "max"])
    who = t.dropna(subset=["customer"]).drop_duplicates(["customer", "conversation_id"])[["customer", "conversation_id"]]
    out = who.join(span, on="conversation_id").rename(columns={"min": "start", "max": "end"})
    return out.dropna(subset=["start"]).reset_index(drop=True)


class Effort(LexiconFamily):
    """The ``effort`` family: lexical markers plus the cross-turn and cross-conversation columns.

    Parameters
    ----------
    recontact_days:
        A conversation is a re-contact when the same customer's previous one ended at most
        this many days earlier.
    repeat_threshold:
        Token-pair Jaccard similarity at which a customer message repeats an earlier one.
    """

    family_name = "effort"

    def __init__(self, family=None, lexicons=None, recontact_days: float = 7.0, repeat_threshold: float = 0.5):
        super().__init__(family=family, lexicons=lexicons)
        self.recontact_days = recontact_days
        self.repeat_threshold = repeat_threshold

    def _derived_columns(self) -> tuple[str, ...]:
        return DERIVED

    def fit(self, X=None, y=None):
        """Compile the lexicons and, given a corpus, learn every customer's conversations."""
        super().fit(X, y)
        self.customer_columns_ = [*self.customer_columns_, "effort_repeat", "effort_recontact"]
        self.contacts_ = (
            _contacts(X) if X is not None else _contacts(pd.DataFrame(columns=["conversation_id", "role", "timestamp"]))
        )
        return self

    # -- derived columns ------------------------------------------------------------------
    def _derive(self, X, out, evidence):
        n = len(X)
        cols = {c: np.zeros(n, dtype=np.int64) for c in DERIVED}
        extra: list[tuple[int, str, object, object, str]] = []  # row, feature, start, end, detail
        if n and "conversation_id" in X.columns:
            order = conversation_order(X)
            self._reask(X, out, evidence, order, cols, extra)
            self._repeat(X, order, cols, extra)
            self._transfer(X, order, cols, extra)
            self._recontact(X, order, cols, extra)
        for c in DERIVED:
            out[c] = pd.array(cols[c], dtype="Int64")
        if "effort_reask" in out:
            na = out["effort_asks_info"].isna().to_numpy() if "effort_asks_info" in out else np.zeros(n, dtype=bool)
            out["effort_reask"] = out["effort_reask"].mask(na)
        if extra:
            ids = X["message_id"].astype("string").to_numpy(dtype=object)
            texts = X["text"].astype("string").fillna("").to_numpy(dtype=object)
            quotes = [texts[r][s:e] if s is not pd.NA else pd.NA for r, _, s, e, _ in extra]
            frame = evidence_frame(
                ids[[e[0] for e in extra]],
                [e[1] for e in extra],
                [e[2] for e in extra],
                [e[3] for e in extra],
                quotes,
                [e[4] for e in extra],
            )
            evidence = pd.concat([evidence, frame], ignore_index=True) if len(evidence) else frame
        return out, evidence

    def _reask(self, X, out, evidence, order, cols, extra) -> None:
        kinds = _packaged_compiled().get("infokind", {})
        if not kinds or "effort_asks_info" not in out:
            return
        role = X["role"].astype("string").fillna("").to_numpy(dtype=object)
        langs = X["lang"].astype("string").fillna("und").to_numpy(dtype=object)
        conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
        text_list = X["text"].astype("string").fillna("").to_numpy(dtype=object)
        texts = pa.array(text_list, type=pa.large_string())
        asks = out["effort_asks_info"].fillna(0).to_numpy(dtype=np.int64)
        rank = np.empty(len(X), dtype=np.int64)
        rank[order] = np.arange(len(X))
        gave: dict[tuple[str, str], int] = {}  # (conversation, kind) -> rank of the first customer message giving it
        asked: list[tuple[int, str, int, int]] = []  # row, kind, start, end
        for lang, markers in kinds.items():
            in_lang = langs == lang
            for cm in markers:
                kind = cm.marker.name.split("_", 1)[1]
                if cm.marker.name.startswith("gave_"):
                    rows = np.flatnonzero(in_lang & (role == "customer"))
                    c, _ = find_hits(texts, rows, cm)
                    for r in rows[c > 0].tolist():
                        key = (conv[r], kind)
                        gave[key] = min(gave.get(key, rank[r]), rank[r])
                elif cm.marker.name.startswith("ask_"):
                    rows = np.flatnonzero(in_lang & (role == "agent") & (asks > 0))
                    _, hits = find_hits(texts, rows, cm)
                    asked.extend((int(rows[p]), kind, s, e) for p, s, e in hits)
        if not asked or not gave:
            return
        spans = self._asks_info_spans(X, evidence)
        done: set[tuple[int, str]] = set()
        for r, kind, s, e in sorted(asked):
            first = gave.get((conv[r], kind))
            if first is None or first >= rank[r] or (r, kind) in done:
                continue
            lo, hi = _sentence(text_list[r], s, e)
            if not any(lo <= a < hi or lo < b <= hi for a, b in spans.get(r, ())):
                continue
            done.add((r, kind))
            cols["effort_reask"][r] += 1
            extra.append((r, "effort_reask", lo, hi, f"asks for {_KIND_NAMES.get(kind, kind)}, which the customer already gave"))

    @staticmethod
    def _asks_info_spans(X, evidence) -> dict[int, list[tuple[int, int]]]:
        """Spans of ``asks_info`` hits per row, from the lexical evidence (a kind must share a sentence with one)."""
        ev = evidence[evidence["feature"] == "effort_asks_info"]
        if not len(ev):
            return {}
        pos = pd.Series(np.arange(len(X)), index=X["message_id"].astype("string").to_numpy())
        rows = pos.reindex(ev["message_id"].to_numpy()).to_numpy()
        spans: dict[int, list[tuple[int, int]]] = {}
        for r, s, e in zip(rows.tolist(), ev["start"].tolist(), ev["end"].tolist()):
            spans.setdefault(int(r), []).append((int(s), int(e)))
        return spans

    def _repeat(self, X, order, cols, extra) -> None:
        role = X["role"].astype("string").fillna("").to_numpy(dtype=object)
        conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
        texts = X["text"].astype("string").fillna("").to_numpy(dtype=object)
        seen: dict[str, list[tuple[int, set[str]]]] = {}
        for i in order.tolist():
            if role[i] != "customer":
                continue
            p = _pairs(texts[i])
            if not p:
                continue
            earlier = seen.setdefault(conv[i], [])
            for j, q in earlier:
                if len(p & q) / len(p | q) >= self.repeat_threshold:
                    cols["effort_repeat"][i] = 1
                    extra.append(
                        (i, "effort_repeat", pd.NA, pd.NA, f"repeats the customer's earlier message {X['message_id'].iloc[j]}")
                    )
                    break
            earlier.append((i, p))

    def _transfer(self, X, order, cols, extra) -> None:
        if "agent" not in X.columns:
            return
        role = X["role"].astype("string").fillna("").to_numpy(dtype=object)[order]
        conv = X["conversation_id"].astype("string").to_numpy(dtype=object)[order]
        agent = X["agent"].astype("string").fillna("").str.strip().to_numpy(dtype=object)[order]
        named = np.where((role == "agent") & (agent != ""), agent, None)
        prev = pd.Series(named, dtype=object).groupby(conv, sort=False).shift(1)
        prev = prev.groupby(conv, sort=False).ffill().to_numpy(dtype=object)
        hit = pd.notna(named) & pd.notna(prev) & (named != prev)
        for k in np.flatnonzero(hit).tolist():
            a, b = str(prev[k]), str(named[k])
            if a.startswith(b) or b.startswith(a):  # "Brand" then "Brand /JK": the same desk, now signed
                continue
            i = int(order[k])
            cols["effort_transfer"][i] = 1
            extra.append((i, "effort_transfer", pd.NA, pd.NA, f"handed over from {prev[k]} to {named[k]}"))

    def _recontact(self, X, order, cols, extra) -> None:
        known = getattr(self, "contacts_", None)
        if known is None or not len(known):
            return
        here = _contacts(X)
        if not len(here):
            return
        cust = _customer_ids(X)
        conv = X["conversation_id"].astype("string").to_numpy(dtype=object)
        first_row: dict[str, int] = {}
        for i in order.tolist():
            if cust[i] is not None and conv[i] not in first_row:
                first_row[conv[i]] = i
        prev = known.rename(columns={"conversation_id": "prev_id", "start": "prev_start", "end": "prev_end"})
        # the latest conversation of the same customer that started strictly earlier
        m = pd.merge_asof(
            here.sort_values("start"),
            prev.sort_values("prev_start"),
            left_on="start",
            right_on="prev_start",
            by="customer",
            allow_exact_matches=False,
        )
        m = m.dropna(subset=["prev_id"])
        m = m[(m["prev_id"] != m["conversation_id"]) & ((m["start"] - m["prev_end"]) <= pd.Timedelta(days=self.recontact_days))]
        if not len(m):
            return
        for r in m.itertuples(index=False):
            i = first_row.get(r.conversation_id)
            if i is None or cols["effort_recontact"][i]:
                continue
            days = (r.start - r.prev_end).total_seconds() / 86400
            when = f"{days:.1f} days before" if days >= 0 else "while it was still open"
            cols["effort_recontact"][i] = 1
            extra.append((i, "effort_recontact", pd.NA, pd.NA, f"the same customer's conversation {r.prev_id} ended {when}"))
