"""The Twitter customer-support layout (the public "Customer Support on Twitter" dataset).

Columns: ``tweet_id, author_id, inbound, created_at, text, response_tweet_id,
in_response_to_tweet_id`` (a leading unnamed index column, as pandas exports write, is kept as
``meta.unnamed_0``).

- ``message_id``: the tweet id as a canonical integer string (``3.0`` → ``"3"``).
- ``conversation_id``: ``tw-`` + the smallest tweet id present in the group of tweets linked
  through either link column. Tweets that answer the same missing tweet are in one group;
  tweets whose parents are missing (partial threads) are kept.
- ``role``: ``inbound`` True → customer, False → agent; ``speaker``: ``author_id``.
- ``agent``: the brand's agent signature at the end of the tweet (``^BL``, ``/NQ``, ``-Ana``,
  ``*JD``) as ``"<handle> ^BL"``; else the brand handle.
- ``reply_to``: ``in_response_to_tweet_id``; ``meta.response_tweet_id`` keeps the replies list
  (a value that is not a list of ids, such as a spreadsheet's ``#####``, is kept as written and
  ignored for threading: the reverse links carry the same information).
- ``channel``: social; ``created_at`` like ``Tue Oct 31 22:10:47 +0000 2017`` (other styles
  are parsed too).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from .._time import parse_timestamps
from ..errors import ParseError
from ._build import RawResult, canonical_id, canonical_id_one
from ._csvrecords import read_records
from ._registry import Format, register
from ._source import Source, head

COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id", "in_response_to_tweet_id")
TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"
_SIGNATURE = re.compile(r"(?:^|\s)([\^/*]\s?[A-Z]{1,3}[a-z]?|[-–—~]\s?[A-Z][a-z]{1,14}|[-–—~]\s?[A-Z]{2,3})\s*$")
_TWEET_ID = re.compile(r"^\d+$")
_TRUE = {"true", "1", "yes", "t"}
_FALSE = {"false", "0", "no", "f"}


def agent_signature(text: str) -> str:
    """The agent's signature at the end of a brand tweet (``"^BL"``), or ``""``."""
    m = _SIGNATURE.search(text.rstrip())
    return re.sub(r"\s", "", m.group(1)) if m else ""


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


def _is_tweet_id(value: str) -> bool:
    """Digits only, and within the 64-bit range tweet ids live in."""
    return bool(_TWEET_ID.match(value)) and int(value) < 2**63


def _id_list(value: str) -> list[str] | None:
    """Parse a comma-separated id list; None when a token is not a tweet id."""
    out = []
    for tok in value.split(","):
        tok = tok.strip()
        if not tok:
            continue
        canon = canonical_id_one(tok)
        if not _is_tweet_id(canon):
            return None
        out.append(canon)
    return out


def read_twitter(sources: list[Source], *, encoding: str | None = None, tz: str | None = None, **_: Any) -> RawResult:
    """Read one or more Twitter-layout CSV files (threads may span files)."""
    frames, raws, rejects = [], [], []
    for src in sources:
        recs = read_records(src.text(encoding))
        header = [h.strip() for h in recs.header]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ParseError(f"Twitter layout needs columns {list(COLUMNS)}; missing {missing}", src.name)
        idx = {h: i for i, h in enumerate(header)}
        cols = {c: [recs.restore(r[idx[c]]) for r in recs.rows] for c in COLUMNS}
        frame = pd.DataFrame(cols, dtype=object)
        for i, h in enumerate(header):
            if h not in COLUMNS:
                frame["meta." + (h or f"unnamed_{i}")] = [recs.restore(r[i]) for r in recs.rows]
        frame["source"] = [f"{src.name}:{line}" for line in recs.lines]
        frame["_rawref"] = [(len(raws), i) for i in range(len(frame))]
        raws.append(recs.raw)
        for line, reason, raw in recs.bad:
            rejects.append((f"{src.name}:{line}", reason, raw))
        frames.append(frame)
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[*COLUMNS, "source", "_rawref"])

    reasons = pd.Series(None, index=frame.index, dtype=object)
    tid = canonical_id(frame["tweet_id"])
    ok_id = tid.notna() & tid.fillna("").map(_is_tweet_id)
    reasons[~ok_id] = [f"tweet_id {v!r} is not an integer tweet id (0 to 2**63-1)" for v in frame["tweet_id"][~ok_id]]
    inbound = frame["inbound"].astype(str).str.strip().str.casefold()
    ok_in = inbound.isin(_TRUE | _FALSE)
    reasons[ok_id & ~ok_in] = [f"inbound {v!r} is neither True nor False" for v in frame["inbound"][ok_id & ~ok_in]]
    ts, bad = parse_timestamps(frame["created_at"], fmt=TWITTER_TIME)
    if bad.any():
        retry, still_bad = parse_timestamps(frame["created_at"][bad], tz=tz)
        ts[bad] = retry
        bad[bad] = still_bad
    todo = reasons.isna() & bad
    reasons[todo] = [f"unparseable created_at {v!r}" for v in frame["created_at"][todo]]
    links_out = frame["response_tweet_id"].fillna("").astype(str).map(_id_list)
    junk_links = links_out.isna()  # redundant with the reverse links: kept raw in meta, not rejected
    parent = frame["in_response_to_tweet_id"].fillna("").astype(str).map(_id_list)
    bad_parent = reasons.isna() & (parent.isna() | parent.map(lambda v: v is not None and len(v) > 1))
    reasons[bad_parent] = [
        f"in_response_to_tweet_id {v!r} is not one tweet id" for v in frame["in_response_to_tweet_id"][bad_parent]
    ]

    # reject before grouping so rejected rows never shape a conversation
    for i in np.flatnonzero(reasons.notna().to_numpy()):
        ref = frame["_rawref"].iloc[i]
        rejects.append((frame["source"].iloc[i], reasons.iloc[i], raws[ref[0]](ref[1])))
    good = reasons.isna().to_numpy()
    frame, tid, ts = frame[good].reset_index(drop=True), tid[good].reset_index(drop=True), ts[good].reset_index(drop=True)
    links_out, parent = links_out[good].reset_index(drop=True), parent[good].reset_index(drop=True)
    inbound = inbound[good].reset_index(drop=True)
    junk_raw = frame["response_tweet_id"].where(junk_links[good].to_numpy(), None)
    links_out = links_out.map(lambda v: v if v is not None else [])

    uf = _UnionFind()
    for t, outs, par in zip(tid, links_out, parent):
        node = int(t)
        uf.find(node)
        for other in [*outs, *par]:
            uf.union(node, int(other))
    present = tid.astype(int).to_numpy()
    roots = np.array([uf.find(int(t)) for t in present], dtype=np.int64)
    smallest = pd.Series(present).groupby(roots).transform("min")
    is_agent = ~inbound.isin(_TRUE)
    text = frame["text"].fillna("").astype(str)
    speaker = frame["author_id"].fillna("").astype(str).str.strip()
    sig = text.where(is_agent, "").map(agent_signature)

    out = pd.DataFrame(
        {
            "conversation_id": "tw-" + smallest.astype(str),
            "message_id": tid,
            "timestamp": ts,
            "role": np.where(is_agent, "agent", "customer"),
            "speaker": speaker,
            "agent": np.where(sig != "", speaker + " " + sig, ""),
            "text": text,
            "channel": "social",
            "reply_to": parent.map(lambda v: v[0] if v else None),
            "meta.response_tweet_id": links_out.map(",".join).where(junk_raw.isna(), junk_raw),
            "source": frame["source"],
        }
    )
    for col in frame.columns:
        if col.startswith("meta."):
            out[col] = frame[col]
    refs = frame["_rawref"].tolist()
    out["_rawref"] = range(len(out))
    return RawResult(out, lambda i: raws[refs[i][0]](refs[i][1]), rejects)


def _sniff(src: Source) -> int:
    first = head(src).split("\n", 1)[0].strip("\r\ufeff")
    names = {c.strip().strip('"') for c in first.split(",")}
    return 100 if set(COLUMNS) <= names else 0


register(
    Format("twitter", "Twitter customer-support layout (tweet_id, inbound, ...)", _sniff, read_twitter, default_channel="social")
)
