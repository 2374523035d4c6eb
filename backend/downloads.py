"""Download headers, built by Django rather than by hand.

``Content-Disposition`` carries a file name that may come from user data (a rule-set or
questionnaire code, a buyer's name): ``content_disposition_header`` quotes and escapes it (and
encodes a non-ASCII name as RFC 6266 ``filename*``), and control characters are dropped first,
so no name can break out of the header or inject another one.
"""

from __future__ import annotations

from django.http import HttpResponseBase
from django.utils.http import content_disposition_header


def safe_filename(filename: str) -> str:
    """``filename`` without control characters (CR, LF, NUL...) or path separators."""
    cleaned = "".join(c for c in filename if c.isprintable() and c not in "/\\")
    return cleaned.strip() or "download"


def attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    """Mark ``response`` as a download named ``filename``; returns it."""
    response["Content-Disposition"] = content_disposition_header(True, safe_filename(filename))
    return response
