"""The pages shown for 403, 404 and 500: in the reader's language, with the navigation and a way
back. API paths answer in JSON like the rest of the API, so a client never has to parse a page.

``backend.urls`` names these handlers. A 500 is rendered without the context processors first
tried, since whatever failed may be what they read; when the page itself cannot be rendered, a
minimal bilingual page is sent instead of an error inside the error handler.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

MINIMAL_500 = (
    "<!doctype html><html><head><meta charset='utf-8'><title>Fairlink</title></head><body>"
    "<h1>Something went wrong / 出错了</h1>"
    "<p>The error has been recorded. Please try again in a moment. / 错误已记录，请稍后重试。</p>"
    "<p><a href='/'>Fairlink</a></p></body></html>"
)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _api_error(detail: str, code: str, status: int) -> JsonResponse:
    """The API's one error body (``backend.api.errors``): a sentence and a machine code."""
    return JsonResponse({"detail": detail, "code": code}, status=status)


def _exception_message(exception: Exception | None) -> str:
    """The message a view gave its ``PermissionDenied`` (written for the reader, translated), or
    nothing: a 404's exception text is Django's, not ours, and never shown."""
    if exception is None or not exception.args:
        return ""
    message = exception.args[0]
    return str(message) if isinstance(message, str) or hasattr(message, "__html__") else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        detail = _exception_message(exception) or _(
            "You do not have permission to perform this action."
        )
        return _api_error(detail, "permission_denied", 403)
    context = {"message": _exception_message(exception)}
    return render(request, "403.html", context, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("Not found."), "not_found", 404)
    return render(request, "404.html", {}, status=404)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("The request could not be understood."), "bad_request", 400)
    return render(request, "400.html", {}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _api_error(_("Server error. The error has been recorded."), "server_error", 500)
    try:
        body = loader.get_template("500.html").render({"request_path": request.path})
    except Exception:
        logger.exception("The 500 page could not be rendered")
        body = MINIMAL_500
    return HttpResponse(body, status=500)
