"""Exception and warning classes of cxanalysis.

Every error raised on purpose by the package is a :class:`CxError`; its message names the
file, line, row or column concerned and, where there is a fixed set, the valid choices.
"""

from __future__ import annotations


class CxError(Exception):
    """Base class of the errors cxanalysis raises on purpose."""


class SchemaError(CxError, ValueError):
    """A frame does not follow the canonical transcript schema (see :mod:`cxanalysis.schema`)."""


class ParseError(CxError, ValueError):
    """An input could not be read.

    Parameters
    ----------
    message
        What is wrong and what to do about it.
    source
        The file (or ``<buffer>``) the problem was found in.
    line
        1-based physical line, when known.
    """

    def __init__(self, message: str, source: str | None = None, line: int | None = None):
        self.source = source
        self.line = line
        where = ""
        if source is not None:
            where = f"{source}:{line}: " if line is not None else f"{source}: "
        super().__init__(where + message)


class ConfigError(CxError, ValueError):
    """A configuration file or option is invalid."""


class CxWarning(UserWarning):
    """Base class of the warnings cxanalysis emits (unmapped roles, skipped files, ...)."""


class RoleWarning(CxWarning):
    """Some messages got the role ``unknown`` because their role or speaker was not mapped."""
