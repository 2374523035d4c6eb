"""What the audit services share: the row lock, who is mailed, the mail context, the questions
visible with the current answers, and the membership check of assignments."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.languages import pick
from accounts.models import Membership, Organization, User
from audits.models import Answer, Audit
from questionnaires.models import QuestionnaireVersion
from questionnaires.spec import compiled_for_version, supplier_profile
from scoring.engine import AnswerValue

Role = Membership.Role


def locked(audit: Audit) -> Audit:
    """Re-read ``audit`` with a row lock (held until the transaction ends)."""
    return Audit.objects.select_for_update().select_related("buyer", "supplier").get(pk=audit.pk)


# ---------------------------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------------------------


def _members(org_id: int, roles: Sequence[str]):
    return User.objects.filter(
        is_active=True, memberships__organization_id=org_id, memberships__role__in=roles
    )


def supplier_recipients(audit: Audit) -> list[User]:
    """Supplier admins and the assigned respondents."""
    users = list(_members(audit.supplier_id, [Role.ADMIN]))
    users += list(audit.respondents.filter(is_active=True))
    return users


def supplier_admins(supplier_ids: Sequence[int]) -> dict[int, list[User]]:
    """The active admins of many suppliers, by supplier id, in one query (bulk issuing)."""
    admins: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(
        organization_id__in=supplier_ids, role=Role.ADMIN, user__is_active=True
    ).select_related("user")
    for membership in memberships:
        admins.setdefault(membership.organization_id, []).append(membership.user)
    return admins


def buyer_recipients(audit: Audit) -> list[User]:
    """Buyer officers and the assigned reviewers."""
    users = list(_members(audit.buyer_id, [Role.OFFICER]))
    users += list(audit.reviewers.filter(is_active=True))
    return users


def questionnaire_titles(title: dict) -> dict[str, str]:
    """Both languages of a title, for mail templates (rendered in the recipient's)."""
    return {"en": pick(title, "en"), "zh": pick(title, "zh-Hans")}


def mail_context(audit: Audit, **extra) -> dict:
    return {
        "audit_id": audit.pk,
        "audit_title": audit.title,
        "buyer_name": audit.buyer.name,
        "supplier_name": audit.supplier.name,
        "questionnaire": questionnaire_titles(audit.questionnaire_version.title),
        "due_date": audit.due_date,
        "status": audit.status,
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Questions and visibility
# ---------------------------------------------------------------------------------------------


def compiled_questionnaire(version: QuestionnaireVersion):
    """The compiled questionnaire of a version (compiled once, cached by the questionnaire
    area)."""
    return compiled_for_version(version)


def answer_values(audit: Audit) -> dict[str, AnswerValue]:
    rows = Answer.objects.filter(audit=audit).values_list(
        "question__code", "value", "not_applicable"
    )
    return {code: AnswerValue(value=value, not_applicable=na) for code, value, na in rows}


def visible_codes(audit: Audit, answers: Mapping[str, AnswerValue] | None = None) -> frozenset:
    """Codes of the questions of ``audit`` visible with its current (or given) answers."""
    compiled = compiled_questionnaire(audit.questionnaire_version)
    if answers is None:
        answers = answer_values(audit)
    return compiled.visible_codes(answers, supplier_profile(audit.supplier))


def check_members(org: Organization, users: Iterable[User], field: str, roles) -> list[User]:
    """``users`` when each is an active member of ``org`` in one of ``roles``; else a 400 on
    ``field`` naming each one who is not."""
    users = list(users)
    if not users:
        return []
    ok = set(
        Membership.objects.filter(
            organization=org, user__in=users, role__in=roles, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    wrong = [u for u in users if u.pk not in ok]
    if wrong:
        raise ValidationError(
            {
                field: [
                    _("%(user)s is not a member of %(org)s who can be assigned here.")
                    % {"user": u.email, "org": org.name}
                    for u in wrong
                ]
            }
        )
    return users
