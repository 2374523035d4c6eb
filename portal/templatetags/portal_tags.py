from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

from activity.labels import event_label as _event_label
from questionnaires.models import Category
from rulesets.models import Rating
from scoring.models import Severity

register = template.Library()


@register.filter
def event_label(verb: str) -> str:
    """``{{ event.verb|event_label }}``: the event in the reader's language."""
    return _event_label(verb)


def _choice_label(choices, value):
    if value in (None, ""):
        return ""
    return str(dict(choices.choices).get(value, value))


@register.filter
def category_label(value: str) -> str:
    return _choice_label(Category, value)


@register.filter
def rating_label(value: str) -> str:
    return _choice_label(Rating, value)


@register.filter
def severity_label(value: str) -> str:
    return _choice_label(Severity, value)


@register.filter
def excluded_label(value: str) -> str:
    """Why the score trace left a question out."""
    from django.utils.translation import gettext

    return {"hidden": gettext("hidden"), "not_applicable": gettext("not applicable")}.get(
        value or "", value or ""
    )


def readable_number(value: object, places: int = 2) -> str:
    """A number for reading: at most ``places`` decimals, no trailing zeros ("82.69", "90",
    "0.5"); the exact values stay in the API. Anything not a number is returned as text."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def readable(value: object) -> str:
    """``{{ trace_value|readable }}``: at most two decimals."""
    return readable_number(value, 2)


@register.filter
def score(value: object) -> str:
    """``{{ score.overall|score }}``: a score as shown everywhere, one decimal ("90.3", "75.0");
    a dash when there is none."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return format(number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), "f")
