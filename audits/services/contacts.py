"""Who answers a campaign's audits (issue 13, delegation): per supplier chosen by id, its
administrators (the default) or a named contact.

``campaign_contacts`` checks what the buyer names when creating the campaign;
``contacts_assign`` runs in a chunk's transaction after its audits are issued: a contact who is
a member of the supplier becomes the audit's respondent at once (and is mailed like any
respondent), anyone else is invited to the supplier as a respondent and the audit remembers
the pending assignment (``PendingRespondent``), which ``flows.invitations`` turns into an
assignment when the invitation is accepted. Suppliers without a contact cost no query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.invitations import respondent_invite_for_buyer
from accounts.mail import notify
from accounts.models import Membership, Organization, User
from audits.models import Audit, Campaign, PendingRespondent
from audits.services.assignments import RESPONDENTS, assign
from audits.services.common import mail_context, questionnaire_titles

Role = Membership.Role
FULL_NAME_MAX = 150


def campaign_contacts(
    contacts: Sequence[Mapping[str, Any]], *, supplier_ids: Sequence[int] | None
) -> dict[str, dict[str, str]]:
    """``[{"supplier", "email", "full_name"}]`` -> ``{"<supplier id>": {"email", "full_name"}}``
    (emails in lower case). 400 on ``contacts`` when suppliers were chosen by a filter, and one
    message per wrong item: a supplier not chosen, a bad email, a supplier named twice."""
    if not contacts:
        return {}
    if not supplier_ids:
        raise ValidationError(
            {"contacts": [_("Name who answers only for suppliers chosen one by one.")]}
        )
    chosen = {int(i) for i in supplier_ids}
    result: dict[str, dict[str, str]] = {}
    problems: list[str] = []
    for number, item in enumerate(contacts, start=1):
        problem, key, contact = _contact(item, chosen)
        if problem is None and key in result:
            problem = _("this supplier is named twice.")
        if problem is not None:
            problems.append(_("Contact %(n)s: %(problem)s") % {"n": number, "problem": problem})
        else:
            result[key] = contact
    if problems:
        raise ValidationError({"contacts": problems})
    return result


def _contact(item: Mapping[str, Any], chosen: set[int]) -> tuple[str | None, str, dict]:
    """One item checked: (the problem or None, the supplier key, the contact)."""
    try:
        supplier = int(item.get("supplier"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return _("say which supplier."), "", {}
    email = User.objects.normalize_email(str(item.get("email") or "").strip()).lower()
    full_name = str(item.get("full_name") or "").strip()
    if supplier not in chosen:
        return _("supplier %(id)s is not among the chosen suppliers.") % {"id": supplier}, "", {}
    try:
        validate_email(email)
    except ValidationError:
        return _("%(email)s is not a valid email address.") % {"email": email or "—"}, "", {}
    if len(full_name) > FULL_NAME_MAX:
        return _("the name is longer than %(n)s characters.") % {"n": FULL_NAME_MAX}, "", {}
    return None, str(supplier), {"email": email, "full_name": full_name}


def contacts_assign(*, campaign: Campaign, audits: Sequence[Audit]) -> None:
    """Give the chunk's audits their named contacts (see the module's docstring), in the
    chunk's transaction. The members among them are found in one query for the chunk."""
    named = [
        (audit, campaign.contacts[str(audit.supplier_id)])
        for audit in audits
        if str(audit.supplier_id) in (campaign.contacts or {})
    ]
    if not named:
        return
    members: dict[tuple[int, str], Membership] = {
        (m.organization_id, m.user.email.lower()): m
        for m in Membership.objects.filter(
            organization_id__in={a.supplier_id for a, _c in named}, user__is_active=True
        ).select_related("user")
    }
    for audit, contact in named:
        membership = members.get((audit.supplier_id, contact["email"]))
        if membership is not None:
            _assign_member(audit, membership)
        else:
            _invite(campaign, audit, contact)


def _assign_member(audit: Audit, membership: Membership) -> None:
    """The system assigns the member; an administrator already had the issue mail."""
    new = assign(RESPONDENTS, audit=audit, users=[membership.user], actor=None)
    if new and membership.role != Role.ADMIN:
        notify(new, "audits/email/issued", mail_context(audit, message=audit.message))


def _invite(campaign: Campaign, audit: Audit, contact: Mapping[str, str]) -> None:
    """Invite the contact (or keep their open invitation) and remember the wait; a member
    whose account is deactivated is neither invited nor waited for."""
    supplier: Organization = audit.supplier
    invitation = respondent_invite_for_buyer(
        organization=supplier,
        email=contact["email"],
        full_name=contact.get("full_name", ""),
        buyer=campaign.buyer,
        inviter=campaign.created_by,
        audit={
            "buyer_name": campaign.buyer.name,
            "audit_title": audit.title,
            "questionnaire": questionnaire_titles(audit.questionnaire_version.title),
            "due_date": audit.due_date,
        },
    )
    if invitation is not None:
        PendingRespondent.objects.get_or_create(audit=audit, email=contact["email"])
