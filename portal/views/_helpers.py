"""Helpers shared by the buyer and supplier pages: the page guard of each side, ownership, service
errors as messages, and answers as text."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import pick, request_language
from accounts.models import Organization
from actions.models import CorrectiveAction
from backend.errors import Conflict
from portal.http import PortalRequest

from .expired import signed_in
from .lists import due_words

_Owned = TypeVar("_Owned", bound=Model)
_View = Callable[..., HttpResponseBase]


def _organization_page(kind: str | None) -> Callable[[_View], _View]:
    """A guard: signed in and acting for an organization of ``kind`` (any kind when None);
    anything else is 404 (one side must not learn which pages the other side has)."""

    def guard(view: _View) -> _View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organization = getattr(request, "organization", None)
            if organization is None or (kind is not None and organization.kind != kind):
                raise Http404
            return view(request, *args, **kwargs)

        return signed_in(wrapper)

    return guard


buyer_page = _organization_page(Organization.Kind.BUYER)
supplier_page = _organization_page(Organization.Kind.SUPPLIER)
member_page = _organization_page(None)  # pages of every organization: team, profile


def own(request: PortalRequest, obj: _Owned) -> _Owned:
    """``obj`` (an audit, campaign, relationship or corrective action the selectors let the
    user see) when it belongs to the organization the user acts for now, on that
    organization's side (``buyer_id`` for a buyer, ``supplier_id`` for a supplier); else 404.
    A user who belongs to two organizations sees each one's work only while acting for it."""
    field = "buyer_id" if request.organization.is_buyer else "supplier_id"
    if getattr(obj, field) != request.organization.pk:
        raise Http404
    return obj


def run(fn: Callable[[], Any]) -> tuple[Any, dict[str, list[str]] | None, str | None, int]:
    """Call a service: (result, field errors, conflict message, HTTP status). PermissionDenied
    and Http404 propagate to Django (403 / 404)."""
    try:
        return fn(), None, None, 200
    except ValidationError as exc:
        return None, error_map(exc), None, 400
    except Conflict as exc:
        return None, None, str(exc.message), 409


def content_language(request: HttpRequest) -> str:
    return request_language(request)


def error_map(exc: ValidationError) -> dict[str, list[str]]:
    """``{field or question code: [messages]}`` of a service's ``ValidationError``; messages
    without a field are under ``"__all__"``."""
    if hasattr(exc, "error_dict"):
        return {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def add_errors(form, exc: ValidationError, *, name_other_fields: bool = True) -> None:
    """Put a service's messages on the matching form fields; the others go on the form,
    prefixed with their field name unless ``name_other_fields`` is False (a page that shows
    those fields' messages elsewhere, like the supplier's file errors)."""
    for field, messages in error_map(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            named = target is None and name_other_fields
            form.add_error(target, f"{field}: {message}" if named else message)


def answer_text(question: dict, answer: Any) -> str:
    """An answer (``AnswerValue`` or ``Answer`` row, or None) as read-only text in the page's
    language: choice labels, a number with its unit, "Not applicable"; a multiple choice
    answered with no choice (an explicit "none of these") reads "None"."""
    if answer is None:
        return ""
    if answer.not_applicable:
        return _("Not applicable")
    value = answer.value
    if value is None or value == "":
        return ""
    labels = {str(c["value"]): c["label"] for c in question.get("choices") or []}
    if isinstance(value, list):
        return ", ".join(str(labels.get(str(v), v)) for v in value) or _("None")
    text = str(labels.get(str(value), value))
    unit = question.get("unit") or ""
    return f"{text} {unit}".strip()


@dataclass(frozen=True)
class ActionRow:
    """A corrective action as the lists show it: the finding's title in the page's language and
    whether it is overdue today."""

    action: CorrectiveAction
    title: str
    overdue: bool
    due_text: str = ""  # "due in 3 days" / "2 days overdue" while the action is open


def action_rows(
    actions: Iterable[CorrectiveAction], *, lang: str, today: datetime.date | None = None
) -> list[ActionRow]:
    today = today or timezone.localdate()
    return [
        ActionRow(
            action=action,
            title=pick(action.finding.title, lang),
            overdue=action.is_overdue(today),
            due_text=""
            if action.status in CorrectiveAction.CLOSED_STATES
            else due_words(action.due_date, today),
        )
        for action in actions
    ]
