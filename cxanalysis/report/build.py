"""Everything a report page shows, gathered once per corpus (:class:`ReportContext`).

:func:`prepare` featurizes and scores (unless given the results), attributes behaviours to
agents (see :mod:`cxanalysis.report.model`) and holds the helpers that turn conversation
text into redacted, language-tagged quotes. Rendering lives in :mod:`.render`.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from ..errors import CxError
from ..exemplars import DEFAULT_EXEMPLARS, Behaviour, Playbook, get_playbook
from . import model

_SLOT = re.compile(r"\{(\w+)\}")


def redactor(enabled: bool, df: pd.DataFrame | None = None) -> Callable[[str], str]:
    """``cx.redact``'s text function when ``enabled`` (knowing ``df``'s customer names), else the identity."""
    if not enabled:
        return lambda s: s
    from ..redact import Redactor

    return Redactor(df)


def safe_name(agent: str, display: str) -> str:
    """A file name for an agent's page: ASCII letters and digits of the shown name plus a short hash.

    The hash (of the real name) keeps names apart that differ only in case, script,
    punctuation or a redacted part; the result is plain ASCII without path separators, dots
    or spaces (names in other scripts become ``agent-<hash>.html``).

    >>> safe_name("Maya", "Maya"), safe_name("雷", "雷")
    ('maya-26414e.html', 'agent-deaefd.html')
    """
    base = unicodedata.normalize("NFKD", display).encode("ascii", "ignore").decode("ascii").lower()
    base = re.sub(r"[^a-z0-9]+", "-", base).strip("-")[:40].strip("-") or "agent"
    digest = hashlib.sha1(agent.encode("utf-8")).hexdigest()[:6]
    return f"{base}-{digest}.html"


def phrasing_parts(text: str) -> list[tuple[str, bool]]:
    """Split a playbook phrasing into text and ``{slot}`` parts: ``[(text, is_slot), ...]``.

    >>> phrasing_parts("Order {order} ships today.")
    [('Order ', False), ('order', True), (' ships today.', False)]
    """
    parts: list[tuple[str, bool]] = []
    pos = 0
    for m in _SLOT.finditer(text):
        if m.start() > pos:
            parts.append((text[pos : m.start()], False))
        parts.append((m.group(1), True))
        pos = m.end()
    if pos < len(text):
        parts.append((text[pos:], False))
    return parts


def phrasing_for(b: Behaviour, lang: str | None) -> tuple[str, str] | None:
    """The behaviour's first phrasing in ``lang`` (else English): ``(text, language)``."""
    for code in (lang or "", "en"):
        items = b.phrasings.get(code) or ()
        if items:
            return items[0], code
    for code, items in b.phrasings.items():
        if items:
            return items[0], code
    return None


@dataclass
class ReportContext:
    """A featurized and scored corpus with the per-agent tables the pages read."""

    df: pd.DataFrame
    feats: Any
    scores: pd.DataFrame
    playbooks: dict[str, Playbook]
    redact: bool = True
    min_n: int = model.MIN_RANKED
    seed: int = 0
    _cid_cache: dict[str, str] = field(default_factory=dict, repr=False)
    _explain_cache: dict[tuple[str, str], pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def exemplars(self) -> list[str]:
        return list(self.playbooks)

    @cached_property
    def red(self) -> Callable[[str], str]:
        return redactor(self.redact, self.df)

    @cached_property
    def conv_agents(self) -> pd.DataFrame:
        return model.agent_conversations(self.feats)

    @cached_property
    def agent_msgs(self) -> pd.DataFrame:
        return model.agent_messages(self.feats)

    @cached_property
    def decisions(self) -> pd.DataFrame:
        return model.behaviour_decisions(self.scores, self.playbooks)

    @cached_property
    def authored(self) -> pd.DataFrame:
        return model.authored_evidence(self.feats, self.playbooks)

    @cached_property
    def agent_dec(self) -> pd.DataFrame:
        return model.agent_decisions(self.decisions, self.conv_agents, self.authored)

    @cached_property
    def behaviours(self) -> pd.DataFrame:
        return model.agent_behaviours(self.agent_dec, self.conv_agents)

    @cached_property
    def table(self) -> pd.DataFrame:
        return model.agent_table(self.scores, self.conv_agents, self.exemplars, min_n=self.min_n, seed=self.seed)

    @cached_property
    def first_replies(self) -> pd.DataFrame:
        return model.first_replies(self.feats)

    @cached_property
    def norms(self) -> pd.DataFrame:
        return model.channel_norms(self.playbooks)

    @cached_property
    def starts(self) -> pd.Series:
        return model.conversation_starts(self.feats)

    @cached_property
    def texts(self) -> pd.Series:
        return self.df.set_index("message_id")["text"]

    @cached_property
    def conv_lang(self) -> dict[str, str]:
        c = self.feats.conversations
        if "lang" not in c.columns:
            return {}
        return {k: (str(v) if pd.notna(v) else "und") for k, v in zip(c["conversation_id"], c["lang"])}

    @cached_property
    def msg_lang(self) -> dict[str, str]:
        m = self.feats.messages
        if "lang" not in m.columns:
            return {}
        return {k: (str(v) if pd.notna(v) else "und") for k, v in zip(m["message_id"], m["lang"])}

    @cached_property
    def display_names(self) -> dict[str, str]:
        return {a: (a if a == model.UNNAMED else self.red(a)) for a in self.conv_agents["agent"].unique()}

    @cached_property
    def file_names(self) -> dict[str, str]:
        return {a: safe_name(a, d) for a, d in self.display_names.items()}

    @property
    def agents(self) -> list[str]:
        """Agents in the order of the team table (ranked first)."""
        return list(self.table["agent"])

    @cached_property
    def team_profile(self) -> pd.DataFrame:
        return profile(self, None)

    @cached_property
    def agent_sc(self) -> pd.DataFrame:
        return model.agent_scores(self.scores, self.conv_agents)

    @cached_property
    def wide_scores(self) -> pd.DataFrame:
        """Scores with one column per exemplar, indexed by conversation_id."""
        return self.scores.pivot_table(index="conversation_id", columns="exemplar", values="score", aggfunc="first", dropna=False)

    @cached_property
    def _groups(self) -> dict[str, dict[str, pd.DataFrame]]:
        def split(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
            return {k: g for k, g in frame.groupby("agent", sort=False)}

        return {
            "dec": split(self.agent_dec),
            "authored": split(self.authored),
            "beh": split(self.behaviours),
            "msgs": split(self.agent_msgs),
            "fr": split(self.first_replies),
            "sc": split(self.agent_sc),
            "conv": split(self.conv_agents),
        }

    def of(self, kind: str, agent: str) -> pd.DataFrame:
        """Rows of one table (``dec, authored, beh, msgs, fr, sc, conv``) for one agent."""
        g = self._groups[kind]
        if agent in g:
            return g[agent]
        full = {"dec": self.agent_dec, "authored": self.authored, "beh": self.behaviours, "msgs": self.agent_msgs}
        full.update({"fr": self.first_replies, "sc": self.agent_sc, "conv": self.conv_agents})
        return full[kind].iloc[0:0]

    @cached_property
    def _evidence_conv(self) -> pd.DataFrame:
        f = self.feats
        return f.evidence.merge(f.messages[["message_id", "conversation_id"]], on="message_id", how="inner")

    @cached_property
    def _message_roles(self) -> pd.DataFrame:
        return self.feats.messages[["message_id", "conversation_id", "role"]]

    @cached_property
    def _by_conversation(self) -> dict[str, dict]:
        f = self.feats
        return {
            "conversations": f.conversations.groupby("conversation_id", sort=False).indices,
            "messages": f.messages.groupby("conversation_id", sort=False).indices,
            "evidence": self._evidence_conv.groupby("conversation_id", sort=False).indices,
            "scores": self.scores.groupby(["conversation_id", "exemplar"], sort=False).indices,
        }

    def explain(self, cid: str, exemplar: str) -> pd.DataFrame:
        """:func:`cxanalysis.explain` for one conversation, run on that conversation's rows only."""
        from types import SimpleNamespace

        from ..scoring import explain

        key = (cid, exemplar)
        if key not in self._explain_cache:
            f, idx = self.feats, self._by_conversation
            sub = SimpleNamespace(
                conversations=f.conversations.iloc[idx["conversations"].get(cid, [])],
                messages=self._message_roles.iloc[idx["messages"].get(cid, [])],
                evidence=self._evidence_conv.iloc[idx["evidence"].get(cid, [])].drop(columns="conversation_id"),
            )
            sc = self.scores.iloc[idx["scores"].get((cid, exemplar), [])]
            sc.attrs = self.scores.attrs
            self._explain_cache[key] = explain(sc, sub, cid, exemplar=exemplar)
        return self._explain_cache[key]

    def conversation_label(self, cid: str) -> str:
        """The conversation id as shown: redacted, with a short hash when redaction changed it."""
        if cid not in self._cid_cache:
            from ..redact import redact_id

            self._cid_cache[cid] = redact_id(cid, self.red)
        return self._cid_cache[cid]

    def find_agent(self, name: str) -> str:
        """The agent called ``name`` (real or shown name, or page file name); CxError otherwise."""
        if name in self.display_names:
            return name
        for a, d in self.display_names.items():
            if name in (d, self.file_names[a], self.file_names[a].removesuffix(".html")):
                return a
        import difflib

        shown = sorted(self.display_names.values())
        if not shown:
            raise CxError(
                f"no agent {name!r}: no message here has the role 'agent'; map agents with roles= (or read.roles in the config)"
            )
        close = difflib.get_close_matches(name, shown, n=3)
        hint = (
            f"; did you mean {', '.join(close)}?"
            if close
            else f"; agents: {', '.join(shown[:12])}{' …' if len(shown) > 12 else ''}"
        )
        raise CxError(f"no agent {name!r} wrote in these conversations{hint}")

    def quote(
        self, message_id: str, start: int | None = None, end: int | None = None, before: int = 90, after: int = 140
    ) -> dict:
        """A quote of one message, redacted when the context redacts, with its language.

        With ``start``/``end`` (offsets into the unredacted text), the span is marked and shown
        with some context; without, the message's opening (up to a sentence end) is quoted.
        Redaction runs on the whole message before cutting, so no partial PII is left at a cut.
        """
        raw = self.texts.get(message_id)
        raw = "" if raw is None or (not isinstance(raw, str) and pd.isna(raw)) else str(raw)
        text = self.red(raw)
        q = {
            "lang": self.msg_lang.get(message_id, "und"),
            "before": "",
            "mark": "",
            "after": "",
            "cut_start": False,
            "cut_end": False,
        }
        pos = -1
        if start is not None and end is not None and not pd.isna(start) and not pd.isna(end):
            s, e = int(start), int(end)
            span = self.red(raw[s:e])
            if not self.redact:
                pos = s
            elif span:
                hits = [m.start() for m in re.finditer(re.escape(span), text)]
                if hits:  # the occurrence nearest the original place
                    pos = min(hits, key=lambda h: abs(h / max(len(text), 1) - s / max(len(raw), 1)))
        if pos >= 0:
            lo = max(0, pos - before)
            hi = min(len(text), pos + len(span) + after)
            if lo > 0:  # start and end the window at a space where there is one nearby (never mid-word)
                sp = text.find(" ", lo, pos)
                lo = sp + 1 if sp != -1 and sp - lo < 25 else lo
            if hi < len(text):
                sp = text.rfind(" ", pos + len(span), hi)
                hi = sp if sp != -1 and hi - sp < 25 else hi
            q.update(before=text[lo:pos], mark=text[pos : pos + len(span)], after=text[pos + len(span) : hi])
            q.update(cut_start=lo > 0, cut_end=hi < len(text))
        else:
            ex, cut = model.excerpt(text, limit=120 if q["lang"] in ("zh", "ja") else 220)  # CJK says more per character
            q.update(before=ex, cut_end=cut)
        return q


def prepare(
    df: pd.DataFrame,
    *,
    feats=None,
    scores: pd.DataFrame | None = None,
    playbooks: Iterable[Any] | None = None,
    norms: Mapping[str, Any] | None = None,
    feature_params: Mapping[str, Any] | None = None,
    redact: bool = True,
    min_n: int = model.MIN_RANKED,
    seed: int = 0,
) -> ReportContext:
    """Featurize and score ``df`` (unless ``feats``/``scores`` are given) and gather the report data."""
    from ..features import featurize
    from ..scoring import score

    if not isinstance(df, pd.DataFrame) or not {"conversation_id", "message_id", "text"} <= set(df.columns):
        raise CxError("coaching reports need the canonical transcript frame (cx.read_transcripts) with message_id and text")
    specs = list(playbooks) if playbooks is not None else list(DEFAULT_EXEMPLARS)
    if isinstance(playbooks, str):
        specs = [playbooks]
    pbs = {pb.exemplar: pb for pb in (get_playbook(p) for p in specs)}
    if feats is None:
        feats = featurize(df, params=dict(feature_params or {}))
    if scores is None:
        scores = score(feats, exemplars=list(pbs.values()), norms=norms)
    else:
        missing = [e for e in pbs if e not in set(scores["exemplar"].astype(str))]
        if missing:
            raise CxError(f"the scores given have no rows for exemplar(s) {missing}; score with them or pass playbooks=")
    attrs = dict(scores.attrs)
    scores = scores.loc[scores["exemplar"].isin(list(pbs))].copy()
    scores["score"] = scores["score"].astype(float)
    scores.attrs = {**attrs, "playbooks": pbs, "norms": {**attrs.get("norms", {})}}
    return ReportContext(df=df, feats=feats, scores=scores, playbooks=pbs, redact=redact, min_n=min_n, seed=seed)


def profile(ctx: ReportContext, agent: str | None) -> pd.DataFrame:
    """Mean, interval and n per exemplar for one agent (or the whole team when None)."""
    rows = []
    if agent is None:
        for e in ctx.exemplars:
            v = ctx.scores.loc[ctx.scores["exemplar"] == e, "score"].to_numpy(dtype=float)
            m, lo, hi = model.bootstrap_interval(v, seed=ctx.seed)
            rows.append({"exemplar": e, "mean": m, "low": lo, "high": hi, "n": int((~np.isnan(v)).sum())})
    else:
        r = ctx.table.loc[ctx.table["agent"] == agent].iloc[0]
        for e in ctx.exemplars:
            rows.append(
                {"exemplar": e, "mean": r[f"{e}_mean"], "low": r[f"{e}_low"], "high": r[f"{e}_high"], "n": int(r[f"{e}_n"])}
            )
    return pd.DataFrame(rows, columns=["exemplar", "mean", "low", "high", "n"])
