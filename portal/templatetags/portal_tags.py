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
