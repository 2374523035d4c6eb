"""The portal's menu for the active organization and role."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, kinds, roles or None for every role)
MENU = [
    ("portal:buyer_audits", _("Audits"), {"buyer"}, None),
    ("portal:buyer_campaigns", _("Campaigns"), {"buyer"}, {"admin", "officer", "viewer"}),
    ("portal:buyer_suppliers", _("Suppliers"), {"buyer"}, {"admin", "officer", "viewer"}),
    ("portal:buyer_actions", _("Corrective actions"), {"buyer"}, None),
    ("portal:buyer_register", _("Risk register"), {"buyer"}, {"admin", "officer", "viewer"}),
    ("portal:supplier_actions", _("Corrective actions"), {"supplier"}, None),
    ("portal:supplier_sharing", _("Sharing"), {"supplier"}, {"admin"}),
    ("portal:supplier_certificates", _("Certificates"), {"supplier"}, None),
    ("portal:team", _("Team"), {"buyer", "supplier"}, None),
    ("portal:profile", _("Organization"), {"buyer", "supplier"}, None),
]


def nav_for(request) -> list[dict]:
    membership = getattr(request, "membership", None)
    if membership is None:
        return []
    items = []
    for name, label, kinds, roles in MENU:
        if membership.organization.kind not in kinds:
            continue
        if roles is not None and membership.role not in roles:
            continue
        items.append({"url": reverse(name), "label": label})
    return items
