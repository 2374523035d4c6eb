"""The in-app inbox: every mail a service sends (``accounts.mail.notify``) also lands in the
recipients' inboxes, and each user chooses per kind how they hear of it: a mail at once (the
default), one daily digest mail, or the inbox only.

The set-password mail carries a secret and goes to someone who cannot log in yet: it is only
mailed. An invitation to an existing account is always mailed too (its link holds the token);
the inbox entry opens the user's open invitations instead, which need no token. Each user row keeps its number of
unread entries, so the navigation shows it without a query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .languages import to_django_language
from .models import Delivery, Notification, NotificationPreference, User

# kind -> (what the user chooses about, the mails of that kind)
KINDS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "audit_issued": (_("An audit is sent to you"), ("audits/email/issued",)),
    "audit_submitted": (_("A supplier submits an audit"), ("audits/email/submitted",)),
    "audit_returned": (_("An audit is returned for changes"), ("audits/email/returned",)),
    "audit_accepted": (_("An audit is accepted"), ("audits/email/accepted",)),
    "due_date": (
        _("A due date is moved"),
        ("audits/email/due_date_extended", "actions/email/action_extended"),
    ),
    "action_opened": (_("A corrective action is opened"), ("actions/email/action_opened",)),
    "action_plan": (
        _("A corrective action plan is submitted, accepted or returned"),
        (
            "actions/email/action_plan_submitted",
            "actions/email/action_plan_accepted",
            "actions/email/action_plan_rejected",
        ),
    ),
    "action_evidence": (
        _("Corrective action evidence is submitted, verified or returned"),
        (
            "actions/email/action_evidence_submitted",
            "actions/email/action_verified",
            "actions/email/action_evidence_rejected",
        ),
    ),
    "action_cancelled": (
        _("A corrective action is cancelled"),
        ("actions/email/action_cancelled",),
    ),
    "share_requested": (
        _("A buyer asks for your latest assessment"),
        ("audits/email/share_requested",),
    ),
    "share_granted": (
        _("A supplier shares an assessment with you"),
        ("audits/email/share_granted",),
    ),
    "share_declined": (
        _("A supplier declines to share an assessment"),
        ("audits/email/share_declined",),
    ),
    "share_revoked": (_("A supplier revokes a share"), ("audits/email/share_revoked",)),
    "reminder": (
        _("Reminders: due in 7 days, due tomorrow, overdue"),
        ("audits/email/audit_reminder", "actions/email/action_reminder"),
    ),
    "certificate_expiry": (
        _("A certificate of your company expires soon"),
        ("suppliers/email/certificate_expiry",),
    ),
}
KIND_OF = {name: kind for kind, (_label, names) in KINDS.items() for name in names}
OTHER = "other"
INVITATION = "accounts/email/invitation"
# Mailed whatever the user chose; the set-password mail is not kept in any inbox.
ALWAYS_MAILED = frozenset({"accounts/email/invite", INVITATION})
NOT_IN_INBOX = frozenset({"accounts/email/invite"})
DIGEST_MAIL = "accounts/email/digest"
# Share mails without an audit to open: the sharing page of the reader's side.
SHARING_LINKS = {
    "audits/email/share_requested": "/s/sharing/",
    "audits/email/share_declined": "/b/suppliers/",
    "audits/email/share_revoked": "/b/suppliers/",
}


def kind_of(name: str) -> str:
    return KIND_OF.get(name, OTHER)


def link_for(name: str, context: dict) -> str:
    """The portal page an entry opens: the action or the audit it is about (resolved to the
    reader's side by the portal), never a link with a secret."""
    if name == INVITATION:
        return "/invitations/"  # the user's open invitations; the token stays in the mail
    if context.get("action_id"):
        return f"/actions/{int(context['action_id'])}/"
    if context.get("audit_id"):
        return f"/audits/{int(context['audit_id'])}/"
    return SHARING_LINKS.get(name, "")


def deliveries(user_ids: Sequence[int], kind: str) -> dict[int, str]:
    """Each user's delivery for ``kind`` (mail at once unless they chose otherwise)."""
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=user_ids, kind=kind).values_list(
            "user_id", "delivery"
        )
    )
    return {pk: chosen.get(pk, Delivery.IMMEDIATE) for pk in user_ids}


def record(user_ids: Sequence[int], name: str, payload: dict) -> list[int]:
    """Put mail ``name`` (its context as encoded for the mail task) into the inboxes of
    ``user_ids``, in the caller's transaction; return the users to mail at once."""
    if name in NOT_IN_INBOX or not user_ids:
        return list(user_ids)
    kind = kind_of(name)
    how: dict[int, str] = {pk: Delivery.IMMEDIATE for pk in user_ids}
    if name not in ALWAYS_MAILED:
        how = deliveries(user_ids, kind)
    link = link_for(name, payload)
    if name == INVITATION:
        payload = {k: v for k, v in payload.items() if k != "link"}
    Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            name=name,
            kind=kind,
            context=payload,
            link=link,
            digest_pending=how[pk] == Delivery.DIGEST,
        )
        for pk in user_ids
    )
    User.objects.filter(pk__in=user_ids).update(unread_notifications=F("unread_notifications") + 1)
    return [pk for pk in user_ids if how[pk] == Delivery.IMMEDIATE]


def record_many(
    name: str, messages: Sequence[tuple[Sequence[int], dict]]
) -> list[tuple[list[int], dict]]:
    """``record`` for many messages of one kind (bulk issuing): the preferences read once, the
    entries written in one insert, the unread counters in one update per distinct number of
    new entries. Returns, per message, the users to mail at once and its payload."""
    if name in NOT_IN_INBOX or name in ALWAYS_MAILED or not messages:
        return [(list(user_ids), payload) for user_ids, payload in messages]
    kind = kind_of(name)
    how = deliveries(sorted({pk for user_ids, _p in messages for pk in user_ids}), kind)
    Notification.objects.bulk_create(
        Notification(
            user_id=pk,
            name=name,
            kind=kind,
            context=payload,
            link=link_for(name, payload),
            digest_pending=how[pk] == Delivery.DIGEST,
        )
        for user_ids, payload in messages
        for pk in user_ids
    )
    new = Counter(pk for user_ids, _p in messages for pk in user_ids)
    by_count: dict[int, list[int]] = {}
    for pk, count in new.items():
        by_count.setdefault(count, []).append(pk)
    for count, pks in by_count.items():
        User.objects.filter(pk__in=pks).update(
            unread_notifications=F("unread_notifications") + count
        )
    return [
        ([pk for pk in user_ids if how[pk] == Delivery.IMMEDIATE], payload)
        for user_ids, payload in messages
    ]


def subject(notification: Notification, user: User, language: str | None = None) -> str:
    """The entry's line in ``language`` (default: the user's): the subject of its mail."""
    from .tasks import decode_context

    context = {
        **decode_context(notification.context),
        "user": user,
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    with translation.override(language or to_django_language(user.preferred_language)):
        return " ".join(render_to_string(f"{notification.name}_subject.txt", context).split())


# --- reading and marking ----------------------------------------------------------------------


def inbox_for(user: User, *, unread: bool = False):
    entries = Notification.objects.filter(user=user)
    return entries.filter(read_at__isnull=True) if unread else entries


def _recount(user: User) -> None:
    count = Notification.objects.filter(user=user, read_at__isnull=True).count()
    User.objects.filter(pk=user.pk).update(unread_notifications=count)
    user.unread_notifications = count


@transaction.atomic
def mark_read(user: User, ids: Sequence[int] | None = None) -> int:
    """Mark the user's entries ``ids`` (all when None) read; returns how many changed."""
    entries = inbox_for(user, unread=True)
    if ids is not None:
        entries = entries.filter(pk__in=ids)
    changed = entries.update(read_at=timezone.now())
    _recount(user)
    return changed


@transaction.atomic
def preferences_set(user: User, choices: dict[str, str]) -> dict[str, str]:
    """Save ``{kind: delivery}`` (every key a kind of ``KINDS``, every value a ``Delivery``;
    the caller validated them). Returns the user's full choice."""
    for kind, delivery in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"delivery": delivery}
        )
    return preferences_of(user)


def preferences_of(user: User) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in KINDS}


# --- the daily digest -------------------------------------------------------------------------


def digest_users() -> list[int]:
    return list(
        Notification.objects.filter(digest_pending=True)
        .values_list("user_id", flat=True)
        .order_by("user_id")
        .distinct()
    )


def digest_items(user: User) -> tuple[list[int], list[dict[str, str]]]:
    """The user's pending digest entries: their ids and lines in the user's language."""
    entries = list(
        Notification.objects.filter(user=user, digest_pending=True).order_by("created_at", "pk")
    )
    site = settings.SITE_URL.rstrip("/")
    items = [
        {"subject": subject(n, user), "link": f"{site}{n.link}" if n.link else ""} for n in entries
    ]
    return [n.pk for n in entries], items


def digest_done(ids: Sequence[int]) -> None:
    Notification.objects.filter(pk__in=ids).update(digest_pending=False)


def unread_counts_are_right() -> bool:
    """Whether every user's stored unread count matches the inbox (a check for tests and
    operators)."""
    wrong = User.objects.annotate(
        real=Count("notifications", filter=Q(notifications__read_at__isnull=True))
    ).exclude(unread_notifications=F("real"))
    return not wrong.exists()
