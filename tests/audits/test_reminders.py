"""Reminders: 7 days and 1 day before, overdue; once per audit per day; in the recipient's
language; also through the management command."""

from __future__ import annotations

import datetime

from django.core import mail
from django.core.management import call_command

from activity.models import ReminderLog
from audits.models import Audit
from audits.services.assignments import audit_assign_respondents
from audits.services.reminders import send_reminders

TODAY = datetime.date(2026, 3, 10)


def _due(audit, days):
    Audit.objects.filter(pk=audit.pk).update(due_date=TODAY + datetime.timedelta(days=days))


def test_reminders_go_out_at_7_and_1_days_and_when_overdue_once_a_day(
    world, issue, django_capture_on_commit_callbacks
):
    in7, in1, late, in3, done = issue(), issue(), issue(), issue(), issue()
    _due(in7, 7), _due(in1, 1), _due(late, -2), _due(in3, 3), _due(done, -1)
    Audit.objects.filter(pk=done.pk).update(status="submitted")
    audit_assign_respondents(audit=in1, users=[world.s1_respondent], actor=world.s1_admin)
    world.s1_respondent.preferred_language = "zh-Hans"
    world.s1_respondent.save(update_fields=["preferred_language"])
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=TODAY)
    reasons = dict(ReminderLog.objects.filter(sent_on=TODAY).values_list("object_id", "reason"))
    assert reasons == {in7.pk: "due_7d", in1.pk: "due_1d", late.pk: "overdue"}
    to_respondent = [m for m in mail.outbox if world.s1_respondent.email in m.to]
    assert len(to_respondent) == 1  # assigned audit: the respondent, not the admins
    # rendered in the respondent's language: the questionnaire title is the Chinese one
    assert "简易社会责任检查" in to_respondent[0].body
    assert len(mail.outbox) == 3

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=TODAY)
    assert mail.outbox == []
    assert ReminderLog.objects.count() == 3


def test_overdue_reminder_repeats_the_next_day(world, issue, django_capture_on_commit_callbacks):
    late = issue()
    _due(late, -1)
    with django_capture_on_commit_callbacks(execute=True):
        send_reminders(today=TODAY)
        send_reminders(today=TODAY + datetime.timedelta(days=1))
    assert ReminderLog.objects.filter(object_id=late.pk).count() == 2


def test_management_command(world, issue, capsys):
    audit = issue()
    _due(audit, 7)
    call_command("send_reminders", "--date", TODAY.isoformat())
    assert "1 reminder mail(s) scheduled." in capsys.readouterr().out
    assert ReminderLog.objects.get().object_id == audit.pk
