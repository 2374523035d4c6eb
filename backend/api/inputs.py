"""Reading a request body through an input serializer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def validated_input(serializer_class, request) -> dict:
    """The validated data of ``request.data``; a ValidationError (400 per field) otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def reject_unknown_fields(data: object, known: Iterable[str], *, where: str = "") -> None:
    """400 listing every key of ``data`` (a mapping) that is not in ``known``.

    DESIGN section 8: unknown body fields and query parameters are an error, so a misspelt
    name never silently changes nothing (``?ratings=high`` exporting everything)."""
    if not isinstance(data, Mapping):
        return
    allowed = set(known)
    unknown = sorted(str(key) for key in data if key not in allowed)
    if unknown:
        message = _("Unknown field. Use one of: %s.") % ", ".join(sorted(allowed))
        raise ValidationError({f"{where}{key}": [message] for key in unknown})


def reject_unknown_query_params(request, known: Iterable[str]) -> None:
    """400 listing every query parameter of ``request`` that is not in ``known``."""
    allowed = set(known)
    unknown = sorted(key for key in request.query_params if key not in allowed)
    if unknown:
        message = _("Unknown query parameter. Use one of: %s.") % ", ".join(sorted(allowed))
        raise ValidationError({key: [message] for key in unknown})


class StrictFieldsMixin:
    """A serializer that refuses body fields it does not declare (400 per unknown field)."""

    def to_internal_value(self, data):
        reject_unknown_fields(data, self.fields)  # type: ignore[attr-defined]
        return super().to_internal_value(data)  # type: ignore[misc]
