"""Input sources: paths, folders, globs and file-like objects, read as bytes and decoded."""

from __future__ import annotations

import codecs
import fnmatch
import glob
import io
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ParseError

#: Minimum charset-normalizer coherence (1 - chaos) to accept a detected encoding.
MIN_ENCODING_CONFIDENCE = 0.8

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass
class Source:
    """One input file (or buffer): its display name and its bytes."""

    name: str
    data: bytes
    path: Path | None = None

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.casefold() if self.name != "<buffer>" else ""

    def text(self, encoding: str | None = None) -> str:
        """Decode: explicit ``encoding``, else byte-order mark, strict UTF-8, detection."""
        return decode(self.data, self.name, encoding)


def decode(data: bytes, name: str, encoding: str | None = None) -> str:
    """Decode bytes following DESIGN section 2 (BOM → strict UTF-8 → charset detection)."""
    if encoding:
        try:
            return data.decode(encoding)
        except LookupError as exc:
            raise ParseError(f"unknown encoding {encoding!r}", name) from exc
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ParseError(
                f"cannot decode byte {data[exc.start : exc.start + 1]!r} at offset {exc.start} as {encoding}; check encoding=",
                name,
                line,
            ) from exc
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"starts with a {codec} byte-order mark but does not decode as {codec}: {exc.reason}", name
                ) from exc
    codec = _bomless_utf16(data)
    if codec is not None:
        return data.decode(codec)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as first:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or (1.0 - best.chaos) < MIN_ENCODING_CONFIDENCE:
            line = data[: first.start].count(b"\n") + 1
            guess = f" (best guess {best.encoding}, confidence {1 - best.chaos:.2f})" if best else ""
            raise ParseError(
                f"not valid UTF-8 (byte {data[first.start : first.start + 1]!r} at offset {first.start}) "
                f"and the encoding could not be detected with confidence{guess}; pass encoding=, "
                "e.g. encoding='gb18030', 'shift_jis' or 'cp1251'",
                name,
                line,
            ) from first
        return str(best)


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` for UTF-16 text without a byte-order mark, else None.

    Every ASCII character (digits, spaces, punctuation, markup) of UTF-16 text has a NUL high
    byte, and hardly any character a NUL low byte; text files in single- or multi-byte
    encodings have no NUL bytes at all. A file whose odd (LE) or even (BE) bytes are at least
    10% NUL while the other half has almost none, and that decodes strictly without NUL
    characters, is taken as UTF-16.
    """
    sample = data[:4096]
    if len(sample) < 8 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for codec, high, low in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if high.count(0) >= 0.1 * len(high) and low.count(0) <= 0.01 * len(low):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            if "\x00" not in text:
                return codec
    return None


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def expand(source: Any, exclude: Iterable[str] = (), lazy: bool = False) -> tuple[list[Source], bool]:
    """Turn ``source`` into a list of :class:`Source`; the flag says whether it named many files.

    A folder is walked recursively (hidden files and folders skipped, ``exclude`` globs matched
    against paths relative to the folder); a string with ``*``/``?``/``[`` is a glob. With
    ``lazy``, a file's :class:`Source` holds only its first bytes (enough to sniff) and its
    path: streaming readers open the file themselves.
    """
    exclude = list(exclude or ())
    if hasattr(source, "read"):
        data = source.read()
        if isinstance(data, str):
            data = data.encode("utf-8")
        name = getattr(source, "name", None)
        name = name if isinstance(name, str) else "<buffer>"
        return [Source(name, data)], False
    if isinstance(source, (bytes, bytearray)):
        return [Source("<buffer>", bytes(source))], False
    if isinstance(source, (list, tuple)):
        out: list[Source] = []
        for item in source:
            out.extend(expand(item, exclude, lazy)[0])
        return out, True
    text = os.fspath(source)
    path = Path(text)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not _is_hidden(p, path))
        files = [p for p in files if not any(fnmatch.fnmatch(p.relative_to(path).as_posix(), pat) for pat in exclude)]
        return [_load(p, lazy) for p in files], True
    if any(ch in text for ch in "*?["):
        matches = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        if not matches:
            raise ParseError("the glob matched no files", text)
        return [_load(p, lazy) for p in matches], True
    if not path.exists():
        raise ParseError("no such file or folder", text)
    return [_load(path, lazy)], False


#: bytes a lazy :class:`Source` holds for sniffing
LAZY_HEAD = 1 << 16


def _load(path: Path, lazy: bool = False) -> Source:
    try:
        if lazy:
            with open(path, "rb") as fh:
                return Source(path.as_posix(), fh.read(LAZY_HEAD), path)
        return Source(path.as_posix(), path.read_bytes(), path)
    except OSError as exc:
        raise ParseError(f"cannot read: {exc.strerror}", path.as_posix()) from exc


def head(source: Source, n: int = 4096) -> str:
    """The first bytes of a source, decoded leniently, for sniffing."""
    data = source.data[:n]
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="ignore")
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="replace").read()
