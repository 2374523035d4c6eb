from django.urls import path

from . import apis

urlpatterns = [
    path("rulesets/", apis.RuleSetListApi.as_view(), name="ruleset-list"),
    path("rulesets/import/", apis.RuleSetImportApi.as_view(), name="ruleset-import"),
    path("rulesets/<int:pk>/", apis.RuleSetDetailApi.as_view(), name="ruleset-detail"),
    path("rulesets/<int:pk>/export/", apis.RuleSetExportApi.as_view(), name="ruleset-export"),
    path("rulesets/<int:pk>/publish/", apis.RuleSetPublishApi.as_view(), name="ruleset-publish"),
]
