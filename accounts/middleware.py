"""Per-request language and active organization (placed after AuthenticationMiddleware)."""

from __future__ import annotations

from django.utils import translation

from .languages import request_language, to_django_language
from .permissions import remember_memberships, request_scope


class LanguageMiddleware:
    """Activates ``?lang=``, else the switcher's cookie, else the signed-in user's preferred
    language, else the browser's Accept-Language (see ``accounts.languages.request_language``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        translation.activate(to_django_language(request_language(request)))
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class ActiveOrganizationMiddleware:
    """Sets ``request.organization`` / ``request.membership``: the organization chosen in the
    session (users may belong to several), else the user's first membership.

    Also opens the request's access scope: memberships and per-user grants are read once per
    request (``accounts.permissions.request_scope``), for API token users too, who are
    authenticated later, in the view."""

    SESSION_KEY = "fairlink_org"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            return self._call(request)

    def _call(self, request):
        request.organization = None
        request.membership = None
        request.memberships = []
        if request.user.is_authenticated:
            memberships = list(request.user.memberships.select_related("organization"))
            request.memberships = memberships
            remember_memberships(request.user, memberships)
            chosen = request.session.get(self.SESSION_KEY)
            request.membership = next(
                (m for m in memberships if m.organization_id == chosen),
                memberships[0] if memberships else None,
            )
            if request.membership is not None:
                request.organization = request.membership.organization
        return self.get_response(request)
