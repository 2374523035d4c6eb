"""Work on many audits of a campaign at once, from its page or the API: remind now, extend the
due date, cancel, assign a reviewer. Each action applies to the audits (of the selection, or of
the whole campaign) in a state where it makes sense and reports the others as skipped, with the
reason, instead of failing the lot: "remind everyone" on a campaign with accepted audits is a
normal request, not an error.

It lives in ``flows`` because a reviewer assigned here also reviews the audits' corrective
actions (``flows.services.audit_assign_reviewers``). Reminders go out at most once a day per audit (``ReminderLog``, shared with the daily run), each
in its own transaction. Extending, cancelling and assigning run in one transaction: all the
eligible audits change, or (on an error such as a due date in the past) none.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from accounts.permissions import has_org_perm
from audits.models import Audit, Campaign
from audits.services.audits import audit_cancel
from audits.services.due_dates import audits_extend_due_date
from audits.services.reminders import audits_remind_now
from audits.services.transitions import status_text
from backend.errors import Conflict
from flows.services import audit_assign_reviewers

Status = Audit.Status
ACTIONS = ("remind", "extend", "cancel", "assign_reviewer")
# The states each action applies to; the others are skipped.
ELIGIBLE = {
    "remind": Audit.EDITABLE_STATES,
    "extend": Audit.EDITABLE_STATES,
    "cancel": (Status.SENT, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED),
    "assign_reviewer": (Status.SENT, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED),
}


@dataclass
class BulkResult:
    action: str
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)


def _audits(campaign: Campaign, audit_ids: Sequence[int] | None) -> list[Audit]:
    rows = (
        Audit.objects.filter(campaign=campaign)
        .select_related("buyer", "supplier", "questionnaire_version")
        .prefetch_related("respondents")
        .order_by("pk")
    )
    if audit_ids is None:
        return list(rows)
    wanted = set(audit_ids)
    found = list(rows.filter(pk__in=wanted))
    unknown = sorted(wanted - {a.pk for a in found})
    if unknown:
        raise ValidationError(
            {
                "audits": [
                    _("#%(id)s is not an audit of this campaign.") % {"id": pk} for pk in unknown
                ]
            }
        )
    return found


def _check_input(action: str, *, due_date, reason: str, reviewer) -> None:
    errors: dict[str, list[str]] = {}
    if action not in ACTIONS:
        errors["action"] = [_("Choose one of: %(actions)s.") % {"actions": ", ".join(ACTIONS)}]
    if action in ("extend", "cancel") and not (reason or "").strip():
        errors["reason"] = [_("Give a reason; the suppliers read it.")]
    if action == "extend" and due_date is None:
        errors["due_date"] = [_("This field is required.")]
    if action == "assign_reviewer" and reviewer is None:
        errors["reviewer"] = [_("Choose a reviewer.")]
    if errors:
        raise ValidationError(errors)


def campaign_bulk(
    *,
    campaign: Campaign,
    actor: User,
    action: str,
    audit_ids: Sequence[int] | None = None,
    due_date: datetime.date | None = None,
    reason: str = "",
    reviewer: User | None = None,
) -> BulkResult:
    """Apply ``action`` to the campaign's audits ``audit_ids`` (None: all of them). 403 unless
    ``actor`` issues audits for the campaign's buyer; 409 while the campaign is still issuing;
    400 for missing input or ids that are not the campaign's."""
    _require_issuer(actor, campaign.buyer)
    if campaign.status in (Campaign.Status.QUEUED, Campaign.Status.RUNNING):
        raise Conflict(
            _("The campaign is still issuing its audits; try again when it is done."),
            code="campaign_running",
        )
    return audits_bulk(
        audits=_audits(campaign, audit_ids),
        actor=actor,
        action=action,
        due_date=due_date,
        reason=reason,
        reviewer=reviewer,
    )


def _require_issuer(actor: User, buyer: Organization) -> None:
    if not has_org_perm(actor, "accounts.issue_audits", buyer):
        raise PermissionDenied(_("Only a buyer's administrators and officers issue audits."))


def audits_bulk(
    *,
    audits: Sequence[Audit],
    actor: User,
    action: str,
    due_date: datetime.date | None = None,
    reason: str = "",
    reviewer: User | None = None,
) -> BulkResult:
    """Apply ``action`` to ``audits`` (the caller fetched them through the buyer's visible
    audits): the audits in a state where it applies change, the others are listed as skipped.
    403 unless ``actor`` issues audits for every audit's buyer; 400 for missing input."""
    for buyer in {a.buyer for a in audits}:
        _require_issuer(actor, buyer)
    _check_input(action, due_date=due_date, reason=reason, reviewer=reviewer)
    result = BulkResult(action=action)
    eligible = []
    for audit in audits:
        if audit.status in ELIGIBLE[action]:
            eligible.append(audit)
        else:
            result.skipped[audit.pk] = status_text(audit.status)
    if action == "remind":
        reminded = set(audits_remind_now(eligible))
        for audit in eligible:
            if audit.pk in reminded:
                result.done.append(audit.pk)
            else:
                result.skipped[audit.pk] = _("already reminded today")
        return result
    _apply(action, eligible, actor=actor, due_date=due_date, reason=reason, reviewer=reviewer)
    result.done = [a.pk for a in eligible]
    return result


@transaction.atomic
def _apply(action: str, audits: list[Audit], *, actor, due_date, reason, reviewer) -> None:
    if action == "extend":
        audits_extend_due_date(audits=audits, actor=actor, due_date=due_date, reason=reason)
    elif action == "cancel":
        for audit in audits:
            audit_cancel(audit=audit, reason=reason, actor=actor)
    else:
        try:
            for audit in audits:
                audit_assign_reviewers(audit=audit, users=[reviewer], actor=actor)
        except ValidationError as exc:
            raise ValidationError({"reviewer": exc.messages}) from exc
