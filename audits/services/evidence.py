"""Evidence files: checked by content (``backend.uploads.validate_upload``), hashed, stored
under a random name.

A file is written before its row commits. Services that store files run in
``atomic_with_files`` instead of ``transaction.atomic``: when the transaction rolls back, the
files written inside it are deleted, so a rejected upload leaves nothing in the storage.
Deleted evidence loses its file after commit.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from activity.events import evidence_deleted, evidence_uploaded
from audits.models import Audit, Evidence, StoredFile
from audits.services.locks import audit_lock_for_content
from backend.uploads import (
    ALLOWED_TYPES,
    DOCX,
    EXTENSIONS,
    JPEG,
    PDF,
    PNG,
    STORAGE_ERRORS,
    XLSX,
    atomic_with_files,
    detect_type,
    validate_upload,
)
from questionnaires.models import Question

logger = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_TYPES",
    "DOCX",
    "JPEG",
    "PDF",
    "PNG",
    "XLSX",
    "atomic_with_files",
    "detect_type",
    "evidence_delete",
    "evidence_delete_files_on_commit",
    "evidence_store",
    "evidence_upload",
    "validate_upload",
]


def _require_respond(actor: User | None, audit: Audit) -> None:
    if actor is not None and not actor.has_perm("audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents manage evidence."))


_Stored = TypeVar("_Stored", bound=StoredFile)


def evidence_store(
    *, file, actor: User | None, audit_id: int, model: type[_Stored], **target
) -> _Stored:
    """Validate ``file`` (size, type by content) and store it as a ``model`` row of the audit
    (``Evidence``, or a subclass of ``StoredFile`` such as a corrective action's files),
    attached to ``target`` (``question=``, ``corrective_action=``). The stored name is random
    (``evidence_upload_to``); only the extension follows the detected type, never the upload's
    name, which is kept for downloads. Callers check permissions and state first."""
    if file is None:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    content_type, size, sha256 = validate_upload(file)
    evidence = model(
        audit_id=audit_id,
        original_name=(getattr(file, "name", "") or "evidence").rsplit("/", 1)[-1][:255],
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
        **target,
    )
    with atomic_with_files() as written:
        try:
            evidence.file.save(f"upload.{EXTENSIONS[content_type]}", File(file), save=False)
        except STORAGE_ERRORS as exc:
            logger.exception("Storage refused %s for audit %s", model.__name__, audit_id)
            raise ValidationError(
                {
                    "file": [
                        _(
                            "The file could not be stored just now; nothing was saved. "
                            "Try again in a moment."
                        )
                    ]
                },
                code="storage_unavailable",
            ) from exc
        written.append((evidence.file.storage, str(evidence.file.name)))
        evidence.save()
    return evidence


@atomic_with_files()
def evidence_upload(*, audit: Audit, question_code: str, file, actor: User | None) -> Evidence:
    """Attach ``file`` to a question of ``audit`` (whose evidence is optional or required).
    Holds the audit's content lock (``audit_lock_for_content``): a submission in flight
    either sees the file or makes this a 409."""
    _require_respond(actor, audit)
    audit_lock_for_content(audit, content="evidence")
    question = (
        Question.objects.filter(version_id=audit.questionnaire_version_id, code=question_code)
        .only("id", "code", "evidence")
        .first()
    )
    if question is None:
        raise ValidationError(
            {"question": [_("No question %(code)s in this audit.") % {"code": question_code}]}
        )
    if question.evidence == Question.Evidence.NONE:
        raise ValidationError(
            {"question": [_("Question %(code)s takes no evidence.") % {"code": question_code}]}
        )
    evidence = evidence_store(
        file=file, actor=actor, audit_id=audit.pk, model=Evidence, question=question
    )
    evidence_uploaded(actor=actor, audit=audit, evidence=evidence)
    return evidence


def evidence_delete(*, evidence: Evidence, actor: User | None) -> None:
    """Remove an evidence file while its audit is editable (file removed after commit), under
    the audit's content lock like every change to its content."""
    audit = evidence.audit
    _require_respond(actor, audit)
    with transaction.atomic():
        audit_lock_for_content(audit, content="evidence")
        name = evidence.file.name
        storage = evidence.file.storage
        evidence_deleted(actor=actor, audit=audit, evidence=evidence)
        evidence.delete()
        if name:
            transaction.on_commit(partial(storage.delete, name))


def evidence_delete_files_on_commit(queryset) -> int:
    """Delete evidence rows now and their files after commit (hidden questions on submit)."""
    items = [(e.file.storage, e.file.name) for e in queryset]
    count = queryset.delete()[0]
    for storage, name in items:
        if name:
            transaction.on_commit(partial(storage.delete, name))
    return count
