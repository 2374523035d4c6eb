"""Opening corrective actions from the findings of an accepted audit, and the follow-up of
earlier actions that a later audit no longer raises."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.languages import pick
from accounts.mail import notify
from accounts.models import User
from actions.models import CorrectiveAction
from actions.permissions import grant_action_to_organizations
from activity.events import Verb, record
from audits.models import Audit

from .transitions import supplier_recipients


def actions_open_for_audit(*, audit: Audit, actor: User | None = None) -> list[CorrectiveAction]:
    """Open a corrective action for every finding of ``audit``'s final score whose severity has
    an SLA (observations open none), due ``due_days`` or ``sla_days[severity]`` after
    acceptance; grant permissions; mark earlier open actions of the same supplier and
    questionnaire whose rule no longer fires as suggested for verification.
    Runs inside the caller's transaction (``audit_accept``). Returns the actions opened.

    Idempotent: findings that already have an action are skipped. Follow-up suggestions stay
    within the audit's buyer (another buyer's audit is not this buyer's evidence)."""
    with transaction.atomic():
        try:
            score = audit.scores.filter(final=True).select_related("ruleset").latest()
        except audit.scores.model.DoesNotExist:
            return []
        opened = _open_actions(audit=audit, score=score, actor=actor)
        if opened and audit.score_released:
            # A withheld score keeps its actions from the supplier until release
            # (``actions_notify_released``).
            _notify_opened(audit, opened)
        _follow_up(audit=audit, score=score, actor=actor)
    return opened


def _open_actions(*, audit: Audit, score, actor: User | None) -> list[CorrectiveAction]:
    """One action per finding without one whose severity has an SLA, with its event.

    The due days and date are the ones the engine stored with the final score (``due_days`` of
    the rule, else ``sla_days[severity]``; none for observations), not read again from the
    rule set."""
    accepted_on = timezone.localdate(audit.accepted_at or timezone.now())
    stored = {f["code"]: f for f in score.findings or []}
    opened: list[CorrectiveAction] = []
    for finding in score.finding_rows.filter(action__isnull=True).order_by("rule_code"):
        engine_finding = stored.get(finding.rule_code) or {}
        days = engine_finding.get("due_days")
        if days is None:
            continue
        due = (
            datetime.date.fromisoformat(engine_finding["due_date"])
            if engine_finding.get("due_date")
            else accepted_on + datetime.timedelta(days=days)
        )
        action = CorrectiveAction.objects.create(
            finding=finding,
            audit=audit,
            buyer_id=audit.buyer_id,
            supplier_id=audit.supplier_id,
            severity=finding.severity,
            due_date=due,
            original_due_date=due,
        )
        grant_action_to_organizations(action)
        record(
            Verb.ACTION_OPENED,
            actor=actor,
            audit=audit,
            corrective_action=action,
            organization_id=audit.buyer_id,
            to_status=action.status,
            data={"rule_code": finding.rule_code, "due_date": due, "days": days},
        )
        opened.append(action)
    return opened


def _notify_opened(audit: Audit, opened: list[CorrectiveAction]) -> None:
    """One mail to the supplier side listing every action opened."""
    notify(
        supplier_recipients(opened[0]),
        "actions/email/action_opened",
        {
            "audit_id": audit.pk,
            "buyer_name": audit.buyer.name,
            "supplier_name": audit.supplier.name,
            "actions": [
                {
                    "id": a.pk,
                    "severity": a.severity,
                    "rule_code": a.finding.rule_code,
                    "title_en": pick(a.finding.title, "en"),
                    "title_zh": pick(a.finding.title, "zh-Hans"),
                    "due_date": a.due_date,
                }
                for a in opened
            ],
            "path": "/actions/",
        },
    )


def actions_notify_released(*, audit: Audit) -> int:
    """On the release of a withheld score: tell the supplier side of the corrective actions
    that opened on acceptance and are still open. Returns how many were listed."""
    still_open = list(CorrectiveAction.objects.open().filter(audit=audit).select_related("finding"))
    if still_open:
        _notify_opened(audit, still_open)
    return len(still_open)


def _follow_up(*, audit: Audit, score, actor: User | None) -> None:
    raised = set(score.finding_rows.values_list("rule_code", flat=True))
    code = audit.questionnaire_version.questionnaire.code
    earlier = (
        CorrectiveAction.objects.open()
        .filter(
            buyer_id=audit.buyer_id,
            supplier_id=audit.supplier_id,
            audit__questionnaire_version__questionnaire__code=code,
        )
        .exclude(audit=audit)
        .select_related("finding")
    )
    if audit.accepted_at:
        earlier = earlier.filter(
            Q(audit__accepted_at__lt=audit.accepted_at) | Q(audit__accepted_at__isnull=True)
        )
    for action in earlier:
        fixed = action.finding.rule_code not in raised
        if fixed and action.suggested_by_audit_id != audit.pk:
            action.suggested_verification = True
            action.suggested_by_audit = audit
            verb = Verb.ACTION_VERIFICATION_SUGGESTED
        elif not fixed and action.suggested_verification:
            # The rule fires again: the earlier suggestion no longer holds.
            action.suggested_verification = False
            action.suggested_by_audit = None
            verb = Verb.ACTION_VERIFICATION_SUGGESTION_WITHDRAWN
        else:
            continue
        action.save(update_fields=["suggested_verification", "suggested_by_audit", "updated_at"])
        record(
            verb,
            actor=actor,
            audit_id=action.audit_id,
            corrective_action=action,
            organization_id=action.buyer_id,
            from_status=action.status,
            to_status=action.status,
            internal=True,
            data={"audit_id": audit.pk, "rule_code": action.finding.rule_code},
        )
