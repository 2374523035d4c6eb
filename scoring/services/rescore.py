"""Bulk re-score: every accepted audit of a rule set's questionnaire scored again with that rule
set version, in batches, in one process or several.

Per batch of audits: one query for the audits and their supplier profiles, one for their
answers, the engine for each audit, then one insert of the scores and one of their events, in
one transaction. On PostgreSQL the answers of an audit come as one compact JSON text (decoded
once, not answer by answer) and the rows go in by ``COPY`` from plain tuples
(``backend.bulk.insert_rows``). With ``workers`` the audits are cut into that many ranges of
ids, each re-scored by a process of its own, with its own connection.
"""

from __future__ import annotations

import json
import multiprocessing
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from activity.events import Verb
from activity.models import ActivityEvent
from audits.models import Answer, Audit
from backend.bulk import insert_rows
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion
from rulesets import compiled as inputs
from rulesets.models import RuleSet
from scoring.engine import AnswerValue, SpecError, SupplierProfile
from scoring.engine import score as engine_score
from suppliers.certificates import held_certificates_of

from ..models import Score
from .scores import _accepted_on, _score_fields


@dataclass
class RescoreResult:
    scored: int = 0
    skipped: int = 0  # audits whose questionnaire version the rule set does not fit
    errors: dict[str, str] = field(default_factory=dict)  # questionnaire version -> reason

    def add(self, other: RescoreResult) -> None:
        self.scored += other.scored
        self.skipped += other.skipped
        self.errors.update(other.errors)


def rescore_bulk(
    *,
    ruleset: RuleSet,
    batch_size: int = 1000,
    actor=None,
    part: tuple[int, int] = (0, 1),
    workers: int = 1,
) -> RescoreResult:
    """Re-score every accepted audit of ``ruleset``'s questionnaire (of its owner, or of every
    buyer for a library rule set) that has no score by ``ruleset`` yet, so an interrupted run
    can simply be run again. One transaction per batch: two queries to read a batch (audits,
    answers), two inserts to write it (lean scores, events; ``COPY`` on PostgreSQL).

    ``part=(i, n)`` re-scores only the audits whose id is ``i`` modulo ``n``: n processes with
    parts 0 to n - 1 share the work without overlapping (``manage.py rescore --part``).
    ``workers=n`` (PostgreSQL, outside a transaction: the processes read committed rows only)
    cuts the audits into n ranges of ids re-scored by n processes forked from this one, each
    with its own connection; elsewhere the audits are re-scored here, as with one worker."""
    if ruleset.status != RuleSet.Status.PUBLISHED:
        raise Conflict(_("Only a published rule set can score audits."))
    index, parts = part
    ids = [pk for pk in _audits_to_rescore(ruleset) if pk % parts == index]
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    if workers > 1 and connection.vendor == "postgresql" and not connection.in_atomic_block:
        return _rescore_in_processes(ruleset, ids, workers, batch_size, actor_id)
    return _rescore_ids(ruleset, ids, batch_size, actor_id)


def _rescore_in_processes(
    ruleset: RuleSet, ids: list[int], workers: int, batch_size: int, actor_id: int | None
) -> RescoreResult:
    """Re-score ``ids`` in ``workers`` forked processes, one contiguous range of ids each."""
    if not ids:
        return RescoreResult()
    # Compiled here, before the fork, the rule set is in every worker's copy of the cache.
    versions = QuestionnaireVersion.objects.filter(
        questionnaire__code=ruleset.questionnaire_code
    ).values_list("pk", flat=True)
    _compile_versions(ruleset, set(versions), {}, RescoreResult())
    size = -(-len(ids) // workers)
    ranges = [ids[start : start + size] for start in range(0, len(ids), size)]
    # A connection must not be shared with a child: each process opens its own.
    connections.close_all()
    total = RescoreResult()
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=len(ranges), mp_context=context) as pool:
        jobs = [
            pool.submit(_rescore_range, ruleset, chunk, batch_size, actor_id) for chunk in ranges
        ]
        for job in jobs:
            total.add(job.result())
    return total


def _rescore_range(
    ruleset: RuleSet, ids: list[int], batch_size: int, actor_id: int | None
) -> RescoreResult:
    """One worker process's part of ``_rescore_in_processes``."""
    try:
        return _rescore_ids(ruleset, ids, batch_size, actor_id)
    finally:
        connections.close_all()


def _rescore_ids(
    ruleset: RuleSet, ids: list[int], batch_size: int, actor_id: int | None
) -> RescoreResult:
    """Re-score the audits ``ids`` in batches of ``batch_size``, in this process."""
    result = RescoreResult()
    versions: dict[int, Any] = {}  # version id -> (compiled rule set, codes, lean) or None
    profiles: dict[tuple, SupplierProfile] = {}
    shared: dict[tuple, AnswerValue] = {}  # equal answers share one engine value
    recognizes = bool(inputs.engine_document(ruleset.document).get("equivalences"))
    for start in range(0, len(ids), batch_size):
        rows, answers = _rescore_batch_read(ids[start : start + batch_size])
        held = _batch_certificates(rows) if recognizes else {}
        _compile_versions(ruleset, {row[1] for row in rows} - versions.keys(), versions, result)
        scores: list[tuple] = []
        for audit_id, version_id, accepted_at, _supplier_id, *supplier in rows:
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
                inputs.answer_map(answers.get(audit_id, ()), codes, shared=shared),
                profile,
                accepted_on=_accepted_on(accepted_at),
                certificates=held.get(audit_id, ()),
            )
            fields = _score_fields(outcome, lean=lean)
            scores.append((audit_id, ruleset.pk, True, *(fields[name] for name in _SCORE_FIELDS)))
        _rescore_batch_store(scores, ruleset, actor_id)
        result.scored += len(scores)
    return result


def _batch_certificates(rows: list[tuple]) -> dict[int, tuple]:
    """The certificates of each audit's supplier, by audit id (one query)."""
    by_supplier = held_certificates_of({row[3] for row in rows})
    return {row[0]: by_supplier.get(row[3], ()) for row in rows}


def _audits_to_rescore(ruleset: RuleSet) -> list[int]:
    """Ids of the accepted audits ``ruleset`` applies to and has not scored yet."""
    audits = Audit.objects.filter(
        status=Audit.Status.ACCEPTED,
        questionnaire_version__questionnaire__code=ruleset.questionnaire_code,
    ).exclude(pk__in=Score.objects.filter(ruleset=ruleset).values("audit_id"))
    if ruleset.owner_id is not None:
        audits = audits.filter(buyer_id=ruleset.owner_id)
    return list(audits.order_by("pk").values_list("pk", flat=True))


def _rescore_batch_read(batch: list[int]) -> tuple[list[tuple], dict[int, Iterable]]:
    """The audits of a batch (id, version, accepted_at, supplier id and profile) and their
    answers ((question id, value, N/A) by audit): two queries."""
    rows = list(
        Audit.objects.filter(pk__in=batch)
        .order_by()
        .values_list(
            "pk",
            "questionnaire_version_id",
            "accepted_at",
            "supplier_id",
            "supplier__size_class",
            "supplier__country",
            "supplier__industry",
        )
    )
    answers: dict[int, Iterable] = defaultdict(list)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_ANSWERS_SQL.format(table=Answer._meta.db_table), [batch])
            for audit_id, text in cursor.fetchall():
                flat = iter(json.loads(text))
                answers[audit_id] = zip(flat, flat, flat, strict=True)
        return rows, answers
    for audit_id, question_id, value, na in Answer.objects.filter(audit_id__in=batch).values_list(
        "audit_id", "question_id", "value", "not_applicable"
    ):
        answers[audit_id].append((question_id, value, na))  # type: ignore[attr-defined]
    return rows, answers


# The answers of each audit as one flat JSON array ``[question id, value, N/A, ...]``, built as
# text: decoding one array per audit is much cheaper than 60 answers one by one through the
# ORM, and for the server ``string_agg`` of text is about a third of ``jsonb_agg``'s work.
_ANSWERS_SQL = """
    SELECT audit_id,
           '[' || string_agg(
               question_id::text || ',' || coalesce(value::text, 'null') || ','
               || not_applicable::text, ','
           ) || ']'
    FROM {table} WHERE audit_id = ANY(%s) GROUP BY audit_id
"""


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


# The columns of a score row, after (audit_id, ruleset_id, final), from ``_score_fields``.
_SCORE_FIELDS = ("overall", "categories", "rating", "lean", "findings", "trace")
_SCORE_COLUMNS = ("audit_id", "ruleset_id", "final", *_SCORE_FIELDS)
_EVENT_COLUMNS = ("actor_id", "verb", "audit_id", "internal", "data")


def _rescore_batch_store(scores: list[tuple], ruleset: RuleSet, actor_id: int | None) -> None:
    """Insert a batch's scores (rows of ``_SCORE_COLUMNS``) and their ``score.rescored``
    events in one transaction (by ``COPY`` on PostgreSQL: ``backend.bulk.insert_rows``)."""
    label = str(ruleset)
    verb = Verb.SCORE_RESCORED.value
    with transaction.atomic():
        ids = insert_rows(Score, _SCORE_COLUMNS, scores)
        events = [
            (
                actor_id,
                verb,
                audit_id,
                True,
                {
                    "score": score_id,
                    "ruleset": label,
                    "overall": None if overall is None else str(overall),
                    "rating": rating,
                },
            )
            for score_id, (audit_id, _ruleset, _final, overall, _c, rating, *_rest) in zip(
                ids, scores, strict=True
            )
        ]
        insert_rows(ActivityEvent, _EVENT_COLUMNS, events)
