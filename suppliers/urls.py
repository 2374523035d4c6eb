from django.urls import path

from . import apis, certificate_apis

urlpatterns = [
    path("suppliers/", apis.RelationshipListApi.as_view(), name="api-suppliers"),
    path("suppliers/import/", apis.SupplierImportApi.as_view(), name="api-suppliers-import"),
    path("suppliers/<int:pk>/", apis.RelationshipDetailApi.as_view(), name="api-supplier"),
    path(
        "suppliers/<int:pk>/deactivate/",
        apis.RelationshipDeactivateApi.as_view(),
        name="api-supplier-deactivate",
    ),
    path("certificates/", certificate_apis.CertificateListApi.as_view(), name="api-certificates"),
    path(
        "certificates/<int:pk>/",
        certificate_apis.CertificateDetailApi.as_view(),
        name="api-certificate",
    ),
    path(
        "certificates/<int:pk>/verify/",
        certificate_apis.CertificateVerifyApi.as_view(),
        name="api-certificate-verify",
    ),
    path(
        "certificates/<int:pk>/document/",
        certificate_apis.CertificateDocumentApi.as_view(),
        name="api-certificate-document",
    ),
]
