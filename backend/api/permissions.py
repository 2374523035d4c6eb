"""The DRF permission class used by every API view.

A view declares what an object operation needs with ``object_perms``, a dict from HTTP method
(or "*") to a permission name such as ``"audits.respond_audit"``; ``None`` means "visible is
enough". Visibility itself comes from the queryset (``VisibleToUserFilter``), so an object the
caller may not see is a 404 before this class is asked, and a visible object with a forbidden
action is a 403 with a message.
"""

from __future__ import annotations

from rest_framework.permissions import BasePermission


class ObjectPermission(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_active)

    def has_object_permission(self, request, view, obj) -> bool:
        perms = getattr(view, "object_perms", None) or {}
        perm = perms.get(request.method, perms.get("*"))
        if perm is None:
            return True
        return request.user.has_perm(perm, obj)


class AllowAnyAuthenticatedOrAnonymous(BasePermission):
    """For the token endpoint and the schema: no login needed."""

    def has_permission(self, request, view) -> bool:
        return True
