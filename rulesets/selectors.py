"""Which rule sets a user reads and manages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.permissions import has_org_perm, organizations_with_perm
from rulesets.models import RuleSet, RuleSetQuerySet


def rulesets_for(user) -> RuleSetQuerySet:
    return RuleSet.objects.visible_to(user).select_related("owner")


def ruleset_get_for(user, ruleset_id: int, *, manage: bool = False) -> RuleSet:
    """A visible rule set (404 otherwise); with ``manage`` also the right to change it (403)."""
    ruleset = rulesets_for(user).filter(pk=ruleset_id).first()
    if ruleset is None:
        raise Http404
    if manage:
        if ruleset.owner is None:
            raise PermissionDenied(_("The rule set library is read-only."))
        if not has_org_perm(user, "accounts.manage_templates", ruleset.owner):
            raise PermissionDenied(_("Only the buyer's administrators manage rule sets."))
    return ruleset


def managed_buyers(user) -> QuerySet[Organization]:
    """The buyers whose rule sets ``user`` may manage."""
    return organizations_with_perm(user, "accounts.manage_templates").filter(
        kind=Organization.Kind.BUYER
    )
