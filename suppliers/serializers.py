"""Input and output serializers of the supplier-network API."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Language, Organization, User
from accounts.serializers import (
    PROFILE_FIELDS,
    BlankableEmailField,
    BlankableURLField,
    IndustryNameMixin,
    OrganizationRefSerializer,
    StrictSerializer,
)

from .models import Certificate, SupplierRelationship


class SupplierProfileSerializer(IndustryNameMixin, serializers.ModelSerializer):
    """The supplier's own profile: read-only for buyers."""

    country = serializers.CharField(source="country.code", read_only=True)
    industry_name = serializers.SerializerMethodField()
    website = BlankableURLField(read_only=True)
    contact_email = BlankableEmailField(read_only=True)

    class Meta:
        model = Organization
        fields = ["id", *PROFILE_FIELDS]
        read_only_fields = fields


class OwnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class RelationshipSerializer(serializers.ModelSerializer):
    buyer = OrganizationRefSerializer(read_only=True)
    supplier = SupplierProfileSerializer(read_only=True)
    owner = OwnerSerializer(read_only=True, allow_null=True)

    class Meta:
        model = SupplierRelationship
        fields = [
            "id",
            "buyer",
            "supplier",
            "buyer_ref",
            "criticality",
            "category",
            "owner",
            "active",
            "created_at",
            "updated_at",
        ]


class RelationshipCreateSerializer(StrictSerializer):
    buyer = serializers.IntegerField(
        required=False, help_text=_("Needed only when you belong to several buyers.")
    )
    legal_id = serializers.CharField(max_length=64)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    country = serializers.CharField(max_length=2, required=False, allow_blank=True, default="")
    province = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    industry = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    size_class = serializers.ChoiceField(
        choices=Organization.SizeClass.choices, required=False, allow_blank=True, default=""
    )
    headcount = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    buyer_ref = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    criticality = serializers.ChoiceField(
        choices=SupplierRelationship.Criticality.choices,
        required=False,
        default=SupplierRelationship.Criticality.MEDIUM,
    )
    category = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    owner = serializers.IntegerField(required=False, allow_null=True)
    admin_email = serializers.EmailField(required=False, allow_blank=True, default="")
    admin_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    admin_language = serializers.ChoiceField(
        choices=Language.choices, required=False, allow_blank=True, default=""
    )


class RelationshipUpdateSerializer(StrictSerializer):
    buyer_ref = serializers.CharField(max_length=64, required=False, allow_blank=True)
    criticality = serializers.ChoiceField(
        choices=SupplierRelationship.Criticality.choices, required=False
    )
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    owner = serializers.IntegerField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


class ImportRequestSerializer(StrictSerializer):
    file = serializers.FileField(help_text=_("A .csv or .xlsx file; columns in docs/suppliers.md."))
    buyer = serializers.IntegerField(required=False)


class ImportSummarySerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    created = serializers.IntegerField()
    linked = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class CertificateSerializer(serializers.ModelSerializer):
    """A supplier's certificate; ``verified`` with who (a buyer's member) and when."""

    title = serializers.CharField(read_only=True)
    has_document = serializers.SerializerMethodField()
    verified = serializers.BooleanField(read_only=True)
    verified_by = OwnerSerializer(read_only=True, allow_null=True)
    verified_buyer = OrganizationRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "supplier",
            "kind",
            "title",
            "name",
            "level",
            "issuer",
            "number",
            "scope",
            "valid_from",
            "valid_to",
            "has_document",
            "document_name",
            "document_type",
            "document_size",
            "document_sha256",
            "verified",
            "verified_by",
            "verified_buyer",
            "verified_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_has_document(self, obj: Certificate) -> bool:
        return bool(obj.document)


class CertificateInputSerializer(StrictSerializer):
    """A certificate's fields (multipart with ``document``, or JSON without)."""

    supplier = serializers.IntegerField(
        required=False, help_text=_("Needed only when you administer several suppliers.")
    )
    kind = serializers.ChoiceField(choices=Certificate.Kind.choices)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    level = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("RBA VAP: platinum, gold or silver; amfori BSCI: A to E."),
    )
    issuer = serializers.CharField(max_length=200)
    number = serializers.CharField(max_length=100)
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_to = serializers.DateField()
    document = serializers.FileField(
        required=False, help_text=_("PDF, PNG, JPEG, DOCX or XLSX, checked by content.")
    )


class CertificateUpdateSerializer(CertificateInputSerializer):
    """The fields to change (all optional)."""

    supplier = None  # type: ignore[assignment]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty
