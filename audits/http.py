"""HTTP helpers shared by the API and the portal."""

from __future__ import annotations

import logging

from django.http import FileResponse, JsonResponse
from django.utils.translation import gettext as _

from audits.models import StoredFile

logger = logging.getLogger(__name__)


def evidence_response(evidence: StoredFile) -> FileResponse | JsonResponse:
    """Stream an evidence file as a download under its original name.

    Callers fetch ``evidence`` through a permission-checked selector first; the stored name is
    random, and ``nosniff`` stops a browser from rendering an upload as something else. When the
    storage no longer holds the file, the answer is a 404 in the API's error format (the
    portal's download links show the sentence too) and the loss is logged."""
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        logger.error(
            "%s %s: stored file %s is missing", type(evidence).__name__, evidence.pk, evidence.file
        )
        return JsonResponse(
            {
                "detail": _(
                    "The file “%(name)s” is missing from the storage. Upload it again, or ask "
                    "the support team to restore it."
                )
                % {"name": evidence.original_name},
                "code": "file_missing",
            },
            status=404,
        )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
