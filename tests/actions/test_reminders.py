"""The daily reminder job for corrective actions, and the risk-register figures."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from actions import services as services
from actions.models import CorrectiveAction
from actions.selectors import action_figures_by_supplier
from activity.models import ReminderLog

TODAY = datetime.date(2026, 6, 1)


def _due(action, days):
    CorrectiveAction.objects.filter(pk=action.pk).update(
        due_date=TODAY + datetime.timedelta(days=days)
    )
    action.refresh_from_db()
    return action


def _run(capture):
    mail.outbox.clear()
    with capture(execute=True):
        count = services.send_action_reminders(today=TODAY)
    return count


def test_reminders_at_7_days_1_day_and_overdue_once_per_day(
    world, opened, django_capture_on_commit_callbacks
):
    _, actions = opened()
    week = _due(actions["F_AGE_CHECK"], 7)
    day = _due(actions["F_HOURS"], 1)
    late = _due(actions["F_NO_POLICY"], -4)

    count = _run(django_capture_on_commit_callbacks)

    # Open actions are the supplier's move: admin and assigned respondent, three actions each.
    assert count == 6 == len(mail.outbox)
    reasons = dict(ReminderLog.objects.filter(kind="action").values_list("object_id", "reason"))
    assert reasons == {week.pk: "due_7d", day.pk: "due_1d", late.pk: "overdue"}
    subjects = {m.subject for m in mail.outbox}
    assert f"Due in 7 days: corrective action #{week.pk}" in subjects
    assert f"Due tomorrow: corrective action #{day.pk}" in subjects
    assert f"Overdue: corrective action #{late.pk}" in subjects
    assert any("4 days overdue" in m.body for m in mail.outbox)

    # Same day again: nothing more.
    assert _run(django_capture_on_commit_callbacks) == 0 and mail.outbox == []


def test_no_reminder_on_other_days_nor_for_closed_actions(
    world, opened, django_capture_on_commit_callbacks
):
    _, actions = opened()
    _due(actions["F_AGE_CHECK"], 3)
    cancelled = _due(actions["F_HOURS"], -1)
    services.action_cancel(action=cancelled, actor=world.a_officer, reason="r")
    _due(actions["F_NO_POLICY"], 8)
    assert _run(django_capture_on_commit_callbacks) == 0
    assert not ReminderLog.objects.exists()


def test_overdue_is_reminded_again_the_next_day(world, opened, django_capture_on_commit_callbacks):
    _, actions = opened()
    late = _due(actions["F_AGE_CHECK"], -1)
    CorrectiveAction.objects.exclude(pk=late.pk).delete()
    ReminderLog.objects.create(
        kind="action", object_id=late.pk, reason="overdue", sent_on=TODAY - datetime.timedelta(1)
    )
    assert _run(django_capture_on_commit_callbacks) == 2


def test_reminder_goes_to_the_side_whose_move_it_is(
    world, opened, django_capture_on_commit_callbacks
):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    CorrectiveAction.objects.exclude(pk=action.pk).delete()
    services.action_submit_plan(
        action=action,
        actor=world.s1_admin,
        root_cause="r",
        plan="p",
        responsible_person="x",
        target_date=action.due_date,
    )
    _due(action, 1)

    _run(django_capture_on_commit_callbacks)

    assert [m.to[0] for m in mail.outbox] == [world.a_reviewer.email]
    assert "waiting for your review" in mail.outbox[0].body


def test_reminder_is_in_the_recipients_language(world, opened, django_capture_on_commit_callbacks):
    world.s1_admin.preferred_language = "zh-Hans"
    world.s1_admin.save(update_fields=["preferred_language"])
    _, actions = opened(respondents=[])
    action = _due(actions["F_AGE_CHECK"], -2)
    CorrectiveAction.objects.exclude(pk=action.pk).delete()

    _run(django_capture_on_commit_callbacks)

    [message] = mail.outbox
    assert "未核查员工年龄" in message.body


def test_overdue_critical_action_flags_the_supplier(world, opened, accepted_audit):
    today = timezone.localdate()
    _, actions = opened()
    CorrectiveAction.objects.filter(pk=actions["F_AGE_CHECK"].pk).update(
        due_date=today - datetime.timedelta(days=1)
    )
    CorrectiveAction.objects.filter(pk=actions["F_HOURS"].pk).update(
        due_date=today - datetime.timedelta(days=2)
    )
    s2_audit = accepted_audit(buyer=world.buyer_a, supplier=world.s2, rules=("F_HOURS",))
    [s2_hours] = services.actions_open_for_audit(audit=s2_audit)
    CorrectiveAction.objects.filter(pk=s2_hours.pk).update(
        due_date=today - datetime.timedelta(days=1)
    )

    figures = action_figures_by_supplier(buyer_id=world.buyer_a.pk, today=today)

    assert figures[world.s1.pk] == {
        "open_actions": 3,
        "overdue_actions": 2,
        "overdue_critical": True,
        "next_due_date": today - datetime.timedelta(days=2),
    }
    assert figures[world.s2.pk]["overdue_critical"] is False  # overdue, but only major
    assert world.s1.pk in CorrectiveAction.objects.overdue(today).filter(
        severity="critical"
    ).values_list("supplier_id", flat=True)
    assert action_figures_by_supplier(buyer_id=world.buyer_b.pk, today=today) == {}


def test_the_daily_send_reminders_command_covers_corrective_actions(world, opened, capsys):
    # The command runs flows.services.send_daily_reminders: audits, then corrective actions.
    _, actions = opened()
    _due(actions["F_HOURS"], 1)
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert list(ReminderLog.objects.filter(kind="action").values_list("object_id", flat=True)) == [
        actions["F_HOURS"].pk
    ]
    assert "reminder mail(s) scheduled." in capsys.readouterr().out
