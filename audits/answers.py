"""Answer values: what each question type accepts, and the normal form that is stored.

``clean_answer(question, value, not_applicable)`` returns the value to store or raises
``AnswerError`` with a message for that one question; the service collects the messages of a
whole batch and rejects it as a unit.

Stored forms (``Answer.value``, read back by the scoring engine as ``AnswerValue``):
``yes_no`` "yes" / "no"; ``single_choice`` a choice value; ``multi_choice`` a list of distinct
choice values in the questionnaire's order; ``number`` an int (integral values) or a float;
``text`` a stripped string; ``date`` an ISO ``YYYY-MM-DD`` string. N/A is stored as
``not_applicable=True`` with ``value=None``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from questionnaires.models import Question

TEXT_MAX_LENGTH = 5000
_EMPTY = (None, "")


class AnswerError(ValueError):
    """A value that does not fit its question; ``str(error)`` is the message for the user."""


def is_empty(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(question: Question, value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise AnswerError(_("Enter a number."))
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise AnswerError(_("Enter a number.")) from None
    if not number.is_finite():
        raise AnswerError(_("Enter a number."))
    if question.integer and number != number.to_integral_value():
        raise AnswerError(_("Enter a whole number."))
    if question.min_value is not None and number < question.min_value:
        raise AnswerError(
            _("Enter a number of at least %(min)s.") % {"min": _plain(question.min_value)}
        )
    if question.max_value is not None and number > question.max_value:
        raise AnswerError(
            _("Enter a number of at most %(max)s.") % {"max": _plain(question.max_value)}
        )
    if number == number.to_integral_value():
        return int(number)
    return float(number)


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def _date(value: object) -> str:
    if not isinstance(value, str):
        raise AnswerError(_("Enter a date as YYYY-MM-DD."))
    try:
        return datetime.date.fromisoformat(value.strip()).isoformat()
    except ValueError:
        raise AnswerError(_("Enter a date as YYYY-MM-DD.")) from None


def _choice(question: Question, value: object) -> str:
    allowed = question.choice_values
    if not isinstance(value, str) or value not in allowed:
        raise AnswerError(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, allowed))}
        )
    return value


def _multi(question: Question, value: object) -> list[str]:
    allowed = question.choice_values
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise AnswerError(_("Choose a list of values."))
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise AnswerError(
            _("Unknown choice %(values)s; choose from: %(choices)s.")
            % {"values": ", ".join(unknown), "choices": ", ".join(allowed)}
        )
    chosen = set(value)
    return [v for v in allowed if v in chosen]


def _text(question: Question, value: object) -> str:
    if not isinstance(value, str):
        raise AnswerError(_("Enter text."))
    text = value.strip()
    limit = question.max_length or TEXT_MAX_LENGTH
    if len(text) > limit:
        raise AnswerError(
            _("Enter at most %(limit)d characters (this has %(length)d).")
            % {"limit": limit, "length": len(text)}
        )
    return text


def clean_answer(question: Question, value: object, not_applicable: bool = False) -> object:
    """The stored form of ``value`` for ``question``; ``None`` means "no answer" (clear it).

    Raises ``AnswerError`` when the value does not fit: a choice not in the list, a
    multi-choice value that is not a subset, a number out of range or not whole when the
    question asks for whole numbers, a malformed date, a text that is too long, or N/A on a
    question that does not allow it.
    """
    if not_applicable:
        if not question.allow_na:
            raise AnswerError(_("This question cannot be answered “not applicable”."))
        if not is_empty(value) and value != []:
            raise AnswerError(_("Give either a value or “not applicable”, not both."))
        return None
    if is_empty(value):
        return None
    kind = question.type
    if kind in (Question.Type.YES_NO, Question.Type.SINGLE_CHOICE):
        return _choice(question, value)
    if kind == Question.Type.MULTI_CHOICE:
        return _multi(question, value)
    if kind == Question.Type.NUMBER:
        return _number(question, value)
    if kind == Question.Type.DATE:
        return _date(value)
    return _text(question, value)


def has_answer(value: object, not_applicable: bool) -> bool:
    """Whether a stored answer counts for "required": N/A counts, an empty list counts (an
    explicit "none of these"), an empty value does not."""
    return bool(not_applicable) or value not in _EMPTY
