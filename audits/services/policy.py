"""A buyer's re-assessment policy (DESIGN section 4): whose it is, reading it, changing it.
The daily job that applies it is ``flows.reassessment``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import has_org_perm, organizations_with_perm
from audits.models import ReassessmentPolicy
from questionnaires.models import QuestionnaireVersion

READ_PERM = "accounts.view_suppliers"
CHANGE_PERM = "accounts.change_organization"


def policy_buyer_for(*, user: User, buyer_id: int | str | None, change: bool) -> Organization:
    """The buyer whose policy ``user`` reads (``change=False``) or changes.

    With ``buyer_id``: that organization if the user is a member (else 404), a buyer whose
    administrators, officers and viewers read it and whose administrators change it (else 403).
    Without: the user's only such buyer; none -> 403; several -> 400 asking for ``buyer``."""
    if buyer_id not in (None, ""):
        try:
            pk = int(buyer_id)
        except (TypeError, ValueError):
            raise ValidationError({"buyer": [_("A buyer organization id is a number.")]}) from None
        buyer = Organization.objects.visible_to(user).filter(pk=pk).first()
        if buyer is None:
            raise Http404(_("No such organization."))
        if not buyer.is_buyer or not has_org_perm(user, READ_PERM, buyer):
            raise PermissionDenied(_("Only a buyer's staff see its re-assessment policy."))
    else:
        buyers = list(
            organizations_with_perm(user, READ_PERM).filter(kind=Organization.Kind.BUYER)[:2]
        )
        if not buyers:
            raise PermissionDenied(_("Only a buyer's staff see its re-assessment policy."))
        if len(buyers) > 1:
            raise ValidationError(
                {"buyer": [_("You work for several buyers: choose one with ?buyer=<id>.")]}
            )
        buyer = buyers[0]
    if change and not has_org_perm(user, CHANGE_PERM, buyer):
        raise PermissionDenied(_("Only a buyer's administrators change its re-assessment policy."))
    return buyer


def policy_get(buyer: Organization) -> ReassessmentPolicy:
    """The buyer's policy; an unsaved one with the defaults when it has none (the job then does
    nothing for that buyer)."""
    return ReassessmentPolicy.objects.filter(buyer=buyer).first() or ReassessmentPolicy(buyer=buyer)


def policy_months(buyer: Organization) -> dict[str, int]:
    """Months between assessments per priority (``P1`` .. ``P4``): the buyer's policy, else
    its defaults (P1 12, P2 18, P3 24, P4 36). One query."""
    policy = policy_get(buyer)
    return {p: policy.months(p) for p in ("P1", "P2", "P3", "P4")}


def _check_templates(buyer: Organization, data: dict) -> None:
    errors: dict[str, list[str]] = {}
    version = data.get("questionnaire_version")
    ruleset = data.get("ruleset")
    if version is not None:
        if version.status != QuestionnaireVersion.Status.PUBLISHED:
            errors["questionnaire_version"] = [
                _("Only a published questionnaire version is issued.")
            ]
        elif version.questionnaire.owner_id not in (None, buyer.pk):
            errors["questionnaire_version"] = [_("This questionnaire belongs to another buyer.")]
    if ruleset is not None:
        if ruleset.owner_id not in (None, buyer.pk):
            errors["ruleset"] = [_("This rule set belongs to another buyer.")]
        elif ruleset.status != "published":
            errors["ruleset"] = [_("Only a published rule set is used.")]
        elif version is not None and ruleset.questionnaire_code != version.questionnaire.code:
            errors["ruleset"] = [
                _("This rule set scores %(code)s, not %(q)s.")
                % {"code": ruleset.questionnaire_code, "q": version.questionnaire.code}
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def policy_set(*, buyer: Organization, data: dict) -> ReassessmentPolicy:
    """Replace the buyer's policy with ``data`` (validated fields; those left out take their
    defaults). Nothing changes when a field is refused."""
    _check_templates(buyer, data)
    policy = ReassessmentPolicy(buyer=buyer, **data)
    existing = ReassessmentPolicy.objects.select_for_update().filter(buyer=buyer).first()
    if existing is not None:
        policy.pk = existing.pk
    policy.save()
    return policy
