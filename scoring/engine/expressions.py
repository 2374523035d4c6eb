"""CEL expressions (``visible_if``, finding ``when``), compiled once and evaluated many times.

A thin wrapper over the ``cel`` module (package ``common-expression-language``, Rust core): it
turns compile failures into ``ExpressionError`` with a readable reason, records the names an
expression reads, and makes evaluation total (an expression that fails at run time is false).
Nothing is ever passed to Python ``eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import cel

__all__ = ["Expression", "ExpressionError", "compile_expression", "evaluate_bool"]

# What the cel module raises at run time: wrong operand types (null > 3), undefined variables,
# missing map keys (supplier.foo), index out of range, overflow, division by zero.
_RUNTIME_ERRORS: tuple[type[BaseException], ...] = (
    TypeError,
    ValueError,
    RuntimeError,
    LookupError,
    ArithmeticError,
)

# cel reports syntax errors as "ERROR: <input>:LINE:COLUMN: Syntax error: REASON\n| source ...".
_CEL_ERROR = re.compile(r"ERROR: <input>:(\d+):(\d+): (?:Syntax error: )?([^\n]*)")
_EXPECTING = re.compile(r"mismatched input '<EOF>' expecting .*")

# Program.variables() also lists the variables bound by comprehension macros
# (`MKT_02.exists(x, x == "a")` -> {"MKT_02", "x"}); they are not inputs, so drop them.
_MACRO_BOUND = re.compile(
    r"\.\s*(?:all|exists_one|exists|map|filter)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,"
)


class ExpressionError(ValueError):
    """A CEL expression that does not compile; ``str()`` is the human reason."""


@dataclass(frozen=True, slots=True)
class Expression:
    """A compiled CEL expression.

    ``names`` are the top-level identifiers it reads (question codes, ``supplier``), without the
    variables bound inside comprehension macros.
    """

    source: str
    names: frozenset[str]
    _program: Any = field(repr=False, compare=False, hash=False)


def _reason(message: str) -> str:
    """Shorten cel's parser message to "syntax error at column C: reason"."""
    match = _CEL_ERROR.search(message)
    if match is None:
        return message.strip() or "invalid expression"
    line, column, reason = int(match[1]), int(match[2]), match[3].strip()
    # The full ANTLR "expecting {...}" token list helps nobody writing a questionnaire.
    reason = _EXPECTING.sub("unexpected end of expression", reason)
    where = f"column {column}" if line == 1 else f"line {line}, column {column}"
    return f"syntax error at {where}: {reason}"


def compile_expression(source: str) -> Expression:
    """Compile ``source`` once; raise ``ExpressionError`` (with the reason) if it is invalid."""
    if not isinstance(source, str):
        raise ExpressionError(f"expected an expression string, got {type(source).__name__}")
    if not source.strip():
        raise ExpressionError("empty expression")
    try:
        program = cel.compile(source)
    except (ValueError, TypeError, RuntimeError) as exc:
        raise ExpressionError(_reason(str(exc))) from None
    names = set(program.variables())
    names.difference_update(_MACRO_BOUND.findall(source))
    return Expression(source=source, names=frozenset(names), _program=program)


def evaluate_bool(expr: Expression, context: Any) -> bool:
    """True only when ``expr`` evaluates to boolean true in ``context`` (a ``cel.Context``).

    Never raises: a run-time error (``null > 3``, a missing key, a type mismatch) and a non-boolean
    result both count as false, so a question whose condition reads an unanswered question stays
    hidden and a finding on an unanswered question does not fire.
    """
    try:
        return expr._program.execute(context) is True
    except _RUNTIME_ERRORS:
        return False
