"""Scoring test helpers: an audit built straight with the ORM (status, answers, grants), so
that scoring is tested apart from the audit workflow."""

from __future__ import annotations

import pytest
from django.utils import timezone

from audits import permissions as audit_perms
from audits.models import Answer, Audit
from questionnaires.models import Question
from rulesets import compiled as inputs
from tests.factories import make_ruleset, make_version

GOOD = {  # overall 60.0, medium, no findings
    "MGT_01": "yes",
    "EMP_01": "partial",
    "EMP_02": "no",
    "EMP_04": 50,
    "ENV_01": ["energy"],
}
BAD = {  # overall 0.0, critical, four findings
    "MGT_01": "no",
    "EMP_01": "no",
    "EMP_02": "yes",
    "EMP_03": 10,
    "EMP_04": 70,
    "ENV_01": [],
}


@pytest.fixture(autouse=True)
def _fresh_compiled_cache():
    inputs.clear_cache()
    yield
    inputs.clear_cache()


@pytest.fixture
def version(db):
    return make_version()


@pytest.fixture
def ruleset(version):
    return make_ruleset()


def set_answers(audit: Audit, answers: dict, not_applicable: tuple[str, ...] = ()) -> None:
    questions = dict(audit.questionnaire_version.questions.values_list("code", "pk"))
    Answer.objects.bulk_create(
        [Answer(audit=audit, question_id=questions[c], value=v) for c, v in answers.items()]
        + [
            Answer(audit=audit, question_id=questions[c], value=None, not_applicable=True)
            for c in not_applicable
        ]
    )


def make_audit(
    world,
    version,
    ruleset,
    *,
    buyer=None,
    supplier=None,
    status=Audit.Status.SUBMITTED,
    answers=None,
    not_applicable=(),
    reviewers=(),
) -> Audit:
    now = timezone.now()
    audit = Audit.objects.create(
        buyer=buyer or world.buyer_a,
        supplier=supplier or world.s1,
        questionnaire_version=version,
        ruleset=ruleset,
        status=status,
        due_date=timezone.localdate(),
        issued_at=now,
        submitted_at=now if status in (Audit.Status.SUBMITTED, Audit.Status.ACCEPTED) else None,
        accepted_at=now if status == Audit.Status.ACCEPTED else None,
    )
    audit_perms.grant_audit_to_organizations(audit)
    for user in reviewers:
        audit.reviewers.add(user)
        audit_perms.grant_reviewer(audit, user)
    set_answers(audit, GOOD if answers is None else answers, not_applicable)
    return audit


def question_codes(version) -> list[str]:
    return list(Question.objects.filter(version=version).values_list("code", flat=True))
