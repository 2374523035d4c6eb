"""The request as the portal's views receive it, for the type checker.

``ActiveOrganizationMiddleware`` sets ``organization``, ``membership`` and ``memberships`` on
every request, django-htmx's middleware sets ``htmx``; ``login_required`` makes ``user`` a
signed-in ``User``, and the ``buyer_page`` / ``supplier_page`` guards an active organization.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from accounts.models import Membership, Organization, User


class SignedInRequest(HttpRequest):
    """A request of a ``login_required`` view."""

    user: User
    organization: Organization | None
    membership: Membership | None
    memberships: list[Membership]
    htmx: HtmxDetails


class PortalRequest(SignedInRequest):
    """A request of a page behind ``buyer_page`` or ``supplier_page``: it acts for an
    organization."""

    organization: Organization
    membership: Membership
