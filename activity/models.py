"""The activity log and the reminder log.

The log sits below every app that writes to it, so it names its subjects (an audit, a
corrective action) by lazy reference: the apps above import ``activity``, never the reverse.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ActivityEvent(models.Model):
    """What happened, by whom: written by services in the transaction of the change.

    ``internal`` events (buyer notes) are never shown to the supplier.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    verb = models.CharField(max_length=40)
    audit = models.ForeignKey(
        "audits.Audit", on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    corrective_action = models.ForeignKey(
        "actions.CorrectiveAction",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    comment = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.verb} {self.from_status}->{self.to_status}"


class ReminderLog(models.Model):
    """One row per reminder mailed: makes the daily job send at most once per item per day."""

    class Kind(models.TextChoices):
        AUDIT = "audit", "audit"
        ACTION = "action", "corrective action"

    kind = models.CharField(max_length=8, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=16)  # due_7d | due_1d | overdue | manual
    sent_on = models.DateField()
    recipients = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "sent_on"], name="reminder_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.reason} {self.sent_on}"
