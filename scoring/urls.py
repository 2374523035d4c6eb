from django.urls import path

from . import apis

urlpatterns = [
    path("audits/<int:audit_id>/score/", apis.AuditScoreApi.as_view(), name="audit-score"),
    path("findings/", apis.FindingListApi.as_view(), name="finding-list"),
]
