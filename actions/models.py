"""Corrective actions: the fix of one finding, tracked by both sides until verified."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organization
from accounts.permissions import granted_ids, member_org_ids, org_ids_with_perm
from audits.models import Audit, StoredFile
from backend.tallies import TallyModel
from backend.workflow import is_overdue, overdue_q
from scoring.models import Finding, Severity


def action_visibility_buyers(user) -> list[int] | None:
    """The buyers whose actions ``user`` sees when that is all ``visible_to`` lets them see
    (no supplier side, no grant); None otherwise. Then the tally counts their lists."""
    perm = "accounts.view_all_audits"
    buyers = org_ids_with_perm(user, perm, kind=Organization.Kind.BUYER)
    if not buyers or org_ids_with_perm(user, perm, kind=Organization.Kind.SUPPLIER):
        return None
    if granted_ids(user, "actions.view_correctiveaction", CorrectiveAction):
        return None
    return buyers


class CorrectiveActionQuerySet(models.QuerySet["CorrectiveAction"]):
    def visible_to(self, user) -> CorrectiveActionQuerySet:
        """Actions of the buyers where the user's role sees every audit, of the suppliers where
        the user is the admin, and those granted to the user alone (the audit's respondents and
        reviewers). The buyer's members see every action; the supplier side only those of audits
        whose score is released: an action is derived from the score (DESIGN section 1). Ids
        read once per request: the list filters on indexed columns."""
        perm = "accounts.view_all_audits"
        buyers = org_ids_with_perm(user, perm, kind=Organization.Kind.BUYER)
        suppliers = org_ids_with_perm(user, perm, kind=Organization.Kind.SUPPLIER)
        granted = granted_ids(user, "actions.view_correctiveaction", CorrectiveAction)
        if not (buyers or suppliers or granted):
            return self.none()
        # Not withheld: released, or the user is a member of the action's buyer (any role).
        shown = Q(audit__score_released=True) | Q(
            buyer_id__in=member_org_ids(user, kind=Organization.Kind.BUYER)
        )
        condition = Q(pk__in=[])
        if buyers:
            condition |= Q(buyer_id__in=buyers)
        if suppliers:
            condition |= Q(supplier_id__in=suppliers) & shown
        if granted:
            condition |= Q(pk__in=granted) & shown
        return self.filter(condition)

    def open(self) -> CorrectiveActionQuerySet:
        return self.exclude(status__in=CorrectiveAction.CLOSED_STATES)

    def overdue(self, today: datetime.date | None = None) -> CorrectiveActionQuerySet:
        """Past the due date and not verified / cancelled (DESIGN section 4)."""
        return self.filter(overdue_q(CorrectiveAction.OPEN_STATES, today))

    def figures_by_supplier(self, today: datetime.date | None = None) -> models.QuerySet:
        """One row per supplier of the open actions: ``open_actions``, ``overdue_actions``,
        ``overdue_critical`` (a count; one is enough to flag the supplier in the register) and
        ``next_due_date``. One query, whatever the number of actions."""
        overdue = overdue_q(CorrectiveAction.OPEN_STATES, today)
        return (
            self.open()
            .order_by()
            .values("supplier_id")
            .annotate(
                open_actions=models.Count("pk"),
                overdue_actions=models.Count("pk", filter=overdue),
                overdue_critical=models.Count(
                    "pk", filter=overdue & models.Q(severity=Severity.CRITICAL)
                ),
                next_due_date=models.Min("due_date"),
            )
        )


class CorrectiveAction(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        PLAN_SUBMITTED = "plan_submitted", _("Plan submitted")
        PLAN_ACCEPTED = "plan_accepted", _("Plan accepted")
        EVIDENCE_SUBMITTED = "evidence_submitted", _("Evidence submitted")
        VERIFIED = "verified", _("Verified")
        CANCELLED = "cancelled", _("Cancelled")

    CLOSED_STATES = (Status.VERIFIED, Status.CANCELLED)
    OPEN_STATES = (
        Status.OPEN,
        Status.PLAN_SUBMITTED,
        Status.PLAN_ACCEPTED,
        Status.EVIDENCE_SUBMITTED,
    )

    finding = models.OneToOneField(Finding, on_delete=models.CASCADE, related_name="action")
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="actions")
    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    severity = models.CharField(max_length=12, choices=Severity.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    due_date = models.DateField(_("due date"))
    original_due_date = models.DateField()
    root_cause = models.TextField(_("root cause"), blank=True)
    plan = models.TextField(_("actions planned"), blank=True)
    responsible_person = models.CharField(_("responsible person"), max_length=150, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    completion_note = models.TextField(_("completion note"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Set when a later accepted audit no longer raises the finding's rule.
    suggested_verification = models.BooleanField(default=False)
    suggested_by_audit = models.ForeignKey(
        Audit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        permissions = [
            ("respond_correctiveaction", "Submit plan and evidence"),
            ("review_correctiveaction", "Accept, reject, verify, cancel, extend"),
        ]
        # Lists are filtered by organization (visibility) and maybe state, soonest due first
        # (``due_date, id``, the default ordering): ordered index scans and index-only counts.
        indexes = [
            models.Index(fields=["buyer", "due_date", "id"], name="action_buyer_due"),
            models.Index(
                fields=["buyer", "status", "due_date", "id"], name="action_buyer_status_due"
            ),
            models.Index(fields=["supplier", "due_date", "id"], name="action_supplier_due"),
            models.Index(
                fields=["supplier", "status", "due_date", "id"], name="action_supplier_status_due"
            ),
            models.Index(fields=["status", "due_date"], name="action_status_due"),
        ]

    def __str__(self) -> str:
        return f"Action #{self.pk} ({self.status})"

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return is_overdue(self, self.OPEN_STATES, today)


class CorrectiveActionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE)


class CorrectiveActionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(CorrectiveAction, on_delete=models.CASCADE)


class ActionEvidence(StoredFile):
    """A completion file of a corrective action (validated like audit evidence)."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="+")
    corrective_action = models.ForeignKey(
        CorrectiveAction, on_delete=models.CASCADE, related_name="evidence"
    )

    class Meta(StoredFile.Meta):
        verbose_name_plural = "action evidence"


class ActionTally(TallyModel):
    """Corrective actions per buyer, supplier, state and (for the open states) due date, kept
    by database triggers (``backend.tallies``; migration 0002): the buyer dashboard counts the
    overdue actions from these rows."""

    class Meta(TallyModel.Meta):
        pass
