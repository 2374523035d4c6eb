"""The absolute addresses of the portal pages the register workbook links to, built by
Django's URL reversing and the configured ``SITE_URL`` (never from request or user data)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .columns import Links

# A number no id reaches, reversed in place of the id and split off again.
_MARKER = "987654321987"

_PAGES = {
    "supplier": "portal:buyer_supplier",
    "audit": "portal:buyer_audit",
    "action": "portal:buyer_action",
}


def portal_links() -> Links:
    """Per link kind (``columns.Column.link``), the text before and after the id."""
    site = settings.SITE_URL.rstrip("/")
    links = {}
    for kind, name in _PAGES.items():
        before, after = reverse(name, args=[int(_MARKER)]).split(_MARKER)
        links[kind] = (site + before, after)
    return links
