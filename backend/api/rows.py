"""Helpers for list serializers that build their rows directly (the generic field machinery
costs more per row than the database): values formatted exactly as DRF's fields do."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils import timezone
from rest_framework import serializers

_MOMENT = serializers.DateTimeField()


def moment_writer():
    """A function writing one date-time as DRF's ``DateTimeField`` does (in the current time
    zone, ISO 8601, ``Z`` for UTC, ``None`` kept), with the time zone looked up once: a page
    writes hundreds of them."""
    tz = timezone.get_current_timezone()

    def write(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        if timezone.is_naive(value):
            return _MOMENT.to_representation(value)
        text = value.astimezone(tz).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def moments(instance: Any, names: Iterable[str]) -> dict[str, str | None]:
    """The date-time attributes ``names`` of ``instance`` as DRF's ``DateTimeField`` writes
    them (in the current time zone, ISO 8601), ``None`` kept."""
    write = moment_writer()
    return {name: write(getattr(instance, name)) for name in names}


def moments_of(
    values: Mapping[str, Any], names: Iterable[str], write=None
) -> dict[str, str | None]:
    """:func:`moments` of a row read as values (a dict); ``write`` from :func:`moment_writer`
    when the caller writes many rows."""
    write = write or moment_writer()
    return {name: write(values[name]) for name in names}
