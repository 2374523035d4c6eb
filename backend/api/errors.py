"""One error format for the whole API.

Every error body is ``{"detail": <sentence>, "code": <machine code>}``; a 400 adds
``"errors": {<field, question code or "row 7">: [<message>, ...]}``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.errors import Conflict

NON_FIELD = "non_field_errors"


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


def exception_handler(exc, context):
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
