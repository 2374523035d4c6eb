"""Helpers shared by the supplier pages: the page guard, error mapping and batch reads."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from accounts.languages import request_language
from portal.http import PortalRequest


def supplier_page(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in and acting for a supplier organization; anything else is 404 (a buyer must
    not learn which supplier pages exist)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        organization = getattr(request, "organization", None)
        if organization is None or not organization.is_supplier:
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def own(request: PortalRequest, obj: Any) -> Any:
    """``obj`` (an audit or a corrective action the selectors let the user see) when it is
    addressed to the supplier the user acts for now; else 404. A user who belongs to two
    suppliers sees each one's work only while acting for it."""
    if obj.supplier_id != request.organization.pk:
        raise Http404
    return obj


def content_language(request: PortalRequest) -> str:
    return request_language(request)


def error_map(exc: ValidationError) -> dict[str, list[str]]:
    """``{field or question code: [messages]}`` of a service's ``ValidationError``; messages
    without a field are under ``"__all__"``."""
    if hasattr(exc, "error_dict"):
        return {key: [str(m) for m in msgs] for key, msgs in exc.message_dict.items()}
    return {"__all__": [str(m) for m in exc.messages]}


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's messages on the matching form fields (others on the form)."""
    for field, messages in error_map(exc).items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
