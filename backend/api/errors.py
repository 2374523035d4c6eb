"""One error format for the whole API.

Every error body is ``{"detail": <sentence>, "code": <machine code>}``; a 400 adds
``"errors": {<field, question code or "row 7">: [<message>, ...]}``. A write the database
refused is a 503 ``database_unavailable`` (or a 409 ``write_conflict`` for a constraint), never
a bare 500.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from backend.errors import Conflict

NON_FIELD = "non_field_errors"

logger = logging.getLogger(__name__)


def validation_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """Flatten a Django ValidationError into ``{field: [messages]}``."""
    if hasattr(exc, "error_dict"):
        return {
            field: [m for err in errors for m in err.messages]
            for field, errors in exc.error_dict.items()
        }
    return {NON_FIELD: list(exc.messages)}


def _flatten_drf(detail, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            out.update(_flatten_drf(value, name))
    elif isinstance(detail, list):
        if all(not isinstance(v, dict | list) for v in detail):
            out[prefix or NON_FIELD] = [str(v) for v in detail]
        else:
            for i, value in enumerate(detail):
                out.update(_flatten_drf(value, f"{prefix}[{i}]" if prefix else str(i)))
    else:
        out[prefix or NON_FIELD] = [str(detail)]
    return out


def _first(errors: dict[str, list[str]]) -> str:
    for field, messages in errors.items():
        if messages:
            return messages[0] if field == NON_FIELD else f"{field}: {messages[0]}"
    return "Invalid input."


def bad_request(errors: dict[str, list[str]]) -> Response:
    return Response(
        {"detail": _first(errors), "code": "invalid", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def _database_refused(exc: Exception) -> Response:
    """The database refused a write (a lost connection, a lock timeout, a constraint that a
    concurrent request got to first). The service's transaction rolled back, so nothing of the
    change was saved: say so, rather than answer a bare 500."""
    logger.exception("The database refused a change")
    set_rollback()
    if isinstance(exc, IntegrityError):
        return Response(
            {
                "detail": _(
                    "The change conflicts with another one saved at the same time; nothing "
                    "was saved. Reload and try again."
                ),
                "code": "write_conflict",
            },
            status=status.HTTP_409_CONFLICT,
        )
    return Response(
        {
            "detail": _(
                "The database could not save the change just now; nothing was saved. Try again "
                "in a moment."
            ),
            "code": "database_unavailable",
        },
        status=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )


def exception_handler(exc, context):
    if isinstance(exc, IntegrityError | OperationalError):
        return _database_refused(exc)
    if isinstance(exc, DjangoValidationError):
        return bad_request(validation_errors(exc))
    if isinstance(exc, Conflict):
        return Response({"detail": exc.message, "code": exc.code}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, exceptions.ValidationError):
        return bad_request(_flatten_drf(exc.detail))

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = {"detail": str(detail), "code": code}
    return response
