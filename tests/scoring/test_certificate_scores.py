"""Equivalences through the scoring and submission services (hand-computed on mini-csr).

The mini rule set weighs management 20, employee 50, environment 30. With the GOOD answers
every category is known: management 100, employee 50, environment 50, overall 60.0. Leaving
MGT_01 (the one management question) unanswered makes management 0 and the overall
(20 * 0 + 50 * 50 + 30 * 50) / 100 = 40.0; an SA8000 certificate that answers MGT_01 "yes"
brings it back to 60.0.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audits.models import Audit
from audits.services.audits import missing_for_submit
from scoring.models import Score
from scoring.services import rescore_bulk, score_audit
from suppliers.certificates import certificate_create
from suppliers.models import Certificate
from tests.factories import load_doc, make_ruleset

from .conftest import GOOD, make_audit

pytestmark = pytest.mark.django_db
WITHOUT_MGT = {k: v for k, v in GOOD.items() if k != "MGT_01"}


def rules_with(**equivalence) -> dict:
    doc = load_doc("mini-rules.yaml")
    doc["equivalences"] = [{"certificate": "sa8000", "answers": {"MGT_01": "yes"}, **equivalence}]
    return doc


@pytest.fixture
def certified(version):
    return make_ruleset(rules_with())


def sa8000(supplier, *, days_left: int = 365, verified: bool = False) -> Certificate:
    today = timezone.localdate()
    cert = certificate_create(
        supplier=supplier,
        actor=None,
        kind="sa8000",
        issuer="SAAS body",
        number="SA-77",
        valid_from=today - datetime.timedelta(days=400),
        valid_to=today + datetime.timedelta(days=days_left),
    )
    if verified:
        Certificate.objects.filter(pk=cert.pk).update(verified_at=timezone.now())
    return cert


def test_without_certificate_the_question_scores_zero(world, version, certified):
    audit = make_audit(world, version, certified, answers=WITHOUT_MGT)
    score = score_audit(audit=audit, final=False)
    assert score.overall == Decimal("40.0")
    assert "certificates" not in score.trace


def test_valid_certificate_answers_in_the_stored_score(world, version, certified):
    cert = sa8000(world.s1)
    audit = make_audit(world, version, certified, answers=WITHOUT_MGT)
    score = score_audit(audit=audit, final=False)
    assert score.overall == Decimal("60.0")
    assert score.lean is True
    stored = Score.objects.get(pk=score.pk).trace
    assert stored["questions"]["MGT_01"]["source"] == "certificate"
    assert stored["questions"]["MGT_01"]["certificate"] == cert.pk
    assert stored["certificates"]["MGT_01"]["number"] == "SA-77"


def test_supplier_answer_wins_over_the_certificate(world, version, certified):
    sa8000(world.s1)
    audit = make_audit(world, version, certified, answers=WITHOUT_MGT | {"MGT_01": "no"})
    score = score_audit(audit=audit, final=False)
    # MGT_01 "no": management 0, overall 40.0.
    assert score.overall == Decimal("40.0")
    assert score.trace["certificates"]["MGT_01"]["effect"] == "overridden"


def test_certificate_expired_before_acceptance_does_not_count(world, version, certified):
    sa8000(world.s1, days_left=-1)
    audit = make_audit(world, version, certified, status=Audit.Status.ACCEPTED, answers=WITHOUT_MGT)
    assert score_audit(audit=audit, final=True).overall == Decimal("40.0")


def test_unverified_certificate_does_not_count_when_the_rule_set_requires_it(world, version):
    strict = make_ruleset(rules_with(requires_verified=True))
    audit = make_audit(world, version, strict, answers=WITHOUT_MGT)
    cert = sa8000(world.s1)
    assert score_audit(audit=audit, final=False).overall == Decimal("40.0")
    Certificate.objects.filter(pk=cert.pk).update(verified_at=timezone.now())
    assert score_audit(audit=audit, final=False).overall == Decimal("60.0")


def test_another_suppliers_certificate_does_not_count(world, version, certified):
    sa8000(world.s2)
    audit = make_audit(world, version, certified, answers=WITHOUT_MGT)
    assert score_audit(audit=audit, final=False).overall == Decimal("40.0")


def test_submission_counts_a_certificate_answer_and_its_evidence(world, version, certified):
    audit = make_audit(world, version, certified, status=Audit.Status.IN_PROGRESS, answers={})
    assert "MGT_01" in missing_for_submit(audit)
    sa8000(world.s1)
    assert "MGT_01" not in missing_for_submit(audit)
    overridden = make_audit(
        world, version, certified, status=Audit.Status.IN_PROGRESS, answers={"MGT_01": "no"}
    )
    assert missing_for_submit(overridden)["MGT_01"] == ["This question needs evidence."]


def test_bulk_rescore_uses_each_suppliers_certificates(world, version, ruleset):
    sa8000(world.s1)
    first = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=WITHOUT_MGT)
    second = make_audit(
        world,
        version,
        ruleset,
        supplier=world.s2,
        status=Audit.Status.ACCEPTED,
        answers=WITHOUT_MGT,
    )
    certified = make_ruleset(rules_with() | {"version": 2})
    assert rescore_bulk(ruleset=certified).scored == 2
    overall = dict(Score.objects.filter(ruleset=certified).values_list("audit_id", "overall"))
    assert overall == {first.pk: Decimal("60.0"), second.pk: Decimal("40.0")}
