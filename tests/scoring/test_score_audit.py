"""score_audit: preliminary on submit, final on accept with findings and release."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from activity.models import ActivityEvent
from audits.models import Audit
from backend.errors import Conflict
from scoring.models import Finding, Score
from scoring.services import score_audit, score_release

from .conftest import BAD, make_audit

pytestmark = pytest.mark.django_db


def test_preliminary_score_is_stored_without_findings_rows(world, version, ruleset):
    audit = make_audit(world, version, ruleset)

    score = score_audit(audit=audit, final=False, actor=world.s1_admin)

    assert score.overall == Decimal("60.0")
    assert score.rating == "medium"
    assert score.categories == {"management": "100.0", "employee": "50.0", "environment": "50.0"}
    assert score.final is False
    assert score.findings == []
    assert score.trace["questions"]["EMP_03"]["excluded"] == "hidden"
    assert not Finding.objects.filter(audit=audit).exists()
    audit.refresh_from_db()
    assert audit.score_released is False
    event = ActivityEvent.objects.get(audit=audit, verb="score_preliminary")
    assert event.internal is True
    assert event.data["overall"] == "60.0"


def test_final_score_records_findings_and_releases(world, version, ruleset):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, answers=BAD)
    accepted_on = timezone.localdate(audit.accepted_at)  # the buyer's day, as the engine's

    score = score_audit(audit=audit, final=True, actor=world.a_officer)

    assert score.overall == Decimal("0.0")
    assert score.rating == "critical"
    by_code = {f["code"]: f for f in score.findings}
    assert set(by_code) == {"F_AGE_CHECK", "F_HOURS", "F_NO_POLICY", "F_NO_TRACKING"}
    assert by_code["F_NO_POLICY"]["due_days"] == 60
    assert (
        by_code["F_NO_POLICY"]["due_date"]
        == (accepted_on + datetime.timedelta(days=60)).isoformat()
    )
    assert by_code["F_NO_TRACKING"]["due_date"] is None
    assert by_code["F_HOURS"]["values"] == {"EMP_04": 70}
    rows = Finding.objects.filter(audit=audit, score=score)
    assert sorted(rows.values_list("rule_code", "severity")) == [
        ("F_AGE_CHECK", "critical"),
        ("F_HOURS", "major"),
        ("F_NO_POLICY", "minor"),
        ("F_NO_TRACKING", "observation"),
    ]
    assert rows.get(rule_code="F_AGE_CHECK").title["zh-Hans"] == "未核查员工年龄"
    audit.refresh_from_db()
    assert audit.score_released is True


def test_not_applicable_answer_is_excluded(world, version, ruleset):
    answers = {"MGT_01": "yes", "EMP_01": "yes", "EMP_02": "no", "EMP_04": 40}
    audit = make_audit(world, version, ruleset, answers=answers, not_applicable=("ENV_01",))

    score = score_audit(audit=audit, final=False)

    assert score.trace["questions"]["ENV_01"]["excluded"] == "not_applicable"
    assert score.categories["environment"] is None
    assert score.overall == Decimal("100.0")
    assert score.rating == "low"


def test_buyer_withholding_scores_keeps_final_score_unreleased(world, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)

    score_audit(audit=audit, final=True, actor=world.a_officer)

    audit.refresh_from_db()
    assert audit.score_released is False
    assert ActivityEvent.objects.get(audit=audit, verb="score_final").internal is True


def test_release_by_buyer_reviewer_makes_score_visible(world, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    score_audit(audit=audit, final=True)

    score_release(audit=audit, actor=world.a_officer)

    audit.refresh_from_db()
    assert audit.score_released is True
    assert ActivityEvent.objects.filter(audit=audit, verb="score_released").exists()
    with pytest.raises(Conflict):
        score_release(audit=audit, actor=world.a_officer)


def test_supplier_cannot_release(world, version, ruleset):
    world.buyer_a.withhold_scores = True
    world.buyer_a.save(update_fields=["withhold_scores"])
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    score_audit(audit=audit, final=True)

    with pytest.raises(PermissionDenied):
        score_release(audit=audit, actor=world.s1_admin)


def test_audit_without_ruleset_is_not_scored(world, version):
    audit = make_audit(world, version, None)

    assert score_audit(audit=audit, final=False) is None
    assert not Score.objects.filter(audit=audit).exists()


def test_each_scoring_adds_a_row(world, version, ruleset):
    audit = make_audit(world, version, ruleset)

    first = score_audit(audit=audit, final=False)
    second = score_audit(audit=audit, final=False)

    assert first.pk != second.pk
    assert Score.objects.filter(audit=audit).count() == 2
