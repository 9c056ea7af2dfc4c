"""The format registry: one entry per input format, with a sniffer and a reader.

A format's ``sniff(source)`` returns a confidence from 0 (not this format) to 100; the format
with the highest confidence above :data:`MIN_CONFIDENCE` reads the file. Its ``read(sources,
**options)`` takes every file of that format at once (threads may span files, as email threads
do) and returns a :class:`~cxanalysis.readers._build.RawResult`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ._build import RawResult
from ._source import Source

MIN_CONFIDENCE = 20


@dataclass(frozen=True)
class Format:
    """A registered input format."""

    name: str
    description: str
    sniff: Callable[[Source], int]
    read: Callable[..., RawResult]
    default_channel: str = "other"
    #: options this format accepts besides the common ones
    options: tuple[str, ...] = ()


FORMATS: dict[str, Format] = {}


def register(fmt: Format) -> Format:
    """Add (or replace) a format in the registry."""
    FORMATS[fmt.name] = fmt
    return fmt


def best_guess(source: Source) -> tuple[str | None, int]:
    """The format with the highest confidence for ``source``, however low (None if all are 0)."""
    best, score = None, 0
    for fmt in FORMATS.values():
        s = fmt.sniff(source)
        if s > score:
            best, score = fmt.name, s
    return best, score


def sniff(source: Source) -> tuple[str | None, int]:
    """The best format for ``source`` and its confidence (None when nothing reaches the bar)."""
    best, score = best_guess(source)
    return (best, score) if score >= MIN_CONFIDENCE else (None, score)
