"""Stored scores, the findings they raised, and the reference inherent-risk tables."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from accounts.models import Organization
from accounts.permissions import granted_ids, member_org_ids, org_ids_with_perm
from audits.models import Audit
from audits.share_models import shared_audit_ids
from backend.tallies import TallyModel
from rulesets.models import Rating, RuleSet


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Score(models.Model):
    """One scoring of one audit by one rule set version. Re-scoring adds a row, never edits."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="scores")
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="scores")
    overall = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    categories = models.JSONField(default=dict)  # {"employee": "83.3" | null, ...}
    rating = models.CharField(max_length=10, choices=Rating.choices)
    findings = models.JSONField(default=list, blank=True)  # engine findings, also when preliminary
    trace = models.JSONField(default=dict)
    # Lean: ``findings`` and ``trace`` keep only what is specific to the audit, and the rest
    # comes back from the rule set on read (``scoring.engine.stored``,
    # ``scoring.selectors.score_in_full``); else both are stored in full.
    lean = models.BooleanField(default=False)
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


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    OBSERVATION = "observation", _("Observation")


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user) -> FindingQuerySet:
        """Findings of the audits the user sees (they follow their audit); on the supplier's
        side, and for anyone not a member of the audit's buyer, only once the score is released.

        Buyer members whose role sees every audit filter on ``buyer_id`` alone; the rest (a
        supplier admin, assignees and single grants) also read the audit's release flag."""
        perm = "accounts.view_all_audits"
        buyers = org_ids_with_perm(user, perm, kind=Organization.Kind.BUYER)
        suppliers = org_ids_with_perm(user, perm, kind=Organization.Kind.SUPPLIER)
        granted = granted_ids(user, "audits.view_audit", Audit)
        if not (buyers or suppliers or granted):
            return self.none()
        # Not hidden: released, or the user is a member of the audit's buyer (in any role).
        shown = models.Q(audit__score_released=True) | models.Q(
            buyer_id__in=member_org_ids(user, kind=Organization.Kind.BUYER)
        )
        condition = models.Q(pk__in=[])
        if buyers:
            # Their own audits' findings, and those of audits a supplier shared with them.
            condition |= models.Q(buyer_id__in=buyers)
            if shared := shared_audit_ids(user, buyers):
                condition |= models.Q(audit_id__in=shared) & shown
        if suppliers:
            # Findings exist from acceptance on: the audit was sent.
            condition |= models.Q(supplier_id__in=suppliers) & shown
        if granted:
            condition |= models.Q(audit_id__in=granted) & shown
        return self.filter(condition)


class Finding(models.Model):
    Severity = Severity

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    # The audit's parties, copied (``save`` fills them from the audit) so that the lists of a
    # buyer or a supplier filter, order and count on an index of this table alone.
    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    score = models.ForeignKey(
        Score,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="finding_rows",
    )
    rule_code = models.CharField(max_length=64)
    severity = models.CharField(max_length=12, choices=Severity.choices)
    category = models.CharField(max_length=16)
    title = models.JSONField(default=dict)
    guidance = models.JSONField(default=dict)
    values = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "rule_code"]
        # The list's order (newest first, then id) within the buyer or the supplier: ordered
        # index scans for the pages, index-only scans for the counts.
        indexes = [
            models.Index(fields=["buyer", "-created_at", "id"], name="finding_buyer_created"),
            models.Index(fields=["supplier", "-created_at", "id"], name="finding_supplier_created"),
            models.Index(fields=["severity"], name="finding_severity"),
        ]

    def __str__(self) -> str:
        return self.rule_code

    def save(self, *args, **kwargs) -> None:
        if self.buyer_id is None or self.supplier_id is None:
            self.buyer_id = self.audit.buyer_id
            self.supplier_id = self.audit.supplier_id
        super().save(*args, **kwargs)


class FindingTally(TallyModel):
    """Findings per buyer, supplier and severity (in ``status``), kept by database triggers
    (``backend.tallies``; migration 0004): the finding list counts from these rows."""

    class Meta(TallyModel.Meta):
        pass
