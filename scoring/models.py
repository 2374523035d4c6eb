"""Rule sets, stored scores, reference risk tables and register export jobs."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Organization


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Rating(models.TextChoices):
    LOW = "low", _("Low risk")
    MEDIUM = "medium", _("Medium risk")
    HIGH = "high", _("High risk")
    CRITICAL = "critical", _("Critical risk")
    NOT_RATED = "not_rated", _("Not rated")


class RuleSetQuerySet(models.QuerySet["RuleSet"]):
    def visible_to(self, user) -> RuleSetQuerySet:
        """The library plus the rule sets of buyers where the user issues audits or manages
        templates. Suppliers read the method through docs and their released scores."""
        from accounts.permissions import template_buyers

        if not user.is_authenticated:
            return self.none()
        buyers = template_buyers(user)
        if not buyers.exists():
            return self.none()
        return self.filter(Q(owner__isnull=True) | Q(owner__in=buyers))

    def published(self) -> RuleSetQuerySet:
        return self.filter(status=RuleSet.Status.PUBLISHED)


class RuleSet(models.Model):
    """A versioned scoring rule set (DESIGN section 6); ``document`` is the validated YAML dict."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    code = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    owner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, null=True, blank=True, related_name="rulesets"
    )
    questionnaire_code = models.SlugField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    title = models.JSONField(default=dict, blank=True)
    document = models.JSONField(default=dict)
    source_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(owner__isnull=True),
                name="ruleset_library_code_version",
            ),
            models.UniqueConstraint(
                fields=["owner", "code", "version"], name="ruleset_owner_code_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}@{self.version}"


class Score(models.Model):
    """One scoring of one audit by one rule set version. Re-scoring adds a row, never edits."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="scores")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="scores")
    overall = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    categories = models.JSONField(default=dict)  # {"employee": "83.3" | null, ...}
    rating = models.CharField(max_length=10, choices=Rating.choices)
    findings = models.JSONField(default=list, blank=True)  # engine findings, also when preliminary
    trace = models.JSONField(default=dict)
    final = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        indexes = [models.Index(fields=["audit", "final"])]

    def __str__(self) -> str:
        return f"{self.audit_id}: {self.overall} ({self.rating})"


class CountryRisk(models.Model):
    country = CountryField(unique=True)
    level = models.CharField(max_length=8, choices=RiskLevel.choices)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["country"]
        verbose_name_plural = "country risks"

    def __str__(self) -> str:
        return f"{self.country}: {self.level}"


class IndustryRisk(models.Model):
    industry = models.CharField(max_length=8, unique=True, help_text=_("ISIC Rev.4 division"))
    name = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=8, choices=RiskLevel.choices)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["industry"]
        verbose_name_plural = "industry risks"

    def __str__(self) -> str:
        return f"{self.industry}: {self.level}"


class ExportJobQuerySet(models.QuerySet["ExportJob"]):
    def visible_to(self, user) -> ExportJobQuerySet:
        from accounts.permissions import organizations_with_perm

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
