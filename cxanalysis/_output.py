"""The one place that writes files: atomic writes and spreadsheet-safe CSV.

* :func:`atomic_write_text` / :func:`atomic_write_bytes` / :func:`atomic_path` write to a
  temporary file in the target's folder and ``os.replace`` it over the target, so a reader (or
  a crash) never sees half a report.
* :func:`safe_csv` neutralises cells that a spreadsheet would run as a formula (OWASP "CSV
  injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return or
  line feed (or their full-width forms) gets a leading ``'``. Numeric columns are left alone,
  and so are text cells that are a plain number such as ``-12.5`` (a spreadsheet reads them as
  the number, nothing runs).
* :func:`write_csv` and :func:`write_frame` combine both.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from .errors import CxError

__all__ = [
    "FORMULA_PREFIXES",
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "neutralize_cell",
    "safe_csv",
    "write_csv",
    "write_frame",
]

#: First characters that make a spreadsheet treat a cell as a formula (with full-width forms).
FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path`` atomically.

    Parent folders are created. If the block raises, the temporary file is removed and
    ``path`` is left as it was.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (temporary file, fsync, replace); return the path."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    return Path(path)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; newlines are written as given.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = atomic_write_text(pathlib.Path(tempfile.mkdtemp()) / "r" / "index.html", "<p>ok</p>")
    >>> p.read_text()
    '<p>ok</p>'
    """
    return atomic_write_bytes(path, text.encode(encoding))


def neutralize_cell(value: object) -> object:
    """``value`` with a leading ``'`` if it is text a spreadsheet would run as a formula.

    Examples
    --------
    >>> neutralize_cell("=HYPERLINK(\\"http://x\\")"), neutralize_cell("-12.5"), neutralize_cell(3)
    ('\\'=HYPERLINK("http://x")', '-12.5', 3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_csv(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells and column names cannot start a spreadsheet formula.

    Numeric, boolean and datetime columns are returned unchanged (a negative number stays a
    number); in text, object and categorical columns every cell is passed through
    :func:`neutralize_cell`. ``df`` is not modified.

    Examples
    --------
    >>> import pandas as pd
    >>> out = safe_csv(pd.DataFrame({"text": ["=1+1", "-5", "@x", "ok"], "n": [-1, 2, 3, 4]}))
    >>> out["text"].tolist(), out["n"].tolist()
    (["'=1+1", '-5', "'@x", 'ok'], [-1, 2, 3, 4])
    """
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if not (
            pd.api.types.is_object_dtype(s.dtype)
            or pd.api.types.is_string_dtype(s.dtype)
            or isinstance(s.dtype, pd.CategoricalDtype)
        ):
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            if not any(neutralize_cell(c) is not c for c in s.cat.categories):
                continue
            s = s.astype(object)
        values = s.astype(object)
        mask = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_PREFIXES))
        if mask.any():
            values = values.copy()
            values[mask] = values[mask].map(neutralize_cell)
            out[col] = values.astype(s.dtype) if not pd.api.types.is_object_dtype(s.dtype) else values
    out.columns = [neutralize_cell(c) for c in out.columns]
    return out


def write_csv(df: pd.DataFrame, path: str | os.PathLike[str], *, index: bool = False) -> Path:
    """Write ``safe_csv(df)`` as UTF-8 CSV to ``path`` atomically; return the path."""
    safe = safe_csv(df)
    with atomic_path(path) as tmp:
        safe.to_csv(tmp, index=index, encoding="utf-8")
    return Path(path)


def write_frame(df: pd.DataFrame, path: str | os.PathLike[str]) -> Path:
    """Write a frame by the suffix of ``path`` (``.csv``, ``.parquet``, ``.jsonl``/``.ndjson``).

    CSV goes through :func:`safe_csv`; every format is written atomically.

    Raises
    ------
    CxError
        For any other suffix.
    """
    target = Path(path)
    suffix = target.suffix.casefold()
    if suffix == ".csv":
        return write_csv(df, target)
    if suffix == ".parquet":
        with atomic_path(target) as tmp:
            df.to_parquet(tmp, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        with atomic_path(target) as tmp:
            df.to_json(tmp, orient="records", lines=True, force_ascii=False, date_format="iso")
    else:
        raise CxError(f"{target}: unsupported output type {suffix!r}; use .parquet, .csv or .jsonl")
    return target
