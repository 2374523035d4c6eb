"""Django admin for staff: rule sets and scores read-only, risk tables editable and loadable
from CSV (a changelist "Import CSV" page)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from rulesets.admin import ReadOnlyAdmin, _pretty

from .models import CountryRisk, IndustryRisk, Score
from .selectors import score_in_full
from .services import risk_tables_load_csv


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["audit", "ruleset", "overall", "rating", "final", "created_at"]
    list_filter = ["final", "rating"]
    list_select_related = ["audit__supplier", "ruleset"]
    raw_id_fields = ["audit"]
    fields = readonly_fields = (
        "audit",
        "ruleset",
        "overall",
        "rating",
        "final",
        "created_at",
        "categories_view",
        "findings_view",
        "trace_view",
    )

    @admin.display(description=_("categories"))
    def categories_view(self, obj):
        return _pretty(obj.categories)

    @admin.display(description=_("findings"))
    def findings_view(self, obj):
        return _pretty(score_in_full(obj).findings)

    @admin.display(description=_("trace"))
    def trace_view(self, obj):
        return _pretty(score_in_full(obj).trace)


class RiskCsvForm(forms.Form):
    file = forms.FileField(label=_("CSV file"))


class RiskTableAdmin(admin.ModelAdmin):
    """A risk table with an "Import CSV" page that replaces the whole table (all or nothing)."""

    kind = ""
    change_list_template = "admin/scoring/risk_change_list.html"
    list_filter = ["level"]

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "import-csv/",
                self.admin_site.admin_view(self.import_csv),
                name=f"{info[0]}_{info[1]}_import_csv",
            ),
            *super().get_urls(),
        ]

    def import_csv(self, request):
        if not self.has_change_permission(request):
            return redirect("admin:index")
        form = RiskCsvForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = risk_tables_load_csv(
                    kind=self.kind, file=form.cleaned_data["file"], actor=request.user
                )
            except ValidationError as exc:
                for where, msgs in exc.message_dict.items():
                    for msg in msgs:
                        form.add_error(None, f"{where}: {msg}")
            else:
                self.message_user(
                    request, _("%(count)d rows loaded.") % {"count": count}, messages.SUCCESS
                )
                info = self.model._meta.app_label, self.model._meta.model_name
                return redirect(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "kind": self.kind,
            "title": _("Import %(name)s from CSV") % {"name": self.model._meta.verbose_name_plural},
        }
        return TemplateResponse(request, "admin/scoring/risk_import.html", context)


@admin.register(CountryRisk)
class CountryRiskAdmin(RiskTableAdmin):
    kind = "country"
    list_display = ["country", "level", "source"]
    search_fields = ["country"]


@admin.register(IndustryRisk)
class IndustryRiskAdmin(RiskTableAdmin):
    kind = "industry"
    list_display = ["industry", "name", "level", "source"]
    search_fields = ["industry", "name"]
