"""Demo corrective actions for ``seed_demo``: the actions opened by the accepted demo audits are
moved through the corrective-action services into every state (open, plan submitted, plan
accepted, evidence submitted, verified, cancelled), with both kinds of rejection, a due-date
extension, a comment thread with a buyer-internal note, and some actions overdue."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Membership, User
from actions import services as services
from actions.models import CorrectiveAction
from activity.models import ActivityEvent
from audits.models import Audit
from flows.demo.audits import DEMO_TITLE

Role = Membership.Role
Status = CorrectiveAction.Status

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
SEVERITY_ORDER = {"critical": 0, "major": 1, "minor": 2, "observation": 3}


def _say(ctx, message: str) -> None:
    log = getattr(ctx, "log", None)
    if callable(log):
        log(message)


def _first(users) -> User | None:
    return next(iter(users), None)


def _org_user(org_id: int, *roles: str) -> User | None:
    return (
        User.objects.filter(
            is_active=True, memberships__organization_id=org_id, memberships__role__in=roles
        )
        .order_by("pk")
        .first()
    )


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _untouched_demo_actions() -> list[CorrectiveAction]:

    demo = CorrectiveAction.objects.filter(
        audit__title=DEMO_TITLE, audit__status=Audit.Status.ACCEPTED
    )
    if (
        ActivityEvent.objects.filter(corrective_action__in=demo)
        .exclude(verb="action.opened")
        .exists()
    ):
        return []  # seeded before: leave the demo as it is
    actions = demo.filter(status=Status.OPEN).select_related("finding", "audit")
    return sorted(
        actions,
        key=lambda a: (SEVERITY_ORDER.get(a.severity, 9), a.buyer_id, a.pk),
    )


def seed_actions(ctx=None) -> list[CorrectiveAction]:
    """Move the untouched actions of the accepted demo audits into the demo states (see
    ``RECIPES``), through the services, so events and permissions are real. Idempotent: once
    any demo action has moved, nothing more happens; nothing happens either when the demo
    audits opened no actions (library not loaded, or no rule set). Returns the actions moved."""
    actions = _untouched_demo_actions()
    if not actions:
        _say(ctx, "Demo corrective actions: nothing to do.")
        return []
    moved = []
    # Demo addresses are not real: the notification mails go nowhere while seeding.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for action, recipe in zip(actions, RECIPES, strict=False):
            with transaction.atomic():
                _apply(action, recipe)
            moved.append(action)
    counts: dict[str, int] = {}
    for a in CorrectiveAction.objects.filter(pk__in=[a.pk for a in moved]):
        counts[a.status] = counts.get(a.status, 0) + 1
    overdue = CorrectiveAction.objects.filter(pk__in=[a.pk for a in moved]).overdue().count()
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    _say(ctx, f"Demo corrective actions: {summary}; {overdue} overdue.")
    return moved


_ROOT_CAUSE = (
    "No written procedure; the line supervisor decided case by case. 没有书面程序，由线长临时决定。"
)
_PLAN = "Write the procedure, train supervisors, check monthly. 制定书面程序，培训线长，每月检查。"


@dataclass(frozen=True)
class _Sides:
    """One demo action and the two people who move it: the supplier's respondent (or admin)
    and the buyer's reviewer (or officer, or admin)."""

    action: CorrectiveAction
    supplier: User
    buyer: User

    def plan(self, plan: str = _PLAN) -> None:
        services.action_submit_plan(
            action=self.action,
            actor=self.supplier,
            root_cause=_ROOT_CAUSE,
            plan=plan,
            responsible_person="Zhang Min 张敏 (HR manager)",
            target_date=self.action.due_date - datetime.timedelta(days=3),
        )

    def accept_plan(self, comment: str = "") -> None:
        services.action_accept_plan(action=self.action, actor=self.buyer, comment=comment)

    def reject_plan(self, comment: str) -> None:
        services.action_reject_plan(action=self.action, actor=self.buyer, comment=comment)

    def evidence(self, note: str, name: str) -> None:
        services.action_submit_evidence(
            action=self.action, actor=self.supplier, completion_note=note, files=[_pdf(name)]
        )

    def backdate(self, days: int) -> None:
        # Overdue needs a due date in the past, which the workflow never sets (accepting an
        # audit opens actions due in the future): backdate it so the demo shows overdue
        # actions, reminders and the overdue-critical flag of the risk register.
        due = timezone.localdate() - datetime.timedelta(days=days)
        CorrectiveAction.objects.filter(pk=self.action.pk).update(
            due_date=due, original_due_date=due
        )


def _overdue_open(sides: _Sides) -> None:
    services.action_comment(
        action=sides.action,
        actor=sides.buyer,
        text="Please send your plan; this finding is critical. 请尽快提交整改计划。",
    )
    services.action_comment(
        action=sides.action,
        actor=sides.buyer,
        text="Escalate to the category manager if no plan by Friday.",
        internal=True,
    )
    sides.backdate(5)


def _overdue_plan_accepted(sides: _Sides) -> None:
    sides.plan()
    sides.accept_plan("OK, go ahead. 同意。")
    sides.backdate(2)


def _verified_after_rejections(sides: _Sides) -> None:
    sides.plan("Remind supervisors. 提醒线长。")
    sides.reject_plan(
        "A reminder is not a fix: add a written procedure and a monthly check. "
        "仅提醒不够，请增加书面程序和每月检查。"
    )
    sides.plan()
    sides.accept_plan()
    sides.evidence("Procedure written. 程序已制定。", "procedure-draft.pdf")
    services.action_reject_evidence(
        action=sides.action,
        actor=sides.buyer,
        comment="The procedure is unsigned and there is no training record. "
        "程序未签署，也没有培训记录。",
    )
    sides.evidence(
        "Signed procedure and training attendance sheet attached. 附签署版程序和培训签到表。",
        "procedure-signed.pdf",
    )
    services.action_verify(action=sides.action, actor=sides.buyer, comment="Verified. 已核实。")


def _evidence_submitted(sides: _Sides) -> None:
    sides.plan()
    sides.accept_plan()
    sides.evidence("Done, see the attached records. 已完成，见附件记录。", "records.pdf")


def _plan_submitted(sides: _Sides) -> None:
    sides.plan()


def _cancelled(sides: _Sides) -> None:
    services.action_cancel(
        action=sides.action,
        actor=sides.buyer,
        reason="Covered by the on-site audit planned next month. 将由下月现场审核覆盖。",
    )


def _plan_rejected(sides: _Sides) -> None:
    sides.plan("We will look into it. 我们会研究。")
    sides.reject_plan("Please list concrete steps and who does them. 请列出具体措施和负责人。")


def _extended(sides: _Sides) -> None:
    sides.plan()
    sides.accept_plan()
    services.action_extend_due_date(
        action=sides.action,
        actor=sides.buyer,
        due_date=sides.action.due_date + datetime.timedelta(days=30),
        reason="Equipment delivery delayed by the vendor. 设备供应商延迟交货。",
    )


# What each demo action goes through, in this order; critical actions come first, so the
# overdue ones are critical and flag their supplier in the risk register.
_RECIPE_STEPS: dict[str, Callable[[_Sides], None]] = {
    "overdue_open": _overdue_open,
    "overdue_plan_accepted": _overdue_plan_accepted,
    "verified_after_rejections": _verified_after_rejections,
    "evidence_submitted": _evidence_submitted,
    "plan_submitted": _plan_submitted,
    "cancelled": _cancelled,
    "plan_rejected": _plan_rejected,
    "extended": _extended,
}
RECIPES: tuple[str, ...] = tuple(_RECIPE_STEPS)


def _apply(action: CorrectiveAction, recipe: str) -> None:
    """Move ``action`` through ``recipe`` (one of ``RECIPES``), acting as its audit's assignees
    (else the organizations' first admin or officer); nothing without both."""
    audit = action.audit
    supplier = _first(audit.respondents.filter(is_active=True)) or _org_user(
        action.supplier_id, Role.ADMIN
    )
    buyer = _first(audit.reviewers.filter(is_active=True)) or _org_user(
        action.buyer_id, Role.OFFICER, Role.ADMIN
    )
    if supplier is None or buyer is None:
        return
    _RECIPE_STEPS[recipe](_Sides(action=action, supplier=supplier, buyer=buyer))
    action.refresh_from_db()
