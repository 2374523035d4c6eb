"""Django admin for staff: rule sets are read-only (they change through import and publish)."""

from __future__ import annotations

import json

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from rulesets.models import RuleSet


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _pretty(data) -> str:
    return format_html("<pre>{}</pre>", json.dumps(data, indent=2, ensure_ascii=False))


@admin.register(RuleSet)
class RuleSetAdmin(ReadOnlyAdmin):
    """Rule sets change only through import and publish (a published one is immutable)."""

    list_display = ["code", "version", "owner", "questionnaire_code", "status", "published_at"]
    list_filter = ["status", ("owner", admin.EmptyFieldListFilter)]
    search_fields = ["code", "questionnaire_code"]
    fields = readonly_fields = (
        "code",
        "version",
        "owner",
        "questionnaire_code",
        "status",
        "source_hash",
        "created_at",
        "published_at",
        "document_view",
    )

    @admin.display(description=_("document"))
    def document_view(self, obj):
        return _pretty(obj.document)
