"""Signed-out requests to portal pages, most often a session that expired while the page was
open.

A plain request is sent to the login page as Django's ``login_required`` does. An htmx request
would follow that redirect inside the page and put the login form where the answer was, so it is
answered with ``HX-Redirect`` instead: the whole browser goes to the login page, in the language
of the page it came from (the ``X-Fairlink-Language`` header set in ``base.html``), and returns to
that page afterwards. An answer posted in that moment is kept in the (anonymous) session, which
Django carries over the login, and saved when the answer page opens again
(``supplier_audits.save_pending_answers``), through the same service and checks as any answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.languages import to_content_language

PENDING_ANSWERS = "fairlink_pending_answers"
MAX_PENDING = 50  # answers kept for one signed-out browser; older ones are dropped
ANSWER_URL_NAME = "supplier_answer"

_View = Callable[..., HttpResponseBase]


def signed_in(view: _View) -> _View:
    """``login_required`` that also handles htmx requests and keeps an answer being saved."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        keep_pending_answer(request)
        return to_login(request)

    return wrapper


def _safe(request: HttpRequest, url: str | None) -> str | None:
    if not url:
        return None
    if not url_has_allowed_host_and_scheme(url, {request.get_host()}, request.is_secure()):
        return None
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _back_to(request: HttpRequest) -> str:
    """Where the user was: the page an htmx request came from, the page a form was posted from,
    or the requested page itself."""
    if request.method == "GET" and not request.headers.get("HX-Request"):
        return request.get_full_path()
    return (
        _safe(request, request.headers.get("HX-Current-URL"))
        or _safe(request, request.headers.get("Referer"))
        or resolve_url("portal:home")
    )


def to_login(request: HttpRequest) -> HttpResponse:
    query = {"next": _back_to(request)}
    language = request.headers.get("X-Fairlink-Language")
    if language:
        query["lang"] = to_content_language(language)
    url = f"{resolve_url(settings.LOGIN_URL)}?{urlencode(query)}"
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


def keep_pending_answer(request: HttpRequest) -> None:
    """Keep an answer posted while signed out (only answer saves; nothing else is replayed)."""
    match = request.resolver_match
    if request.method != "POST" or match is None or match.url_name != ANSWER_URL_NAME:
        return
    pending = list(request.session.get(PENDING_ANSWERS, []))
    pending = [
        p
        for p in pending
        if (p["audit"], p["code"]) != (match.kwargs["audit_id"], match.kwargs["code"])
    ]
    pending.append(
        {
            "audit": match.kwargs["audit_id"],
            "code": match.kwargs["code"],
            "value": request.POST.getlist("value"),
            "not_applicable": request.POST.get("not_applicable") in ("1", "on", "true"),
        }
    )
    request.session[PENDING_ANSWERS] = pending[-MAX_PENDING:]


def take_pending_answers(request: HttpRequest, audit_id: int) -> list[dict]:
    """The answers kept for ``audit_id``, removed from the session."""
    pending = request.session.get(PENDING_ANSWERS)
    if not pending:
        return []
    mine = [p for p in pending if p["audit"] == audit_id]
    if mine:
        rest = [p for p in pending if p["audit"] != audit_id]
        if rest:
            request.session[PENDING_ANSWERS] = rest
        else:
            del request.session[PENDING_ANSWERS]
    return mine
