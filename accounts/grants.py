"""Grants in bulk (a campaign's chunk): the role groups of many organizations at once, and
one role's grants on many objects in one statement. The rules are ``accounts.permissions``'."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

from django.contrib.auth.models import Group, Permission
from django.db import connection, models
from guardian.utils import get_group_obj_perms_model

from .models import Organization, RoleGroup
from .permissions import ORG_ROLE_PERMS, _codename, _permission, forget_access, grant_to_groups


def role_groups_for(organizations: Iterable[Organization], role: str) -> dict[int, Group]:
    """``{organization id: auth group of role}`` for many organizations of one kind: one query
    when the groups exist, a constant few more to create the missing ones (bulk issuing)."""
    organizations = list(organizations)
    found = {
        rg.organization_id: rg.group
        for rg in RoleGroup.objects.select_related("group").filter(
            organization__in=organizations, role=role
        )
    }
    missing = [org for org in organizations if org.pk not in found]
    if not missing:
        return found
    names = {f"org:{org.pk}:{role}": org for org in missing}
    Group.objects.bulk_create([Group(name=name) for name in names], ignore_conflicts=True)
    groups = {g.name: g for g in Group.objects.filter(name__in=list(names))}
    RoleGroup.objects.bulk_create(
        [RoleGroup(organization=org, role=role, group=groups[name]) for name, org in names.items()],
        ignore_conflicts=True,
    )
    created = {
        rg.organization_id: rg.group
        for rg in RoleGroup.objects.select_related("group").filter(
            organization__in=missing, role=role
        )
    }
    by_kind: dict[str, list[tuple[models.Model, Group]]] = {}
    for org in missing:
        by_kind.setdefault(org.kind, []).append((org, created[org.pk]))
    for kind, pairs in by_kind.items():
        grant_to_groups(ORG_ROLE_PERMS.get((kind, role), frozenset()), pairs)
    return {**found, **created}


def grant_to_role_groups(
    perms: Iterable[str],
    model: type[models.Model],
    ids: Sequence[int],
    *,
    organization_field: str,
    role: str,
) -> None:
    """Grant ``perms`` on the ``model`` rows ``ids`` to the auth group of ``role`` in the
    organization each row names in ``organization_field`` (``role_groups_for`` made the
    groups): one ``INSERT ... SELECT`` whatever the number of rows, no object built per grant
    (bulk issuing). Granting twice is harmless."""
    permissions = [_permission(model, _codename(p)).pk for p in perms]
    if not ids or not permissions:
        return
    forget_access()
    grants = get_group_obj_perms_model(cast(models.Model, model))._meta
    q = connection.ops.quote_name

    def column(meta: Any, name: str) -> str:
        return q(str(cast(models.Field, meta.get_field(name)).column))

    columns = ", ".join(column(grants, name) for name in ("permission", "group", "content_object"))
    pk = column(model._meta, model._meta.pk.name if model._meta.pk else "id")
    sql = (
        f"INSERT INTO {q(grants.db_table)} ({columns}) "
        f"SELECT p.id, rg.group_id, o.{pk} "
        f"FROM {q(model._meta.db_table)} o "
        f"JOIN {q(RoleGroup._meta.db_table)} rg "
        f"ON rg.organization_id = o.{column(model._meta, organization_field)} AND rg.role = %s "
        f"JOIN {q(Permission._meta.db_table)} p ON p.id IN ({', '.join(['%s'] * len(permissions))}) "
        f"WHERE o.{pk} IN ({', '.join(['%s'] * len(ids))}) "
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [role, *permissions, *ids])
