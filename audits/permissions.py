"""Who may do what on an audit or a corrective action: the grants, in one place.

On issue, an audit's permissions are granted to role groups of the buyer and of the supplier;
assigning a respondent or a reviewer grants that user the assignee permissions on that audit
(and on its corrective actions), unassigning revokes them.
"""

from __future__ import annotations

from accounts.models import Membership, Organization
from accounts.permissions import grant, revoke, role_group

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

ACTION_GROUP_PERMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("buyer", Role.ADMIN): ("view_correctiveaction", "review_correctiveaction"),
    ("buyer", Role.OFFICER): ("view_correctiveaction", "review_correctiveaction"),
    ("supplier", Role.ADMIN): ("view_correctiveaction", "respond_correctiveaction"),
}
ACTION_RESPONDENT_PERMS: tuple[str, ...] = ("view_correctiveaction", "respond_correctiveaction")
ACTION_REVIEWER_PERMS: tuple[str, ...] = ("view_correctiveaction", "review_correctiveaction")


def _side_org(obj, side: str) -> Organization:
    return obj.buyer if side == "buyer" else obj.supplier


def grant_audit_to_organizations(audit, *, side: str | None = None) -> None:
    """Grant the audit to the role groups of one side ("buyer" or "supplier") or both.

    The issuing service grants the buyer side on creation and the supplier side when the audit
    is sent: a draft is the buyer's own business."""
    for (group_side, role), perms in AUDIT_GROUP_PERMS.items():
        if side is None or side == group_side:
            grant(perms, audit, groups=[role_group(_side_org(audit, group_side), role)])


def grant_action_to_organizations(action) -> None:
    """Called when a corrective action is opened: both organizations' roles plus the audit's
    current respondents and reviewers."""
    for (side, role), perms in ACTION_GROUP_PERMS.items():
        grant(perms, action, groups=[role_group(_side_org(action, side), role)])
    audit = action.audit
    grant(ACTION_RESPONDENT_PERMS, action, users=audit.respondents.all())
    grant(ACTION_REVIEWER_PERMS, action, users=audit.reviewers.all())


def grant_respondent(audit, user) -> None:
    if audit.status == audit.Status.DRAFT:
        return  # respondents named on a draft get their access when it is sent
    grant(RESPONDENT_PERMS, audit, users=[user])
    for action in audit.actions.all():
        grant(ACTION_RESPONDENT_PERMS, action, users=[user])


def revoke_respondent(audit, user) -> None:
    revoke(RESPONDENT_PERMS, audit, users=[user])
    for action in audit.actions.all():
        revoke(ACTION_RESPONDENT_PERMS, action, users=[user])


def grant_reviewer(audit, user) -> None:
    grant(REVIEWER_PERMS, audit, users=[user])
    for action in audit.actions.all():
        grant(ACTION_REVIEWER_PERMS, action, users=[user])


def revoke_reviewer(audit, user) -> None:
    revoke(REVIEWER_PERMS, audit, users=[user])
    for action in audit.actions.all():
        revoke(ACTION_REVIEWER_PERMS, action, users=[user])
