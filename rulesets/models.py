"""Versioned scoring rule sets (DESIGN section 6): the published method an audit is scored by."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import template_buyers


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
