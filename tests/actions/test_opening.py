"""Opening corrective actions on acceptance, and the follow-up suggestion."""

from __future__ import annotations

import datetime

from django.core import mail
from django.utils import timezone

from actions.models import CorrectiveAction
from actions.services import actions_open_for_audit
from activity.models import ActivityEvent

TZ = timezone.get_current_timezone()


def test_findings_with_an_sla_open_actions_due_from_the_acceptance_date(
    world, accepted_audit, django_capture_on_commit_callbacks
):
    # 23:30 in Shanghai is still that day locally although it is the afternoon in UTC.
    accepted = datetime.datetime(2026, 3, 10, 23, 30, tzinfo=TZ)
    audit = accepted_audit(buyer=world.buyer_a, supplier=world.s1, accepted_at=accepted)

    with django_capture_on_commit_callbacks(execute=True):
        opened = actions_open_for_audit(audit=audit, actor=world.a_officer)

    due = {a.finding.rule_code: a.due_date for a in opened}
    assert due == {
        "F_AGE_CHECK": datetime.date(2026, 4, 9),  # critical: sla 30 days
        "F_HOURS": datetime.date(2026, 6, 8),  # major: sla 90 days
        "F_NO_POLICY": datetime.date(2026, 5, 9),  # the rule's own due_days 60 wins
    }
    assert "F_NO_TRACKING" not in due  # observation: no action, guidance stays on the finding
    assert audit.findings.get(rule_code="F_NO_TRACKING").guidance["en"]
    for action in opened:
        assert action.status == CorrectiveAction.Status.OPEN
        assert action.original_due_date == action.due_date
        assert action.severity == action.finding.severity
        assert (action.buyer, action.supplier) == (world.buyer_a, world.s1)
    assert ActivityEvent.objects.filter(verb="action.opened", audit=audit).count() == 3
    # One mail per supplier-side user, listing every action.
    assert sorted(m.to[0] for m in mail.outbox) == [world.s1_admin.email]
    assert "F_AGE_CHECK" in mail.outbox[0].body and "F_NO_POLICY" in mail.outbox[0].body


def test_opening_grants_both_parties_and_assignees(world, opened):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    for user in (world.s1_admin, world.s1_respondent):
        assert user.has_perm("actions.respond_correctiveaction", action)
        assert not user.has_perm("actions.review_correctiveaction", action)
    for user in (world.a_admin, world.a_officer, world.a_reviewer):
        assert user.has_perm("actions.review_correctiveaction", action)
        assert not user.has_perm("actions.respond_correctiveaction", action)
    for user in (world.b_admin, world.s2_admin):
        assert not user.has_perm("actions.view_correctiveaction", action)


def test_opening_twice_opens_nothing_new(world, opened):
    audit, actions = opened()
    assert actions_open_for_audit(audit=audit) == []
    assert CorrectiveAction.objects.filter(audit=audit).count() == len(actions) == 3


def test_an_audit_without_a_final_score_opens_nothing(world, accepted_audit):
    audit = accepted_audit(buyer=world.buyer_a, supplier=world.s1)
    audit.scores.update(final=False)
    assert actions_open_for_audit(audit=audit) == []


def test_rule_set_without_sla_for_a_severity_opens_nothing_for_it(world, accepted_audit):
    from tests.factories import load_doc, make_ruleset

    doc = load_doc("mini-rules.yaml")
    doc["version"] = 2
    doc["sla_days"] = {"critical": 14}
    ruleset = make_ruleset(doc)
    audit = accepted_audit(buyer=world.buyer_a, supplier=world.s1, ruleset=ruleset)
    opened = actions_open_for_audit(audit=audit)
    assert sorted(a.finding.rule_code for a in opened) == ["F_AGE_CHECK", "F_NO_POLICY"]
    age = next(a for a in opened if a.finding.rule_code == "F_AGE_CHECK")
    assert age.due_date == timezone.localdate(audit.accepted_at) + datetime.timedelta(days=14)


def test_later_audit_without_the_rule_suggests_verification(world, opened, accepted_audit):
    _, actions = opened(accepted_at=timezone.now() - datetime.timedelta(days=100))
    later = accepted_audit(
        buyer=world.buyer_a, supplier=world.s1, rules=("F_HOURS", "F_NO_TRACKING")
    )

    actions_open_for_audit(audit=later, actor=world.a_officer)

    age = CorrectiveAction.objects.get(pk=actions["F_AGE_CHECK"].pk)
    policy = CorrectiveAction.objects.get(pk=actions["F_NO_POLICY"].pk)
    hours = CorrectiveAction.objects.get(pk=actions["F_HOURS"].pk)
    assert (age.suggested_verification, age.suggested_by_audit_id) == (True, later.pk)
    assert (policy.suggested_verification, policy.suggested_by_audit_id) == (True, later.pk)
    assert hours.suggested_verification is False  # still raised
    event = ActivityEvent.objects.get(corrective_action=age, verb="action.verification_suggested")
    assert event.internal and event.data["audit_id"] == later.pk
    # The later audit's own F_HOURS opened a fresh action; the earlier one stays open.
    assert CorrectiveAction.objects.filter(audit=later).count() == 1


def test_suggestion_is_withdrawn_when_the_rule_fires_again(world, opened, accepted_audit):
    now = timezone.now()
    _, actions = opened(accepted_at=now - datetime.timedelta(days=200))
    second = accepted_audit(
        buyer=world.buyer_a,
        supplier=world.s1,
        rules=("F_HOURS",),
        accepted_at=now - datetime.timedelta(days=100),
    )
    actions_open_for_audit(audit=second)
    third = accepted_audit(buyer=world.buyer_a, supplier=world.s1, rules=("F_AGE_CHECK",))
    actions_open_for_audit(audit=third)

    age = CorrectiveAction.objects.get(pk=actions["F_AGE_CHECK"].pk)
    assert age.suggested_verification is False and age.suggested_by_audit is None


def test_suggestions_stay_within_the_buyer_and_skip_closed_actions(world, opened, accepted_audit):
    _, actions = opened(accepted_at=timezone.now() - datetime.timedelta(days=100))
    CorrectiveAction.objects.filter(pk=actions["F_NO_POLICY"].pk).update(
        status=CorrectiveAction.Status.CANCELLED
    )
    other_buyer = accepted_audit(buyer=world.buyer_b, supplier=world.s1, rules=())
    actions_open_for_audit(audit=other_buyer)
    assert not CorrectiveAction.objects.filter(suggested_verification=True).exists()

    same_buyer = accepted_audit(buyer=world.buyer_a, supplier=world.s1, rules=())
    actions_open_for_audit(audit=same_buyer)
    suggested = set(
        CorrectiveAction.objects.filter(suggested_verification=True).values_list(
            "finding__rule_code", flat=True
        )
    )
    assert suggested == {"F_AGE_CHECK", "F_HOURS"}
