"""Writes for accounts: organizations and their members."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_countries import countries

from activity.events import Verb, organization_event

from .industries import validate_industry
from .mail import notify
from .models import Language, Membership, Organization, User
from .permissions import ROLES_BY_KIND, forget_access, has_org_perm, role_group, role_groups


def _log(*, actor: User | None, organization: Organization, verb: str, data: dict) -> None:
    organization_event(Verb(verb), actor=actor, organization=organization, data=data)


def validate_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code (any case) -> upper case, else a ValidationError."""
    code = str(value or "").strip().upper()
    if len(code) != 2 or not countries.name(code):
        raise ValidationError(
            _("'%(code)s' is not an ISO 3166 country code.") % {"code": value},
            code="invalid_country",
        )
    return code


def validate_language(value: object) -> str:
    """``en`` or ``zh-Hans`` (case-insensitive), else a ValidationError."""
    text = str(value or "").strip()
    for choice in Language.values:
        if text.lower() == choice.lower():
            return choice
    raise ValidationError(
        _("'%(value)s' is not a language; use one of: %(choices)s.")
        % {"value": value, "choices": ", ".join(Language.values)},
        code="invalid_language",
    )


def _clean_profile(fields: dict) -> dict:
    """Normalize country / industry and collect one message per bad field."""
    errors: dict[str, list[str]] = {}
    for name, check in (("country", validate_country), ("industry", validate_industry)):
        if name in fields:
            try:
                fields[name] = check(fields[name])
            except ValidationError as exc:
                errors[name] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    return fields


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
    """Create an organization and the auth groups that carry each of its roles.

    Validates every field (country ISO 3166 alpha-2, industry an ISIC Rev.4 division, legal_id
    unique per kind) and raises one ValidationError with a message per bad field."""
    fields = _clean_profile({"country": country, "industry": industry})
    org = Organization(
        kind=kind,
        name=name,
        legal_id=legal_id.strip(),
        country=fields["country"],
        industry=fields["industry"],
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


PROFILE_FIELDS = (
    "name",
    "country",
    "province",
    "industry",
    "size_class",
    "headcount",
    "website",
    "contact_email",
)
BUYER_SETTINGS_FIELDS = ("withhold_scores",)


@transaction.atomic
def organization_update(
    *, organization: Organization, actor: User | None, **changes
) -> Organization:
    """Edit an organization's own profile (its administrators only; ``actor=None`` is staff).

    ``legal_id`` and ``kind`` never change here: they identify the organization to every buyer.
    A buyer edits only its own organization, never a supplier's profile."""
    if actor is not None and not has_org_perm(actor, "accounts.change_organization", organization):
        raise PermissionDenied(_("Only the organization's administrators edit its profile."))
    allowed = PROFILE_FIELDS + (BUYER_SETTINGS_FIELDS if organization.is_buyer else ())
    unknown = sorted(set(changes) - set(allowed))
    if unknown:
        raise ValidationError({name: [_("This field cannot be changed.")] for name in unknown})
    changes = _clean_profile(dict(changes))
    org = Organization.objects.select_for_update().get(pk=organization.pk)
    before = {name: getattr(org, name) for name in changes}
    for name, value in changes.items():
        setattr(org, name, value)
    org.full_clean()
    changed = [name for name in changes if getattr(org, name) != before[name]]
    if changed:
        org.save(update_fields=[*changed, "updated_at"])
        _log(
            actor=actor,
            organization=org,
            verb="organization.updated",
            data={"fields": changed},
        )
    return org


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    full_name: str | None = None,
    preferred_language: str | None = None,
    actor: User | None = None,
) -> User:
    """A user edits their own name and language."""
    if actor is not None and actor.pk != user.pk and not actor.is_staff:
        raise PermissionDenied(_("Users edit only their own profile."))
    fields = []
    if full_name is not None and full_name != user.full_name:
        user.full_name = full_name.strip()
        fields.append("full_name")
    if preferred_language is not None:
        try:
            language = validate_language(preferred_language)
        except ValidationError as exc:
            raise ValidationError({"preferred_language": exc.messages}) from exc
        if language != user.preferred_language:
            user.preferred_language = language
            fields.append("preferred_language")
    if fields:
        user.full_clean(validate_unique=False, exclude=["password"])
        user.save(update_fields=fields)
    return user


def _check_role(organization: Organization, role: str) -> None:
    if role not in ROLES_BY_KIND[organization.kind]:
        allowed = ", ".join(ROLES_BY_KIND[organization.kind])
        raise ValidationError(
            {
                "role": _("A %(kind)s member's role is one of: %(allowed)s.")
                % {"kind": organization.kind, "allowed": allowed}
            }
        )


def _require_manager(actor: User | None, organization: Organization) -> None:
    if actor is not None and not has_org_perm(actor, "accounts.manage_members", organization):
        raise PermissionDenied(_("Only the organization's administrators manage its members."))


def clean_member_input(
    *, email: str, full_name: str = "", preferred_language: str | None = None
) -> tuple[str, str | None]:
    """The normalized email and language of a person to add; one message per bad field."""
    email = User.objects.normalize_email((email or "").strip()).lower()
    errors: dict[str, list[str]] = {}
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = [_("Enter a valid email address.")]
    if preferred_language:
        try:
            preferred_language = validate_language(preferred_language)
        except ValidationError as exc:
            errors["preferred_language"] = list(exc.messages)
    if len(full_name or "") > (User._meta.get_field("full_name").max_length or 0):
        errors["full_name"] = [_("The name is too long.")]
    if errors:
        raise ValidationError(errors)
    return email, preferred_language


def send_set_password_email(
    user: User, *, organization: Organization | None = None, audit: dict | None = None
) -> None:
    """Mail a one-time link to set a password, in the user's language (after commit, through
    the mail task like every notification); ``audit``: the audit a buyer named them for."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = settings.SITE_URL.rstrip("/") + reverse(
        "portal:password_set", kwargs={"uidb64": uid, "token": token}
    )
    notify(
        [user],
        "accounts/email/invite",
        {
            "organization": {"name": organization.name} if organization else None,
            "link": link,
            "audit": audit,
        },
    )


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
    """Add a user (created when new, invited by mail to set a password) with a role, at once.

    For the system (``actor=None``: seeding, supplier creation by a buyer) and staff. An
    organization's administrators add people with ``accounts.invitations.member_invite``,
    which never makes an existing account a member without its owner's consent."""
    _require_manager(actor, organization)
    _check_role(organization, role)
    email, preferred_language = clean_member_input(
        email=email, full_name=full_name, preferred_language=preferred_language
    )
    user = User.objects.filter(email=email).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(
            email=email,
            full_name=(full_name or "").strip(),
            preferred_language=preferred_language or Language.EN,
        )
    if Membership.objects.filter(user=user, organization=organization).exists():
        raise ValidationError({"email": _("This person is already a member of the organization.")})
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    user.groups.add(role_group(organization, role))
    forget_access()
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
    """Move a member to another role of the same organization; effective on the next request
    (guardian reads group permissions from the database every time)."""
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
    forget_access()
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
    # Lock the organization's admin rows: two admins demoting each other at the same time
    # must not leave the organization without one.
    admins = list(
        Membership.objects.select_for_update()
        .filter(organization=membership.organization, role=Membership.Role.ADMIN)
        .values_list("pk", flat=True)
    )
    if not [pk for pk in admins if pk != membership.pk]:
        raise ValidationError({"role": _("An organization keeps at least one administrator.")})


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User | None) -> None:
    """Remove a member; the user loses the role's access on the next request. The per-object
    grants made to them (assignments) are revoked by ``flows.services.membership_remove``."""
    organization = membership.organization
    _require_manager(actor, organization)
    _ensure_admin_remains(membership, new_role=None)
    user = membership.user
    user.groups.remove(role_group(organization, membership.role))
    membership.delete()
    forget_access()
    _log(actor=actor, organization=organization, verb="member.removed", data={"email": user.email})
