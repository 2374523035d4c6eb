"""Who may do what on an audit: the grants, in one place.

On issue, an audit's permissions are granted to role groups of the buyer and of the supplier;
assigning a respondent or a reviewer grants that user the assignee permissions on that audit,
unassigning revokes them. What an assignment grants on the audit's corrective actions is
``actions.permissions``' business (composed in ``flows.services``).
"""

from __future__ import annotations

from collections.abc import Sequence

from accounts.grants import grant_to_role_groups, role_groups_for
from accounts.models import Membership, Organization, User
from accounts.permissions import (
    grant,
    granted_codenames,
    memberships_of,
    revoke,
    role_group,
    role_groups,
)
from audits.models import Audit

Role = Membership.Role

AUDIT_GROUP_PERMS: dict[tuple[str, str], tuple[str, ...]] = {
    # (side, role) -> permissions on the audit
    ("buyer", Role.ADMIN): (
        "view_audit",
        "review_audit",
        "cancel_audit",
        "assign_reviewers",
    ),
    ("buyer", Role.OFFICER): ("view_audit", "review_audit", "cancel_audit"),
    ("supplier", Role.ADMIN): ("view_audit", "respond_audit", "assign_respondents"),
}
RESPONDENT_PERMS: tuple[str, ...] = ("view_audit", "respond_audit")
REVIEWER_PERMS: tuple[str, ...] = ("view_audit", "review_audit")
# A shared audit is read by the receiving buyer's roles that see every audit of their own.
SHARE_PERMS: tuple[str, ...] = ("view_audit",)
SHARE_ROLES: tuple[str, ...] = (Role.ADMIN, Role.OFFICER, Role.VIEWER)


def _side_org(audit: Audit, side: str) -> Organization:
    return audit.buyer if side == "buyer" else audit.supplier


def grant_audit_to_organizations(audit: Audit, *, side: str | None = None) -> None:
    """Grant the audit to the role groups of one side ("buyer" or "supplier") or both.

    The issuing service grants the buyer side on creation and the supplier side when the audit
    is sent: a draft is the buyer's own business."""
    for (group_side, role), perms in AUDIT_GROUP_PERMS.items():
        if side is None or side == group_side:
            grant(perms, audit, groups=[role_group(_side_org(audit, group_side), role)])


def holds(user: User, perm: str, audit: Audit) -> bool:
    """What ``user.has_perm(perm, audit)`` answers, without reading the permission tables for
    the organization's roles: the role groups hold ``AUDIT_GROUP_PERMS`` (the buyer's from
    creation, the supplier's once sent), and a user is in the group of each membership; what
    is granted to the user alone is one query per audit and request (``granted_codenames``).
    For the hot paths (saving an answer); both answers are compared in the tests."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    codename = perm.split(".", 1)[1]
    memberships = memberships_of(user)
    sides = [("buyer", audit.buyer_id)]
    if audit.issued_at is not None:
        sides.append(("supplier", audit.supplier_id))
    for side, org_id in sides:
        _kind, role = memberships.get(org_id, ("", ""))
        if codename in AUDIT_GROUP_PERMS.get((side, role), ()):
            return True
    return codename in granted_codenames(user, audit)


def grant_sent_audits_to_organizations(audits: Sequence[Audit]) -> None:
    """What issuing and sending grant, for many sent audits at once (a campaign's chunk): both
    sides' role groups, one lookup and one insert per (side, role) whatever the number."""
    if not audits:
        return
    ids = [audit.pk for audit in audits]
    for (side, role), perms in AUDIT_GROUP_PERMS.items():
        role_groups_for({_side_org(a, side).pk: _side_org(a, side) for a in audits}.values(), role)
        grant_to_role_groups(perms, Audit, ids, organization_field=side, role=role)


def grant_respondent(audit: Audit, user: User) -> None:
    if audit.status == audit.Status.DRAFT:
        return  # respondents named on a draft get their access when it is sent
    grant(RESPONDENT_PERMS, audit, users=[user])


def revoke_respondent(audit: Audit, user: User) -> None:
    revoke(RESPONDENT_PERMS, audit, users=[user])


def grant_reviewer(audit: Audit, user: User) -> None:
    grant(REVIEWER_PERMS, audit, users=[user])


def revoke_reviewer(audit: Audit, user: User) -> None:
    revoke(REVIEWER_PERMS, audit, users=[user])


def grant_share(audit: Audit, buyer: Organization) -> None:
    """Let the administrators, officers and viewers of ``buyer`` read ``audit`` (a share)."""
    grant(SHARE_PERMS, audit, groups=role_groups(buyer, SHARE_ROLES))


def revoke_share(audit: Audit, buyer: Organization) -> None:
    """Take back what ``grant_share`` gave ``buyer`` on ``audit``."""
    revoke(SHARE_PERMS, audit, groups=role_groups(buyer, SHARE_ROLES))
