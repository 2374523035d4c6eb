"""Writes for invitations: how an organization's administrator adds a person by email.

Whether the email already has an account changes nothing the inviter can observe: the answer
is a pending invitation either way, and nobody becomes a member until the person owning the
address acts on the mail:

* an existing account gets a link to accept (``invitation_accept``), logged in as that email;
* an address without an account gets an account without a password and the set-password link;
  setting the first password through it accepts the invitations waiting for that address
  (``invitations_accept_on_first_password``), since only the mailbox's owner can do that.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.errors import Conflict

from .mail import notify
from .models import Invitation, Language, Membership, Organization, User
from .permissions import role_group
from .services import (
    _check_role,
    _log,
    _require_manager,
    clean_member_input,
    send_set_password_email,
)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:invitation", kwargs={"token": token})


@transaction.atomic
def member_invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    preferred_language: str | None = None,
    actor: User | None,
) -> Invitation:
    """Invite ``email`` to ``organization`` with ``role`` (its administrators only).

    Raises ValidationError for bad input and for a person who is already a member (the
    member list shows them anyway). A pending invitation to the same address is replaced.
    ``full_name`` and ``preferred_language`` apply only to an account created here."""
    _require_manager(actor, organization)
    _check_role(organization, role)
    email, preferred_language = clean_member_input(
        email=email, full_name=full_name, preferred_language=preferred_language
    )
    if Membership.objects.filter(organization=organization, user__email=email).exists():
        raise ValidationError({"email": _("This person is already a member of the organization.")})
    return _invite(
        organization=organization,
        email=email,
        role=role,
        full_name=full_name,
        preferred_language=preferred_language,
        actor=actor,
        log={},
    )


def _invite(
    *,
    organization: Organization,
    email: str,
    role: str,
    full_name: str,
    preferred_language: str | None,
    actor: User | None,
    log: dict,
    audit: dict | None = None,
) -> Invitation:
    """Replace any open invitation of ``email`` to ``organization`` by a new one, log it and
    mail the link (``audit``: what the mail says the invitation is for)."""
    Invitation.objects.filter(
        organization=organization, email=email, accepted_at__isnull=True
    ).delete()
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=timezone.now() + datetime.timedelta(days=settings.FAIRLINK_PASSWORD_LINK_DAYS),
    )
    _log(
        actor=actor,
        organization=organization,
        verb="member.invited",
        data={"email": email, "role": role, **log},
    )
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            full_name=(full_name or "").strip(),
            preferred_language=preferred_language or Language.EN,
        )
    if not user.has_usable_password():
        # A new account, or one an earlier invitation created that never set a password: it
        # gets the set-password link (which accepts the invitation); an accept link would ask
        # it to log in first.
        send_set_password_email(user, organization=organization, audit=audit)
    else:
        _send_invitation_email(invitation, user=user, token=token, audit=audit)
    return invitation


@transaction.atomic
def respondent_invite_for_buyer(
    *,
    organization: Organization,
    email: str,
    full_name: str = "",
    buyer: Organization,
    inviter: User | None,
    audit: dict,
) -> Invitation | None:
    """Invite ``email`` to the supplier ``organization`` as a respondent because ``buyer``
    named them to answer an audit when issuing it (a campaign). The system acts here, not a
    member of the supplier: the log records ``inviter`` (the buyer's member who started the
    campaign) and the buyer. An open invitation of that address to the organization is kept
    as it is (one invitation answers every audit it was named for); a member is not invited.
    ``audit`` is what the mail names: ``buyer_name``, ``audit_title``, ``questionnaire``
    (both languages), ``due_date``. Returns the open invitation, or None for a member."""
    email, _language = clean_member_input(email=email, full_name=full_name)
    if Membership.objects.filter(organization=organization, user__email__iexact=email).exists():
        return None
    open_one = (
        Invitation.objects.filter(
            organization=organization,
            email=email,
            accepted_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-created_at")
        .first()
    )
    if open_one is not None:
        return open_one
    return _invite(
        organization=organization,
        email=email,
        role=Membership.Role.RESPONDENT,
        full_name=full_name,
        preferred_language=None,
        actor=inviter,
        log={"buyer": buyer.pk, "buyer_name": buyer.name},
        audit=audit,
    )


def _role_msgid(role: str) -> str:
    with translation.override(None):
        return str(Membership.Role(role).label)


def _send_invitation_email(
    invitation: Invitation, *, user: User, token: str, audit: dict | None = None
) -> None:
    """Mail the accept link to an existing account, in its language (after commit, through
    the mail task like every notification)."""
    inviter = invitation.invited_by
    notify(
        [user],
        "accounts/email/invitation",
        {
            "organization": {"name": invitation.organization.name},
            # The label's msgid: the mail is rendered later, in the recipient's language.
            "role": _role_msgid(invitation.role),
            "inviter": inviter.get_full_name() if inviter else "",
            "expires_at": invitation.expires_at,
            "link": invitation_link(token),
            "audit": audit,
        },
    )


def invitation_get_for(*, user: User, token: str) -> Invitation:
    """The invitation behind ``token`` if it is addressed to ``user``'s email, else 404 (an
    invitation to someone else is not shown, not even its organization)."""
    invitation = (
        Invitation.objects.select_related("organization", "invited_by")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if invitation is None or invitation.email != user.email.lower():
        raise Http404(_("No such invitation."))
    return invitation


def _join(invitation: Invitation, user: User, *, actor: User) -> Membership:
    membership = Membership.objects.create(
        user=user, organization=invitation.organization, role=invitation.role
    )
    user.groups.add(role_group(invitation.organization, invitation.role))
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _log(
        actor=actor,
        organization=invitation.organization,
        verb="member.added",
        data={"email": user.email, "role": invitation.role, "invitation": invitation.pk},
    )
    return membership


@transaction.atomic
def invitation_accept(*, user: User, token: str) -> Membership:
    """The logged-in owner of the invited email joins the organization.

    404 when the token is unknown or addressed to another email; 409 when the invitation was
    already used or the user is already a member; 400 when it expired."""
    invitation = invitation_get_for(user=user, token=token)
    return _accept(invitation, user)


def invitations_open_for(*, user: User):
    """The invitations addressed to ``user``'s email, neither accepted nor expired: what the
    inbox's invitation entry opens (the page needs no token, since the user's login proves the
    address, as the token does for a new account)."""
    return (
        Invitation.objects.filter(
            email=user.email.lower(), accepted_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("organization", "invited_by")
        .order_by("-created_at")
    )


@transaction.atomic
def invitation_accept_open(*, user: User, invitation_id: int) -> Membership:
    """``invitation_accept`` for an invitation the user picks from their open invitations;
    404 for an invitation to another address."""
    invitation = Invitation.objects.filter(pk=invitation_id, email=user.email.lower()).first()
    if invitation is None:
        raise Http404(_("No such invitation."))
    return _accept(invitation, user)


def _accept(invitation: Invitation, user: User) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise Conflict(_("This invitation has already been accepted."), code="already_accepted")
    if Membership.objects.filter(user=user, organization=invitation.organization).exists():
        raise Conflict(_("You are already a member of this organization."), code="already_member")
    if invitation.is_expired:
        raise ValidationError(_("This invitation has expired. Ask for a new one."))
    return _join(invitation, user, actor=user)


@transaction.atomic
def invitations_accept_on_first_password(*, user: User) -> list[Membership]:
    """Accept the open invitations to ``user``'s email once they set their first password
    through the mailed link (which proves they own the mailbox)."""
    pending = Invitation.objects.select_for_update().filter(
        email=user.email.lower(), accepted_at__isnull=True, expires_at__gt=timezone.now()
    )
    member_of = set(Membership.objects.filter(user=user).values_list("organization_id", flat=True))
    return [
        _join(invitation, user, actor=user)
        for invitation in pending.select_related("organization")
        if invitation.organization_id not in member_of
    ]


def invitations_pending(*, organization: Organization) -> list[Invitation]:
    """The organization's invitations not accepted yet, newest first (expired ones too: the
    team page offers to send them again)."""
    return list(
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at", "-pk")
    )


def invitation_for_manager(*, user: User, organization: Organization, pk: int) -> Invitation:
    """One open invitation of ``organization`` for its administrators: 404 when it is not
    this organization's (or already accepted), 403 for a member who does not manage members."""
    invitation = (
        Invitation.objects.filter(organization=organization, accepted_at__isnull=True, pk=pk)
        .select_related("organization")
        .first()
    )
    if invitation is None:
        raise Http404(_("No such invitation."))
    _require_manager(user, organization)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User) -> Invitation:
    """A new link (and a new expiry) for an open invitation; the old link stops working."""
    return member_invite(
        organization=invitation.organization,
        email=invitation.email,
        role=invitation.role,
        actor=actor,
    )


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> None:
    """Withdraw an open invitation: its link stops working. An account it created stays (with
    no membership, it sees nothing)."""
    _require_manager(actor, invitation.organization)
    invitation.delete()
    _log(
        actor=actor,
        organization=invitation.organization,
        verb="member.invitation_withdrawn",
        data={"email": invitation.email, "role": invitation.role},
    )
