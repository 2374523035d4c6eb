"""The re-assessment cycle (DESIGN section 4) on a frozen clock: ``today`` is passed in."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from activity.models import ActivityEvent
from audits.models import Audit, ReassessmentPolicy
from flows.reassessment import add_months, run_reassessment
from scoring.models import CountryRisk, IndustryRisk, Score
from tests.factories import (
    link_supplier,
    load_doc,
    make_accepted_audit,
    make_ruleset,
    make_supplier,
    make_version,
)

pytestmark = pytest.mark.django_db

ACCEPTED = datetime.date(2024, 1, 15)
D = datetime.timedelta


@pytest.fixture
def setup(world):
    # Inherent risk "medium" for every supplier, so the rating alone sets the priority:
    # critical P1, high P2, medium P3, low P4.
    IndustryRisk.objects.all().delete()
    CountryRisk.objects.update_or_create(country="CN", defaults={"level": "medium"})
    version = make_version()
    ruleset = make_ruleset()
    return world, version, ruleset


def accept(buyer, supplier, version, ruleset, *, on=ACCEPTED, rating="high") -> Audit:
    moment = timezone.make_aware(datetime.datetime.combine(on, datetime.time(12)))
    audit = make_accepted_audit(
        buyer=buyer, supplier=supplier, version=version, ruleset=ruleset, accepted_at=moment
    )
    Score.objects.filter(audit=audit).update(rating=rating)
    return audit


def open_audit(buyer, supplier, version, status: str) -> Audit:
    return Audit.objects.create(
        buyer=buyer,
        supplier=supplier,
        questionnaire_version=version,
        status=status,
        due_date=datetime.date(2025, 8, 1),
    )


def policy(buyer, **fields) -> ReassessmentPolicy:
    return ReassessmentPolicy.objects.create(buyer=buyer, **fields)


def test_add_months_keeps_the_day_or_takes_the_month_end():
    assert add_months(datetime.date(2024, 1, 15), 12) == datetime.date(2025, 1, 15)
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2024, 11, 30), 18) == datetime.date(2026, 5, 30)


@pytest.mark.parametrize(
    ("rating", "months"), [("critical", 12), ("high", 18), ("medium", 24), ("low", 36)]
)
def test_interval_by_priority_minus_the_lead_time(setup, rating, months):
    world, version, ruleset = setup
    policy(world.buyer_a)
    last = accept(world.buyer_a, world.s2, version, ruleset, rating=rating)
    end = add_months(ACCEPTED, months)  # hand-checked: P1 2025-01-15 ... P4 2027-01-15
    assert end == datetime.date(2024 + months // 12, 1 + months % 12, 15)

    assert run_reassessment(today=end - D(days=31)) == []
    (audit,) = run_reassessment(today=end - D(days=30))

    assert (audit.buyer, audit.supplier) == (world.buyer_a, world.s2)
    assert audit.status == Audit.Status.DRAFT
    assert audit.due_date == end
    assert audit.questionnaire_version == last.questionnaire_version
    assert audit.ruleset == last.ruleset


def test_custom_months_and_lead_time(setup):
    world, version, ruleset = setup
    policy(world.buyer_a, months_p2=6, lead_days=10)
    accept(world.buyer_a, world.s2, version, ruleset, rating="high")  # P2
    end = datetime.date(2024, 7, 15)

    assert run_reassessment(today=end - D(days=11)) == []
    (audit,) = run_reassessment(today=end - D(days=10))
    assert audit.due_date == end


def test_draft_mode_records_the_creation_only(setup):
    world, version, ruleset = setup
    policy(world.buyer_a, mode="draft")
    accept(world.buyer_a, world.s2, version, ruleset)

    (audit,) = run_reassessment(today=datetime.date(2025, 7, 1))

    assert audit.status == Audit.Status.DRAFT
    verbs = list(ActivityEvent.objects.filter(audit=audit).values_list("verb", flat=True))
    assert verbs == ["audit.created"]


def test_send_mode_sends_to_the_supplier(setup, mailoutbox):
    world, version, ruleset = setup
    policy(world.buyer_a, mode="send")
    accept(world.buyer_a, world.s2, version, ruleset)

    (audit,) = run_reassessment(today=datetime.date(2025, 7, 1))

    audit.refresh_from_db()
    assert audit.status == Audit.Status.SENT
    verbs = set(ActivityEvent.objects.filter(audit=audit).values_list("verb", flat=True))
    assert verbs == {"audit.created", "audit.issued"}
    assert world.s2_admin.has_perm("audits.view_audit", audit)


def test_running_twice_creates_nothing_twice(setup):
    world, version, ruleset = setup
    policy(world.buyer_a, mode="send")
    accept(world.buyer_a, world.s1, version, ruleset)
    accept(world.buyer_a, world.s2, version, ruleset)
    today = datetime.date(2025, 7, 1)

    assert len(run_reassessment(today=today)) == 2
    assert run_reassessment(today=today) == []
    assert run_reassessment(today=today + D(days=400)) == []
    assert Audit.objects.filter(buyer=world.buyer_a).exclude(status="accepted").count() == 2


@pytest.mark.parametrize("state", ["draft", "sent", "in_progress", "submitted", "returned"])
def test_no_new_audit_while_one_is_open(setup, state):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset)
    open_audit(world.buyer_a, world.s2, version, state)

    assert run_reassessment(today=datetime.date(2025, 7, 1)) == []


def test_a_cancelled_audit_does_not_block(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset)
    open_audit(world.buyer_a, world.s2, version, "cancelled")

    assert len(run_reassessment(today=datetime.date(2025, 7, 1))) == 1


def test_the_last_accepted_audit_counts(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset, on=datetime.date(2022, 1, 1))
    accept(world.buyer_a, world.s2, version, ruleset, on=ACCEPTED)

    assert run_reassessment(today=datetime.date(2025, 6, 14)) == []
    assert len(run_reassessment(today=datetime.date(2025, 6, 15))) == 1


def test_another_buyers_suppliers_are_untouched(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    # s1 works for both buyers; buyer B has no policy, and A's policy ignores B's audits.
    accept(world.buyer_b, world.s1, version, ruleset)
    accept(world.buyer_a, world.s2, version, ruleset)

    created = run_reassessment(today=datetime.date(2026, 1, 1))

    assert [(a.buyer, a.supplier) for a in created] == [(world.buyer_a, world.s2)]
    assert not Audit.objects.filter(buyer=world.buyer_b).exclude(status="accepted").exists()


def test_an_open_audit_of_another_buyer_does_not_block(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s1, version, ruleset)
    open_audit(world.buyer_b, world.s1, version, "sent")

    (audit,) = run_reassessment(today=datetime.date(2025, 7, 1))
    assert audit.supplier == world.s1


def test_inactive_and_never_assessed_suppliers_are_skipped(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset)
    world.buyer_a.supplier_links.filter(supplier=world.s2).update(active=False)
    link_supplier(world.buyer_a, make_supplier())  # no accepted audit: issued by hand

    assert run_reassessment(today=datetime.date(2026, 1, 1)) == []


def test_due_date_is_never_in_the_past(setup):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset)
    today = datetime.date(2027, 3, 3)

    (audit,) = run_reassessment(today=today)
    assert audit.due_date == today


def test_latest_published_version_and_overrides(setup):
    world, version, ruleset = setup
    accept(world.buyer_a, world.s2, version, ruleset)
    newer = make_version()  # version 2 of the same questionnaire
    make_version(status="draft")  # version 3, not published
    p = policy(world.buyer_a)

    (audit,) = run_reassessment(today=datetime.date(2025, 7, 1))
    assert (audit.questionnaire_version, audit.ruleset) == (newer, ruleset)

    audit.delete()
    other_rules = load_doc("mini-rules.yaml")
    other_rules["code"] = "other-rules"
    chosen = make_ruleset(other_rules, owner=world.buyer_a)
    p.questionnaire_version, p.ruleset = version, chosen
    p.save()
    (audit,) = run_reassessment(today=datetime.date(2025, 7, 1))
    assert (audit.questionnaire_version, audit.ruleset) == (version, chosen)


def test_the_command_runs_the_job_for_a_date(setup, capsys):
    world, version, ruleset = setup
    policy(world.buyer_a)
    accept(world.buyer_a, world.s2, version, ruleset)

    call_command("reassess", "--date", "2025-07-01")
    call_command("reassess", "--date", "2025-07-01")

    assert capsys.readouterr().out.splitlines() == [
        "1 assessment(s) created.",
        "0 assessment(s) created.",
    ]
