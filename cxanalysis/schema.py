"""The canonical transcript frame: one row per message.

Every reader returns a frame with exactly these columns (plus any number of ``meta.*``
columns), and :func:`validate` checks it. See ``docs/formats.md`` for how each reader derives
the ids.

==============  ==================  ==========================================================
column          dtype               meaning
==============  ==================  ==========================================================
conversation_id text                thread / ticket / chat id
message_id      text                unique within the frame
turn            int64               0-based order in the conversation
timestamp       datetime64[*, UTC]  NaT allowed
role            category            customer, agent, bot, system, unknown
speaker         text                handle or name as written ("" if none)
agent           text                the individual agent when known, else speaker for agent rows
text            text                message body
channel         category            chat, email, social, sms, voice, other
lang            text                ISO 639-1 code or "und"
lang_source     category            source, caller, detected
reply_to        text                message_id this one answers (missing allowed)
source          text                ``file:line`` or ``file#record`` or ``<buffer>``
==============  ==================  ==========================================================

"text" is pandas' string dtype as the installed pandas defines it (pandas 3: ``str``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import SchemaError

ROLES: tuple[str, ...] = ("customer", "agent", "bot", "system", "unknown")
CHANNELS: tuple[str, ...] = ("chat", "email", "social", "sms", "voice", "other")
LANG_SOURCES: tuple[str, ...] = ("source", "caller", "detected")
UNDETERMINED = "und"

TEXT_COLUMNS: tuple[str, ...] = (
    "conversation_id",
    "message_id",
    "speaker",
    "agent",
    "text",
    "lang",
    "reply_to",
    "source",
)
CATEGORIES: dict[str, tuple[str, ...]] = {
    "role": ROLES,
    "channel": CHANNELS,
    "lang_source": LANG_SOURCES,
}
COLUMNS: tuple[str, ...] = (
    "conversation_id",
    "message_id",
    "turn",
    "timestamp",
    "role",
    "speaker",
    "agent",
    "text",
    "channel",
    "lang",
    "lang_source",
    "reply_to",
    "source",
)
#: Columns that may hold missing values; every other text column is filled ("" when empty).
NULLABLE: frozenset[str] = frozenset({"timestamp", "reply_to"})
META_PREFIX = "meta."

TEXT_DTYPE = pd.StringDtype(na_value=np.nan)
TIMESTAMP_DTYPE = pd.DatetimeTZDtype("us", "UTC")


def category_dtype(column: str) -> pd.CategoricalDtype:
    """The categorical dtype of ``role``, ``channel`` or ``lang_source``."""
    return pd.CategoricalDtype(list(CATEGORIES[column]), ordered=False)


def empty_frame() -> pd.DataFrame:
    """A canonical frame with no rows and the right dtypes."""
    data = {}
    for col in COLUMNS:
        if col in TEXT_COLUMNS:
            data[col] = pd.Series([], dtype=TEXT_DTYPE)
        elif col in CATEGORIES:
            data[col] = pd.Series([], dtype=category_dtype(col))
        elif col == "turn":
            data[col] = pd.Series([], dtype="int64")
        else:
            data[col] = pd.Series([], dtype=TIMESTAMP_DTYPE)
    return pd.DataFrame(data)


def _problem(df: pd.DataFrame, col: str) -> str | None:
    s = df[col]
    if col in TEXT_COLUMNS:
        if not isinstance(s.dtype, pd.StringDtype):
            return f"{col!r} must be pandas' string dtype (str), found {s.dtype}"
        if col not in NULLABLE and s.isna().any():
            row = int(np.flatnonzero(s.isna().to_numpy())[0])
            return f"{col!r} has missing values (first at row {row})"
    elif col in CATEGORIES:
        if not isinstance(s.dtype, pd.CategoricalDtype):
            return f"{col!r} must be categorical, found {s.dtype}"
        extra = set(s.cat.categories) - set(CATEGORIES[col])
        if extra:
            return f"{col!r} has categories {sorted(extra)}; valid: {list(CATEGORIES[col])}"
        if s.isna().any():
            return f"{col!r} has missing values; valid: {list(CATEGORIES[col])}"
    elif col == "turn":
        if not pd.api.types.is_integer_dtype(s.dtype):
            return f"'turn' must be an integer dtype, found {s.dtype}"
    elif col == "timestamp":
        tz = getattr(s.dtype, "tz", None)
        if not isinstance(s.dtype, pd.DatetimeTZDtype) or str(tz) != "UTC":
            return f"'timestamp' must be datetime64 with tz UTC, found {s.dtype}"
    return None


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` is a canonical transcript frame and return it unchanged.

    Raises
    ------
    SchemaError
        Naming every missing or ill-typed column, and duplicate message ids.

    Examples
    --------
    >>> from cxanalysis.schema import empty_frame, validate
    >>> validate(empty_frame()).shape
    (0, 13)
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"expected a pandas DataFrame, got {type(df).__name__}")
    problems = [f"missing column {c!r}" for c in COLUMNS if c not in df.columns]
    problems += [p for c in COLUMNS if c in df.columns and (p := _problem(df, c))]
    if "message_id" in df.columns and not problems:
        dup = df["message_id"].duplicated()
        if dup.any():
            first = df["message_id"][dup].iloc[0]
            problems.append(f"'message_id' is not unique ({int(dup.sum())} duplicates, e.g. {first!r})")
    if problems:
        raise SchemaError("not a canonical transcript frame: " + "; ".join(problems))
    return df


def meta_columns(df: pd.DataFrame) -> list[str]:
    """The ``meta.*`` columns of a frame, in order."""
    return [c for c in df.columns if str(c).startswith(META_PREFIX)]
