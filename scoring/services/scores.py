"""Scoring audits: score on submit and accept, release, re-score one audit or every audit of a
rule set. Every write runs in ``transaction.atomic`` and logs an ``ActivityEvent``."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activity.events import Verb, jsonable, scoring_event
from audits.models import Audit
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from rulesets.models import RuleSet
from scoring.engine import FindingResult, ScoreResult, SpecError
from scoring.engine import score as engine_score
from scoring.engine.stored import lean_trace
from scoring.models import Finding
from suppliers.certificates import held_certificates

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
