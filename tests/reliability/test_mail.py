"""Mail after commit: a failing mail server or broker never fails the work that caused the mail;
a worker retries with backoff, for the recipients not served yet."""

from __future__ import annotations

import datetime
import json
import logging
from decimal import Decimal

import pytest
from django.core import mail

from accounts.mail import notify
from accounts.tasks import (
    MAIL_RETRIES,
    DeliveryFailed,
    decode_context,
    encode_context,
    send_mail_task,
    send_mails_task,
)
from audits.models import Audit
from audits.services.common import mail_context


def _mail_errors(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "accounts.mail" and r.levelno >= logging.ERROR]


def test_mail_is_rendered_at_send_time_with_its_dates(
    world, issue, django_capture_on_commit_callbacks
):
    """The context goes through JSON: the due date still renders through the template's
    ``date`` filter, in the recipient's language."""
    world.s1_admin.preferred_language = "zh-Hans"
    world.s1_admin.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        audit = issue()
    [message] = [m for m in mail.outbox if world.s1_admin.email in m.to]
    assert audit.due_date.isoformat() in message.body
    assert "简易社会责任检查" in message.body


def test_notify_hands_the_mail_to_the_worker_on_commit_with_json_data(
    world, ready, broker, django_capture_on_commit_callbacks
):
    task = broker(up=True)
    audit = ready()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        count = notify([world.a_officer, world.a_reviewer], "audits/email/submitted", {"d": 1})
    assert task.calls == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert count == 2
    [(user_ids, name, context)] = task.calls
    assert user_ids == sorted([world.a_officer.pk, world.a_reviewer.pk])
    assert name == "audits/email/submitted"
    assert context == {"d": 1}

    task.calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify([world.a_officer], "audits/email/submitted", mail_context(audit))
    [(_ids, _name, context)] = task.calls
    assert json.loads(json.dumps(context)) == context
    assert decode_context(context)["due_date"] == audit.due_date


def test_a_broker_that_is_down_does_not_fail_the_request(
    world, api, ready, broker, caplog, django_capture_on_commit_callbacks
):
    broker(up=False)
    audit = ready()
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/submit/")
    assert r.status_code == 200, r.content
    assert Audit.objects.get(pk=audit.pk).status == "submitted"
    assert _mail_errors(caplog)


def test_context_round_trip_and_non_data_refused(world):
    context = {
        "due_date": datetime.date(2026, 3, 10),
        "at": datetime.datetime(2026, 3, 10, 8, 30, tzinfo=datetime.UTC),
        "score": Decimal("55.5"),
        "actions": [{"due_date": datetime.date(2026, 4, 1), "id": 3}],
        "status": Audit.Status.SUBMITTED,
    }
    encoded = encode_context(context)
    assert decode_context(json.loads(json.dumps(encoded))) == context
    with pytest.raises(TypeError, match=r"context\.user"):
        notify([world.a_officer], "audits/email/submitted", {"user": world.a_officer})


@pytest.fixture
def eager_retries(monkeypatch):
    # Run in-process, a retry happens at once; with errors propagated it would raise instead.
    monkeypatch.setitem(send_mail_task.app.conf, "task_eager_propagates", False)


def test_the_task_retries_only_the_recipients_not_served(world, issue, flaky_mail, eager_retries):
    audit = issue()
    users = [world.a_officer, world.a_admin, world.a_reviewer]
    flaky_mail.failures = 1  # the second message fails once
    mail.outbox.clear()
    result = send_mail_task.apply(
        args=([u.pk for u in users], "audits/email/submitted", encode_context(mail_context(audit)))
    )
    assert result.get() == 2  # the retry delivered the two left
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(u.email for u in users)


def test_the_task_gives_up_after_its_retries(world, issue, flaky_mail, eager_retries, caplog):
    audit = issue()
    flaky_mail.failures = 100
    mail.outbox.clear()
    result = send_mail_task.apply(
        args=(
            [world.a_officer.pk, world.a_admin.pk],
            "audits/email/submitted",
            encode_context(mail_context(audit)),
        )
    )
    assert result.failed()
    assert isinstance(result.result, DeliveryFailed)
    assert result.result.unsent == [max(world.a_officer.pk, world.a_admin.pk)]
    assert len(mail.outbox) == 1
    assert flaky_mail.attempts == 1 + 1 + MAIL_RETRIES  # first delivered, then 1 + retries fail
    assert any("given up" in r.getMessage() for r in caplog.records)


def test_invitation_and_set_password_mails_go_through_the_task(
    world, api, broker, django_capture_on_commit_callbacks
):
    task = broker(up=True)
    client = api(world.s1_admin)
    with django_capture_on_commit_callbacks(execute=True):
        existing = client.post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {"email": world.s2_admin.email, "role": "respondent"},
            format="json",
        )
        new = client.post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {"email": "new.person@example.com", "role": "respondent"},
            format="json",
        )
    assert (existing.status_code, new.status_code) == (201, 201)
    names = {name: (ids, context) for ids, name, context in task.calls}
    assert names["accounts/email/invitation"][0] == [world.s2_admin.pk]
    assert names["accounts/email/invitation"][1]["role"] == "Respondent"
    assert "/invitations/" in names["accounts/email/invitation"][1]["link"]
    assert "/password/set/" in names["accounts/email/invite"][1]["link"]


def test_an_invitation_is_rendered_in_the_recipients_language(
    world, api, django_capture_on_commit_callbacks
):
    world.s2_admin.preferred_language = "zh-Hans"
    world.s2_admin.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.s1_admin).post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {"email": world.s2_admin.email, "role": "respondent"},
            format="json",
        )
    assert r.status_code == 201, r.content
    [message] = mail.outbox
    assert message.to == [world.s2_admin.email]
    assert world.s1.name in message.subject
    assert "Respondent" not in message.body  # the role label is translated too


def test_the_batch_task_retries_only_the_messages_and_recipients_not_served(
    world, issue, flaky_mail, eager_retries
):
    """A campaign chunk's mails travel as one task; a failing server makes it retry only
    what was not delivered, never mailing anyone twice."""
    audit = issue()
    context = encode_context(mail_context(audit))
    messages = [([world.s1_admin.pk], context), ([world.a_officer.pk, world.a_admin.pk], context)]
    flaky_mail.failures = 1  # the second message fails once
    mail.outbox.clear()
    result = send_mails_task.apply(args=("audits/email/issued", messages))
    assert result.get() == 1  # the retry carried the one message left
    assert sorted(to for m in mail.outbox for to in m.to) == sorted(
        [world.s1_admin.email, world.a_officer.email, world.a_admin.email]
    )
