"""Quote-aware CSV/TSV record reading with physical line numbers.

Python's csv module reads the records (it honours quoting); we feed it physical lines split on
``\\n`` only, so each record's 1-based starting line is known. A bare carriage return (``\\r``
not followed by ``\\n``) inside an unquoted field is data, not a line break: it is swapped for a
private-use placeholder before parsing and restored afterwards, so such a record comes out
whole (pandas' and csv's own parsers would split it).
"""

from __future__ import annotations

import csv
import re
import sys
from dataclasses import dataclass, field

_BARE_CR = re.compile(r"\r(?!\n)")
_PLACEHOLDERS = ("\ue000", "\ue001", "\ue002", "\U000f0000")

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


@dataclass
class CsvRecords:
    """The parsed records of one CSV text."""

    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    #: 1-based physical line where each good row starts
    lines: list[int] = field(default_factory=list)
    #: (line, reason, raw) of records that could not be parsed or have the wrong field count
    bad: list[tuple[int, str, str]] = field(default_factory=list)
    header_line: int = 1
    placeholder: str | None = None
    physical: list[str] = field(default_factory=list, repr=False)
    spans: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def raw(self, i: int) -> str:
        """The raw text of good row ``i`` (its physical lines)."""
        start, end = self.spans[i]
        text = "".join(self.physical[start - 1 : end])
        return text.replace(self.placeholder, "\r") if self.placeholder else text

    def restore(self, value: str) -> str:
        return value.replace(self.placeholder, "\r") if self.placeholder and self.placeholder in value else value


def read_records(text: str, delimiter: str = ",") -> CsvRecords:
    """Split ``text`` into CSV records; the first non-blank record is the header."""
    placeholder = None
    if "\r" in text and _BARE_CR.search(text):
        placeholder = next((p for p in _PLACEHOLDERS if p not in text), None)
        if placeholder is not None:
            text = _BARE_CR.sub(placeholder, text)
    parts = text.split("\n")
    physical = [p + "\n" for p in parts[:-1]]
    if parts[-1]:
        physical.append(parts[-1])
    reader = csv.reader(iter(physical), delimiter=delimiter, strict=False)
    out = CsvRecords(header=[], placeholder=placeholder, physical=physical)
    prev = 0
    header: list[str] | None = None
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start, prev = prev + 1, reader.line_num
            out.bad.append((start, f"CSV syntax error: {exc}", "".join(physical[start - 1 : prev])))
            continue
        start, prev = prev + 1, reader.line_num
        if not rec:
            continue  # a blank line holds no record
        if header is None:
            header = [out_restore(h, placeholder).strip().lstrip("\ufeff") for h in rec]
            out.header, out.header_line = header, start
            continue
        if len(rec) != len(header):
            raw = "".join(physical[start - 1 : prev])
            if placeholder:
                raw = raw.replace(placeholder, "\r")
            out.bad.append((start, f"expected {len(header)} fields as in the header, found {len(rec)}", raw))
            continue
        out.rows.append(rec)
        out.lines.append(start)
        out.spans.append((start, prev))
    return out


def out_restore(value: str, placeholder: str | None) -> str:
    return value.replace(placeholder, "\r") if placeholder else value
