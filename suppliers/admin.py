from django.contrib import admin

from .models import SupplierRelationship


@admin.register(SupplierRelationship)
class SupplierRelationshipAdmin(admin.ModelAdmin):
    list_display = ["supplier", "buyer", "buyer_ref", "criticality", "category", "active"]
    list_filter = ["criticality", "active", "buyer"]
    search_fields = ["supplier__name", "supplier__legal_id", "buyer_ref", "buyer__name"]
    list_select_related = ["supplier", "buyer"]
    autocomplete_fields = ["buyer", "supplier", "owner"]
