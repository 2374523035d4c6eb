"""Download headers, built by Django rather than by hand.

``Content-Disposition`` carries a file name that may come from user data (a rule-set or
questionnaire code, a buyer's name): ``content_disposition_header`` quotes and escapes it (and
encodes a non-ASCII name as RFC 6266 ``filename*``), and control characters are dropped first,
so no name can break out of the header or inject another one.
"""

from __future__ import annotations

import logging

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponseBase, JsonResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def safe_filename(filename: str) -> str:
    """``filename`` without control characters (CR, LF, NUL...) or path separators."""
    cleaned = "".join(c for c in filename if c.isprintable() and c not in "/\\")
    return cleaned.strip() or "download"


def attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Mark ``response`` as a download named ``filename``; returns it."""
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response


def stored_file_response(
    file: FieldFile, *, name: str, content_type: str, owner: str
) -> FileResponse | JsonResponse:
    """Stream a stored upload as a download under its original ``name``.

    Callers fetch the row through a permission-checked selector first; the stored name is
    random, and ``nosniff`` stops a browser from rendering an upload as something else. When the
    storage no longer holds the file, the answer is a 404 in the API's error format (the
    portal's download links show the sentence too) and the loss (of ``owner``, e.g. "Evidence
    12") is logged."""
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        logger.error("%s: stored file %s is missing", owner, file)
        return JsonResponse(
            {
                "detail": _(
                    "The file “%(name)s” is missing from the storage. Upload it again, or ask "
                    "the support team to restore it."
                )
                % {"name": name},
                "code": "file_missing",
            },
            status=404,
        )
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
