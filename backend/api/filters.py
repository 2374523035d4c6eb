"""The filter backend used by every API view: only what the caller may see.

Each tenant model's QuerySet implements ``visible_to(user)`` in its own app (that is where
an app decides visibility, once); this backend applies it to every list and detail lookup.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from rest_framework.filters import BaseFilterBackend


class VisibleToUserFilter(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not hasattr(queryset, "visible_to"):
            raise ImproperlyConfigured(
                f"{queryset.model.__name__} has no visible_to(); every API queryset needs one."
            )
        return queryset.visible_to(request.user)
