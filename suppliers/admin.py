from django.contrib import admin

from .models import Certificate, SupplierRelationship


@admin.register(SupplierRelationship)
class SupplierRelationshipAdmin(admin.ModelAdmin):
    list_display = ["supplier", "buyer", "buyer_ref", "criticality", "category", "active"]
    list_filter = ["criticality", "active", "buyer"]
    search_fields = ["supplier__name", "supplier__legal_id", "buyer_ref", "buyer__name"]
    list_select_related = ["supplier", "buyer"]
    autocomplete_fields = ["buyer", "supplier", "owner"]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    """Read-only for staff: suppliers keep their certificates, buyers verify them."""

    list_display = ["supplier", "kind", "level", "number", "valid_from", "valid_to", "verified_at"]
    list_filter = ["kind"]
    search_fields = ["supplier__name", "supplier__legal_id", "number", "issuer"]
    list_select_related = ["supplier"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
