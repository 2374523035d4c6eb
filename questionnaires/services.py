"""Questionnaire templates: import, draft edits, publish, retire, new version, library load.

Every write validates the whole document first (``questionnaires.documents``), so a
stored version is always valid; a rejected document changes nothing (400 with every problem
located). A published or retired version is immutable: changing it is a 409.

Who may call these is decided before (``audits.selectors.questionnaires``: ``manage_templates``
on the owning buyer; the shared library is written only by ``load_library``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from activity.events import Verb, questionnaire_version_event
from backend.errors import Conflict, InvalidTransition
from questionnaires.documents import ALL_QUESTION_KEYS, DocumentError, document_hash, parse_document
from questionnaires.models import Questionnaire, QuestionnaireVersion
from questionnaires.storage import document_from_version, write_version_content
from questionnaires.xlsx_io import read_xlsx
from questionnaires.yaml_io import read_yaml

Status = QuestionnaireVersion.Status

LIBRARY_DIR = Path(__file__).resolve().parent / "library"

# The one transition table of a questionnaire version: action -> (from states, to state).
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "publish": (frozenset({Status.DRAFT}), Status.PUBLISHED),
    "retire": (frozenset({Status.PUBLISHED}), Status.RETIRED),
}

FORMATS = ("yaml", "xlsx", "json")


def read_document(*, content: bytes | str | dict, fmt: str) -> dict:
    """A canonical document from an uploaded file (``yaml`` / ``xlsx``) or a JSON body.

    Raises ``ValidationError`` with every problem located."""
    try:
        if fmt == "xlsx":
            if not isinstance(content, bytes):
                raise DocumentError([])
            return read_xlsx(content)
        if fmt == "yaml":
            if isinstance(content, dict):
                return parse_document(content)
            return read_yaml(content)
        if fmt == "json":
            return parse_document(content)
    except DocumentError as exc:
        if not exc.problems:
            raise ValidationError({"file": [_("Expected an XLSX file.")]}) from None
        raise exc.as_validation_error() from None
    raise ValidationError({"format": [_("Unknown format; use yaml or xlsx.")]})


def _event(verb: str, version: QuestionnaireVersion, actor, *, from_status="", **data) -> None:
    questionnaire_version_event(
        Verb(verb), actor=actor, version=version, from_status=from_status, **data
    )


def _set_content(version: QuestionnaireVersion, doc: dict) -> None:
    version.languages = doc["languages"]
    version.title = doc["title"]
    version.description = doc["description"]
    version.source_hash = document_hash(doc)
    version.save(update_fields=["languages", "title", "description", "source_hash"])
    write_version_content(version, doc)


def _next_number(questionnaire: Questionnaire) -> int:
    latest = questionnaire.versions.order_by("-number").values_list("number", flat=True).first()
    return (latest or 0) + 1


def _ensure_draft(version: QuestionnaireVersion) -> None:
    if version.status != Status.DRAFT:
        raise Conflict(
            _(
                "Version %(number)s of %(code)s is %(status)s and cannot be changed; "
                "create a new version instead."
            )
            % {
                "number": version.number,
                "code": version.questionnaire.code,
                "status": str(version.get_status_display()).lower(),
            },
            code="version_immutable",
        )


def _lock_version(version: QuestionnaireVersion) -> QuestionnaireVersion:
    return (
        QuestionnaireVersion.objects.select_for_update(of=("self",))
        .select_related("questionnaire", "questionnaire__owner")
        .get(pk=version.pk)
    )


@transaction.atomic
def questionnaire_import(
    *,
    document: dict,
    owner: Organization | None,
    actor: User | None = None,
    publish: bool = False,
) -> QuestionnaireVersion:
    """Store a validated canonical ``document`` (from ``read_document``) as a version of the
    owner's questionnaire with that code (created on first import).

    If the latest version is a draft, the draft's content is replaced; otherwise a new draft
    numbered after the latest is created. ``publish=True`` publishes it at once. The number in
    the document is informative: versions are numbered by the server.
    """
    questionnaire, created = Questionnaire.objects.get_or_create(
        code=document["code"], owner=owner, defaults={"title": document["title"]}
    )
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if questionnaire.title != document["title"]:
        questionnaire.title = document["title"]
        questionnaire.save(update_fields=["title"])
    latest = questionnaire.versions.order_by("-number").first()
    if latest is not None and latest.status == Status.DRAFT:
        version = latest
        verb = "questionnaire.draft_replaced"
    else:
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire, number=_next_number(questionnaire), status=Status.DRAFT
        )
        verb = "questionnaire.imported"
    _set_content(version, document)
    _event(verb, version, actor, created=created)
    if publish:
        version = version_publish(version=version, actor=actor)
    return version


@transaction.atomic
def version_update_draft(
    *, version: QuestionnaireVersion, document: dict, actor: User | None = None
) -> QuestionnaireVersion:
    """Replace the whole content of a draft with a validated canonical ``document``.

    409 for a published or retired version; 400 if the document's code is another
    questionnaire's."""
    version = _lock_version(version)
    _ensure_draft(version)
    if document["code"] != version.questionnaire.code:
        raise ValidationError(
            {
                "field code": [
                    _("The document is for '%(doc)s', not '%(code)s'.")
                    % {"doc": document["code"], "code": version.questionnaire.code}
                ]
            }
        )
    _set_content(version, document)
    _event("questionnaire.draft_updated", version, actor)
    return version


@transaction.atomic
def question_update(
    *,
    version: QuestionnaireVersion,
    code: str,
    changes: dict[str, Any],
    actor: User | None = None,
) -> QuestionnaireVersion:
    """Change fields of one question of a draft (``changes`` uses the document's keys; a key set
    to None removes it). The whole version is revalidated; 409 unless the version is a draft."""
    version = _lock_version(version)
    _ensure_draft(version)
    unknown = sorted(set(changes) - ALL_QUESTION_KEYS)
    if unknown:
        raise ValidationError({key: [_("Unknown field.")] for key in unknown})
    doc = document_from_version(version)
    for section in doc["sections"]:
        for index, question in enumerate(section["questions"]):
            if question["code"] == code:
                updated = {**question, **changes}
                section["questions"][index] = {k: v for k, v in updated.items() if v is not None}
                break
        else:
            continue
        break
    else:
        from django.http import Http404

        raise Http404(f"No question {code}")
    try:
        doc = parse_document(doc)
    except DocumentError as exc:
        raise exc.as_validation_error() from None
    _set_content(version, doc)
    _event("questionnaire.question_updated", version, actor, question=code)
    return version


def _transition(version: QuestionnaireVersion, action: str) -> str:
    sources, target = TRANSITIONS[action]
    if version.status not in sources:
        raise InvalidTransition(
            entity="questionnaire version",
            from_status=version.status,
            to_status=target,
            message=_("A version that is %(from)s cannot become %(to)s.")
            % {
                "from": str(Status(version.status).label).lower(),
                "to": str(Status(target).label).lower(),
            },
        )
    return target


@transaction.atomic
def version_publish(
    *, version: QuestionnaireVersion, actor: User | None = None
) -> QuestionnaireVersion:
    """draft -> published: from now on the version is immutable and may be used by audits."""
    from questionnaires.spec import compiled_for_version

    version = _lock_version(version)
    from_status = version.status
    version.status = _transition(version, "publish")
    compiled_for_version(version)  # stored versions are valid; this also warms the cache
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])
    _event("questionnaire.published", version, actor, from_status=from_status)
    return version


@transaction.atomic
def version_retire(
    *, version: QuestionnaireVersion, actor: User | None = None
) -> QuestionnaireVersion:
    """published -> retired: no longer offered for new audits; existing audits keep it."""
    version = _lock_version(version)
    from_status = version.status
    version.status = _transition(version, "retire")
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    _event("questionnaire.retired", version, actor, from_status=from_status)
    return version


@transaction.atomic
def version_new_draft(
    *, version: QuestionnaireVersion, actor: User | None = None
) -> QuestionnaireVersion:
    """Copy a published or retired version into a new draft numbered after the latest.

    409 when ``version`` is itself a draft or when the questionnaire already has a draft."""
    questionnaire = Questionnaire.objects.select_for_update().get(pk=version.questionnaire_id)
    version.refresh_from_db()
    if version.status == Status.DRAFT:
        raise Conflict(_("This version is already a draft; edit it."), code="already_draft")
    existing = questionnaire.versions.filter(status=Status.DRAFT).first()
    if existing is not None:
        raise Conflict(
            _("Version %(number)s is already a draft; edit or publish it first.")
            % {"number": existing.number},
            code="draft_exists",
        )
    doc = document_from_version(version)
    draft = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, number=_next_number(questionnaire), status=Status.DRAFT
    )
    _set_content(draft, doc)
    _event("questionnaire.new_version", draft, actor, copied_from=version.number)
    return draft


# ---------------------------------------------------------------------------------------------
# The shared library
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LibraryResult:
    file: str
    code: str
    number: int
    created: bool


@transaction.atomic
def library_load(
    *, directory: Path | None = None, actor: User | None = None
) -> list[LibraryResult]:
    """Load every ``*.yaml`` template of the shared library (``questionnaires/library/``).

    Idempotent: a file whose canonical content matches the latest library version of its code
    changes nothing; a changed file becomes a new published version (number + 1) and the
    previously published library versions are retired, so new audits take the new one while
    existing audits keep theirs. An invalid file loads nothing (``ValidationError`` naming the
    file and every problem)."""
    directory = Path(directory or LIBRARY_DIR)
    documents = []
    problems: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            documents.append((path.name, read_yaml(path.read_bytes())))
        except DocumentError as exc:
            for problem in exc.problems:
                problems.setdefault(f"{path.name}: {problem.location}", []).append(problem.message)
    if problems:
        raise ValidationError(problems)

    results = []
    for name, doc in documents:
        digest = document_hash(doc)
        questionnaire = Questionnaire.objects.filter(code=doc["code"], owner=None).first()
        latest = questionnaire.versions.order_by("-number").first() if questionnaire else None
        if latest is not None and latest.source_hash == digest:
            results.append(LibraryResult(name, doc["code"], latest.number, created=False))
            continue
        previous = (
            list(
                QuestionnaireVersion.objects.filter(
                    questionnaire=questionnaire, status=Status.PUBLISHED
                )
            )
            if questionnaire
            else []
        )
        version = questionnaire_import(document=doc, owner=None, actor=actor, publish=True)
        for old in previous:
            version_retire(version=old, actor=actor)
        results.append(LibraryResult(name, doc["code"], version.number, created=True))
    return results
