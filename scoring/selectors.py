"""Scoring reads: scores with their release rules, findings, rule sets, inherent risk."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership, Organization
from audits.models import Audit
from audits.selectors.audits import audit_visibility_buyers
from audits.services.policy import policy_months
from backend.api.filters import tallied_filters
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from scoring.engine.stored import full_findings, full_trace
from scoring.models import Finding, FindingTally

from . import risk
from .models import CountryRisk, IndustryRisk, Score

NOT_RELEASED = gettext_lazy("The score has not been released yet.")


def latest_score(audit: Audit, final: bool | None = None) -> Score | None:
    """The newest score of ``audit`` (only final / only preliminary when ``final`` is given)."""
    scores = Score.objects.filter(audit=audit).select_related("ruleset")
    if final is not None:
        scores = scores.filter(final=final)
    return scores.order_by("-created_at", "-pk").first()


def score_in_full(score: Score, *, version: QuestionnaireVersion | None = None) -> Score:
    """``score`` with its findings and trace in full: a lean score's are rebuilt from its rule
    set (titles, guidance, severities, weights, maximum points: ``scoring.engine.stored``), in
    memory, the same as a score stored in full. ``version`` is the audit's questionnaire
    version (read from the audit when not given)."""
    if not score.lean:
        return score
    version = version or score.audit.questionnaire_version
    compiled = inputs.compiled_ruleset(score.ruleset, version)
    lean = score.findings or []
    score.trace = full_trace(compiled, score.trace or {}, lean)
    score.findings = full_findings(compiled, lean)
    score.lean = False
    return score


def is_buyer_side(user, audit: Audit) -> bool:
    """The user belongs to the buyer that issued ``audit`` (as opposed to its supplier)."""
    return Membership.objects.filter(user=user, organization_id=audit.buyer_id).exists()


def audit_visible(user, audit_id: int) -> Audit:
    """The audit if ``user`` may see it, else 404."""
    audit = (
        Audit.objects.visible_to(user)
        .select_related("buyer", "supplier", "questionnaire_version__questionnaire")
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise Http404
    return audit


def score_get_for(user, audit_id: int) -> tuple[Audit, Score]:
    """The score ``user`` may read for an audit.

    The buyer's side (admins, officers, the assigned reviewers) sees the latest score,
    preliminary or final. The supplier's side sees only the latest final score, and only once
    the buyer released it (403 before). 404 when the audit is not visible, 409 when it has no
    score yet."""
    audit = audit_visible(user, audit_id)
    if is_buyer_side(user, audit):
        score = latest_score(audit)
    else:
        if not audit.score_released:
            raise PermissionDenied(str(NOT_RELEASED))
        score = latest_score(audit, final=True)
        if score is None:
            raise PermissionDenied(str(NOT_RELEASED))
    if score is None:
        raise Conflict(_("This audit has not been scored yet: it is scored on submission."))
    return audit, score_in_full(score, version=audit.questionnaire_version)


def findings_for(user) -> QuerySet[Finding]:
    """Findings the user may see: every finding of the buyer's visible audits; on the supplier
    side only those of released scores."""
    return (
        Finding.objects.visible_to(user)
        .select_related("supplier", "action")
        .order_by("-created_at", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Inherent risk and priority (DESIGN 6.7)
# ---------------------------------------------------------------------------------------------


def inherent_risk(org: Organization) -> str:
    """The higher of the country and the industry level of ``org``; ``unknown`` when the
    reference tables cannot place it (``scoring.risk.inherent_level``)."""
    country = CountryRisk.objects.filter(country=str(org.country)).values_list("level", flat=True)
    industry = IndustryRisk.objects.filter(industry=org.industry).values_list("level", flat=True)
    return risk.inherent_level(country.first(), industry.first())


def inherent_risk_map(orgs: Iterable[Organization]) -> dict[int, str]:
    """``{organization id: inherent risk}`` for many organizations in two queries."""
    orgs = list(orgs)
    countries = dict(
        CountryRisk.objects.filter(country__in={str(o.country) for o in orgs}).values_list(
            "country", "level"
        )
    )
    industries = dict(
        IndustryRisk.objects.filter(industry__in={o.industry for o in orgs}).values_list(
            "industry", "level"
        )
    )
    return {
        o.pk: risk.inherent_level(countries.get(str(o.country)), industries.get(o.industry))
        for o in orgs
    }


def risk_priority(rating: str | None, inherent: str | None) -> str:
    """P1..P4 from the latest rating (None: not yet assessed) and the inherent risk."""
    return risk.priority(rating, inherent)


def relationship_final_scores() -> QuerySet[Score]:
    """Final scores of the accepted audits between a relationship's buyer and supplier, newest
    acceptance first: the first is the supplier's current score in that buyer's eyes. Meant for
    a ``Subquery`` over ``SupplierRelationship`` rows (it refers to their buyer and supplier)."""
    return Score.objects.filter(
        final=True,
        audit__buyer_id=OuterRef("buyer_id"),
        audit__supplier_id=OuterRef("supplier_id"),
        audit__status=Audit.Status.ACCEPTED,
    ).order_by("-audit__accepted_at", "-audit_id", "-created_at", "-pk")


def with_latest_score(relationships: QuerySet) -> QuerySet:
    """Annotate relationships with the current score: ``latest_rating``, ``latest_overall``,
    ``latest_accepted_at`` (one query for the whole list)."""
    scores = relationship_final_scores()
    return relationships.annotate(
        latest_rating=Subquery(scores.values("rating")[:1]),
        latest_overall=Subquery(scores.values("overall")[:1]),
        latest_accepted_at=Subquery(scores.values("audit__accepted_at")[:1]),
    )


def mark_score_expiry(
    relationships: Sequence, *, buyer: Organization, today: datetime.date
) -> None:
    """Set ``next_assessment_due`` and ``score_expired`` on relationships of ``buyer``
    annotated by ``with_latest_score`` (with their supplier loaded): the latest acceptance
    plus the re-assessment interval of the supplier's priority (``risk.next_assessment_due``).
    Three queries for any number of relationships."""
    if not relationships:
        return
    months = policy_months(buyer)
    risks = inherent_risk_map(rel.supplier for rel in relationships)
    for rel in relationships:
        accepted = rel.latest_accepted_at
        accepted_on = timezone.localdate(accepted) if accepted is not None else None
        priority = risk.priority(rel.latest_rating, risks[rel.supplier_id])
        rel.next_assessment_due = risk.next_assessment_due(accepted_on, priority, months)
        rel.score_expired = risk.score_expired(rel.next_assessment_due, today)


def findings_for_list() -> QuerySet[Finding]:
    """Findings newest first with what the API's list sends (``FindingRowSerializer``): the
    supplier's name and the corrective action's status and due date, no other column of
    theirs. Visibility is applied by the list's filter backend."""
    return (
        Finding.objects.select_related("supplier", "action")
        .only(
            "audit_id",
            "score_id",
            "rule_code",
            "severity",
            "category",
            "title",
            "guidance",
            "values",
            "created_at",
            "supplier__name",
            "action__status",
            "action__due_date",
        )
        .order_by("-created_at", "pk")
    )


def finding_list_count(*, user, params) -> int | None:
    """How many findings the API's list filtered by ``params`` counts, from the tally when it
    can tell: the user sees findings through buyer roles alone (as audits,
    ``audit_visibility_buyers``) and only ``severity`` and ``supplier`` filter them; None:
    count them."""
    buyers, filters = audit_visibility_buyers(user), tallied_filters(params, state="severity")
    if buyers is None or filters is None:
        return None
    return FindingTally.objects.count_for(buyers, **filters)
