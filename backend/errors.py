"""Domain exceptions raised by services; ``backend.api.errors`` maps them to HTTP.

* ``django.core.exceptions.ValidationError`` -> 400 with a message per field / question / row
* ``InvalidTransition`` (or any ``Conflict``) -> 409
* ``django.core.exceptions.PermissionDenied`` -> 403 (a visible object, a forbidden action)
* ``django.http.Http404`` -> 404 (an object the caller may not see)
"""

from __future__ import annotations

from django.utils.translation import gettext


class Conflict(Exception):
    """The request conflicts with the current state of the object (HTTP 409)."""

    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class InvalidTransition(Conflict):
    code = "invalid_transition"

    def __init__(self, *, entity: str, from_status: str, to_status: str, message: str = ""):
        self.entity = entity
        self.from_status = from_status
        self.to_status = to_status
        super().__init__(
            message
            or gettext("This %(entity)s cannot go from “%(from)s” to “%(to)s”.")
            % {"entity": entity, "from": from_status, "to": to_status}
        )
