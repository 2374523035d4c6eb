"""Uploaded files: checked by content, hashed, written so that a rollback removes them.

``validate_upload`` is the one check for every uploaded file (audit and corrective-action
evidence, supplier certificates): size limit ``FAIRLINK_EVIDENCE_MAX_BYTES``, type recognised
from the bytes (the name and the client's content type are ignored), sha256 of the content.

A file is written before its row commits. Services that store files run in
``atomic_with_files`` instead of ``transaction.atomic``: when the transaction rolls back, the
files written inside it are deleted, so a rejected upload leaves nothing in the storage.
"""

from __future__ import annotations

import hashlib
import logging
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import filetype
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What a storage that cannot write raises: the file system (disk full, permissions), or the S3
# client (the service or the network).
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ALLOWED_TYPES: dict[str, str] = {PDF: "PDF", PNG: "PNG", JPEG: "JPEG", DOCX: "DOCX", XLSX: "XLSX"}
EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", XLSX: "xlsx"}
_HEAD_BYTES = 8192


def _office_type(file) -> str | None:
    """DOCX and XLSX are zip containers: tell them apart by the parts they hold."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def detect_type(file) -> str | None:
    """The content type recognised from the bytes of ``file``, or None when not allowed."""
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    if mime in (PDF, PNG, JPEG):
        return mime
    if mime in ("application/zip", DOCX, XLSX) or head[:4] == b"PK\x03\x04":
        return _office_type(file)
    return None


def validate_upload(file) -> tuple[str, int, str]:
    """Check an uploaded file; return ``(content_type, size, sha256)``.

    Raises ``ValidationError({"file": [...]})`` when the file is empty, larger than
    ``FAIRLINK_EVIDENCE_MAX_BYTES``, or not a PDF, PNG, JPEG, DOCX or XLSX by content.
    """
    limit = settings.FAIRLINK_EVIDENCE_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
        file.seek(0)
    if size == 0:
        raise ValidationError({"file": [_("The file is empty.")]})
    if size > limit:
        raise ValidationError(
            {
                "file": [
                    _("The file is %(size)s MB; the limit is %(limit)s MB.")
                    % {"size": round(size / 2**20, 1), "limit": round(limit / 2**20, 1)}
                ]
            }
        )
    content_type = detect_type(file)
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _("This type of file is not accepted; upload one of: %(types)s.")
                    % {"types": ", ".join(ALLOWED_TYPES.values())}
                ]
            }
        )
    digest = hashlib.sha256()
    file.seek(0)
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(65536), b"")
    for chunk in chunks:
        digest.update(chunk)
    file.seek(0)
    return content_type, size, digest.hexdigest()


# The files written in the innermost ``atomic_with_files`` block of this thread / task.
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar(
    "evidence_files_written", default=None
)


def _delete_files(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete %s after a rollback", name)


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[list[tuple[Storage, str]]]:
    """``transaction.atomic`` that also undoes the files written inside it: when the block
    rolls back (an exception, or a rollback marked by an inner block), the files that
    ``evidence_store`` wrote in it, and the ``(storage, name)`` pairs the block added to the
    list it gets, are deleted. Nested in another ``atomic_with_files``, a block that succeeds
    hands its files to the outer one, which decides. Also a decorator: ``@atomic_with_files()``.

    Django has no on-rollback hook: a file written in a block that succeeds inside a plain
    ``transaction.atomic`` that later rolls back stays. A service that stores files starts its
    outermost transaction with this."""
    files: list[tuple[Storage, str]] = []
    outer = _written.get()
    token = _written.set(files)
    kept = False
    try:
        with transaction.atomic(using=using):
            yield files
            kept = not transaction.get_connection(using).needs_rollback
    finally:
        _written.reset(token)
        if not kept:
            _delete_files(files)
        elif outer is not None:
            outer.extend(files)
