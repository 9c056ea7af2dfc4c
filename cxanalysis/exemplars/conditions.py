"""Playbook conditions: small, safe expressions over the conversation columns.

A condition is a Python-like expression that :func:`compile_condition` checks once and
:meth:`Condition.evaluate` runs on a whole ``feats.conversations`` frame at a time::

    warmth_self_intro > 0
    resolution_refund + resolution_replacement > 0 and precision_commitment > 0
    latency_first_reply_s <= norms.first_reply_s
    channel == "chat" and idle_after_silence > 0
    notna(language_mismatches)

Allowed: column names, numbers and strings, ``norms.<name>``, ``+ - * /``, comparisons,
``and`` / ``or`` / ``not``, ``isna(x)`` / ``notna(x)``, and the word ``always``. Nothing else
(no attribute access, no calls, no subscripts) parses, so a playbook file cannot run code.

Logic is three-valued (Kleene): a comparison with a missing value (an untimed conversation's
latency, a count in a language without a lexicon) is unknown, ``unknown and False`` is False,
``unknown or True`` is True. The scorer treats an unknown condition as "cannot judge" (n/a).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

_COMPARE = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
}
_ARITH = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
_FUNCS = ("isna", "notna")


class ConditionError(ValueError):
    """A condition that does not parse or uses something not allowed (message says what)."""


@dataclass(frozen=True)
class Condition:
    """A checked condition: its source text, the columns and norms it reads."""

    source: str
    tree: ast.Expression = field(repr=False, compare=False)
    columns: tuple[str, ...] = ()
    norms: tuple[str, ...] = ()

    def evaluate(self, frame: pd.DataFrame, norms: dict | None = None) -> pd.Series:
        """Evaluate on every row of ``frame``: a nullable boolean Series (NA = unknown)."""
        missing = [c for c in self.columns if c not in frame.columns]
        if missing:
            raise ConditionError(f"{self.source!r} reads column(s) {missing} that the conversations frame lacks")
        norms = norms or {}
        lacking = [n for n in self.norms if n not in norms]
        if lacking:
            raise ConditionError(f"{self.source!r} reads norm(s) {lacking} that are not set")
        value = _eval(self.tree.body, frame, norms)
        return _as_bool(value, frame.index)


def _as_bool(value, index) -> pd.Series:
    if isinstance(value, pd.Series):
        if pd.api.types.is_bool_dtype(value.dtype):
            return value.astype("boolean")
        return (value.astype("Float64") != 0).astype("boolean")
    if value is pd.NA or value is None:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return pd.Series(bool(value), index=index, dtype="boolean")


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    s = frame[name]
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("boolean")
    if pd.api.types.is_numeric_dtype(s.dtype):
        return s.astype("Float64")
    return s.astype("string")


def _eval(node, frame, norms):
    if isinstance(node, ast.BoolOp):
        values = [_as_bool(_eval(v, frame, norms), frame.index) for v in node.values]
        out = values[0]
        for v in values[1:]:
            out = (out & v) if isinstance(node.op, ast.And) else (out | v)
        return out
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, frame, norms)
        if isinstance(node.op, ast.Not):
            return ~_as_bool(v, frame.index)
        return -v
    if isinstance(node, ast.BinOp):
        return _ARITH[type(node.op)](_eval(node.left, frame, norms), _eval(node.right, frame, norms))
    if isinstance(node, ast.Compare):
        left = _eval(node.left, frame, norms)
        out = None
        for op, right_node in zip(node.ops, node.comparators):
            right = _eval(right_node, frame, norms)
            part = _as_bool(_COMPARE[type(op)](left, right), frame.index)
            out = part if out is None else (out & part)
            left = right
        return out
    if isinstance(node, ast.Call):
        arg = _eval(node.args[0], frame, norms)
        isna = arg.isna() if isinstance(arg, pd.Series) else pd.Series(arg is pd.NA, index=frame.index)
        return (isna if node.func.id == "isna" else ~isna).astype("boolean")
    if isinstance(node, ast.Attribute):
        v = norms[node.attr]
        return pd.NA if v is None else v
    if isinstance(node, ast.Name):
        if node.id == "always":
            return True
        return _column(frame, node.id)
    if isinstance(node, ast.Constant):
        return node.value
    raise ConditionError(f"cannot evaluate {ast.dump(node)}")  # pragma: no cover - compile_condition rejects it


def compile_condition(source: str) -> Condition:
    """Parse and check a condition; :class:`ConditionError` says what is not allowed."""
    if not isinstance(source, str) or not source.strip():
        raise ConditionError("a condition must be a non-empty string")
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        raise ConditionError(f"{source!r} is not a valid expression: {exc.msg}") from None
    columns: list[str] = []
    norms: list[str] = []

    def check(node) -> None:
        if isinstance(node, ast.BoolOp | ast.UnaryOp | ast.BinOp | ast.Compare | ast.Expression):
            if isinstance(node, ast.UnaryOp) and not isinstance(node.op, ast.Not | ast.USub):
                raise ConditionError(f"{source!r}: operator {type(node.op).__name__} is not allowed")
            if isinstance(node, ast.BinOp) and type(node.op) not in _ARITH:
                raise ConditionError(f"{source!r}: operator {type(node.op).__name__} is not allowed")
            if isinstance(node, ast.Compare) and any(type(o) not in _COMPARE for o in node.ops):
                raise ConditionError(f"{source!r}: only ==, !=, <, <=, >, >= compare")
            for child in ast.iter_child_nodes(node):
                if not isinstance(child, ast.operator | ast.boolop | ast.unaryop | ast.cmpop):
                    check(child)
            return
        if isinstance(node, ast.Call):
            if not (isinstance(node.func, ast.Name) and node.func.id in _FUNCS and len(node.args) == 1 and not node.keywords):
                raise ConditionError(f"{source!r}: the only functions are isna(x) and notna(x)")
            check(node.args[0])
            return
        if isinstance(node, ast.Attribute):
            if not (isinstance(node.value, ast.Name) and node.value.id == "norms"):
                raise ConditionError(f"{source!r}: only norms.<name> may use a dot")
            norms.append(node.attr)
            return
        if isinstance(node, ast.Name):
            if node.id not in ("always", "norms") and node.id not in columns:
                columns.append(node.id)
            if node.id == "norms":
                raise ConditionError(f"{source!r}: write norms.<name>")
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str) and not isinstance(node.value, bool):
            return
        raise ConditionError(f"{source!r}: {type(node).__name__} is not allowed in a condition")

    check(tree)
    return Condition(source.strip(), tree, tuple(columns), tuple(norms))
