"""A buyer's supply network: one relationship per (buyer, supplier) pair.

A supplier organization shared by two buyers is one ``Organization`` with two relationships;
the relationship carries what is the buyer's own (its reference, criticality, category, owner).
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organization
from accounts.permissions import org_ids_with_perm, organizations_with_perm


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


def certificate_upload_to(instance: Certificate, filename: str) -> str:
    # A random stored name like evidence (see audits.models.evidence_upload_to); the extension
    # comes from the type detected in the bytes.
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    suffix = f".{extension}" if extension.isascii() and extension.isalnum() else ""
    return f"certificates/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user) -> CertificateQuerySet:
        """Certificates of the user's own suppliers, and of the suppliers that the buyers where
        the user may view the supplier network work with (an active relationship)."""
        if not user.is_authenticated:
            return self.none()
        own = org_ids_with_perm(user, "accounts.view_organization", kind=Organization.Kind.SUPPLIER)
        buyers = org_ids_with_perm(user, "accounts.view_suppliers", kind=Organization.Kind.BUYER)
        partners = SupplierRelationship.objects.filter(buyer_id__in=buyers, active=True).values(
            "supplier_id"
        )
        return self.filter(models.Q(supplier_id__in=own) | models.Q(supplier_id__in=partners))

    def valid_on(self, day: datetime.date) -> CertificateQuerySet:
        return self.filter(valid_from__lte=day, valid_to__gte=day)


class Certificate(models.Model):
    """A certificate or audit report a supplier holds (DESIGN section 4, continuous assurance).

    It belongs to the supplier; the buyers it works with read it, and one of them may mark it
    verified. ``valid_to`` is the last day of validity. ``reminded_for`` is the ``valid_to``
    for which the expiry reminder went out, so that the daily job sends it once per validity."""

    class Kind(models.TextChoices):
        ISO9001 = "iso9001", "ISO 9001"
        ISO14001 = "iso14001", "ISO 14001"
        ISO45001 = "iso45001", "ISO 45001"
        SA8000 = "sa8000", "SA8000"
        RBA_VAP = "rba_vap", "RBA VAP"
        AMFORI_BSCI = "amfori_bsci", "amfori BSCI"
        SMETA = "smeta", "SMETA"
        OTHER = "other", _("Other")

    supplier = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="certificates"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    level = models.CharField(_("level or rating"), max_length=20, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=100)
    scope = models.TextField(_("scope"), blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    document = models.FileField(upload_to=certificate_upload_to, max_length=255, blank=True)
    document_name = models.CharField(max_length=255, blank=True)
    document_type = models.CharField(max_length=100, blank=True)
    document_size = models.PositiveBigIntegerField(null=True, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_buyer = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-valid_to", "pk"]
        indexes = [models.Index(fields=["supplier", "valid_to"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__gte=models.F("valid_from")),
                name="certificate_valid_dates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.number}"

    @property
    def title(self) -> str:
        """The type as people say it: "ISO 14001", "RBA VAP Gold", or the name of another."""
        if self.kind == self.Kind.OTHER:
            return self.name
        label = str(self.get_kind_display())
        return f"{label} {self.level.title() if self.kind == self.Kind.RBA_VAP else self.level}".strip()

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_to

    @property
    def is_expired(self) -> bool:
        return self.valid_to < timezone.localdate()


def kind_label(kind: str) -> str:
    """A certificate kind as people read it ("ISO 14001"); an unknown kind as it is."""
    return str(dict(Certificate.Kind.choices).get(kind, kind))
