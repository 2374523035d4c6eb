import django_filters
from django.db.models import Q

from accounts.models import Organization
from backend.api.filters import FilterSet

from .models import Certificate, SupplierRelationship


class RelationshipFilter(FilterSet):
    country = django_filters.CharFilter(field_name="supplier__country", lookup_expr="iexact")
    size_class = django_filters.ChoiceFilter(
        field_name="supplier__size_class", choices=Organization.SizeClass.choices
    )
    industry = django_filters.CharFilter(field_name="supplier__industry")
    search = django_filters.CharFilter(method="filter_search", label="Search")

    class Meta:
        model = SupplierRelationship
        fields = ["buyer", "criticality", "category", "active"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(supplier__name__icontains=value)
            | Q(supplier__legal_id__icontains=value)
            | Q(buyer_ref__icontains=value)
        )


class CertificateFilter(FilterSet):
    class Meta:
        model = Certificate
        fields = ["supplier", "kind"]
