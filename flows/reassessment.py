"""The re-assessment cycle (DESIGN section 4, continuous assurance): once a day, for every buyer
with a ``ReassessmentPolicy``, the next assessment of each active supplier whose last accepted
audit is due for renewal.

A supplier is due when ``today`` is on or after the end of its interval (the months of its
priority P1..P4 after the last accepted audit of that buyer) minus the lead time, and no audit
of that buyer for that supplier is open. The new audit uses the latest published version of the
last audit's questionnaire and the last audit's rule set, unless the policy names others; it is
a draft or sent per the policy's mode, due at the end of the interval (never in the past), and
recorded like any other (``audit.created``, then ``audit.issued`` when sent)."""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from audits.models import Audit, ReassessmentPolicy
from audits.services.issuing import create_audit
from questionnaires.models import QuestionnaireVersion
from scoring.selectors import inherent_risk_map, risk_priority, with_latest_score
from suppliers.models import SupplierRelationship


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months (the 31st becomes the month's last day)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def run_reassessment(*, today: datetime.date | None = None) -> list[Audit]:
    """The daily job: the audits created for every buyer with a policy. Idempotent."""
    today = today or timezone.localdate()
    created: list[Audit] = []
    policies = ReassessmentPolicy.objects.select_related(
        "buyer", "questionnaire_version__questionnaire", "ruleset"
    ).order_by("buyer_id")
    for policy in policies:
        created += reassess_buyer(policy, today=today)
    return created


def _last_accepted(buyer: Organization) -> dict[int, Audit]:
    """The buyer's last accepted audit of each supplier."""
    last: dict[int, Audit] = {}
    audits = (
        Audit.objects.filter(buyer=buyer, status=Audit.Status.ACCEPTED, accepted_at__isnull=False)
        .select_related("questionnaire_version", "ruleset")
        .order_by("supplier_id", "-accepted_at", "-pk")
    )
    for audit in audits:
        last.setdefault(audit.supplier_id, audit)
    return last


def _template(policy: ReassessmentPolicy, last: Audit):
    """The questionnaire version and rule set of the next audit (None: nothing to issue)."""
    version = policy.questionnaire_version or (
        QuestionnaireVersion.objects.filter(
            questionnaire_id=last.questionnaire_version.questionnaire_id,
            status=QuestionnaireVersion.Status.PUBLISHED,
        )
        .order_by("-number")
        .first()
    )
    if version is None:
        return None, None
    ruleset = policy.ruleset or last.ruleset
    if ruleset is not None and ruleset.questionnaire_code != version.questionnaire.code:
        ruleset = None
    return version, ruleset


def reassess_buyer(policy: ReassessmentPolicy, *, today: datetime.date) -> list[Audit]:
    """The audits the policy calls for today, one transaction per supplier."""
    buyer = policy.buyer
    open_suppliers = set(
        Audit.objects.filter(buyer=buyer, status__in=Audit.OPEN_STATES).values_list(
            "supplier_id", flat=True
        )
    )
    last = _last_accepted(buyer)
    relationships = [
        rel
        for rel in with_latest_score(
            SupplierRelationship.objects.filter(buyer=buyer, active=True).select_related("supplier")
        )
        if rel.supplier_id in last and rel.supplier_id not in open_suppliers
    ]
    risks = inherent_risk_map(rel.supplier for rel in relationships)
    created: list[Audit] = []
    for rel in relationships:
        previous = last[rel.supplier_id]
        priority = risk_priority(rel.latest_rating, risks[rel.supplier_id])
        accepted = timezone.localdate(previous.accepted_at)
        end = add_months(accepted, policy.months(priority))
        if today < end - datetime.timedelta(days=policy.lead_days):
            continue
        version, ruleset = _template(policy, previous)
        if version is None:
            continue
        with transaction.atomic():
            # The relationship row serialises two runs on one supplier: the second sees the
            # first one's open audit and creates nothing.
            SupplierRelationship.objects.select_for_update().filter(pk=rel.pk).first()
            if Audit.objects.filter(
                buyer=buyer, supplier_id=rel.supplier_id, status__in=Audit.OPEN_STATES
            ).exists():
                continue
            created.append(
                create_audit(
                    buyer=buyer,
                    supplier=rel.supplier,
                    version=version,
                    ruleset=ruleset,
                    due_date=max(end, today),
                    actor=None,
                    send=policy.mode == ReassessmentPolicy.Mode.SEND,
                )
            )
    return created
