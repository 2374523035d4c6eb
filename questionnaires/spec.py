"""Questionnaire versions as the scoring engine sees them, compiled once and cached.

``compiled_for_version(version)`` is what audits, scoring and the portal call to know which
questions are visible. Published and retired versions never change, so their compiled form is
kept for the life of the process; a draft is keyed by its content hash (``source_hash``, updated
by every draft edit), so an edit is picked up on the next call. The key also holds ``created_at``
so a reused primary key (test databases) never serves another version's questions.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from accounts.models import Organization
from questionnaires.models import Question, QuestionnaireVersion
from scoring.engine import (
    CompiledQuestionnaire,
    QuestionnaireSpec,
    QuestionSpec,
    SupplierProfile,
    compile_questionnaire,
)

CACHE_SIZE = 256

_cache: OrderedDict[tuple, CompiledQuestionnaire] = OrderedDict()
_lock = threading.Lock()


def _key(version: QuestionnaireVersion) -> tuple:
    return (version.pk, version.created_at, version.source_hash)


def questionnaire_spec_for_version(version: QuestionnaireVersion) -> QuestionnaireSpec:
    """The engine's ``QuestionnaireSpec`` of a stored version (one query)."""
    questions = (
        Question.objects.filter(version=version)
        .order_by("section__position", "position")
        .only(
            "code", "type", "category", "choices", "visible_if", "required", "allow_na", "evidence"
        )
    )
    return QuestionnaireSpec(
        code=version.questionnaire.code,
        version=version.number,
        questions=tuple(
            QuestionSpec(
                code=q.code,
                type=q.type,
                category=q.category,
                choices=tuple(c["value"] for c in q.choices or ()),
                visible_if=q.visible_if or "",
                required=q.required,
                allow_na=q.allow_na,
                evidence=q.evidence,
            )
            for q in questions
        ),
    )


def compiled_for_version(version: QuestionnaireVersion) -> CompiledQuestionnaire:
    """The compiled questionnaire of ``version`` (cached; compiled at most once per content).

    Raises ``scoring.engine.SpecError`` only for a version that was stored without validation.
    """
    key = _key(version)
    with _lock:
        compiled = _cache.get(key)
        if compiled is not None:
            _cache.move_to_end(key)
            return compiled
    compiled = compile_questionnaire(questionnaire_spec_for_version(version))
    with _lock:
        _cache[key] = compiled
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return compiled


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def supplier_profile(organization: Organization) -> SupplierProfile:
    """The ``supplier.*`` facts expressions may read: size class, ISO country code, industry."""
    country = organization.country
    return SupplierProfile(
        size_class=organization.size_class or "",
        country=str(getattr(country, "code", country) or ""),
        industry=organization.industry or "",
    )
