from django.urls import path

from . import apis

urlpatterns = [
    path("suppliers/", apis.RelationshipListApi.as_view(), name="api-suppliers"),
    path("suppliers/import/", apis.SupplierImportApi.as_view(), name="api-suppliers-import"),
    path("suppliers/<int:pk>/", apis.RelationshipDetailApi.as_view(), name="api-supplier"),
    path(
        "suppliers/<int:pk>/deactivate/",
        apis.RelationshipDeactivateApi.as_view(),
        name="api-supplier-deactivate",
    ),
]
