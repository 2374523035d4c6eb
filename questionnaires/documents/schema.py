"""What a questionnaire document may hold: types, keys, codes, and how values are read."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from questionnaires.models import Category

QUESTION_TYPES = ("yes_no", "single_choice", "multi_choice", "number", "text", "date")
CHOICE_TYPES = ("single_choice", "multi_choice")
EVIDENCE_LEVELS = ("none", "optional", "required")
CATEGORIES = tuple(Category.values)

TOP_KEYS = ("code", "version", "languages", "title", "description", "sections")
SECTION_KEYS = ("code", "title", "questions")
COMMON_KEYS = (
    "code",
    "type",
    "text",
    "help",
    "required",
    "allow_na",
    "evidence",
    "visible_if",
    "category",
    "refs",
)
# Keys a question of each type may carry besides the common ones.
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "yes_no": (),
    "single_choice": ("choices",),
    "multi_choice": ("choices",),
    "number": ("min", "max", "integer", "unit"),
    "text": ("max_length",),
    "date": (),
}
ALL_QUESTION_KEYS = frozenset(COMMON_KEYS).union(*TYPE_KEYS.values())

QUESTIONNAIRE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SECTION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# Question codes are CEL variables, so they must be identifiers.
QUESTION_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
CEL_RESERVED = frozenset(
    {
        "supplier",
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)


def choice_value(value: object) -> str | None:
    """A choice value as a string; YAML 1.1 reads unquoted yes / no as booleans, undo that."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def plain_number(value: object) -> int | float | None:
    """A number as int when integral, else float; None for anything that is not a number."""
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, str | int | float | Decimal):
        return None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)
