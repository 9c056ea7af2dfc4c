"""ConvoKit corpora: read a corpus folder, and write the canonical frame as one (:func:`to_convokit`).

A ConvoKit corpus folder holds ``utterances.jsonl`` (one utterance per line: ``id``,
``conversation_id`` (older: ``root``), ``speaker`` (older: ``user``), ``text``, ``reply_to``,
``timestamp``, ``meta``), ``conversations.json`` and ``speakers.json`` (``{id: {"meta": ...}}``),
``corpus.json`` and ``index.json``. Reading a folder hands all of these files to this reader.

- ``conversation_id``: the utterance's ``conversation_id``; ``message_id``: its ``id``;
  ``reply_to``, ``speaker``, ``text`` and ``timestamp`` (Unix seconds or ISO 8601) as given.
- ``role``: the utterance's ``meta.role`` if present (labels through the en/zh/ja/ru alias
  table), else ``roles=`` on the speaker. Utterance ``meta`` keys named like canonical columns
  (``role``, ``agent``, ``channel``, ``lang``) fill those columns; every other key ``k``
  becomes ``meta.k`` (a key already written as ``meta.k`` keeps its name). Conversation and
  speaker metadata become ``meta.conversation.<k>`` and ``meta.speaker.<k>``.
- ``source``: ``utterances.jsonl:line``; lines that are not JSON objects with an ``id`` are
  rejected. ``channel`` defaults to other.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import ParseError
from ..schema import META_PREFIX
from ._build import RawResult
from ._jsondoc import load_json, loads
from ._registry import Format, register
from ._source import Source, head

UTTERANCES = "utterances.jsonl"
COMPANIONS = ("conversations.json", "speakers.json", "users.json", "corpus.json", "index.json")
#: canonical columns kept in an utterance's ``meta`` (ConvoKit has no field for them)
META_CANONICAL = ("role", "agent", "channel", "lang")
_CONV_META = META_PREFIX + "conversation."
_SPEAKER_META = META_PREFIX + "speaker."


def _folder(src: Source) -> str:
    return os.path.dirname(src.name)


def _companion(sources: dict[tuple[str, str], Source], folder: str, name: str, encoding: str | None) -> dict[str, Any]:
    src = sources.get((folder, name))
    if src is None:
        path = Path(folder) / name
        if not folder or not path.is_file():
            return {}
        src = Source(path.as_posix(), path.read_bytes(), path)
    data = load_json(src, encoding)
    if not isinstance(data, dict):
        raise ParseError(f"{name} must hold a JSON object keyed by id", src.name)
    return data


def _meta_of(entry: Any) -> dict[str, Any]:
    meta = entry.get("meta") if isinstance(entry, dict) else None
    return meta if isinstance(meta, dict) else {}


def _cell(value: Any) -> Any:
    """Nested metadata as JSON text, so every column holds scalars."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value


def read_convokit(sources: list[Source], *, encoding: str | None = None, **_: Any) -> RawResult:
    """Read ConvoKit corpus folders (their ``utterances.jsonl`` plus companion files)."""
    by_name = {(_folder(s), os.path.basename(s.name)): s for s in sources}
    rows: list[dict[str, Any]] = []
    raws: list[str] = []
    rejects: list[tuple[str, str, str]] = []
    for src in sources:
        if os.path.basename(src.name) in COMPANIONS:
            continue
        folder = _folder(src)
        conversations = _companion(by_name, folder, "conversations.json", encoding)
        speakers = _companion(by_name, folder, "speakers.json", encoding) or _companion(by_name, folder, "users.json", encoding)
        # JSON Lines break on \n only: str.splitlines() would also cut at U+2028, U+0085 ... in a text
        for number, line in enumerate(src.text(encoding).lstrip("\ufeff").split("\n"), start=1):
            line = line.removesuffix("\r")
            if not line.strip():
                continue
            where = f"{src.name}:{number}"
            try:
                utt = loads(line)
            except json.JSONDecodeError as exc:
                rejects.append((where, f"not valid JSON: {exc.msg}", line))
                continue
            except ValueError as exc:  # nested too deeply
                rejects.append((where, str(exc), line))
                continue
            if not isinstance(utt, dict) or utt.get("id") in (None, ""):
                rejects.append((where, "utterance is not a JSON object with an 'id'", line))
                continue
            conv = utt.get("conversation_id", utt.get("root"))
            speaker = utt.get("speaker", utt.get("user"))
            speaker = speaker.get("id", "") if isinstance(speaker, dict) else ("" if speaker is None else str(speaker))
            row: dict[str, Any] = {
                "conversation_id": conv,
                "message_id": utt["id"],
                "timestamp": utt.get("timestamp"),
                "speaker": speaker,
                "text": utt.get("text") or "",
                "reply_to": utt.get("reply_to"),
                "source": where,
                "_rawref": len(raws),
            }
            for key, value in _meta_of(utt).items():
                if key in META_CANONICAL:
                    row[key] = value
                else:
                    row[key if key.startswith(META_PREFIX) else META_PREFIX + key] = _cell(value)
            for key, value in _meta_of(conversations.get(str(conv))).items():
                row[_CONV_META + key] = _cell(value)
            for key, value in _meta_of(speakers.get(speaker)).items():
                row[_SPEAKER_META + key] = _cell(value)
            rows.append(row)
            raws.append(line)
    frame = pd.DataFrame(rows)
    if frame.empty:
        frame = pd.DataFrame(columns=["conversation_id", "message_id", "text", "source", "_rawref"])
    if "timestamp" in frame.columns:
        ts = frame["timestamp"].astype(object).where(frame["timestamp"].notna(), None)
        numeric = ts.map(lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)))
        # all numbers: Unix seconds (or ms) as numbers; mixed: as text (epoch text and ISO 8601 both parse)
        frame["timestamp"] = (
            pd.to_numeric(ts, errors="coerce") if numeric.all() else ts.map(lambda v: None if v is None else str(v))
        )
    return RawResult(frame, raws.__getitem__, rejects)


def _is_utterance_line(src: Source) -> bool:
    first = head(src).lstrip("\ufeff").split("\n", 1)[0].strip()
    try:
        obj = loads(first)
    except ValueError:  # not JSON, or nested too deeply
        return False
    if not isinstance(obj, dict):
        return False
    keys = set(obj)
    return (
        "id" in keys
        and "text" in keys
        and bool(keys & {"conversation_id", "root"})
        and bool(keys & {"speaker", "user"})
        and "reply_to" in keys
    )


def _sniff(src: Source) -> int:
    base = os.path.basename(src.name)
    if base in COMPANIONS:
        return 95 if src.path is not None and (src.path.parent / UTTERANCES).is_file() else 0
    if _is_utterance_line(src):
        return 95 if base == UTTERANCES else 85
    return 0


register(
    Format("convokit", "ConvoKit corpus folder (utterances.jsonl, conversations.json, speakers.json)", _sniff, read_convokit)
)


# --------------------------------------------------------------------------- writing


def _plain(value: Any) -> Any:
    """A JSON-ready Python value: missing → None, numpy scalars → Python, times → ISO text."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (ValueError, AttributeError):
            pass
    return value


def _timestamp(value: Any) -> Any:
    if value is None or pd.isna(value):
        return None
    ts = pd.Timestamp(value)
    seconds = (ts - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)
    return int(seconds) if float(seconds).is_integer() else ts.isoformat()


def _index(entries: dict[str, Any] | list[dict[str, Any]]) -> dict[str, list[str]]:
    values = entries.values() if isinstance(entries, dict) else entries
    index: dict[str, list[str]] = {}
    for entry in values:
        for key, value in entry["meta"].items():
            kind = str(type(value))
            if value is not None and kind not in index.setdefault(key, []):
                index[key].append(kind)
    return index


def to_convokit(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write the canonical frame as a ConvoKit corpus folder.

    Writes ``utterances.jsonl`` (one utterance per message, in frame order), ``conversations.json``,
    ``speakers.json``, ``corpus.json`` and ``index.json``. An utterance's ``meta`` holds
    ``role``, ``agent``, ``channel`` and ``lang`` and every ``meta.*`` column (without the
    prefix; ``meta.conversation.*`` and ``meta.speaker.*`` columns go to the conversation and
    speaker entries instead). ``timestamp`` is written as Unix seconds (ISO 8601 text when it
    has a fraction of a second). Reading the folder back with ``read_transcripts(path)`` gives
    the same messages and fields.

    Parameters
    ----------
    df
        A canonical transcript frame (see :func:`cxanalysis.read_transcripts`).
    path
        The folder to write (created if needed; existing corpus files are replaced).

    Returns
    -------
    Path
        The folder written.

    Examples
    --------
    >>> import tempfile, cxanalysis as cx
    >>> df = cx.read_transcripts(b"ticket_id,author,sender_type,body\\n7,Ana,agent,Hi!\\n")
    >>> folder = cx.to_convokit(df, tempfile.mkdtemp())
    >>> sorted(p.name for p in folder.iterdir())
    ['conversations.json', 'corpus.json', 'index.json', 'speakers.json', 'utterances.jsonl']
    """
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    meta_cols = [c for c in df.columns if c.startswith(META_PREFIX)]
    utt_meta = [c for c in meta_cols if not c.startswith((_CONV_META, _SPEAKER_META))]
    conv_meta = [c for c in meta_cols if c.startswith(_CONV_META)]
    spk_meta = [c for c in meta_cols if c.startswith(_SPEAKER_META)]
    utterances: list[dict[str, Any]] = []
    conversations: dict[str, dict[str, Any]] = {}
    speakers: dict[str, dict[str, Any]] = {}
    records = df.to_dict("records")
    for rec in records:
        meta = {key: _plain(rec[key]) for key in META_CANONICAL if key in rec}
        for col in utt_meta:
            key = col[len(META_PREFIX) :]
            meta[col if key in META_CANONICAL else key] = _plain(rec[col])
        conv = str(rec["conversation_id"])
        speaker = str(_plain(rec.get("speaker")) or "")
        utterances.append(
            {
                "id": str(rec["message_id"]),
                "conversation_id": conv,
                "speaker": speaker,
                "text": str(rec.get("text") or ""),
                "reply_to": _plain(rec.get("reply_to")),
                "timestamp": _timestamp(rec.get("timestamp")),
                "meta": meta,
                "vectors": [],
            }
        )
        entry = conversations.setdefault(conv, {"meta": {}, "vectors": []})
        for col in conv_meta:
            entry["meta"].setdefault(col[len(_CONV_META) :], _plain(rec[col]))
        sp = speakers.setdefault(speaker, {"meta": {}, "vectors": []})
        for col in spk_meta:
            sp["meta"].setdefault(col[len(_SPEAKER_META) :], _plain(rec[col]))
    with open(out / UTTERANCES, "w", encoding="utf-8") as fh:
        for utt in utterances:
            fh.write(json.dumps(utt, ensure_ascii=False) + "\n")
    (out / "conversations.json").write_text(json.dumps(conversations, ensure_ascii=False), encoding="utf-8")
    (out / "speakers.json").write_text(json.dumps(speakers, ensure_ascii=False), encoding="utf-8")
    (out / "corpus.json").write_text("{}", encoding="utf-8")
    index = {
        "utterances-index": _index(utterances),
        "speakers-index": _index(speakers),
        "conversations-index": _index(conversations),
        "overall-index": {},
        "version": 1,
        "vectors": [],
    }
    (out / "index.json").write_text(json.dumps(index, ensure_ascii=False), encoding="utf-8")
    return out
