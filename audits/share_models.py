"""Shares of assessments (DESIGN section 4): a buyer asks a supplier for its latest accepted
assessment on a questionnaire (``ShareRequest``); a grant, or a supplier's own publication,
gives that buyer read access to one accepted audit (``Share``) until it is revoked.

Imported by ``audits.models`` (Django finds an app's models there); the other models are
named by lazy reference, so this module imports nothing from it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.permissions import per_request


class ShareRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GRANTED = "granted", _("Granted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    buyer = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="share_requests_made"
    )
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="share_requests_received"
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire", on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    message = models.TextField(_("message to the supplier"), blank=True)
    comment = models.TextField(_("answer of the supplier"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            # One open request per buyer, supplier and questionnaire.
            models.UniqueConstraint(
                fields=["buyer", "supplier", "questionnaire"],
                condition=Q(status="requested"),
                name="share_request_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["buyer", "requested_at"], name="share_request_buyer"),
            models.Index(fields=["supplier", "requested_at"], name="share_request_supplier"),
        ]

    def __str__(self) -> str:
        return f"share request #{self.pk} {self.buyer_id}->{self.supplier_id} ({self.status})"


class Share(models.Model):
    """Read access of ``buyer`` to one accepted ``audit`` of another buyer, from ``granted_at``
    until ``revoked_at``. Visibility lists read the active rows (``buyer``, ``revoked_at``);
    the guardian grants on the audit answer ``has_perm``."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="shares")
    buyer = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, related_name="shares_received"
    )
    request = models.ForeignKey(
        ShareRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="shares"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "buyer"],
                condition=Q(revoked_at__isnull=True),
                name="share_one_active",
            )
        ]
        indexes = [models.Index(fields=["buyer", "revoked_at"], name="share_buyer_active")]

    def __str__(self) -> str:
        return f"share #{self.pk} of audit {self.audit_id} with {self.buyer_id}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def shared_audits(buyer_ids: list[int]) -> models.QuerySet:
    """The ids of the audits shared, and not revoked, with any of ``buyer_ids`` (a subquery on
    the ``buyer, revoked_at`` index)."""
    return Share.objects.filter(buyer_id__in=buyer_ids, revoked_at__isnull=True).values("audit_id")


def shared_audit_ids(user, buyer_ids: list[int]) -> list[int]:
    """``shared_audits`` as a list, read once per request (granting and revoking a share
    change the grants, which drops the cache): visibility filters add ``pk IN (...)`` only
    for a buyer that has shares, so the plans of the lists of the others do not change."""
    if not buyer_ids:
        return []
    return per_request(
        user,
        ("shared_audits", tuple(buyer_ids)),
        lambda: sorted(shared_audits(buyer_ids).values_list("audit_id", flat=True)),
    )
