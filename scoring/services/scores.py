"""Scoring audits: score on submit and accept, release, re-score one audit or every audit of a
rule set. Every write runs in ``transaction.atomic`` and logs an ``ActivityEvent``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.aggregates import JSONBAgg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Func, JSONField
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.events import Verb, jsonable, scoring_event
from activity.models import ActivityEvent
from audits.models import Answer, Audit
from backend.bulk import bulk_insert
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from rulesets.models import RuleSet
from scoring.engine import FindingResult, ScoreResult, SpecError, SupplierProfile
from scoring.engine import score as engine_score
from scoring.engine.stored import lean_trace
from scoring.models import Finding
from suppliers.certificates import held_certificates, held_certificates_of

from ..models import Score

# ---------------------------------------------------------------------------------------------
# Engine results -> stored JSON
# ---------------------------------------------------------------------------------------------


def _finding_json(f: FindingResult) -> dict[str, Any]:
    return {
        "code": f.code,
        "severity": f.severity,
        "category": f.category,
        "title": dict(f.title),
        "guidance": dict(f.guidance),
        "due_days": f.due_days,
        "due_date": f.due_date.isoformat() if f.due_date else None,
        "values": jsonable(f.values),
    }


def _lean_finding_json(f: FindingResult) -> dict[str, Any]:
    return {
        "code": f.code,
        "due_days": f.due_days,
        "due_date": f.due_date.isoformat() if f.due_date else None,
        # The values an expression read are JSON data already (see ``FindingResult``).
        "values": dict(f.values),
    }


def _score_fields(result: ScoreResult, *, lean: bool) -> dict[str, Any]:
    """The ``Score`` columns of an engine result; ``lean`` keeps of the findings and the trace
    only what is specific to the audit (``scoring.engine.stored``), for a rule set and a
    questionnaire version that can no longer change."""
    fields: dict[str, Any] = {
        "overall": result.overall,
        "categories": {k: None if v is None else str(v) for k, v in result.categories.items()},
        "rating": result.rating,
        "lean": lean,
    }
    if lean:
        fields["findings"] = [_lean_finding_json(f) for f in result.findings]
        fields["trace"] = lean_trace(result.trace)
    else:
        fields["findings"] = [_finding_json(f) for f in result.findings]
        fields["trace"] = result.trace
    return fields


def _accepted_on(accepted_at: datetime.datetime | None) -> datetime.date:
    return timezone.localdate(accepted_at) if accepted_at else timezone.localdate()


def _compiled_for(ruleset: RuleSet, version: QuestionnaireVersion):
    try:
        return inputs.compiled_ruleset(ruleset, version)
    except SpecError as exc:
        raise ValidationError(
            {
                "ruleset": [
                    _("Rule set %(ruleset)s does not fit questionnaire %(version)s: %(reason)s")
                    % {"ruleset": ruleset, "version": version, "reason": exc}
                ]
            }
        ) from exc


def _compute(audit: Audit, ruleset: RuleSet, *, final: bool) -> tuple[Score, ScoreResult]:
    """Score ``audit`` with ``ruleset``: a new ``Score`` row (its ``Finding`` rows not yet
    recorded) and the engine's result."""
    version = audit.questionnaire_version
    compiled = _compiled_for(ruleset, version)
    _questionnaire, codes = inputs.compiled_questionnaire(version)
    answers = inputs.answer_map(
        audit.answers.values_list("question_id", "value", "not_applicable"), codes
    )
    result = engine_score(
        compiled,
        answers,
        inputs.supplier_profile(audit.supplier),
        accepted_on=_accepted_on(audit.accepted_at) if final else None,
        # Certificates count when valid on the day of acceptance (final) or of scoring.
        certificates=held_certificates(audit.supplier_id) if compiled.spec.equivalences else (),
        scored_on=_accepted_on(audit.accepted_at) if final else timezone.localdate(),
    )
    lean = inputs.immutable(ruleset, version)
    score = Score.objects.create(
        audit=audit, ruleset=ruleset, final=final, **_score_fields(result, lean=lean)
    )
    return score, result


# ---------------------------------------------------------------------------------------------
# Scoring audits
# ---------------------------------------------------------------------------------------------


def score_audit(*, audit: Audit, final: bool, actor=None) -> Score | None:
    """Score ``audit`` with its rule set and store a ``Score`` row (a new row every time).

    ``final=True`` (on acceptance) also records ``Finding`` rows linked to that score and
    releases the score to the supplier unless the buyer withholds scores. Returns the Score, or
    None when the audit has no rule set. Runs inside the caller's transaction."""
    ruleset = audit.ruleset
    if ruleset is None:
        return None
    with transaction.atomic():
        score, result = _compute(audit, ruleset, final=final)
        released = False
        if final:
            Finding.objects.bulk_create(
                [
                    Finding(
                        audit=audit,
                        buyer_id=audit.buyer_id,
                        supplier_id=audit.supplier_id,
                        score=score,
                        rule_code=f.code,
                        severity=f.severity,
                        category=f.category,
                        title=dict(f.title),
                        guidance=dict(f.guidance),
                        values=jsonable(f.values),
                    )
                    for f in result.findings
                ]
            )
            released = not audit.buyer.withhold_scores
            audit.score_released = released
            audit.save(update_fields=["score_released"])
        scoring_event(
            Verb.SCORE_FINAL if final else Verb.SCORE_PRELIMINARY,
            actor=actor,
            audit=audit,
            internal=not released,
            score=score.pk,
            ruleset=str(ruleset),
            overall=score.overall,
            rating=score.rating,
            released=released,
        )
    return score


def score_release(*, audit: Audit, actor) -> Audit:
    """Release the final score of an accepted audit to the supplier (buyers that withhold).

    403 unless the actor reviews the audit for the buyer; 409 when the audit is not accepted,
    has no final score, or is already released."""
    with transaction.atomic():
        audit = Audit.objects.select_for_update().select_related("buyer").get(pk=audit.pk)
        if not (
            actor.has_perm("audits.review_audit", audit)
            and actor.memberships.filter(organization_id=audit.buyer_id).exists()
        ):
            raise PermissionDenied(_("Only the buyer's reviewers can release a score."))
        if audit.status != Audit.Status.ACCEPTED:
            raise Conflict(_("Only the score of an accepted audit can be released."))
        if audit.score_released:
            raise Conflict(_("The score is already released."), code="already_released")
        if not audit.scores.filter(final=True).exists():
            raise Conflict(_("This audit has no final score."))
        audit.score_released = True
        audit.save(update_fields=["score_released"])
        scoring_event(Verb.SCORE_RELEASED, actor=actor, audit=audit, internal=False)
    return audit


def _check_rescore(audit: Audit, ruleset: RuleSet) -> None:
    if ruleset.status != RuleSet.Status.PUBLISHED:
        raise Conflict(_("Only a published rule set can score audits."))
    if ruleset.owner_id not in (None, audit.buyer_id):
        raise ValidationError({"ruleset": [_("This rule set belongs to another buyer.")]})
    if ruleset.questionnaire_code != audit.questionnaire_version.questionnaire.code:
        raise ValidationError(
            {
                "ruleset": [
                    _("Rule set %(ruleset)s scores questionnaire %(code)s, not this audit's.")
                    % {"ruleset": ruleset, "code": ruleset.questionnaire_code}
                ]
            }
        )
    if audit.status not in (Audit.Status.SUBMITTED, Audit.Status.ACCEPTED):
        raise Conflict(_("Only submitted or accepted audits can be re-scored."))


def audit_rescore(*, audit: Audit, ruleset: RuleSet, actor=None) -> Score:
    """Score ``audit`` again with ``ruleset`` (typically a newer version): a new ``Score`` row,
    earlier scores are kept. Final when the audit is accepted; the findings recorded at
    acceptance (and their corrective actions) stay as they are."""
    _check_rescore(audit, ruleset)
    with transaction.atomic():
        score, _result = _compute(audit, ruleset, final=audit.status == Audit.Status.ACCEPTED)
        scoring_event(
            Verb.SCORE_RESCORED,
            actor=actor,
            audit=audit,
            score=score.pk,
            ruleset=str(ruleset),
            overall=score.overall,
            rating=score.rating,
        )
    return score


@dataclass
class RescoreResult:
    scored: int = 0
    skipped: int = 0  # audits whose questionnaire version the rule set does not fit
    errors: dict[str, str] = field(default_factory=dict)  # questionnaire version -> reason


def rescore_bulk(
    *, ruleset: RuleSet, batch_size: int = 1000, actor=None, part: tuple[int, int] = (0, 1)
) -> RescoreResult:
    """Re-score every accepted audit of ``ruleset``'s questionnaire (of its owner, or of every
    buyer for a library rule set) that has no score by ``ruleset`` yet, so an interrupted run
    can simply be run again. One transaction per batch: two queries to read a batch (audits,
    answers), two inserts to write it (lean scores, events; ``COPY`` on PostgreSQL).

    ``part=(i, n)`` re-scores only the audits whose id is ``i`` modulo ``n``: n processes with
    parts 0 to n - 1 share the work without overlapping (``manage.py rescore --workers``)."""
    if ruleset.status != RuleSet.Status.PUBLISHED:
        raise Conflict(_("Only a published rule set can score audits."))
    index, parts = part
    ids = [pk for pk in _audits_to_rescore(ruleset) if pk % parts == index]
    result = RescoreResult()
    versions: dict[int, Any] = {}  # version id -> (compiled rule set, codes, lean) or None
    profiles: dict[tuple, SupplierProfile] = {}
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    recognizes = bool(inputs.engine_document(ruleset.document).get("equivalences"))
    for start in range(0, len(ids), batch_size):
        rows, answers = _rescore_batch_read(ids[start : start + batch_size])
        held = _batch_certificates([row[0] for row in rows]) if recognizes else {}
        _compile_versions(ruleset, {row[1] for row in rows} - versions.keys(), versions, result)
        scores: list[Score] = []
        for audit_id, version_id, accepted_at, *supplier in rows:
            compiled = versions.get(version_id)
            if compiled is None:
                result.skipped += 1
                continue
            rules, codes, lean = compiled
            key = tuple(supplier)
            profile = profiles.get(key)
            if profile is None:
                size_class, country, industry = supplier
                profile = profiles[key] = SupplierProfile(
                    size_class=size_class or "", country=country or "", industry=industry or ""
                )
            outcome = engine_score(
                rules,
                inputs.answer_map(answers.get(audit_id, ()), codes),
                profile,
                accepted_on=_accepted_on(accepted_at),
                certificates=held.get(audit_id, ()),
            )
            fields = _score_fields(outcome, lean=lean)
            scores.append(Score(audit_id=audit_id, ruleset=ruleset, final=True, **fields))
        _rescore_batch_store(scores, ruleset, actor_id)
        result.scored += len(scores)
    return result


def _batch_certificates(audit_ids: list[int]) -> dict[int, tuple]:
    """The certificates of each audit's supplier, by audit id (two queries)."""
    suppliers = dict(Audit.objects.filter(pk__in=audit_ids).values_list("pk", "supplier_id"))
    by_supplier = held_certificates_of(set(suppliers.values()))
    return {
        audit_id: by_supplier.get(supplier_id, ()) for audit_id, supplier_id in suppliers.items()
    }


def _audits_to_rescore(ruleset: RuleSet) -> list[int]:
    """Ids of the accepted audits ``ruleset`` applies to and has not scored yet."""
    audits = Audit.objects.filter(
        status=Audit.Status.ACCEPTED,
        questionnaire_version__questionnaire__code=ruleset.questionnaire_code,
    ).exclude(pk__in=Score.objects.filter(ruleset=ruleset).values("audit_id"))
    if ruleset.owner_id is not None:
        audits = audits.filter(buyer_id=ruleset.owner_id)
    return list(audits.order_by("pk").values_list("pk", flat=True))


def _rescore_batch_read(batch: list[int]) -> tuple[list[tuple], dict[int, list]]:
    """The audits of a batch (id, version, accepted_at, supplier profile) and their answers
    ((question id, value, N/A) by audit): two queries."""
    rows = list(
        Audit.objects.filter(pk__in=batch).values_list(
            "pk",
            "questionnaire_version_id",
            "accepted_at",
            "supplier__size_class",
            "supplier__country",
            "supplier__industry",
        )
    )
    answers: dict[int, list] = defaultdict(list)
    if connection.vendor == "postgresql":
        # One JSON array of answers per audit: decoding 60 answers one by one through the
        # ORM costs more than scoring the audit.
        per_audit = (
            Answer.objects.filter(audit_id__in=batch)
            .values("audit_id")
            .order_by()
            .annotate(rows=JSONBAgg(_ANSWER_ROW))
            .values_list("audit_id", "rows")
        )
        for audit_id, audit_answers in per_audit:
            answers[audit_id] = audit_answers
        return rows, answers
    for audit_id, question_id, value, na in Answer.objects.filter(audit_id__in=batch).values_list(
        "audit_id", "question_id", "value", "not_applicable"
    ):
        answers[audit_id].append((question_id, value, na))
    return rows, answers


# ``[question_id, value, not_applicable]`` of an answer, as JSON.
_ANSWER_ROW = Func(
    F("question_id"),
    F("value"),
    F("not_applicable"),
    function="jsonb_build_array",
    output_field=JSONField(),
)


def _compile_versions(
    ruleset: RuleSet, version_ids: set[int], versions: dict[int, Any], result: RescoreResult
) -> None:
    """Compile ``ruleset`` for the questionnaire versions not seen yet (``None`` and an error
    in ``result`` for a version it does not fit)."""
    for version in QuestionnaireVersion.objects.filter(pk__in=version_ids).select_related(
        "questionnaire"
    ):
        try:
            versions[version.pk] = (
                inputs.compiled_ruleset(ruleset, version),
                inputs.compiled_questionnaire(version)[1],
                inputs.immutable(ruleset, version),
            )
        except SpecError as exc:
            versions[version.pk] = None
            result.errors[str(version)] = str(exc)


def _rescore_batch_store(scores: list[Score], ruleset: RuleSet, actor_id: int | None) -> None:
    """Insert a batch's scores and their ``score.rescored`` events in one transaction (by
    ``COPY`` on PostgreSQL: ``backend.bulk``)."""
    with transaction.atomic():
        bulk_insert(Score, scores)
        bulk_insert(
            ActivityEvent,
            [
                ActivityEvent(
                    actor_id=actor_id,
                    verb=Verb.SCORE_RESCORED,
                    audit_id=s.audit_id,
                    internal=True,
                    data={
                        "score": s.pk,
                        "ruleset": str(ruleset),
                        "overall": None if s.overall is None else str(s.overall),
                        "rating": s.rating,
                    },
                )
                for s in scores
            ],
        )
