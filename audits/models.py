"""Audits, their answers and evidence, and the campaigns that issue them."""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Organization
from accounts.permissions import granted_codenames, granted_ids, org_ids_with_perm
from audits.contact_models import PendingRespondent  # noqa: F401 (registered here)
from audits.dialogue_models import (  # noqa: F401 (registered here)
    QuestionComment,
    Submission,
)
from audits.share_models import (  # noqa: F401 (Share, ShareRequest: registered here)
    Share,
    ShareRequest,
    shared_audit_ids,
)
from backend.tallies import TallyModel
from backend.workflow import is_overdue, overdue_q
from questionnaires.models import Question, QuestionnaireVersion
from rulesets.models import RuleSet


def audit_visibility(user, prefix: str = "") -> Q | None:
    """The condition on an audit (reached through ``prefix``, e.g. ``"audit__"``) that makes it
    visible to ``user``; None when nothing is.

    * buyers where the user's role sees every audit (admin, officer): their audits;
    * suppliers where the user is the admin: their audits once sent (a draft is the buyer's own
      business; one cancelled before it was sent stays so);
    * audits granted to the user alone: assigned respondents and reviewers, single grants;
    * audits a supplier shared with those buyers (``Share``, until revoked).

    Membership and grant ids are read once per request, so lists filter on indexed columns."""
    buyers = org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.BUYER)
    suppliers = org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.SUPPLIER)
    granted = granted_ids(user, "audits.view_audit", Audit)
    parts = []
    if buyers:
        parts.append(Q(**{f"{prefix}buyer_id__in": buyers}))
    if shared := shared_audit_ids(user, buyers):
        parts.append(Q(**{f"{prefix}pk__in": shared}))
    if suppliers:
        parts.append(
            Q(**{f"{prefix}supplier_id__in": suppliers})
            & ~Q(**{f"{prefix}status": Audit.Status.DRAFT})
            & ~Q(**{f"{prefix}status": Audit.Status.CANCELLED, f"{prefix}issued_at": None})
        )
    if granted:
        parts.append(Q(**{f"{prefix}pk__in": granted}))
    if not parts:
        return None
    condition = parts[0]
    for part in parts[1:]:
        condition |= part
    return condition


def audit_visible(user, audit: Audit) -> bool:
    """Whether ``audit_visibility`` lets ``user`` see ``audit``, decided on the row already
    read: from the request's memberships, and the user's own grants on it only when those do
    not decide (one query for an assignee, none for the organization's members)."""
    buyers = org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.BUYER)
    if audit.buyer_id in buyers:
        return True
    suppliers = org_ids_with_perm(user, "accounts.view_all_audits", kind=Organization.Kind.SUPPLIER)
    unsent = audit.status == Audit.Status.DRAFT or (
        audit.status == Audit.Status.CANCELLED and audit.issued_at is None
    )
    if audit.supplier_id in suppliers and not unsent:
        return True
    if "view_audit" in granted_codenames(user, audit):
        return True
    return audit.pk in shared_audit_ids(user, buyers)


class AuditQuerySet(models.QuerySet["Audit"]):
    def visible_to(self, user) -> AuditQuerySet:
        """Audits the user may see (``audit_visibility``)."""
        condition = audit_visibility(user)
        return self.none() if condition is None else self.filter(condition)

    def open(self) -> AuditQuerySet:
        return self.filter(status__in=Audit.OPEN_STATES)

    def editable(self) -> AuditQuerySet:
        return self.filter(status__in=Audit.EDITABLE_STATES)

    def overdue(self, today: datetime.date | None = None) -> AuditQuerySet:
        """Past the due date while being answered (DESIGN section 4)."""
        return self.filter(overdue_q(Audit.OVERDUE_STATES, today))


class Campaign(models.Model):
    """One questionnaire issued to many suppliers at once, processed in the background."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="campaigns")
    # ``name`` is the buyer team's own; suppliers read ``title`` (blank: the questionnaire's
    # title in their language) and ``message`` on each audit of the campaign.
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("title for suppliers"), max_length=200, blank=True)
    message = models.TextField(_("message to the suppliers"), blank=True)
    questionnaire_version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT)
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, null=True, blank=True)
    due_date = models.DateField(_("due date"))
    # Either an explicit list of supplier organization ids or a filter (country, criticality,
    # category); the resolved ids are stored so that re-running is idempotent.
    supplier_ids = models.JSONField(default=list, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    # Who answers, for suppliers chosen by id: {"<supplier id>": {"email", "full_name"}}; a
    # supplier not named here is answered by its administrators.
    contacts = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @property
    def progress(self) -> int:
        return 100 if not self.total else int(100 * self.processed / self.total)


class CampaignChunk(models.Model):
    """A slice of a campaign's suppliers (``supplier_ids[start:stop]``), issued in one
    transaction by whichever worker claims it first (``select_for_update(skip_locked=True)``).
    ``done_at`` is set in that transaction, so a chunk is issued once or not at all; a
    resumed campaign runs the chunks not done. ``skipped``: suppliers that had left the
    network."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="chunks")
    number = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    stop = models.PositiveIntegerField()
    done_at = models.DateTimeField(null=True, blank=True)
    skipped = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="campaign_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}#{self.number} [{self.start}:{self.stop}]"


class Audit(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENT = "sent", _("Sent")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned")
        ACCEPTED = "accepted", _("Accepted")
        CANCELLED = "cancelled", _("Cancelled")

    EDITABLE_STATES = (Status.SENT, Status.IN_PROGRESS, Status.RETURNED)
    OVERDUE_STATES = EDITABLE_STATES
    OPEN_STATES = (Status.DRAFT, Status.SENT, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED)

    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="audits_issued")
    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="audits_received"
    )
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, related_name="audits"
    )
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="audits"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    due_date = models.DateField(_("due date"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    message = models.TextField(_("message to the supplier"), blank=True)
    respondents = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="respondent_audits"
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="reviewer_audits"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    issued_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    score_released = models.BooleanField(default=False)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("respond_audit", "Answer, upload evidence and submit"),
            ("review_audit", "Review: return or accept"),
            ("cancel_audit", "Cancel"),
            ("assign_respondents", "Assign respondents"),
            ("assign_reviewers", "Assign reviewers"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "supplier"],
                condition=Q(campaign__isnull=False),
                name="audit_once_per_campaign_supplier",
            )
        ]
        # Lists are filtered by organization (visibility) and maybe state, newest first
        # (``-created_at, -id``): each of these serves one shape as an ordered index scan and
        # the counts as index-only scans. ``status, due_date``: overdue audits and reminders.
        indexes = [
            models.Index(fields=["buyer", "created_at", "id"], name="audit_buyer_created"),
            models.Index(
                fields=["buyer", "status", "created_at", "id"], name="audit_buyer_status_created"
            ),
            models.Index(fields=["supplier", "created_at", "id"], name="audit_supplier_created"),
            models.Index(
                fields=["supplier", "status", "created_at", "id"],
                name="audit_supplier_status_created",
            ),
            models.Index(fields=["created_at", "id"], name="audit_created"),
            # The dashboard's newest submissions awaiting review: read in index order, the
            # first ten, however many are waiting.
            models.Index(
                fields=["buyer", "status", "submitted_at", "id"], name="audit_buyer_submitted"
            ),
            # A buyer's latest accepted audit of each supplier (dashboard, register), in the
            # order the latest is chosen (acceptance, then id), so that one entry decides.
            models.Index(
                fields=["buyer", "supplier", "status", "accepted_at", "id"],
                name="audit_pair_accepted_id",
            ),
            models.Index(fields=["status", "due_date"], name="audit_status_due"),
        ]

    def __str__(self) -> str:
        return f"Audit #{self.pk} {self.supplier} ({self.status})"

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return is_overdue(self, self.OVERDUE_STATES, today)


class AuditTally(TallyModel):
    """Audits per buyer, supplier, state and (for the states in which an audit can be overdue)
    due date, kept by database triggers (``backend.tallies``; migration 0009): the buyer
    dashboard's counts read these rows instead of counting the programme's audits."""

    class Meta(TallyModel.Meta):
        pass


class Answer(models.Model):
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["audit", "question__section__position", "question__position"]
        constraints = [models.UniqueConstraint(fields=["audit", "question"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.audit_id}:{self.question_id}"


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    # Random stored names: the original name is kept in the row, never in the path. The
    # extension is that of ``filename``, which ``evidence_store`` makes from the type detected
    # in the bytes (``upload.pdf``), so a stored file opens with the right program.
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() else ""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """An uploaded file checked by content: random stored name, original name kept, sha256."""

    file = models.FileField(upload_to=evidence_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.original_name


class Evidence(StoredFile):
    """A file attached to an audit question."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="evidence")
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence_files"
    )

    class Meta(StoredFile.Meta):
        verbose_name_plural = "evidence"


class AuditUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)


class AuditGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Audit, on_delete=models.CASCADE)


class ReassessmentPolicy(models.Model):
    """A buyer's re-assessment cycle (DESIGN section 4): months between accepted assessments
    per priority, how many days before the interval ends the next one is prepared, whether it
    is prepared as a draft or sent, and optionally the questionnaire version and rule set to use
    instead of the last audit's."""

    class Mode(models.TextChoices):
        DRAFT = "draft", _("Prepare as a draft")
        SEND = "send", _("Send")

    buyer = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reassessment_policy"
    )
    months_p1 = models.PositiveSmallIntegerField(_("months for P1"), default=12)
    months_p2 = models.PositiveSmallIntegerField(_("months for P2"), default=18)
    months_p3 = models.PositiveSmallIntegerField(_("months for P3"), default=24)
    months_p4 = models.PositiveSmallIntegerField(_("months for P4"), default=36)
    lead_days = models.PositiveSmallIntegerField(_("lead time in days"), default=30)
    mode = models.CharField(_("mode"), max_length=5, choices=Mode.choices, default=Mode.DRAFT)
    questionnaire_version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ruleset = models.ForeignKey(
        RuleSet, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"re-assessment policy of {self.buyer_id}"

    def months(self, priority: str) -> int:
        """The interval in months for ``priority`` (``P1`` .. ``P4``)."""
        return int(getattr(self, f"months_{priority.lower()}"))
