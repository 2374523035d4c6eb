from django.urls import path

from . import apis, notification_apis

urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
    path("me/", apis.MeApi.as_view(), name="api-me"),
    path("organizations/", apis.OrganizationListApi.as_view(), name="api-organizations"),
    path(
        "notifications/", notification_apis.NotificationListApi.as_view(), name="api-notifications"
    ),
    path(
        "notifications/read-all/",
        notification_apis.NotificationReadAllApi.as_view(),
        name="api-notifications-read-all",
    ),
    path(
        "notifications/preferences/",
        notification_apis.NotificationPreferencesApi.as_view(),
        name="api-notification-preferences",
    ),
    path(
        "notifications/<int:pk>/read/",
        notification_apis.NotificationReadApi.as_view(),
        name="api-notification-read",
    ),
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
