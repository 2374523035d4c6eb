"""Corrective actions: opened from the findings of an accepted audit, moved by the supplier and
the buyer through one transition table until verified or cancelled (DESIGN section 4).

Every public function here is a business write: keyword-only arguments, the acting user passed
as ``actor``, one transaction, an ``ActivityEvent`` row per change and notification mail after
commit. Callers fetch the action with ``audits.selectors.actions.action_get_for`` first (that
is where "not visible" becomes a 404); the functions here decide the rest:

* the actor lacks the permission of the move's side -> ``PermissionDenied`` (403)
* the action is not in a state the move starts from -> ``InvalidTransition`` (409)
* bad input -> ``ValidationError`` with a message per field (400)

in that order, so a wrong-state request is a 409 whatever its payload.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.languages import pick
from accounts.models import Membership, User
from actions.models import ActionEvidence, CorrectiveAction
from activity.models import ActivityEvent, ReminderLog
from audits.models import Audit
from audits.services.reminders import claim_reminder, reminder_reason
from backend.errors import InvalidTransition
from backend.mail import notify
from scoring.models import Finding, Severity

Status = CorrectiveAction.Status
Role = Membership.Role

RESPOND = "actions.respond_correctiveaction"  # the supplier side
REVIEW = "actions.review_correctiveaction"  # the buyer side

OPEN_STATES: tuple[str, ...] = (
    Status.OPEN,
    Status.PLAN_SUBMITTED,
    Status.PLAN_ACCEPTED,
    Status.EVIDENCE_SUBMITTED,
)


@dataclass(frozen=True)
class Transition:
    """One move of the workflow: from which states, to which state, by which side.

    ``target`` None means the status does not change (due-date extension). ``notify`` names the
    side that is mailed ``mail`` after commit. ``comment`` is "required" when the move needs a
    comment (rejections, cancellation, extension), else "optional"."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    perm: str
    verb: str
    mail: str
    notify: str
    comment: str = "optional"


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "submit_plan",
            (Status.OPEN,),
            Status.PLAN_SUBMITTED,
            RESPOND,
            "action.plan_submitted",
            "actions/email/action_plan_submitted",
            "buyer",
        ),
        Transition(
            "accept_plan",
            (Status.PLAN_SUBMITTED,),
            Status.PLAN_ACCEPTED,
            REVIEW,
            "action.plan_accepted",
            "actions/email/action_plan_accepted",
            "supplier",
        ),
        Transition(
            "reject_plan",
            (Status.PLAN_SUBMITTED,),
            Status.OPEN,
            REVIEW,
            "action.plan_rejected",
            "actions/email/action_plan_rejected",
            "supplier",
            comment="required",
        ),
        Transition(
            "submit_evidence",
            (Status.PLAN_ACCEPTED,),
            Status.EVIDENCE_SUBMITTED,
            RESPOND,
            "action.evidence_submitted",
            "actions/email/action_evidence_submitted",
            "buyer",
        ),
        Transition(
            "verify",
            (Status.EVIDENCE_SUBMITTED,),
            Status.VERIFIED,
            REVIEW,
            "action.verified",
            "actions/email/action_verified",
            "supplier",
        ),
        Transition(
            "reject_evidence",
            (Status.EVIDENCE_SUBMITTED,),
            Status.PLAN_ACCEPTED,
            REVIEW,
            "action.evidence_rejected",
            "actions/email/action_evidence_rejected",
            "supplier",
            comment="required",
        ),
        Transition(
            "cancel",
            OPEN_STATES,
            Status.CANCELLED,
            REVIEW,
            "action.cancelled",
            "actions/email/action_cancelled",
            "supplier",
            comment="required",
        ),
        Transition(
            "extend",
            OPEN_STATES,
            None,
            REVIEW,
            "action.due_date_extended",
            "actions/email/action_extended",
            "supplier",
            comment="required",
        ),
    )
}

# Evidence files may be added while the supplier works on the accepted plan (also after the
# buyer rejected earlier evidence, which moves the action back to plan_accepted).
EVIDENCE_UPLOAD_STATES: tuple[str, ...] = (Status.PLAN_ACCEPTED,)


def allowed_moves(*, action: CorrectiveAction, user) -> list[str]:
    """The transition names ``user`` may apply to ``action`` now (for clients to show buttons)."""
    perms = {p for p in (RESPOND, REVIEW) if user.has_perm(p, action)}
    return [t.name for t in TRANSITIONS.values() if t.perm in perms and action.status in t.sources]


# --- recipients -------------------------------------------------------------------------------


def _org_users(organization_id: int, roles: Iterable[str]) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=organization_id,
            memberships__role__in=list(roles),
        ).distinct()
    )


def supplier_recipients(action: CorrectiveAction) -> list[User]:
    """Who acts for the supplier: the audit's respondents and the supplier's admins."""
    users = {u.pk: u for u in action.audit.respondents.filter(is_active=True)}
    users.update({u.pk: u for u in _org_users(action.supplier_id, [Role.ADMIN])})
    return list(users.values())


def buyer_recipients(action: CorrectiveAction) -> list[User]:
    """Who acts for the buyer: the audit's reviewers and its issuer; when the audit has neither
    (issuer left, nobody assigned), the buyer's officers and admins so nothing is lost."""
    audit = action.audit
    users = {u.pk: u for u in audit.reviewers.filter(is_active=True)}
    if (
        audit.issued_by_id
        and Membership.objects.filter(
            user_id=audit.issued_by_id, organization_id=action.buyer_id
        ).exists()
    ):
        users.setdefault(audit.issued_by_id, audit.issued_by)
    if not users:
        users = {u.pk: u for u in _org_users(action.buyer_id, [Role.ADMIN, Role.OFFICER])}
    return list(users.values())


def _recipients(action: CorrectiveAction, side: str) -> list[User]:
    return supplier_recipients(action) if side == "supplier" else buyer_recipients(action)


def _mail_context(action: CorrectiveAction, **extra: Any) -> dict[str, Any]:
    finding = action.finding
    return {
        "action_id": action.pk,
        "audit_id": action.audit_id,
        "status": action.status,
        "severity": action.severity,
        "rule_code": finding.rule_code,
        "title_en": pick(finding.title, "en"),
        "title_zh": pick(finding.title, "zh-Hans"),
        "buyer_name": action.buyer.name,
        "supplier_name": action.supplier.name,
        "due_date": action.due_date,
        "path": f"/actions/{action.pk}/",
        **extra,
    }


# --- the transition core ----------------------------------------------------------------------


def _begin(name: str, *, action: CorrectiveAction, actor) -> tuple[Transition, CorrectiveAction]:
    """Authorize the move, lock the row and check its state. Returns the locked action."""
    t = TRANSITIONS[name]
    if actor is None or not actor.has_perm(t.perm, action):
        raise PermissionDenied(_("You may not do this on this corrective action."))
    locked = (
        CorrectiveAction.objects.select_for_update(of=("self",))
        .select_related("finding", "audit", "buyer", "supplier")
        .get(pk=action.pk)
    )
    if locked.status not in t.sources:
        raise InvalidTransition(
            entity="corrective action",
            from_status=locked.status,
            to_status=t.target or locked.status,
            message=str(
                _("This corrective action is '%(status)s'; it cannot be changed that way now.")
                % {"status": locked.get_status_display()}
            ),
        )
    return t, locked


def _require_comment(t: Transition, comment: str, field: str = "comment") -> str:
    comment = (comment or "").strip()
    if t.comment == "required" and not comment:
        raise ValidationError({field: [_("This field is required.")]})
    return comment


def _finish(
    t: Transition,
    action: CorrectiveAction,
    *,
    actor,
    fields: list[str] | None = None,
    comment: str = "",
    data: dict | None = None,
    mail_extra: dict | None = None,
) -> CorrectiveAction:
    from_status = action.status
    if t.target is not None:
        action.status = t.target
    action.save(update_fields=[*(fields or []), "status", "updated_at"])
    ActivityEvent.objects.create(
        actor=actor,
        verb=t.verb,
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=from_status,
        to_status=action.status,
        comment=comment,
        data=data or {},
    )
    notify(
        _recipients(action, t.notify),
        t.mail,
        _mail_context(action, comment=comment, actor_name=str(actor), **(mail_extra or {})),
    )
    return action


# --- opening ----------------------------------------------------------------------------------


def _due_days(document: dict, finding: Finding) -> int | None:
    """``due_days`` of the finding's rule, else the rule set's ``sla_days`` for its severity;
    None when the severity has no SLA (observations never open an action)."""
    if finding.severity == Severity.OBSERVATION:
        return None
    for rule in document.get("findings") or []:
        if rule.get("code") == finding.rule_code and rule.get("due_days") is not None:
            return int(rule["due_days"])
    days = (document.get("sla_days") or {}).get(finding.severity)
    return int(days) if days is not None else None


def actions_open_for_audit(*, audit, actor=None) -> list:
    """Open a corrective action for every finding of ``audit``'s final score whose severity has
    an SLA (observations open none), due ``due_days`` or ``sla_days[severity]`` after
    acceptance; grant permissions; mark earlier open actions of the same supplier and
    questionnaire whose rule no longer fires as suggested for verification.
    Runs inside the caller's transaction (``audit_accept``). Returns the actions opened.

    Idempotent: findings that already have an action are skipped. Follow-up suggestions stay
    within the audit's buyer (another buyer's audit is not this buyer's evidence)."""
    from audits.permissions import grant_action_to_organizations

    with transaction.atomic():
        try:
            score = audit.scores.filter(final=True).select_related("ruleset").latest()
        except audit.scores.model.DoesNotExist:
            return []
        document = score.ruleset.document or {}
        accepted_on = timezone.localdate(audit.accepted_at or timezone.now())
        findings = list(score.finding_rows.filter(action__isnull=True).order_by("rule_code"))

        opened: list[CorrectiveAction] = []
        for finding in findings:
            days = _due_days(document, finding)
            if days is None:
                continue
            due = accepted_on + datetime.timedelta(days=days)
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
            ActivityEvent.objects.create(
                actor=actor,
                verb="action.opened",
                audit=audit,
                corrective_action=action,
                organization_id=audit.buyer_id,
                to_status=action.status,
                data={"rule_code": finding.rule_code, "due_date": due.isoformat(), "days": days},
            )
            opened.append(action)

        if opened:
            first = opened[0]
            notify(
                supplier_recipients(first),
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

        _follow_up(audit=audit, score=score, actor=actor)
    return opened


def _follow_up(*, audit: Audit, score, actor) -> None:
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
            verb = "action.verification_suggested"
        elif not fixed and action.suggested_verification:
            # The rule fires again: the earlier suggestion no longer holds.
            action.suggested_verification = False
            action.suggested_by_audit = None
            verb = "action.verification_suggestion_withdrawn"
        else:
            continue
        action.save(update_fields=["suggested_verification", "suggested_by_audit", "updated_at"])
        ActivityEvent.objects.create(
            actor=actor,
            verb=verb,
            audit_id=action.audit_id,
            corrective_action=action,
            organization_id=action.buyer_id,
            from_status=action.status,
            to_status=action.status,
            internal=True,
            data={"audit_id": audit.pk, "rule_code": action.finding.rule_code},
        )


# --- the moves --------------------------------------------------------------------------------


@transaction.atomic
def action_submit_plan(
    *,
    action: CorrectiveAction,
    actor,
    root_cause: str,
    plan: str,
    responsible_person: str,
    target_date: datetime.date | None,
) -> CorrectiveAction:
    """Supplier side: the root cause, the actions planned, who is responsible and by when.
    Every field is required; ``target_date`` may not be after the (possibly extended) due
    date."""
    t, action = _begin("submit_plan", action=action, actor=actor)
    values = {
        "root_cause": (root_cause or "").strip(),
        "plan": (plan or "").strip(),
        "responsible_person": (responsible_person or "").strip(),
    }
    errors: dict[str, list] = {
        field: [_("This field is required.")] for field, value in values.items() if not value
    }
    if target_date is None:
        errors["target_date"] = [_("This field is required.")]
    elif target_date > action.due_date:
        errors["target_date"] = [
            _("The target date may not be after the due date (%(due)s).")
            % {"due": action.due_date.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    for field, value in values.items():
        setattr(action, field, value)
    action.target_date = target_date
    if action.owner_id is None:
        action.owner = actor
    return _finish(
        t,
        action,
        actor=actor,
        fields=[*values, "target_date", "owner"],
        data={"target_date": target_date.isoformat()},
    )


@transaction.atomic
def action_accept_plan(*, action: CorrectiveAction, actor, comment: str = "") -> CorrectiveAction:
    """Buyer side: the plan is good; the supplier now carries it out."""
    t, action = _begin("accept_plan", action=action, actor=actor)
    return _finish(t, action, actor=actor, comment=_require_comment(t, comment))


@transaction.atomic
def action_reject_plan(*, action: CorrectiveAction, actor, comment: str) -> CorrectiveAction:
    """Buyer side: the plan is not good enough (comment required); back to ``open``, the
    supplier's plan fields are kept for them to revise."""
    t, action = _begin("reject_plan", action=action, actor=actor)
    return _finish(t, action, actor=actor, comment=_require_comment(t, comment))


@transaction.atomic
def action_evidence_add(*, action: CorrectiveAction, actor, file) -> ActionEvidence:
    """Supplier side: attach a completion evidence file (validated like audit evidence) while
    the plan is accepted."""
    if actor is None or not actor.has_perm(RESPOND, action):
        raise PermissionDenied(_("You may not do this on this corrective action."))
    action = CorrectiveAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if action.status not in EVIDENCE_UPLOAD_STATES:
        raise InvalidTransition(
            entity="corrective action",
            from_status=action.status,
            to_status=action.status,
            message=str(_("Evidence can be added only while the plan is accepted.")),
        )
    evidence = _store_evidence(action=action, actor=actor, file=file)
    ActivityEvent.objects.create(
        actor=actor,
        verb="action.evidence_added",
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=action.status,
        to_status=action.status,
        data={"evidence_id": evidence.pk, "name": evidence.original_name},
    )
    return evidence


def _store_evidence(*, action: CorrectiveAction, actor, file) -> ActionEvidence:
    # The one upload path of the project (size, type by content, sha256, random name).
    from audits.services.evidence import evidence_store

    return evidence_store(
        file=file,
        actor=actor,
        audit_id=action.audit_id,
        model=ActionEvidence,
        corrective_action=action,
    )


@transaction.atomic
def action_submit_evidence(
    *, action: CorrectiveAction, actor, completion_note: str, files: Iterable = ()
) -> CorrectiveAction:
    """Supplier side: the plan is carried out. ``completion_note`` is required; ``files`` are
    stored as evidence of the action (each validated; one bad file rejects the whole
    submission and stores nothing)."""
    t, action = _begin("submit_evidence", action=action, actor=actor)
    note = (completion_note or "").strip()
    if not note:
        raise ValidationError({"completion_note": [_("This field is required.")]})
    stored = []
    for f in files:
        try:
            stored.append(_store_evidence(action=action, actor=actor, file=f))
        except ValidationError as exc:
            name = getattr(f, "name", "") or "file"
            raise ValidationError({"files": [f"{name}: {m}" for m in exc.messages]}) from exc
    action.completion_note = note
    return _finish(
        t,
        action,
        actor=actor,
        fields=["completion_note"],
        data={"evidence_ids": [e.pk for e in stored]},
    )


@transaction.atomic
def action_verify(*, action: CorrectiveAction, actor, comment: str = "") -> CorrectiveAction:
    """Buyer side: the evidence shows the fix; the action is closed."""
    t, action = _begin("verify", action=action, actor=actor)
    action.verified_at = timezone.now()
    return _finish(
        t, action, actor=actor, fields=["verified_at"], comment=_require_comment(t, comment)
    )


@transaction.atomic
def action_reject_evidence(*, action: CorrectiveAction, actor, comment: str) -> CorrectiveAction:
    """Buyer side: the evidence does not show the fix (comment required); back to
    ``plan_accepted`` for the supplier to complete it."""
    t, action = _begin("reject_evidence", action=action, actor=actor)
    return _finish(t, action, actor=actor, comment=_require_comment(t, comment))


@transaction.atomic
def action_cancel(*, action: CorrectiveAction, actor, reason: str) -> CorrectiveAction:
    """Buyer side: the action is no longer needed (reason required)."""
    t, action = _begin("cancel", action=action, actor=actor)
    reason = _require_comment(t, reason, field="reason")
    action.cancelled_at = timezone.now()
    return _finish(t, action, actor=actor, fields=["cancelled_at"], comment=reason)


@transaction.atomic
def action_extend_due_date(
    *, action: CorrectiveAction, actor, due_date: datetime.date | None, reason: str
) -> CorrectiveAction:
    """Buyer side: move the due date later (reason required); the event records old and new.
    The original due date is kept in ``original_due_date``."""
    t, action = _begin("extend", action=action, actor=actor)
    errors: dict[str, list] = {}
    if due_date is None:
        errors["due_date"] = [_("This field is required.")]
    elif due_date <= action.due_date:
        errors["due_date"] = [
            _("The new due date must be after the current one (%(due)s).")
            % {"due": action.due_date.isoformat()}
        ]
    if not (reason or "").strip():
        errors["reason"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    assert due_date is not None
    old = action.due_date
    action.due_date = due_date
    return _finish(
        t,
        action,
        actor=actor,
        fields=["due_date"],
        comment=reason.strip(),
        data={"old_due_date": old.isoformat(), "new_due_date": due_date.isoformat()},
        mail_extra={"old_due_date": old},
    )


@transaction.atomic
def action_comment(
    *, action: CorrectiveAction, actor, text: str, internal: bool = False
) -> ActivityEvent:
    """Add a comment to the action's thread. Either side may comment; ``internal`` notes are
    for the buyer side only and never shown to the supplier."""
    buyer_side = actor is not None and actor.has_perm(REVIEW, action)
    supplier_side = actor is not None and actor.has_perm(RESPOND, action)
    if not (buyer_side or supplier_side):
        raise PermissionDenied(_("You may not comment on this corrective action."))
    if internal and not buyer_side:
        raise PermissionDenied(_("Only the buyer may write internal notes."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": [_("This field is required.")]})
    return ActivityEvent.objects.create(
        actor=actor,
        verb="action.comment",
        audit_id=action.audit_id,
        corrective_action=action,
        organization_id=action.buyer_id,
        from_status=action.status,
        to_status=action.status,
        comment=text,
        internal=bool(internal),
    )


# --- reminders --------------------------------------------------------------------------------


def _whose_move(action: CorrectiveAction) -> str:
    # A plan or evidence waiting for review is the buyer's to move; everything else the
    # supplier's.
    if action.status in (Status.PLAN_SUBMITTED, Status.EVIDENCE_SUBMITTED):
        return "buyer"
    return "supplier"


def send_action_reminders(*, today) -> int:
    """Mail reminders for corrective actions due in 7 days, in 1 day, or overdue, at most once
    per action per day (``ReminderLog``). Returns the number of mails scheduled.

    The reminder goes to the side whose move it is (the supplier for open / plan accepted, the
    buyer for a plan or evidence awaiting review)."""
    due_soon = [today + datetime.timedelta(days=7), today + datetime.timedelta(days=1)]
    already = ReminderLog.objects.filter(kind=ReminderLog.Kind.ACTION, sent_on=today).values_list(
        "object_id", flat=True
    )
    candidates = (
        CorrectiveAction.objects.open()
        .filter(Q(due_date__lt=today) | Q(due_date__in=due_soon))
        .exclude(pk__in=already)
        .select_related("finding", "audit", "buyer", "supplier")
        .order_by("due_date", "pk")
    )
    sent = 0
    for action in candidates:
        reason = reminder_reason(action.due_date, today)
        if reason is None:
            continue
        recipients = _recipients(action, _whose_move(action))
        if claim_reminder(
            kind=ReminderLog.Kind.ACTION,
            object_id=action.pk,
            reason=reason,
            today=today,
            recipients=len(recipients),
        ):
            sent += notify(
                recipients,
                "actions/email/action_reminder",
                _mail_context(
                    action,
                    reason=reason,
                    days_left=(action.due_date - today).days,
                    days_overdue=max((today - action.due_date).days, 0),
                ),
            )
    return sent
