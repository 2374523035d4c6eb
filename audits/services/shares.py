"""Sharing accepted assessments (DESIGN section 4): a buyer requests a supplier's latest
accepted assessment on a questionnaire instead of issuing a new one; the supplier grants or
declines, may publish one unprompted, and may revoke a share for the future.

A share gives the receiving buyer's administrators, officers and viewers read access to one
accepted audit of another buyer (``audit_perms.grant_share``): its answers, evidence and
released score. It never lets them review, return, accept or act on it. Every change writes
its activity event in the same transaction; the other party is notified after commit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.mail import notify
from accounts.models import Membership, Organization, User
from accounts.permissions import has_org_perm, organizations_with_perm
from activity.events import Verb, share_event
from audits import permissions as audit_perms
from audits.models import Audit, Share, ShareRequest
from audits.services.common import questionnaire_titles
from backend.errors import Conflict
from questionnaires.models import Questionnaire
from suppliers.models import SupplierRelationship

Role = Membership.Role
Status = ShareRequest.Status
# Who acts for each side: the buyer's staff who issue audits, the supplier's administrators.
BUYER_PERM = "accounts.issue_audits"
SUPPLIER_PERM = "accounts.change_organization"


def _require_buyer(actor: User, buyer: Organization) -> None:
    if not has_org_perm(actor, BUYER_PERM, buyer):
        raise PermissionDenied(_("Only a buyer's administrators and officers ask for shares."))


def _require_supplier(actor: User, supplier: Organization) -> None:
    if supplier.kind != Organization.Kind.SUPPLIER or not has_org_perm(
        actor, SUPPLIER_PERM, supplier
    ):
        raise PermissionDenied(_("Only the supplier's administrators share its assessments."))


def share_buyer_for(*, actor: User, buyer: Organization | None = None) -> Organization:
    """The buyer on whose behalf ``actor`` asks: the given one, or their only one."""
    buyers = list(organizations_with_perm(actor, BUYER_PERM).filter(kind="buyer"))
    if not buyers:
        raise PermissionDenied(_("Only a buyer's administrators and officers ask for shares."))
    if buyer is None:
        if len(buyers) > 1:
            raise ValidationError({"buyer": [_("Say on behalf of which buyer you ask.")]})
        return buyers[0]
    if buyer not in buyers:
        raise ValidationError({"buyer": [_("You cannot ask for shares for this buyer.")]})
    return buyer


def latest_shareable(
    *, supplier: Organization, questionnaire: Questionnaire, buyer: Organization
) -> Audit | None:
    """The supplier's latest accepted audit on ``questionnaire`` issued by another buyer than
    ``buyer`` (newest acceptance first, then the higher id)."""
    return (
        Audit.objects.filter(
            supplier=supplier,
            status=Audit.Status.ACCEPTED,
            questionnaire_version__questionnaire=questionnaire,
        )
        .exclude(buyer=buyer)
        .select_related("buyer", "supplier", "questionnaire_version__questionnaire")
        .order_by("-accepted_at", "-pk")
        .first()
    )


def _no_assessment() -> Conflict:
    return Conflict(
        _("The supplier has no accepted assessment on this questionnaire to share."),
        code="nothing_to_share",
    )


def _buyer_staff(buyer_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=buyer_id,
            memberships__role__in=[Role.ADMIN, Role.OFFICER],
        )
    )


def _supplier_admins(supplier_id: int) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True, memberships__organization_id=supplier_id, memberships__role=Role.ADMIN
        )
    )


def _context(*, buyer: Organization, supplier: Organization, questionnaire, **extra) -> dict:
    return {
        "buyer_name": buyer.name,
        "supplier_name": supplier.name,
        "questionnaire": questionnaire_titles(questionnaire.title),
        **extra,
    }


@transaction.atomic
def share_request_create(
    *,
    actor: User,
    supplier: Organization,
    questionnaire: Questionnaire,
    buyer: Organization | None = None,
    message: str = "",
) -> ShareRequest:
    """Ask ``supplier`` (of the buyer's active network) for its latest accepted assessment on
    ``questionnaire`` (the library's or the buyer's own). 400 for a supplier outside the
    network or another buyer's questionnaire; 409 when there is nothing to share yet or a
    request is already open. The supplier's administrators are notified."""
    buyer = share_buyer_for(actor=actor, buyer=buyer)
    errors: dict[str, list[str]] = {}
    if not SupplierRelationship.objects.filter(
        buyer=buyer, supplier=supplier, active=True
    ).exists():
        errors["supplier"] = [_("This supplier is not in your supply network.")]
    if questionnaire.owner_id not in (None, buyer.pk):
        errors["questionnaire"] = [_("This questionnaire belongs to another buyer.")]
    if errors:
        raise ValidationError(errors)
    if latest_shareable(supplier=supplier, questionnaire=questionnaire, buyer=buyer) is None:
        raise _no_assessment()
    already = Conflict(_("You already asked this supplier for this assessment."), code="open")
    open_requests = ShareRequest.objects.filter(
        buyer=buyer, supplier=supplier, questionnaire=questionnaire, status=Status.REQUESTED
    )
    if open_requests.exists():
        raise already
    try:
        # Two requests at once: the partial unique constraint lets one in.
        with transaction.atomic():
            request = ShareRequest.objects.create(
                buyer=buyer,
                supplier=supplier,
                questionnaire=questionnaire,
                message=message,
                requested_by=actor,
            )
    except IntegrityError:
        raise already from None
    share_event(
        Verb.SHARE_REQUESTED,
        actor=actor,
        supplier=supplier,
        buyer=buyer,
        request=request.pk,
        questionnaire=questionnaire.code,
    )
    context = _context(buyer=buyer, supplier=supplier, questionnaire=questionnaire)
    notify(
        _supplier_admins(supplier.pk),
        "audits/email/share_requested",
        {**context, "message": message},
    )
    return request


def _locked_request(request: ShareRequest) -> ShareRequest:
    return (
        ShareRequest.objects.select_for_update()
        .select_related("buyer", "supplier", "questionnaire")
        .get(pk=request.pk)
    )


def _check_open(request: ShareRequest) -> None:
    if request.status != Status.REQUESTED:
        raise Conflict(
            _("This request is already %(status)s.") % {"status": request.get_status_display()},
            code="request_closed",
        )


def _decide(request: ShareRequest, *, actor: User, to: str, comment: str = "") -> ShareRequest:
    _check_open(request)
    request.status = to
    request.comment = comment
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "comment", "decided_by", "decided_at"])
    return request


def _share_create(
    *, actor: User, audit: Audit, buyer: Organization, request: ShareRequest | None
) -> Share:
    try:
        # Two grants at once: the partial unique constraint lets one in.
        with transaction.atomic():
            share = Share.objects.create(
                audit=audit, buyer=buyer, request=request, granted_by=actor
            )
    except IntegrityError:
        raise Conflict(
            _("This assessment is already shared with this buyer."), code="shared"
        ) from None
    audit_perms.grant_share(audit, buyer)
    share_event(
        Verb.SHARE_GRANTED if request is not None else Verb.SHARE_PUBLISHED,
        actor=actor,
        supplier=audit.supplier,
        buyer=buyer,
        audit=audit,
        share=share.pk,
        request=request.pk if request is not None else None,
    )
    context = _context(
        buyer=buyer,
        supplier=audit.supplier,
        questionnaire=audit.questionnaire_version.questionnaire,
        audit_id=audit.pk,
    )
    notify(_buyer_staff(buyer.pk), "audits/email/share_granted", context)
    return share


@transaction.atomic
def share_request_grant(*, actor: User, request: ShareRequest) -> Share:
    """The supplier's administrator grants an open request: the buyer gets read access to the
    latest accepted assessment on the questionnaire as it is now (409 when the request is
    closed or there is none any more)."""
    _require_supplier(actor, request.supplier)
    request = _locked_request(request)
    questionnaire, buyer = request.questionnaire, request.buyer
    audit = latest_shareable(supplier=request.supplier, questionnaire=questionnaire, buyer=buyer)
    _check_open(request)
    if audit is None:
        raise _no_assessment()
    _decide(request, actor=actor, to=Status.GRANTED)
    existing = Share.objects.filter(audit=audit, buyer=buyer, revoked_at__isnull=True).first()
    if existing is not None:
        return existing
    return _share_create(actor=actor, audit=audit, buyer=buyer, request=request)


@transaction.atomic
def share_request_decline(*, actor: User, request: ShareRequest, comment: str = "") -> ShareRequest:
    """The supplier's administrator declines an open request (409 when closed), with an
    optional word for the buyer, whose staff are notified."""
    _require_supplier(actor, request.supplier)
    request = _decide(_locked_request(request), actor=actor, to=Status.DECLINED, comment=comment)
    share_event(
        Verb.SHARE_DECLINED,
        actor=actor,
        supplier=request.supplier,
        buyer=request.buyer,
        request=request.pk,
    )
    context = _context(
        buyer=request.buyer,
        supplier=request.supplier,
        questionnaire=request.questionnaire,
        comment=comment,
    )
    notify(_buyer_staff(request.buyer_id), "audits/email/share_declined", context)
    return request


@transaction.atomic
def share_request_withdraw(*, actor: User, request: ShareRequest) -> ShareRequest:
    """The buyer's administrator or officer withdraws an open request (409 when closed)."""
    _require_buyer(actor, request.buyer)
    request = _decide(_locked_request(request), actor=actor, to=Status.WITHDRAWN)
    share_event(
        Verb.SHARE_REQUEST_WITHDRAWN,
        actor=actor,
        supplier=request.supplier,
        buyer=request.buyer,
        request=request.pk,
    )
    return request


@transaction.atomic
def share_publish(*, actor: User, audit: Audit, buyer: Organization) -> Share:
    """The supplier's administrator shares an accepted audit with a buyer of its own accord.
    400 when the buyer does not have the supplier in its network or issued the audit itself;
    409 when the audit is not accepted or is already shared with that buyer."""
    _require_supplier(actor, audit.supplier)
    errors: dict[str, list[str]] = {}
    if buyer.pk == audit.buyer_id:
        errors["buyer"] = [_("This buyer issued the audit: it already sees it.")]
    elif not SupplierRelationship.objects.filter(
        buyer=buyer, supplier_id=audit.supplier_id, active=True
    ).exists():
        errors["buyer"] = [_("This buyer does not have you in its supply network.")]
    if errors:
        raise ValidationError(errors)
    if audit.status != Audit.Status.ACCEPTED:
        raise Conflict(_("Only an accepted assessment is shared."), code="not_accepted")
    if Share.objects.filter(audit=audit, buyer=buyer, revoked_at__isnull=True).exists():
        raise Conflict(_("This assessment is already shared with this buyer."), code="shared")
    return _share_create(actor=actor, audit=audit, buyer=buyer, request=None)


@transaction.atomic
def share_revoke(*, actor: User, share: Share) -> Share:
    """The supplier's administrator ends a share: the buyer's access ends with its next
    request (409 when already revoked). The buyer's staff are notified."""
    audit = share.audit
    _require_supplier(actor, audit.supplier)
    share = Share.objects.select_for_update().select_related("buyer").get(pk=share.pk)
    if share.revoked_at is not None:
        raise Conflict(_("This share was already revoked."), code="revoked")
    share.revoked_at = timezone.now()
    share.revoked_by = actor
    share.save(update_fields=["revoked_at", "revoked_by"])
    audit_perms.revoke_share(audit, share.buyer)
    share_event(
        Verb.SHARE_REVOKED,
        actor=actor,
        supplier=audit.supplier,
        buyer=share.buyer,
        audit=audit,
        share=share.pk,
    )
    context = _context(
        buyer=share.buyer,
        supplier=audit.supplier,
        questionnaire=audit.questionnaire_version.questionnaire,
    )
    notify(_buyer_staff(share.buyer_id), "audits/email/share_revoked", context)
    return share
