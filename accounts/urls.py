from django.urls import path

from . import apis

urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="api-invitation-accept"),
    path("organizations/", apis.OrganizationListApi.as_view(), name="api-organizations"),
    path(
        "organizations/<int:pk>/",
        apis.OrganizationDetailApi.as_view(),
        name="api-organization",
    ),
    path(
        "organizations/<int:organization_id>/members/",
        apis.MemberListApi.as_view(),
        name="api-members",
    ),
]
