"""The one place where Fairlink's roles turn into rights.

* Organization-level rights (manage members, issue audits, see every audit, export ...) follow
  the user's memberships: a role holds the permissions ``ORG_ROLE_PERMS`` lists for its kind of
  organization. They are also granted as guardian permissions on the ``Organization`` object to
  the auth group of each (organization, role), for code that asks ``user.has_perm``.
* Visibility follows the organization: ``visible_to(user)`` querysets filter on the indexed
  ``buyer_id`` / ``supplier_id`` columns with the ids of :func:`org_ids_with_perm`, read once
  per request (:func:`memberships_of`), and add what is granted per object to the user alone
  (:func:`granted_ids`: assigned respondents and reviewers, single grants). Going through the
  permission tables for the whole organization would read one row per object per role.
* Object-level rights on audits and corrective actions (respond, review, cancel, assign) are
  granted by the services that create them, to role groups (everyone of a role) or to single
  users, with :func:`grant` and :func:`revoke`, and checked with ``user.has_perm``.

Global permissions never widen access (``accept_global_perms=False`` everywhere).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import models
from guardian.shortcuts import get_objects_for_user
from guardian.utils import get_group_obj_perms_model, get_user_obj_perms_model

from .models import Membership, Organization, RoleGroup

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
    # Managers and auditors of the programme: read everything of the buyer, change nothing.
    (Kind.BUYER, Role.VIEWER): frozenset(
        {"view_organization", "view_suppliers", "view_all_audits", "export_register"}
    ),
    (Kind.SUPPLIER, Role.ADMIN): frozenset(
        {"view_organization", "change_organization", "manage_members", "view_all_audits"}
    ),
    (Kind.SUPPLIER, Role.RESPONDENT): frozenset({"view_organization"}),
}

ROLES_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.BUYER: (Role.ADMIN, Role.OFFICER, Role.REVIEWER, Role.VIEWER),
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


def grant_to_groups(perms: Iterable[str], pairs: Iterable[tuple[models.Model, Group]]) -> None:
    """Grant ``perms`` on each object to its group, for many (object, group) pairs of one model
    in one insert; granting twice is harmless."""
    pairs = list(pairs)
    if not pairs:
        return
    forget_access()
    obj = pairs[0][0]
    permissions = [_permission(type(obj), _codename(p)) for p in perms]
    group_model = get_group_obj_perms_model(obj)
    group_model._default_manager.bulk_create(
        [
            group_model(permission=p, group=g, content_object=o)
            for o, g in pairs
            for p in permissions
        ],
        ignore_conflicts=True,
    )


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
    forget_access()
    perms = list(perms)
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
        grant_to_groups(perms, [(obj, g) for g in groups])


def revoke(
    perms: Iterable[str],
    obj: models.Model,
    *,
    users: Iterable = (),
    groups: Iterable[Group] = (),
) -> None:
    """Remove object permissions on ``obj`` from users and/or groups."""
    forget_access()
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


# ---------------------------------------------------------------------------------------------
# Per-request cache of what visibility reads about a user
# ---------------------------------------------------------------------------------------------

# Set for the length of one request (``request_scope``); outside a request nothing is cached,
# so a service or a test calling ``visible_to`` after changing a membership sees the change.
_request: ContextVar[object | None] = ContextVar("fairlink_access_request", default=None)
# Bumped by every grant, revoke and membership change: a cached value older than the last
# change is read again, also within the request that made the change.
_changes = itertools.count(1)
_generation = 0


@contextmanager
def request_scope() -> Iterator[None]:
    """Cache memberships and per-user grants for the duration of one request."""
    token = _request.set(object())
    try:
        yield
    finally:
        _request.reset(token)


def forget_access() -> None:
    """Drop every cached membership and grant (call after changing them)."""
    global _generation
    _generation = next(_changes)


_T = TypeVar("_T")
# On the user object: (the request it was read in, the generation it was read at, the values).
_AccessCache = tuple[object, int, dict[tuple[Hashable, ...], Any]]


def _cached(user: Any, key: tuple[Hashable, ...], load: Callable[[], _T]) -> _T:
    request = _request.get()
    if request is None:
        return load()
    cache: _AccessCache | None = getattr(user, "_fairlink_access", None)
    if cache is None or cache[0] is not request or cache[1] != _generation:
        cache = (request, _generation, {})
        user._fairlink_access = cache
    if key not in cache[2]:
        cache[2][key] = load()
    return cache[2][key]


def per_request(user, key: tuple[Hashable, ...], load: Callable[[], _T]) -> _T:
    """``load()`` once per request and user for ``key`` (read again after any grant, revoke or
    membership change): for what other apps derive from the grants, like the audits shared
    with the user's buyers."""
    if not _active(user):
        return load()
    return _cached(user, key, load)


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def memberships_of(user) -> dict[int, tuple[str, str]]:
    """``{organization id: (kind, role)}`` of the user's memberships (one query per request)."""
    if not _active(user):
        return {}
    return _cached(
        user,
        ("memberships",),
        lambda: {
            org_id: (kind, role)
            for org_id, kind, role in Membership.objects.filter(user=user)
            .order_by()
            .values_list("organization_id", "organization__kind", "role")
        },
    )


def remember_memberships(user, memberships: Iterable[Membership]) -> None:
    """Prime the request's cache with memberships already read (with their organization)."""
    if _active(user) and _request.get() is not None:
        value = {m.organization_id: (m.organization.kind, m.role) for m in memberships}
        _cached(user, ("memberships",), lambda: value)


def org_ids_with_perm(user, perm: str, *, kind: str | None = None) -> list[int]:
    """Ids of the organizations (of ``kind``, when given) where the user's role holds the
    organization permission ``perm`` (``ORG_ROLE_PERMS``)."""
    codename = _codename(perm)
    return sorted(
        org_id
        for org_id, (org_kind, role) in memberships_of(user).items()
        if (kind is None or org_kind == kind)
        and codename in ORG_ROLE_PERMS.get((org_kind, role), frozenset())
    )


def member_org_ids(user, *, kind: str | None = None) -> list[int]:
    """Ids of the organizations (of ``kind``, when given) the user belongs to, in any role."""
    return sorted(
        org_id
        for org_id, (org_kind, _role) in memberships_of(user).items()
        if kind is None or org_kind == kind
    )


def granted_ids(user, perm: str, model: type[models.Model]) -> list[int]:
    """Ids of the ``model`` objects on which ``perm`` was granted to the user alone (not to a
    group): assignments and single grants. One indexed query per request and permission."""
    if not _active(user):
        return []
    permission = _permission(model, _codename(perm))
    # guardian finds the permission model of an instance or of a class (it reads the instance's
    # class), though its annotation names only instances.
    grants = get_user_obj_perms_model(cast(models.Model, model))._default_manager
    return _cached(
        user,
        ("granted", permission.pk),
        lambda: sorted(
            grants.filter(user=user, permission=permission).values_list(
                "content_object_id", flat=True
            )
        ),
    )


def granted_codenames(user, obj: models.Model) -> frozenset[str]:
    """Codenames of the permissions on ``obj`` granted to the user alone (assignments, single
    grants): one indexed query per object and request, which answers every such question
    about ``obj`` (may the user see it, answer it ...)."""
    if not _active(user):
        return frozenset()
    grants = get_user_obj_perms_model(obj)._default_manager
    return _cached(
        user,
        ("granted_on", obj._meta.label, obj.pk),
        lambda: frozenset(
            grants.filter(user=user, content_object_id=obj.pk).values_list(
                "permission__codename", flat=True
            )
        ),
    )


def objects_with_perm(user, perm: str, queryset: models.QuerySet) -> models.QuerySet:
    """Objects of ``queryset`` on which ``user`` holds ``perm`` through a guardian grant (user or
    group). Reads the permission tables: for lists of tenant objects use the model's
    ``visible_to`` instead."""
    if not _active(user):
        return queryset.none()
    return get_objects_for_user(
        user, perm, queryset, accept_global_perms=False, with_superuser=False
    )


def organizations_with_perm(user, perm: str) -> models.QuerySet[Organization]:
    """Organizations where the user's role holds ``perm`` (from the memberships)."""
    ids = org_ids_with_perm(user, perm)
    return Organization.objects.filter(pk__in=ids) if ids else Organization.objects.none()


def sees_every_audit(user, organization: Organization) -> bool:
    """Whether the user's role in ``organization`` sees every audit (and what follows from
    them) of it, as the ``visible_to`` rules decide from the memberships (no superuser
    shortcut: visibility has none)."""
    return organization.pk in org_ids_with_perm(
        user, "accounts.view_all_audits", kind=organization.kind
    )


def has_org_perm(user, perm: str, organization: Organization) -> bool:
    """Whether the user's role in ``organization`` holds ``perm``; an active superuser holds
    every permission (as ``user.has_perm`` says)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return organization.pk in org_ids_with_perm(user, perm, kind=organization.kind)


def template_buyers(user) -> models.QuerySet[Organization]:
    """Buyers whose templates and rule sets the user may read: those where they issue audits
    or manage templates (officers and admins; reviewers and suppliers get none)."""
    return organizations_with_perm(user, "accounts.issue_audits") | organizations_with_perm(
        user, "accounts.manage_templates"
    )
