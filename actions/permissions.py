"""Who may do what on a corrective action: the grants, in one place.

An action is granted, when it is opened, to the role groups of its buyer and its supplier and to
the audit's assigned respondents and reviewers. Assigning someone to the audit later, or
unassigning them, grants or revokes the same on the audit's actions: ``flows.services`` calls
these functions after the assignment itself (``audits.services.assignments``), since audits sit
below actions and know nothing of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from accounts.models import Membership, Organization, User
from accounts.permissions import grant, revoke, role_group
from actions.models import CorrectiveAction
from audits.models import Audit

Role = Membership.Role

ACTION_GROUP_PERMS: dict[tuple[str, str], tuple[str, ...]] = {
    # (side, role) -> permissions on the action
    ("buyer", Role.ADMIN): ("view_correctiveaction", "review_correctiveaction"),
    ("buyer", Role.OFFICER): ("view_correctiveaction", "review_correctiveaction"),
    ("supplier", Role.ADMIN): ("view_correctiveaction", "respond_correctiveaction"),
}
ACTION_RESPONDENT_PERMS: tuple[str, ...] = ("view_correctiveaction", "respond_correctiveaction")
ACTION_REVIEWER_PERMS: tuple[str, ...] = ("view_correctiveaction", "review_correctiveaction")


def grant_action_to_organizations(action: CorrectiveAction) -> None:
    """Called when a corrective action is opened: both organizations' roles plus the audit's
    current respondents and reviewers."""
    for (side, role), perms in ACTION_GROUP_PERMS.items():
        organization = action.buyer if side == "buyer" else action.supplier
        grant(perms, action, groups=[role_group(organization, role)])
    audit = action.audit
    grant(ACTION_RESPONDENT_PERMS, action, users=audit.respondents.all())
    grant(ACTION_REVIEWER_PERMS, action, users=audit.reviewers.all())


def _on_actions(
    change: Callable[..., None], perms: tuple[str, ...], audit: Audit, users: Iterable[User]
) -> None:
    users = list(users)
    for action in CorrectiveAction.objects.filter(audit=audit).order_by("pk"):
        change(perms, action, users=users)


def grant_respondents(audit: Audit, users: Iterable[User]) -> None:
    """Respondents assigned to ``audit`` respond to its existing actions (granting twice is
    harmless)."""
    _on_actions(grant, ACTION_RESPONDENT_PERMS, audit, users)


def revoke_respondents(audit: Audit, users: Iterable[User]) -> None:
    _on_actions(revoke, ACTION_RESPONDENT_PERMS, audit, users)


def grant_reviewers(audit: Audit, users: Iterable[User]) -> None:
    """Reviewers assigned to ``audit`` review its existing actions."""
    _on_actions(grant, ACTION_REVIEWER_PERMS, audit, users)


def revoke_reviewers(audit: Audit, users: Iterable[User]) -> None:
    _on_actions(revoke, ACTION_REVIEWER_PERMS, audit, users)


def revoke_assignments_of(*, user: User, organization: Organization) -> None:
    """What ``user``'s assignments on ``organization``'s audits granted on their actions (the
    membership ends). Call it while the assignments still exist."""
    for action in CorrectiveAction.objects.filter(
        audit__supplier=organization, audit__respondents=user
    ).distinct():
        revoke(ACTION_RESPONDENT_PERMS, action, users=[user])
    for action in CorrectiveAction.objects.filter(
        audit__buyer=organization, audit__reviewers=user
    ).distinct():
        revoke(ACTION_REVIEWER_PERMS, action, users=[user])
