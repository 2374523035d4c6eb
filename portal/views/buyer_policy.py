"""The buyer's re-assessment policy (DESIGN section 4): its administrators change it, its
officers and viewers read it. The checks are the API's (``ReassessmentPolicySerializer`` and
``audits.services.policy``), so the page and ``/api/v1/reassessment-policy/`` agree."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import has_org_perm
from audits.models import ReassessmentPolicy
from audits.serializers.policy import FIELDS, ReassessmentPolicySerializer
from audits.services.policy import CHANGE_PERM, policy_buyer_for, policy_get, policy_set
from portal.http import PortalRequest
from questionnaires.models import QuestionnaireVersion
from rulesets.models import RuleSet

from ._helpers import buyer_page, run

PRIORITIES = ("p1", "p2", "p3", "p4")


def _choices(request: PortalRequest) -> dict:
    mine = Q(owner__isnull=True) | Q(owner=request.organization)
    return {
        "versions": QuestionnaireVersion.objects.filter(
            Q(questionnaire__owner__isnull=True) | Q(questionnaire__owner=request.organization),
            status=QuestionnaireVersion.Status.PUBLISHED,
        ).select_related("questionnaire"),
        "rulesets": RuleSet.objects.filter(mine, status="published"),
        "modes": ReassessmentPolicy.Mode.choices,
    }


def _render(request: PortalRequest, policy, *, values=None, errors=None, status=200):
    editable = has_org_perm(request.user, CHANGE_PERM, request.organization)
    values = values or {
        **{f: getattr(policy, f) for f in FIELDS if f not in ("questionnaire_version", "ruleset")},
        "questionnaire_version": policy.questionnaire_version_id or "",
        "ruleset": policy.ruleset_id or "",
    }
    context = {
        "policy": policy,
        "values": values,
        "errors": errors or {},
        "editable": editable,
        "priorities": [
            (p.upper(), f"months_{p}", values[f"months_{p}"], (errors or {}).get(f"months_{p}"))
            for p in PRIORITIES
        ],
        **_choices(request),
    }
    return render(request, "portal/buyer/policy.html", context, status=status)


@buyer_page
def policy(request: PortalRequest) -> HttpResponse:
    """GET: the policy (its defaults until first saved). POST (administrators): save it."""
    change = request.method == "POST"
    buyer = policy_buyer_for(user=request.user, buyer_id=request.organization.pk, change=change)
    if not change:
        return _render(request, policy_get(buyer))
    values = {f: request.POST.get(f, "").strip() for f in FIELDS}
    data = {k: v for k, v in values.items() if v}  # left empty: the default
    serializer = ReassessmentPolicySerializer(data=data)
    if not serializer.is_valid():
        invalid = {k: [str(m) for m in v] for k, v in serializer.errors.items()}
        return _render(request, policy_get(buyer), values=values, errors=invalid, status=400)
    result, errors, _conflict, status = run(
        lambda: policy_set(buyer=buyer, data=serializer.validated_data)
    )
    if result is None:
        return _render(request, policy_get(buyer), values=values, errors=errors, status=status)
    messages.success(request, _("The re-assessment policy was saved."))
    return redirect("portal:buyer_policy")
