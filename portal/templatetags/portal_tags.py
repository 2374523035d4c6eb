from django import template

from audits.events import event_label as _event_label

register = template.Library()


@register.filter
def event_label(verb: str) -> str:
    """``{{ event.verb|event_label }}``: the event in the reader's language."""
    return _event_label(verb)
