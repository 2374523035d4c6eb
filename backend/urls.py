from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

api_v1 = [
    path("", include("accounts.urls")),
    path("", include("suppliers.urls")),
    path("", include("questionnaires.urls")),
    path("", include("audits.urls")),
    path("", include("actions.urls")),
    path("", include("scoring.urls")),
    path("", include("rulesets.urls")),
    path("", include("register.urls")),
    path("", include("flows.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("portal.urls")),
]

# Error pages in the reader's language; API paths answer in JSON.
handler400 = "portal.views.errors.bad_request"
handler403 = "portal.views.errors.permission_denied"
handler404 = "portal.views.errors.page_not_found"
handler500 = "portal.views.errors.server_error"

admin.site.site_header = "Fairlink administration"
admin.site.site_title = "Fairlink"
