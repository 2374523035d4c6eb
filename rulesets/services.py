"""Rule sets: import (validated against the questionnaire they score), publish, export, and
the shared library. Every write runs in ``transaction.atomic`` and logs an activity event."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import has_org_perm
from activity.events import Verb, scoring_event
from backend.errors import InvalidTransition
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from rulesets.models import RuleSet
from scoring.engine import (
    SpecError,
    compile_ruleset,
    parse_ruleset,
    ruleset_to_doc,
)

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


def _check_may_manage(actor, owner) -> None:
    if actor is None:
        return
    if owner is None:
        if not actor.is_staff:
            raise PermissionDenied(_("The rule set library is read-only."))
    elif not has_org_perm(actor, "accounts.manage_templates", owner):
        raise PermissionDenied(_("Only the buyer's administrators manage rule sets."))


def _questionnaire_version_for(code: object, owner) -> QuestionnaireVersion | None:
    """The latest published version of questionnaire ``code`` the owner may use: its own
    template of that code first, else the library's."""
    if not isinstance(code, str) or not code:
        return None
    owners = Q(questionnaire__owner__isnull=True)
    if owner is not None:
        owners |= Q(questionnaire__owner=owner)
    return (
        QuestionnaireVersion.objects.filter(
            owners, questionnaire__code=code, status=QuestionnaireVersion.Status.PUBLISHED
        )
        .select_related("questionnaire")
        .order_by(F("questionnaire__owner").desc(nulls_last=True), "-number")
        .first()
    )


def located_errors(exc: SpecError) -> ValidationError:
    """A ``SpecError`` as a 400: ``{rule / question code or section: ["field: reason", ...]}``."""
    errors: dict[str, list[str]] = defaultdict(list)
    for error in exc.errors:
        errors[error.location].append(f"{error.field}: {error.message}")
    return ValidationError(dict(errors))


def _validated(document: Mapping[str, Any], owner):
    """``(canonical document, RuleSetSpec)`` of ``document`` or a located ValidationError."""
    if not isinstance(document, Mapping):
        raise ValidationError({"document": [_("Expected a rule set: a mapping of keys.")]})
    q_code = document.get("questionnaire")
    version = _questionnaire_version_for(q_code, owner)
    if version is None:
        raise ValidationError(
            {
                "ruleset": [
                    "questionnaire: "
                    + _("no published questionnaire %(code)r is available to this owner")
                    % {"code": q_code}
                ]
            }
        )
    title = document.get("title", {})
    if not isinstance(title, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in title.items()
    ):
        raise ValidationError({"ruleset": ["title: " + _("expected a mapping language -> text")]})
    questionnaire, _codes = inputs.compiled_questionnaire(version)
    try:
        spec = parse_ruleset(inputs.engine_document(document), questionnaire.spec)
        compile_ruleset(spec, questionnaire)
    except SpecError as exc:
        raise located_errors(exc) from exc
    body = ruleset_to_doc(spec)
    canonical = {
        "code": body.pop("code"),
        "version": body.pop("version"),
        "questionnaire": body.pop("questionnaire"),
    }
    if title:
        canonical["title"] = dict(title)
    canonical.update(body)
    return canonical, spec


def document_hash(document: Mapping[str, Any]) -> str:
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def ruleset_import(*, document: dict, owner=None, actor=None, publish: bool = False) -> RuleSet:
    """Validate a rule-set document (DESIGN section 6) and store it as a new version.

    Validated against the latest published version of its questionnaire available to
    ``owner`` (its own template of that code, else the library's). Every problem is a located
    400 ``{rule or question code: ["field: reason"]}`` and nothing is saved. Importing the same
    code and version with the same content again returns the existing row (the library loader
    relies on this); with different content it is a 400 "version exists"."""
    _check_may_manage(actor, owner)
    canonical, spec = _validated(document, owner)
    digest = document_hash(canonical)
    with transaction.atomic():
        existing = (
            RuleSet.objects.select_for_update()
            .filter(owner=owner, code=spec.code, version=spec.version)
            .first()
        )
        if existing is not None:
            if existing.source_hash != digest:
                raise ValidationError(
                    {
                        "version": [
                            _(
                                "version exists: %(code)s version %(version)s already exists "
                                "with different content; import it as a new version."
                            )
                            % {"code": spec.code, "version": spec.version}
                        ]
                    }
                )
            if publish and existing.status == RuleSet.Status.DRAFT:
                return ruleset_publish(ruleset=existing, actor=actor)
            return existing
        try:
            with transaction.atomic():
                ruleset = RuleSet.objects.create(
                    code=spec.code,
                    version=spec.version,
                    owner=owner,
                    questionnaire_code=spec.questionnaire,
                    status=RuleSet.Status.PUBLISHED if publish else RuleSet.Status.DRAFT,
                    title=canonical.get("title", {}),
                    document=canonical,
                    source_hash=digest,
                    published_at=timezone.now() if publish else None,
                )
        except IntegrityError as exc:  # a concurrent import of the same version won
            raise ValidationError(
                {"version": [_("version exists: imported concurrently, try again.")]}
            ) from exc
        scoring_event(
            Verb.RULESET_IMPORTED,
            actor=actor,
            organization=owner,
            ruleset=ruleset.pk,
            code=ruleset.code,
            version=ruleset.version,
            status=ruleset.status,
        )
    return ruleset


def ruleset_publish(*, ruleset: RuleSet, actor=None) -> RuleSet:
    """Publish a draft rule set (immutable from then on) after validating it again against the
    latest published version of its questionnaire. 403 for the library or a non-admin, 409
    when it is not a draft."""
    _check_may_manage(actor, ruleset.owner)
    with transaction.atomic():
        ruleset = RuleSet.objects.select_for_update().get(pk=ruleset.pk)
        if ruleset.status != RuleSet.Status.DRAFT:
            raise InvalidTransition(
                entity="rule set",
                from_status=ruleset.status,
                to_status="published",
                message=_("This rule set is %(status)s; only a draft is published.")
                % {"status": str(ruleset.get_status_display()).lower()},
            )
        _validated(ruleset.document, ruleset.owner)
        ruleset.status = RuleSet.Status.PUBLISHED
        ruleset.published_at = timezone.now()
        ruleset.save(update_fields=["status", "published_at"])
        scoring_event(
            Verb.RULESET_PUBLISHED,
            actor=actor,
            organization=ruleset.owner,
            ruleset=ruleset.pk,
            code=ruleset.code,
            version=ruleset.version,
        )
    return ruleset


def ruleset_export_yaml(*, ruleset: RuleSet) -> str:
    """The rule set as YAML; importing it again gives the same rule set."""
    return yaml.safe_dump(
        ruleset.document, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
    )


def library_rulesets_load(*, directory: Path | None = None, actor=None) -> dict[str, str]:
    """Load and publish the library rule sets (``rulesets/library/*.yaml``); idempotent.

    A file whose questionnaire is not loaded yet, or that does not validate, is reported and
    skipped. Returns ``{file name: "code@version" or the reason it was skipped}``."""
    report: dict[str, str] = {}
    for path in sorted((directory or LIBRARY_DIR).glob("*.yaml")):
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            ruleset = ruleset_import(document=document, owner=None, actor=actor, publish=True)
        except ValidationError as exc:
            report[path.name] = "; ".join(
                f"{k}: {m}" for k, msgs in exc.message_dict.items() for m in msgs
            )
        except yaml.YAMLError as exc:
            report[path.name] = f"invalid YAML: {exc}"
        else:
            report[path.name] = str(ruleset)
    return report
