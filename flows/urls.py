from django.urls import path

from . import apis, campaign_api

A = "audits/<int:audit_id>/"

urlpatterns = [
    path(A + "submit/", apis.AuditSubmitApi.as_view(), name="audit-submit"),
    path(A + "accept/", apis.AuditAcceptApi.as_view(), name="audit-accept"),
    path(A + "score/release/", apis.AuditScoreReleaseApi.as_view(), name="audit-score-release"),
    path(A + "respondents/", apis.AuditRespondentsApi.as_view(), name="audit-respondents"),
    path(A + "reviewers/", apis.AuditReviewersApi.as_view(), name="audit-reviewers"),
    path(
        "campaigns/<int:campaign_id>/bulk/",
        campaign_api.CampaignBulkApi.as_view(),
        name="campaign-bulk",
    ),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="api-invitation-accept"),
    path(
        "organizations/<int:organization_id>/members/<int:pk>/",
        apis.MemberDetailApi.as_view(),
        name="api-member",
    ),
]
