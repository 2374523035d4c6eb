"""Issuing audits (DESIGN section 4): one audit to a supplier of the buyer's network, as a
draft or sent at once; sending a draft later. Sending is the ``issue`` move of ``AUDITS``."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import notify, notify_each
from accounts.models import Membership, Organization, User
from accounts.permissions import organizations_with_perm
from activity.events import Verb, new_event, record, record_many
from audits import permissions as audit_perms
from audits.models import Audit, Campaign
from audits.services.common import (
    check_members,
    locked,
    mail_context,
    supplier_admins,
    supplier_recipients,
)
from audits.services.transitions import AUDITS
from questionnaires.models import QuestionnaireVersion
from suppliers.models import SupplierRelationship

Status = Audit.Status
Role = Membership.Role


def resolve_buyer(*, actor: User, buyer: Organization | None = None) -> Organization:
    """The buyer on whose behalf ``actor`` issues: the given one, or their only buyer."""
    buyers = list(organizations_with_perm(actor, "accounts.issue_audits").filter(kind="buyer"))
    if not buyers:
        raise PermissionDenied(_("Only a buyer's administrators and officers issue audits."))
    if buyer is None:
        if len(buyers) > 1:
            raise ValidationError({"buyer": [_("Say on behalf of which buyer you issue.")]})
        return buyers[0]
    if buyer not in buyers:
        raise ValidationError({"buyer": [_("You cannot issue audits for this buyer.")]})
    return buyer


def check_template(
    *, buyer: Organization, version: QuestionnaireVersion, ruleset, due_date: datetime.date
) -> None:
    errors: dict[str, list[str]] = {}
    questionnaire = version.questionnaire
    if version.status != QuestionnaireVersion.Status.PUBLISHED:
        errors["questionnaire_version"] = [_("Only a published questionnaire version is issued.")]
    elif questionnaire.owner_id not in (None, buyer.pk):
        errors["questionnaire_version"] = [_("This questionnaire belongs to another buyer.")]
    if ruleset is not None:
        if ruleset.owner_id not in (None, buyer.pk):
            errors["ruleset"] = [_("This rule set belongs to another buyer.")]
        elif ruleset.questionnaire_code != questionnaire.code:
            errors["ruleset"] = [
                _("This rule set scores %(code)s, not %(q)s.")
                % {"code": ruleset.questionnaire_code, "q": questionnaire.code}
            ]
        elif ruleset.status != "published":
            errors["ruleset"] = [_("Only a published rule set is used.")]
    if due_date < timezone.localdate():
        errors["due_date"] = [_("The due date is in the past.")]
    if errors:
        raise ValidationError(errors)


def create_audit(
    *,
    buyer: Organization,
    supplier: Organization,
    version: QuestionnaireVersion,
    ruleset,
    due_date: datetime.date,
    actor: User | None,
    title: str = "",
    message: str = "",
    respondents: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    campaign: Campaign | None = None,
    send: bool = True,
) -> Audit:
    """Create a draft audit with its grants, assignments and ``audit.created`` event, and send
    it unless ``send=False``. ``actor`` is who issued it; callers have checked the input."""
    audit = Audit.objects.create(
        buyer=buyer,
        supplier=supplier,
        questionnaire_version=version,
        ruleset=ruleset,
        campaign=campaign,
        due_date=due_date,
        title=title or "",
        message=message or "",
        issued_by=actor,
    )
    audit_perms.grant_audit_to_organizations(audit, side="buyer")
    record(
        Verb.AUDIT_CREATED,
        actor=actor,
        audit=audit,
        to_status=Status.DRAFT,
        data={"campaign": campaign.pk} if campaign else {},
    )
    if respondents:
        audit.respondents.add(*respondents)
        for user in respondents:
            audit_perms.grant_respondent(audit, user)
    if reviewers:
        audit.reviewers.add(*reviewers)
        for user in reviewers:
            audit_perms.grant_reviewer(audit, user)
    if send:
        send_audit(audit, actor=actor)
    return audit


def send_audit(audit: Audit, *, actor: User | None) -> None:
    """The ``issue`` move (draft -> sent), then the supplier side's grants and mail."""
    AUDITS.perform(audit, "issue", actor=actor)
    audit_perms.grant_audit_to_organizations(audit, side="supplier")
    for user in audit.respondents.all():
        audit_perms.grant_respondent(audit, user)
    notify(
        supplier_recipients(audit),
        "audits/email/issued",
        mail_context(audit, message=audit.message),
    )


def issue_many(*, campaign: Campaign, suppliers: Sequence[Organization]) -> list[Audit]:
    """Create and send the audits of a campaign to ``suppliers`` in bulk, in the caller's
    transaction: what ``create_audit`` then ``send_audit`` do for one audit (the audit, the
    buyer's and the supplier's group grants, the ``audit.created`` and ``audit.issued``
    events, the mail to the supplier's admins), in a constant number of queries per call.
    Sent by the system on behalf of the campaign's creator, with the campaign's title and
    message; no assignees yet. Callers pass suppliers of the buyer's network without an audit
    of the campaign (the unique constraint refuses a second one)."""
    if not suppliers:
        return []
    now = timezone.now()
    audits = Audit.objects.bulk_create(
        [
            Audit(
                buyer=campaign.buyer,
                supplier=supplier,
                questionnaire_version=campaign.questionnaire_version,
                ruleset=campaign.ruleset,
                campaign=campaign,
                due_date=campaign.due_date,
                title=campaign.title,
                message=campaign.message,
                issued_by=campaign.created_by,
                status=Status.SENT,
                issued_at=now,
                created_at=now,
                updated_at=now,
            )
            for supplier in suppliers
        ]
    )
    audit_perms.grant_sent_audits_to_organizations(audits)
    data = {"campaign": campaign.pk}
    record_many(
        [
            event
            for audit in audits
            for event in (
                new_event(
                    Verb.AUDIT_CREATED,
                    actor=campaign.created_by,
                    audit=audit,
                    to_status=Status.DRAFT,
                    data=data,
                ),
                new_event(
                    Verb.AUDIT_ISSUED,
                    audit=audit,
                    from_status=Status.DRAFT,
                    to_status=Status.SENT,
                ),
            )
        ]
    )
    admins = supplier_admins([s.pk for s in suppliers])
    notify_each(
        "audits/email/issued",
        [(admins.get(a.supplier_id, []), mail_context(a, message=a.message)) for a in audits],
    )
    return audits


@transaction.atomic
def audit_issue(
    *,
    supplier: Organization,
    questionnaire_version: QuestionnaireVersion,
    due_date: datetime.date,
    actor: User,
    buyer: Organization | None = None,
    ruleset=None,
    title: str = "",
    message: str = "",
    respondents: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    send: bool = True,
) -> Audit:
    """Issue one audit to a supplier of the actor's buyer network.

    ``send=False`` keeps it as a draft (``audit_send`` sends it later). Mails the supplier's
    admins and the assigned respondents after commit.
    """
    buyer = resolve_buyer(actor=actor, buyer=buyer)
    if not SupplierRelationship.objects.filter(
        buyer=buyer, supplier=supplier, active=True
    ).exists():
        raise ValidationError({"supplier": [_("This supplier is not in your supply network.")]})
    check_template(buyer=buyer, version=questionnaire_version, ruleset=ruleset, due_date=due_date)
    respondents = check_members(supplier, respondents, "respondents", [Role.ADMIN, Role.RESPONDENT])
    reviewers = check_members(
        buyer, reviewers, "reviewers", [Role.ADMIN, Role.OFFICER, Role.REVIEWER]
    )
    return create_audit(
        buyer=buyer,
        supplier=supplier,
        version=questionnaire_version,
        ruleset=ruleset,
        due_date=due_date,
        actor=actor,
        title=title,
        message=message,
        respondents=respondents,
        reviewers=reviewers,
        send=send,
    )


@transaction.atomic
def audit_send(*, audit: Audit, actor: User) -> Audit:
    """Send a draft audit to its supplier (403 without ``issue_audits`` on the buyer, 409
    unless a draft)."""
    audit = locked(audit)
    send_audit(audit, actor=actor)
    return audit
