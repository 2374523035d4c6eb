"""Notification mail: one message per recipient, in the recipient's language, after commit.

``name`` is a template path without its ending: ``audits/email/issued`` renders
``audits/email/issued_subject.txt`` and ``audits/email/issued_body.txt`` from the app that owns
the mail. Templates receive ``context`` plus ``user`` (the recipient) and ``site_url``.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .languages import to_django_language


def render_mail(name: str, user, context: dict) -> tuple[str, str]:
    ctx = {**context, "user": user, "site_url": settings.SITE_URL.rstrip("/")}
    with translation.override(to_django_language(getattr(user, "preferred_language", "en"))):
        subject = " ".join(render_to_string(f"{name}_subject.txt", ctx).split())
        body = render_to_string(f"{name}_body.txt", ctx)
    return subject, body


def notify(recipients: Iterable, name: str, context: dict) -> int:
    """Schedule one mail per distinct active recipient once the transaction commits.

    Returns how many recipients will be mailed. Rendering happens at commit time too, so the
    mail reflects the committed state."""
    users = {u.pk: u for u in recipients if u is not None and u.is_active and u.email}
    if not users:
        return 0

    def send() -> None:
        messages = []
        for user in users.values():
            subject, body = render_mail(name, user, context)
            messages.append(EmailMessage(subject, body, None, [user.email]))
        get_connection().send_messages(messages)

    transaction.on_commit(send)
    return len(users)
