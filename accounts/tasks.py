"""Mail delivery: rendering in the recipient's language and sending, with retries in a worker.

``accounts.mail.notify`` is the entry point for services; this module is what runs after commit:
``send_mail_task`` in a Celery worker (a broker is configured), or ``deliver_mail`` called once,
in-process, when there is none. A mail server that is down never reaches the code that scheduled
the mail: the worker retries with exponential backoff, the in-process path logs the failure.

The context travels through the broker as JSON: ``encode_context`` turns dates, datetimes and
decimals into tagged values that ``decode_context`` restores, so templates keep their filters
(``{{ due_date|date:"Y-m-d" }}``).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from .languages import to_django_language

logger = logging.getLogger(__name__)

# What a failing mail server raises (SMTPException and ConnectionRefusedError are OSErrors; both
# are listed for the reader).
MAIL_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)
MAIL_RETRIES = 5
# Seconds before the first retry, doubled for each one: 1, 2, 4, 8, 16 minutes (about half an
# hour in all), never more than an hour apart.
MAIL_RETRY_BACKOFF = 60
MAIL_RETRY_BACKOFF_MAX = 3600

_TAGS = {"__date__", "__datetime__", "__decimal__"}


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; ``unsent`` are the recipients' ids that
    did not get their message (the others did, and must not get it twice)."""

    def __init__(self, unsent: Sequence[int]):
        self.unsent = list(unsent)
        super().__init__(f"mail not delivered to users {self.unsent}")


def encode_context(value: Any, path: str = "context") -> Any:
    """``value`` as plain JSON data; dates, datetimes and decimals become tagged dicts.

    Raises ``TypeError`` for anything else (a model instance, a lazy translation): the mail is
    rendered later, in the recipient's language, from data alone."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)  # a TextChoices member becomes its plain value
    if isinstance(value, datetime.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    if isinstance(value, Decimal):
        return {"__decimal__": str(value)}
    if isinstance(value, dict):
        return {str(k): encode_context(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [encode_context(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise TypeError(
        f"{path}: a mail context holds JSON data, dates and decimals only, not "
        f"{type(value).__name__}"
    )


def decode_context(value: Any) -> Any:
    """The inverse of ``encode_context``."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)) in _TAGS:
            tag, text = next(iter(value.items()))
            if tag == "__datetime__":
                return datetime.datetime.fromisoformat(text)
            if tag == "__date__":
                return datetime.date.fromisoformat(text)
            return Decimal(text)
        return {k: decode_context(v) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_context(v) for v in value]
    return value


def render_mail(name: str, user, context: dict) -> tuple[str, str]:
    """Subject and body of mail ``name`` for ``user``, in their preferred language."""
    ctx = {**context, "user": user, "site_url": settings.SITE_URL.rstrip("/")}
    with translation.override(to_django_language(getattr(user, "preferred_language", "en"))):
        subject = " ".join(render_to_string(f"{name}_subject.txt", ctx).split())
        body = render_to_string(f"{name}_body.txt", ctx)
    return subject, body


def _mailable(user_ids: Sequence[int]) -> list:
    return list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def deliver_mail(user_ids: Sequence[int], name: str, context: dict, *, users=None) -> int:
    """Render and send mail ``name`` to each active user of ``user_ids`` with an address, one
    message each, over one connection; ``context`` as made by ``encode_context``. Returns the
    number sent. Raises ``DeliveryFailed`` (from the mail error) listing who got nothing.
    ``users``: those users already read (``deliver_mails``)."""
    users = _mailable(user_ids) if users is None else users
    ctx = decode_context(context)
    sent: list[int] = []
    try:
        with get_connection() as connection:
            for user in users:
                subject, body = render_mail(name, user, ctx)
                connection.send_messages([EmailMessage(subject, body, None, [user.email])])
                sent.append(user.pk)
    except MAIL_ERRORS as exc:
        raise DeliveryFailed([u.pk for u in users if u.pk not in sent]) from exc
    return len(sent)


def deliver_mails(
    name: str, messages: Sequence[tuple[Sequence[int], dict]]
) -> list[tuple[list[int], dict]]:
    """``deliver_mail`` for many messages of one kind (a campaign's chunk), reading the
    recipients once; a message the mail server refuses does not stop the others. Returns the
    messages not delivered, each with the recipients who got nothing."""
    users = {u.pk: u for u in _mailable(sorted({i for ids, _c in messages for i in ids}))}
    unsent: list[tuple[list[int], dict]] = []
    for user_ids, context in messages:
        recipients = [users[i] for i in sorted(set(user_ids)) if i in users]
        try:
            deliver_mail(user_ids, name, context, users=recipients)
        except DeliveryFailed as exc:
            unsent.append((exc.unsent, context))
    return unsent


def _retry_later(task, args: tuple, exc: DeliveryFailed, name: str):
    """Log the last failure, then ask Celery to run ``task`` again with ``args`` after the
    backoff (raises ``Retry``, or ``exc`` once the retries are spent)."""
    if task.request.retries >= task.max_retries:
        logger.error(
            "Mail %s given up after %s retries; not sent to users %s",
            name,
            task.request.retries,
            exc.unsent,
        )
    countdown = get_exponential_backoff_interval(
        factor=MAIL_RETRY_BACKOFF,
        retries=task.request.retries,
        maximum=MAIL_RETRY_BACKOFF_MAX,
        full_jitter=False,
    )
    return task.retry(args=args, exc=exc, countdown=countdown)


@shared_task(bind=True, acks_late=True, max_retries=MAIL_RETRIES)
def send_mails_task(self, name: str, messages: list[tuple[list[int], dict]]) -> int:
    """Deliver many notifications of one kind (a campaign chunk's) in one task
    (``deliver_mails``), retried like ``send_mail_task`` for the messages and recipients not
    yet served only. Returns the number of messages handed in."""
    unsent = deliver_mails(name, messages)
    if unsent:
        exc = DeliveryFailed([i for ids, _context in unsent for i in ids])
        raise _retry_later(self, (name, unsent), exc, name) from exc
    return len(messages)


@shared_task(bind=True, acks_late=True, max_retries=MAIL_RETRIES)
def send_mail_task(self, user_ids: list[int], name: str, context: dict) -> int:
    """Deliver one notification (``deliver_mail``). When the mail server fails, retry later
    (exponential backoff, ``MAIL_RETRIES`` times) for the recipients not yet served only; after
    the last retry the task fails and the error is logged."""
    try:
        return deliver_mail(user_ids, name, context)
    except DeliveryFailed as exc:
        raise _retry_later(self, (exc.unsent, name, context), exc, name) from exc
