"""A mail server that is down fails no work: submit and accept answer 200, a campaign issues
every audit, the reminder job goes through every item and claims only what was sent."""

from __future__ import annotations

import datetime
import logging

from django.core import mail

from actions.models import CorrectiveAction
from activity.models import ReminderLog
from audits.models import Audit, Campaign
from audits.services.audits import answers_save
from audits.services.campaigns import campaign_create
from audits.services.reminders import send_reminders
from flows.services import send_daily_reminders

from .conftest import FakeMailTask

TODAY = datetime.date(2026, 3, 10)


def _mail_errors(caplog) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.name in ("accounts.mail", "audits.services.reminders") and r.levelno >= logging.ERROR
    ]


def test_submit_answers_200_when_the_mail_server_is_down(
    world, api, ready, mail_down, caplog, django_capture_on_commit_callbacks
):
    audit = ready()
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/submit/")
    assert r.status_code == 200, r.content
    assert Audit.objects.get(pk=audit.pk).status == "submitted"
    assert mail.outbox == []
    [record] = _mail_errors(caplog)
    assert "audits/email/submitted" in record.getMessage()


def test_accept_answers_200_when_the_mail_server_is_down(
    world, api, ready, ruleset, mail_down, caplog, django_capture_on_commit_callbacks
):
    audit = ready()
    Audit.objects.filter(pk=audit.pk).update(ruleset=ruleset)
    # working hours above 60 raise a finding that opens a corrective action (and its mail)
    answers_save(audit=audit, answers=[{"question": "EMP_04", "value": 70}], actor=None)
    api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/submit/")
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.a_reviewer).post(f"/api/v1/audits/{audit.pk}/accept/", {})
    assert r.status_code == 200, r.content
    assert Audit.objects.get(pk=audit.pk).status == "accepted"
    # the rest of the acceptance happened: corrective actions are open
    assert CorrectiveAction.objects.filter(audit=audit).exists()
    assert mail.outbox == []
    logged = " ".join(r.getMessage() for r in _mail_errors(caplog))
    assert "audits/email/accepted" in logged and "actions/email/action_opened" in logged


def test_a_campaign_issues_every_audit_when_the_mail_server_is_down(
    world, version, mail_down, caplog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name="Spring check",
            questionnaire_version=version,
            due_date=TODAY + datetime.timedelta(days=3650),
            supplier_ids=[world.s1.pk, world.s2.pk],
        )
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.total) == (Campaign.Status.DONE, 2, 2)
    assert sorted(Audit.objects.filter(campaign=campaign).values_list("supplier", flat=True)) == [
        world.s1.pk,
        world.s2.pk,
    ]
    assert mail.outbox == []
    assert len(_mail_errors(caplog)) == 2  # one issue mail per supplier, both logged


def _due(audit, days):
    Audit.objects.filter(pk=audit.pk).update(due_date=TODAY + datetime.timedelta(days=days))


def test_reminders_with_the_mail_server_down_claim_nothing_and_go_out_on_the_next_run(
    world, issue, mail_down, settings, caplog, django_capture_on_commit_callbacks
):
    in7, in1, late = issue(), issue(), issue()
    _due(in7, 7), _due(in1, 1), _due(late, -2)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=TODAY) == 0
    # every item was tried (the job did not stop at the first), none is claimed
    assert len(_mail_errors(caplog)) == 3
    assert not ReminderLog.objects.exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=TODAY) == 3
    assert len(mail.outbox) == 3
    assert set(ReminderLog.objects.values_list("object_id", flat=True)) == {
        in7.pk,
        in1.pk,
        late.pk,
    }


def test_action_reminders_with_the_mail_server_down_claim_nothing(
    world, opened, mail_down, settings, django_capture_on_commit_callbacks
):
    _, actions = opened()
    CorrectiveAction.objects.filter(pk__in=[a.pk for a in actions.values()]).update(
        due_date=TODAY - datetime.timedelta(days=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_daily_reminders(today=TODAY) == 0
    assert not ReminderLog.objects.filter(kind=ReminderLog.Kind.ACTION).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        send_daily_reminders(today=TODAY)
    assert ReminderLog.objects.filter(kind=ReminderLog.Kind.ACTION).count() == len(actions)
    assert mail.outbox


def test_reminders_are_claimed_only_when_queued(
    world, issue, broker, django_capture_on_commit_callbacks
):
    audit = issue()
    _due(audit, 1)
    task: FakeMailTask = broker(up=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=TODAY) == 0
    assert not ReminderLog.objects.exists()

    task.broker_up = True
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(today=TODAY) == 1
    assert ReminderLog.objects.get().object_id == audit.pk
    [(user_ids, name, context)] = task.calls
    assert (user_ids, name, context["reason"]) == (
        [world.s1_admin.pk],
        "audits/email/audit_reminder",
        "due_1d",
    )
