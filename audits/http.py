"""HTTP helpers shared by the API and the portal."""

from __future__ import annotations

from django.http import FileResponse, JsonResponse

from audits.models import StoredFile
from backend.downloads import stored_file_response


def evidence_response(evidence: StoredFile) -> FileResponse | JsonResponse:
    """Stream an evidence file as a download under its original name (see
    ``backend.downloads.stored_file_response``)."""
    return stored_file_response(
        evidence.file,
        name=evidence.original_name,
        content_type=evidence.content_type,
        owner=f"{type(evidence).__name__} {evidence.pk}",
    )
