"""Reads of share requests and shares: each side sees its own (the buyer's administrators,
officers and viewers; the supplier's administrators), fetched and authorized together."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Organization
from accounts.permissions import org_ids_with_perm
from audits.models import Share, ShareRequest

SEE_ALL = "accounts.view_all_audits"


def _sides(user) -> tuple[list[int], list[int]]:
    buyers = org_ids_with_perm(user, SEE_ALL, kind=Organization.Kind.BUYER)
    suppliers = org_ids_with_perm(user, SEE_ALL, kind=Organization.Kind.SUPPLIER)
    return buyers, suppliers


def share_request_list_for(*, user) -> QuerySet[ShareRequest]:
    """Requests made by the user's buyers or addressed to the user's suppliers, newest first."""
    buyers, suppliers = _sides(user)
    if not (buyers or suppliers):
        return ShareRequest.objects.none()
    return (
        ShareRequest.objects.filter(Q(buyer_id__in=buyers) | Q(supplier_id__in=suppliers))
        .select_related("buyer", "supplier", "questionnaire", "requested_by", "decided_by")
        .prefetch_related("shares")
        .order_by("-requested_at", "-pk")
    )


def share_request_get_for(*, user, request_id: int) -> ShareRequest:
    request = share_request_list_for(user=user).filter(pk=request_id).first()
    if request is None:
        raise Http404(_("No such share request."))
    return request


def share_list_for(*, user) -> QuerySet[Share]:
    """Shares received by the user's buyers or given by the user's suppliers, newest first
    (revoked ones too: they say until when access lasted)."""
    buyers, suppliers = _sides(user)
    if not (buyers or suppliers):
        return Share.objects.none()
    return (
        Share.objects.filter(Q(buyer_id__in=buyers) | Q(audit__supplier_id__in=suppliers))
        .select_related(
            "buyer",
            "audit__supplier",
            "audit__questionnaire_version__questionnaire",
            "granted_by",
            "revoked_by",
        )
        .order_by("-granted_at", "-pk")
    )


def share_get_for(*, user, share_id: int) -> Share:
    share = share_list_for(user=user).filter(pk=share_id).first()
    if share is None:
        raise Http404(_("No such share."))
    return share


def shared_with(*, buyer_id: int, audit_ids: list[int]) -> set[int]:
    """Which of ``audit_ids`` are shared with ``buyer_id`` now (for a page to say so)."""
    return set(
        Share.objects.filter(
            buyer_id=buyer_id, audit_id__in=audit_ids, revoked_at__isnull=True
        ).values_list("audit_id", flat=True)
    )


def buyers_shared_with(*, audit_id: int, buyer_ids: list[int]) -> list[int]:
    """Which of ``buyer_ids`` the audit is shared with now (a mail's link finds its page)."""
    return sorted(
        Share.objects.filter(
            audit_id=audit_id, buyer_id__in=buyer_ids, revoked_at__isnull=True
        ).values_list("buyer_id", flat=True)
    )
