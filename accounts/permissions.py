"""The one place where Fairlink's roles turn into django-guardian object permissions.

* Organization-level rights (manage members, issue audits, export ...) are guardian permissions
  on the ``Organization`` object, granted to the auth group of each (organization, role).
* Object-level rights on audits and corrective actions are granted by the services that create
  them, to role groups (everyone of a role) or to single users (assigned respondents/reviewers),
  with :func:`grant` and :func:`revoke`.

Global permissions never widen access (``accept_global_perms=False`` everywhere).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import Membership, Organization, RoleGroup

_QS = TypeVar("_QS", bound=models.QuerySet[Any])

Role = Membership.Role
Kind = Organization.Kind

# Which organization-level permissions each role holds, per kind of organization.
ORG_ROLE_PERMS: dict[tuple[str, str], frozenset[str]] = {
    (Kind.BUYER, Role.ADMIN): frozenset(
        {
            "view_organization",
            "change_organization",
            "manage_members",
            "manage_suppliers",
            "view_suppliers",
            "issue_audits",
            "view_all_audits",
            "manage_templates",
            "export_register",
        }
    ),
    (Kind.BUYER, Role.OFFICER): frozenset(
        {
            "view_organization",
            "manage_suppliers",
            "view_suppliers",
            "issue_audits",
            "view_all_audits",
            "export_register",
        }
    ),
    (Kind.BUYER, Role.REVIEWER): frozenset({"view_organization"}),
    (Kind.SUPPLIER, Role.ADMIN): frozenset(
        {"view_organization", "change_organization", "manage_members", "view_all_audits"}
    ),
    (Kind.SUPPLIER, Role.RESPONDENT): frozenset({"view_organization"}),
}

ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.BUYER: (Role.ADMIN, Role.OFFICER, Role.REVIEWER),
    Kind.SUPPLIER: (Role.ADMIN, Role.RESPONDENT),
}

_perm_cache: dict[tuple[int, str], Permission] = {}


def _permission(model: type[models.Model], codename: str) -> Permission:
    ct = ContentType.objects.get_for_model(model)
    key = (ct.pk, codename)
    perm = _perm_cache.get(key)
    if perm is None:
        perm = Permission.objects.get(content_type=ct, codename=codename)
        _perm_cache[key] = perm
    return perm


def clear_permission_cache() -> None:
    """Forget cached Permission rows (tests that flush the database call this)."""
    _perm_cache.clear()


def _codename(perm: str) -> str:
    return perm.split(".", 1)[1] if "." in perm else perm


def role_group(organization: Organization, role: str) -> Group:
    """The auth group carrying ``role`` in ``organization`` (created on first use)."""
    rg = (
        RoleGroup.objects.select_related("group")
        .filter(organization=organization, role=role)
        .first()
    )
    if rg is not None:
        return rg.group
    group, _ = Group.objects.get_or_create(name=f"org:{organization.pk}:{role}")
    RoleGroup.objects.get_or_create(organization=organization, role=role, defaults={"group": group})
    grant(ORG_ROLE_PERMS.get((organization.kind, role), frozenset()), organization, groups=[group])
    return group


def role_groups(organization: Organization, roles: Iterable[str]) -> list[Group]:
    return [role_group(organization, role) for role in roles]


def grant(
    perms: Iterable[str],
    obj: models.Model,
    *,
    users: Iterable = (),
    groups: Iterable[Group] = (),
) -> None:
    """Grant object permissions on ``obj`` to users and/or groups; granting twice is harmless.

    Writes the direct foreign-key permission rows in bulk (one insert per model).
    """
    model = type(obj)
    permissions = [_permission(model, _codename(p)) for p in perms]
    users, groups = list(users), list(groups)
    if users and permissions:
        user_model = get_user_obj_perms_model(obj)
        user_model._default_manager.bulk_create(
            [
                user_model(permission=p, user=u, content_object=obj)
                for p in permissions
                for u in users
            ],
            ignore_conflicts=True,
        )
    if groups and permissions:
        group_model = get_group_obj_perms_model(obj)
        group_model._default_manager.bulk_create(
            [
                group_model(permission=p, group=g, content_object=obj)
                for p in permissions
                for g in groups
            ],
            ignore_conflicts=True,
        )


def revoke(
    perms: Iterable[str],
    obj: models.Model,
    *,
    users: Iterable = (),
    groups: Iterable[Group] = (),
) -> None:
    """Remove object permissions on ``obj`` from users and/or groups."""
    model = type(obj)
    permissions = [_permission(model, _codename(p)) for p in perms]
    users, groups = list(users), list(groups)
    if users:
        get_user_obj_perms_model(obj)._default_manager.filter(
            content_object=obj, permission__in=permissions, user__in=users
        ).delete()
    if groups:
        get_group_obj_perms_model(obj)._default_manager.filter(
            content_object=obj, permission__in=permissions, group__in=groups
        ).delete()


def objects_with_perm(user, perm: str, queryset: _QS) -> _QS:
    """Objects of ``queryset`` on which ``user`` holds ``perm`` (user or group grant)."""
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    # guardian filters the given queryset, so the result keeps its class (and methods).
    return cast(
        _QS,
        get_objects_for_user(user, perm, queryset, accept_global_perms=False, with_superuser=False),
    )


def organizations_with_perm(user, perm: str) -> models.QuerySet[Organization]:
    return objects_with_perm(user, perm, Organization.objects.all())


def has_org_perm(user, perm: str, organization: Organization) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm(perm, organization)


def template_buyers(user) -> models.QuerySet[Organization]:
    """Buyers whose templates and rule sets the user may read: those where they issue audits
    or manage templates (officers and admins; reviewers and suppliers get none)."""
    return organizations_with_perm(user, "accounts.issue_audits") | organizations_with_perm(
        user, "accounts.manage_templates"
    )
