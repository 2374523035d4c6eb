"""Helpers for list serializers that build their rows directly (the generic field machinery
costs more per row than the database): values formatted exactly as DRF's fields do."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rest_framework import serializers

_MOMENT = serializers.DateTimeField()


def moments(instance: Any, names: Iterable[str]) -> dict[str, str | None]:
    """The date-time attributes ``names`` of ``instance`` as DRF's ``DateTimeField`` writes
    them (in the current time zone, ISO 8601), ``None`` kept."""
    values = {name: getattr(instance, name) for name in names}
    return {
        name: None if value is None else _MOMENT.to_representation(value)
        for name, value in values.items()
    }
