"""The download of a certificate's document, shared by the API and the portal (both fetch and
authorize the certificate first)."""

from __future__ import annotations

from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _

from backend.downloads import stored_file_response
from suppliers.models import Certificate


def certificate_document_response(cert: Certificate) -> FileResponse | JsonResponse:
    if not cert.document:
        raise Http404(_("This certificate has no document."))
    return stored_file_response(
        cert.document,
        name=cert.document_name,
        content_type=cert.document_type,
        owner=f"Certificate {cert.pk}",
    )
