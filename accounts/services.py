"""Writes for accounts: organizations and their members."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from .languages import to_django_language
from .models import Membership, Organization, User
from .permissions import ROLES_BY_KIND, has_org_perm, role_group, role_groups


def _log(*, actor: User | None, organization: Organization, verb: str, data: dict) -> None:
    from audits.models import ActivityEvent

    ActivityEvent.objects.create(actor=actor, organization=organization, verb=verb, data=data)


@transaction.atomic
def organization_create(
    *,
    kind: str,
    name: str,
    legal_id: str,
    country: str,
    industry: str,
    size_class: str,
    headcount: int | None = None,
    province: str = "",
    actor: User | None = None,
    **extra,
) -> Organization:
    """Create an organization and the auth groups that carry each of its roles."""
    org = Organization(
        kind=kind,
        name=name,
        legal_id=legal_id,
        country=country,
        industry=industry,
        size_class=size_class,
        headcount=headcount,
        province=province,
        **extra,
    )
    org.full_clean()
    org.save()
    role_groups(org, ROLES_BY_KIND[kind])
    _log(actor=actor, organization=org, verb="organization.created", data={"name": name})
    return org


def _check_role(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND[organization.kind]:
        allowed = ", ".join(ROLES_BY_KIND[organization.kind])
        raise ValidationError(
            {"role": f"A {organization.kind} member's role is one of: {allowed}."}
        )


def _require_manager(actor: User | None, organization: Organization) -> None:
    if actor is not None and not has_org_perm(actor, "accounts.manage_members", organization):
        raise PermissionDenied("Only the organization's administrators manage its members.")


def send_set_password_email(user: User, *, organization: Organization | None = None) -> None:
    """Mail a one-time link to set a password, in the user's language (after commit)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL.rstrip("/") + reverse(
        "portal:password_set", kwargs={"uidb64": uid, "token": token}
    )

    def send() -> None:
        with translation.override(to_django_language(user.preferred_language)):
            context = {"user": user, "organization": organization, "link": link}
            subject = render_to_string("accounts/email/invite_subject.txt", context).strip()
            body = render_to_string("accounts/email/invite_body.txt", context)
        send_mail(subject, body, None, [user.email])

    transaction.on_commit(send)


@transaction.atomic
def membership_add(
    *,
    organization: Organization,
    email: str,
    role: str,
    full_name: str = "",
    preferred_language: str | None = None,
    actor: User | None = None,
    invite: bool = True,
) -> Membership:
    """Add a user (created when new, invited by mail to set a password) with a role.

    ``actor=None`` is the system (seeding, supplier creation by a buyer)."""
    _require_manager(actor, organization)
    _check_role(organization, role)
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        user = User.objects.create_user(
            email=email,
            full_name=full_name,
            preferred_language=preferred_language or "en",
        )
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"email": "This person is already a member of the organization."})
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    user.groups.add(role_group(organization, role))
    _log(
        actor=actor,
        organization=organization,
        verb="member.added",
        data={"email": email, "role": role},
    )
    if invite and created:
        send_set_password_email(user, organization=organization)
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, actor: User | None) -> Membership:
    organization = membership.organization
    _require_manager(actor, organization)
    _check_role(organization, role)
    if role == membership.role:
        return membership
    _ensure_admin_remains(membership, new_role=role)
    old = membership.role
    membership.user.groups.remove(role_group(organization, old))
    membership.user.groups.add(role_group(organization, role))
    membership.role = role
    membership.save(update_fields=["role"])
    _log(
        actor=actor,
        organization=organization,
        verb="member.role_changed",
        data={"email": membership.user.email, "from": old, "to": role},
    )
    return membership


def _ensure_admin_remains(membership: Membership, *, new_role: str | None) -> None:
    if membership.role != Membership.Role.ADMIN or new_role == Membership.Role.ADMIN:
        return
    others = Membership.objects.filter(
        organization=membership.organization, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError({"role": "An organization keeps at least one administrator."})


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Remove a member; the user loses the role's access on the next request, including the
    per-object grants made to them in this organization (assignments)."""
    organization = membership.organization
    _require_manager(actor, organization)
    _ensure_admin_remains(membership, new_role=None)
    user = membership.user
    user.groups.remove(role_group(organization, membership.role))
    from audits.services.assignments import revoke_user_assignments

    revoke_user_assignments(user=user, organization=organization)
    membership.delete()
    _log(actor=actor, organization=organization, verb="member.removed", data={"email": user.email})
