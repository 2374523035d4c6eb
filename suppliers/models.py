"""A buyer's supply network: one relationship per (buyer, supplier) pair.

A supplier organization shared by two buyers is one ``Organization`` with two relationships;
the relationship carries what is the buyer's own (its reference, criticality, category, owner).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import organizations_with_perm


class SupplierRelationshipQuerySet(models.QuerySet["SupplierRelationship"]):
    def visible_to(self, user) -> SupplierRelationshipQuerySet:
        """Relationships of the buyers where the user may view the supplier network."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(buyer__in=organizations_with_perm(user, "accounts.view_suppliers"))

    def active(self) -> SupplierRelationshipQuerySet:
        return self.filter(active=True)


class SupplierRelationship(models.Model):
    class Criticality(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    buyer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="supplier_links")
    supplier = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="buyer_links")
    buyer_ref = models.CharField(_("buyer reference"), max_length=64, blank=True)
    criticality = models.CharField(
        _("criticality"), max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    category = models.CharField(_("purchasing category"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_supplier_links",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SupplierRelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["supplier__name"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "supplier"], name="relationship_unique")
        ]
        indexes = [models.Index(fields=["buyer", "active"])]

    def __str__(self) -> str:
        return f"{self.buyer} -> {self.supplier}"
