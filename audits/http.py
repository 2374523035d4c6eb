"""HTTP helpers shared by the API and the portal."""

from __future__ import annotations

from django.http import FileResponse

from audits.models import StoredFile


def evidence_response(evidence: StoredFile) -> FileResponse:
    """Stream an evidence file as a download under its original name.

    Callers fetch ``evidence`` through a permission-checked selector first; the stored name is
    random, and ``nosniff`` stops a browser from rendering an upload as something else."""
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
