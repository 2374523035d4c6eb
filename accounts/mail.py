"""Notification mail: one message per recipient, in the recipient's language, after commit.

``name`` is a template path without its ending: ``audits/email/issued`` renders
``audits/email/issued_subject.txt`` and ``audits/email/issued_body.txt`` from the app that owns
the mail. Templates receive ``context`` plus ``user`` (the recipient) and ``site_url``.

Every mail also lands in the recipients' inboxes (``accounts.notifications``), in the same
transaction as the work; who is mailed at once follows each user's choice per kind (mail at
once, the daily digest, or the inbox only).

Mail never fails the work that caused it. ``notify`` hands the mail over once the transaction
commits: to ``accounts.tasks.send_mail_task`` (retried with backoff by a worker) when a broker is
configured, else it is sent once, in-process, and a failure is logged. The context must be JSON
data, dates and decimals (``accounts.tasks.encode_context``): it is checked when ``notify`` is
called, and the mail is rendered at send time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import partial

from django.db import transaction
from kombu.exceptions import OperationalError

from accounts import notifications
from accounts.models import User
from accounts.tasks import (
    DeliveryFailed,
    deliver_mail,
    deliver_mails,
    encode_context,
    render_mail,
    send_mail_task,
    send_mails_task,
)

logger = logging.getLogger(__name__)

# What handing a mail over may raise: the mail server failed (in-process), or the broker is
# unreachable.
HANDOVER_ERRORS: tuple[type[BaseException], ...] = (DeliveryFailed, OperationalError)

__all__ = [
    "HANDOVER_ERRORS",
    "notify",
    "notify_each",
    "notify_now",
    "render_mail",
    "send_daily_digests",
]


def _recipient_ids(recipients: Iterable) -> list[int]:
    return sorted({u.pk for u in recipients if u is not None and u.is_active and u.email})


def _hand_over(user_ids: list[int], name: str, context: dict) -> None:
    if send_mail_task.app.conf.task_always_eager:
        deliver_mail(user_ids, name, context)
    else:
        send_mail_task.delay(user_ids, name, context)


def _hand_over_or_log(user_ids: list[int], name: str, context: dict) -> None:
    try:
        _hand_over(user_ids, name, context)
    except HANDOVER_ERRORS:
        logger.exception("Mail %s to users %s could not be sent", name, user_ids)


def notify(recipients: Iterable, name: str, context: dict) -> int:
    """Schedule one mail per distinct active recipient once the transaction commits.

    Returns how many recipients will be mailed. Rendering happens at send time, so the mail
    reflects the committed state. Raises ``TypeError`` at once when ``context`` is not data."""
    user_ids = _recipient_ids(recipients)
    if not user_ids:
        return 0
    payload = encode_context(context)
    mail_ids = notifications.record(user_ids, name, payload)
    if mail_ids:
        transaction.on_commit(partial(_hand_over_or_log, mail_ids, name, payload))
    return len(user_ids)


def _hand_over_each(name: str, messages: list[tuple[list[int], dict]]) -> None:
    try:
        if send_mails_task.app.conf.task_always_eager:
            for user_ids, _context in deliver_mails(name, messages):
                logger.error("Mail %s to users %s could not be sent", name, user_ids)
        else:
            send_mails_task.delay(name, messages)
    except HANDOVER_ERRORS:
        logger.exception("Mail %s to %s recipients could not be sent", name, len(messages))


def notify_each(name: str, messages: Iterable[tuple[Iterable, dict]]) -> int:
    """``notify`` for many messages of one kind at once (bulk issuing): each ``(recipients,
    context)`` lands in its recipients' inboxes (``notifications.record_many``, a constant
    number of queries) and is mailed at once to those who chose so, handed over after commit
    in one go: one ``send_mails_task`` (or, in-process, the recipients read once). Returns
    how many recipients were notified."""
    batch = [
        (user_ids, encode_context(context))
        for recipients, context in messages
        if (user_ids := _recipient_ids(recipients))
    ]
    mails = [
        (mail_ids, payload)
        for mail_ids, payload in notifications.record_many(name, batch)
        if mail_ids
    ]
    if mails:
        transaction.on_commit(partial(_hand_over_each, name, mails))
    return sum(len(user_ids) for user_ids, _payload in batch)


def notify_now(recipients: Iterable, name: str, context: dict) -> int:
    """Hand the mail over now, inside the caller's transaction, and raise one of
    ``HANDOVER_ERRORS`` when that fails, so that the caller can roll back what records the
    mail as sent (a reminder's claim). With a broker the task is queued (a worker may run it
    before the commit: it needs only the data passed here); without one the mail is sent.
    Returns how many recipients are mailed."""
    user_ids = _recipient_ids(recipients)
    if not user_ids:
        return 0
    payload = encode_context(context)
    mail_ids = notifications.record(user_ids, name, payload)
    if mail_ids:
        _hand_over(mail_ids, name, payload)
    return len(user_ids)


def send_daily_digests() -> int:
    """One mail per user with entries waiting for the digest, listing them in the user's
    language. A user's entries leave the digest only once their mail was handed over, so a
    failing mail server or broker keeps them for the next run. Returns the mails sent."""
    sent = 0
    for user_id in notifications.digest_users():
        with transaction.atomic():
            user = User.objects.filter(pk=user_id).first()
            ids, items = notifications.digest_items(user) if user else ([], [])
            if user is not None and user.is_active and user.email and items:
                try:
                    _hand_over([user.pk], notifications.DIGEST_MAIL, {"items": items})
                except HANDOVER_ERRORS:
                    logger.exception("The digest of user %s could not be sent", user_id)
                    continue
                sent += 1
            notifications.digest_done(ids)
    return sent
