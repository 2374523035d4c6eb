"""Fixtures for the reliability tests: a mail server that is down, a broker that is down, a
ready-to-submit audit, and the audit and action fixtures of their own test folders."""

from __future__ import annotations

import os
import smtplib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings as django_settings
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from kombu.exceptions import OperationalError

from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from tests.actions.conftest import accepted_audit, opened  # noqa: F401  (fixtures)
from tests.audits.conftest import (  # noqa: F401  (fixtures)
    COMPLETE,
    PDF_BYTES,
    issue,
    upload,
)


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses connections."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


class DisconnectingBackend(BaseEmailBackend):
    """A mail server that drops every message."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class FlakyBackend(LocmemBackend):
    """Delivers to ``mail.outbox``, but the first ``failures`` messages after the first one
    delivered fail (a server that goes away in the middle of a batch)."""

    failures = 0
    attempts = 0

    def send_messages(self, messages):
        from django.core import mail

        FlakyBackend.attempts += 1
        if FlakyBackend.failures and mail.outbox:
            FlakyBackend.failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture(params=["refusing", "disconnecting"])
def mail_down(request, settings):
    """The mail server is down, in both ways an SMTP backend shows it."""
    backend = {"refusing": RefusingBackend, "disconnecting": DisconnectingBackend}[request.param]
    settings.EMAIL_BACKEND = f"{__name__}.{backend.__name__}"


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures = 0
    FlakyBackend.attempts = 0
    return FlakyBackend


class FakeMailTask:
    """``accounts.mail.send_mail_task`` as seen with a broker: ``delay`` records the call, or
    raises like kombu when the broker cannot be reached."""

    def __init__(self, *, broker_up: bool = True):
        self.app = SimpleNamespace(conf=SimpleNamespace(task_always_eager=False))
        self.broker_up = broker_up
        self.calls: list[tuple] = []

    def delay(self, *args):
        if not self.broker_up:
            raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")
        self.calls.append(args)


@pytest.fixture
def broker(monkeypatch):
    """``broker(up=True)`` swaps in a ``FakeMailTask`` and returns it."""

    def make(*, up: bool = True) -> FakeMailTask:
        task = FakeMailTask(broker_up=up)
        monkeypatch.setattr("accounts.mail.send_mail_task", task)
        return task

    return make


@pytest.fixture
def ready(world, issue):  # noqa: F811  (the imported fixture)
    """``ready()`` -> an audit of s1 answered completely with its required evidence."""

    def make():
        audit = issue(reviewers=[world.a_reviewer])
        answers_save(audit=audit, answers=COMPLETE, actor=world.s1_admin)
        evidence_upload(
            audit=audit,
            question_code="MGT_01",
            file=upload("policy.pdf", PDF_BYTES),
            actor=world.s1_admin,
        )
        audit.refresh_from_db()
        return audit

    return make


def stored_files() -> list[str]:
    """Every file under MEDIA_ROOT (each test has its own), relative to it."""
    root = Path(django_settings.MEDIA_ROOT)
    return sorted(
        str(Path(folder, name).relative_to(root))
        for folder, _dirs, names in os.walk(root)
        for name in names
    )
