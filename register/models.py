"""Risk-register export jobs: a file made in the background, downloadable until it expires."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import organizations_with_perm


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def visible_to(self, user) -> ExportJobQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer__in=organizations_with_perm(user, "accounts.export_register"))


def export_upload_to(instance: ExportJob, filename: str) -> str:
    return f"exports/{uuid.uuid4().hex}/{filename}"


class ExportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    class Format(models.TextChoices):
        XLSX = "xlsx", "XLSX"
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="exports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    format = models.CharField(max_length=4, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(max_length=8, default="en")
    filters = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_to, blank=True, max_length=255)
    error = models.TextField(blank=True)
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ExportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Export #{self.pk} ({self.status})"
