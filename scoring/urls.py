from django.urls import path

from . import apis

urlpatterns = [
    path("audits/<int:audit_id>/score/", apis.AuditScoreApi.as_view(), name="audit-score"),
    path(
        "audits/<int:audit_id>/score/release/",
        apis.AuditScoreReleaseApi.as_view(),
        name="audit-score-release",
    ),
    path("findings/", apis.FindingListApi.as_view(), name="finding-list"),
    path("rulesets/", apis.RuleSetListApi.as_view(), name="ruleset-list"),
    path("rulesets/import/", apis.RuleSetImportApi.as_view(), name="ruleset-import"),
    path("rulesets/<int:pk>/", apis.RuleSetDetailApi.as_view(), name="ruleset-detail"),
    path("rulesets/<int:pk>/export/", apis.RuleSetExportApi.as_view(), name="ruleset-export"),
    path("rulesets/<int:pk>/publish/", apis.RuleSetPublishApi.as_view(), name="ruleset-publish"),
]

# Risk register and its export jobs (scoring/apis_register.py).
from . import apis_register  # noqa: E402

urlpatterns += [
    path("risk-register/", apis_register.RiskRegisterApi.as_view(), name="risk-register"),
    path("exports/", apis_register.ExportListCreateApi.as_view(), name="export-list"),
    path("exports/<int:pk>/", apis_register.ExportDetailApi.as_view(), name="export-detail"),
    path(
        "exports/<int:pk>/download/",
        apis_register.ExportDownloadApi.as_view(),
        name="export-download",
    ),
]
