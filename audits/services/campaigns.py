"""Campaigns: one questionnaire issued to many suppliers, resolved at once and processed in
chunks by a background job (which sends the audits as the system).

A campaign never stays ``running`` after its job stopped: a failure (the database, a lost
connection, a broker that cannot take the job) marks it ``failed`` with the reason
(``campaign_fail``), and ``campaign_resume`` (API, portal, ``manage.py process_campaign``) runs
it again; issuing is idempotent per supplier, so a resumed campaign issues only the rest."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError

from accounts.models import Organization, User
from accounts.permissions import has_org_perm
from activity.events import Verb, record
from audits.models import Audit, Campaign, CampaignChunk
from audits.services.contacts import campaign_contacts, contacts_assign
from audits.services.issuing import check_template, issue_many, resolve_buyer
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion
from suppliers.models import SupplierRelationship

CAMPAIGN_FILTERS = ("country", "criticality", "category")

logger = logging.getLogger(__name__)


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    name: str,
    questionnaire_version: QuestionnaireVersion,
    due_date: datetime.date,
    buyer: Organization | None = None,
    ruleset=None,
    supplier_ids: Sequence[int] | None = None,
    filters: Mapping[str, Any] | None = None,
    title: str = "",
    message: str = "",
    contacts: Sequence[Mapping[str, Any]] = (),
) -> Campaign:
    """Issue ``questionnaire_version`` to many suppliers: a list of supplier ids or a filter
    on the network (country, criticality, category). ``name`` is for the buyer's team; suppliers
    read ``title`` (blank: the questionnaire's title) and ``message``. The suppliers are resolved
    now and stored; the audits are created by ``campaign_process`` in a Celery task (in-process without a
    broker), after commit. ``contacts`` (``[{"supplier", "email", "full_name"}]``, suppliers
    chosen by id only) names who answers for a supplier instead of its administrators
    (``audits.services.contacts``)."""
    buyer = resolve_buyer(actor=actor, buyer=buyer)
    check_template(buyer=buyer, version=questionnaire_version, ruleset=ruleset, due_date=due_date)
    links = SupplierRelationship.objects.filter(buyer=buyer, active=True)
    if supplier_ids:
        resolved, filters = _campaign_suppliers_by_id(links, supplier_ids), {}
    else:
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
        resolved = _campaign_suppliers_by_filter(links, filters)
    named = campaign_contacts(contacts, supplier_ids=resolved if supplier_ids else None)
    campaign = Campaign.objects.create(
        buyer=buyer,
        name=name,
        title=(title or "").strip(),
        message=(message or "").strip(),
        questionnaire_version=questionnaire_version,
        ruleset=ruleset,
        due_date=due_date,
        supplier_ids=resolved,
        filters=dict(filters),
        contacts=named,
        total=len(resolved),
        created_by=actor,
    )
    record(
        Verb.CAMPAIGN_CREATED,
        actor=actor,
        organization=buyer,
        data={
            "campaign": campaign.pk,
            "suppliers": len(resolved),
            "filters": dict(filters),
            **({"contacts": len(named)} if named else {}),
        },
    )

    transaction.on_commit(partial(campaign_enqueue, campaign.pk))
    return campaign


def campaign_enqueue(campaign_id: int) -> None:
    """Hand the campaign's processing to the task queue (run it in-process without a broker).
    Called after commit: a broker that cannot be reached marks the campaign ``failed`` (to be
    resumed) instead of failing the request that created it."""
    # audits.tasks imports this module (the task runs campaign_process).
    from audits.tasks import process_campaign_task

    try:
        process_campaign_task.delay(campaign_id)
    except KombuOperationalError as exc:
        logger.exception("Campaign %s could not be queued", campaign_id)
        campaign_fail(campaign_id=campaign_id, exc=exc)


def campaign_fail(*, campaign_id: int, exc: BaseException) -> Campaign:
    """Mark a campaign whose processing stopped as ``failed``, with the reason in ``error``.
    The audits issued so far stay; ``campaign_resume`` issues the others."""
    campaign = Campaign.objects.get(pk=campaign_id)
    campaign.status = Campaign.Status.FAILED
    campaign.finished_at = timezone.now()
    campaign.error = _(
        "Issuing stopped after %(processed)s of %(total)s suppliers (%(error)s). "
        "Resume the campaign to issue the rest."
    ) % {
        "processed": campaign.processed,
        "total": campaign.total,
        "error": f"{type(exc).__name__}: {exc}"[:500],
    }
    campaign.save(update_fields=["status", "finished_at", "error"])
    return campaign


@transaction.atomic
def campaign_resume(*, campaign: Campaign, actor: User | None) -> Campaign:
    """Queue a ``failed`` campaign again (403 unless ``actor`` issues audits for its buyer, 409
    unless it failed); after commit its job issues only to the suppliers without an audit of
    it yet. ``actor=None`` is the operator (``manage.py process_campaign``)."""
    if actor is not None and not has_org_perm(actor, "accounts.issue_audits", campaign.buyer):
        raise PermissionDenied(_("Only a buyer's administrators and officers issue audits."))
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != Campaign.Status.FAILED:
        raise Conflict(
            _("Only a failed campaign is resumed (this one is %(status)s).")
            % {"status": campaign.get_status_display()},
            code="campaign_not_failed",
        )
    campaign.status = Campaign.Status.QUEUED
    campaign.finished_at = None
    campaign.save(update_fields=["status", "finished_at"])
    record(
        Verb.CAMPAIGN_RESUMED,
        actor=actor,
        organization=campaign.buyer,
        data={"campaign": campaign.pk, "processed": campaign.processed},
    )
    transaction.on_commit(partial(campaign_enqueue, campaign.pk))
    return campaign


def _campaign_suppliers_by_id(links, supplier_ids: Sequence[int]) -> list[int]:
    """The given supplier ids, deduplicated in order; 400 naming those not in the network."""
    wanted = list(dict.fromkeys(int(i) for i in supplier_ids))
    found = set(links.filter(supplier_id__in=wanted).values_list("supplier_id", flat=True))
    missing = [i for i in wanted if i not in found]
    if missing:
        raise ValidationError(
            {
                "supplier_ids": [
                    _("Not in your supply network: %(ids)s.")
                    % {"ids": ", ".join(map(str, missing))}
                ]
            }
        )
    return wanted


def _campaign_suppliers_by_filter(links, filters: Mapping[str, Any]) -> list[int]:
    """The ids of the network's suppliers matching every filter (a value or a list each)."""
    unknown = sorted(set(filters) - set(CAMPAIGN_FILTERS))
    if unknown:
        raise ValidationError(
            {"filters": [_("Unknown filter: %(f)s.") % {"f": ", ".join(unknown)}]}
        )
    if not filters:
        raise ValidationError(
            {"supplier_ids": [_("Give a list of suppliers or at least one filter.")]}
        )
    for key, value in filters.items():
        field = "supplier__country" if key == "country" else key
        values = value if isinstance(value, list) else [value]
        links = links.filter(**{f"{field}__in": values})
    resolved = list(links.order_by("supplier_id").values_list("supplier_id", flat=True))
    if not resolved:
        raise ValidationError({"filters": [_("No supplier of your network matches.")]})
    return resolved


def _chunk_size() -> int:
    return max(1, settings.FAIRLINK_CAMPAIGN_CHUNK)


def campaign_start(*, campaign_id: int) -> Campaign:
    """Mark a campaign ``running`` and cut it into chunks of ``FAIRLINK_CAMPAIGN_CHUNK``
    suppliers, once: a resumed campaign keeps its chunks and runs those not done. ``processed``
    is what the done chunks hold. A ``done`` campaign is returned as it is."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status == Campaign.Status.DONE:
            return campaign
        chunks = campaign.chunks.all()
        if not chunks.exists():
            size, total = _chunk_size(), len(campaign.supplier_ids)
            CampaignChunk.objects.bulk_create(
                CampaignChunk(
                    campaign=campaign, number=n, start=start, stop=min(start + size, total)
                )
                for n, start in enumerate(range(0, total, size))
            )
        done = chunks.filter(done_at__isnull=False).aggregate(n=Sum(F("stop") - F("start")))
        campaign.status = Campaign.Status.RUNNING
        campaign.processed = done["n"] or 0
        campaign.save(update_fields=["status", "processed"])
        return campaign


def campaign_issue_next_chunk(*, campaign_id: int) -> bool:
    """Claim the next chunk of a running campaign that no one is issuing
    (``select_for_update(skip_locked=True)``: several workers share one campaign), issue it
    and advance ``processed``, in one transaction; then finish the campaign if every chunk is
    done. Returns False when there was no chunk left to claim."""
    with transaction.atomic():
        campaign = Campaign.objects.select_related(
            "buyer", "questionnaire_version", "ruleset", "created_by"
        ).get(pk=campaign_id)
        if campaign.status != Campaign.Status.RUNNING:
            return False
        chunk = (
            campaign.chunks.select_for_update(skip_locked=True)
            .filter(done_at__isnull=True)
            .order_by("number")
            .first()
        )
        if chunk is not None:
            chunk.skipped = _issue_chunk(campaign, campaign.supplier_ids[chunk.start : chunk.stop])
            chunk.done_at = timezone.now()
            chunk.save(update_fields=["skipped", "done_at"])
            Campaign.objects.filter(pk=campaign_id).update(
                processed=F("processed") + (chunk.stop - chunk.start)
            )
    # Whoever does the last chunk (or comes after it) finishes the campaign.
    _campaign_finish(campaign_id)
    return chunk is not None


def campaign_process(*, campaign_id: int) -> Campaign:
    """Issue a campaign's audits here, one chunk after the other (in-process, or an
    operator's ``manage.py process_campaign``). Idempotent: a done chunk is not run again and
    a supplier with its audit of the campaign is skipped, so a re-run creates no duplicates.
    The audits are sent by the system on behalf of the campaign's creator (``issued_by``)."""
    campaign = campaign_start(campaign_id=campaign_id)
    if campaign.status == Campaign.Status.RUNNING:
        while campaign_issue_next_chunk(campaign_id=campaign_id):
            pass
    return Campaign.objects.get(pk=campaign_id)


def _issue_chunk(campaign: Campaign, chunk: Sequence[int]) -> list[int]:
    """Issue the audits of one chunk of suppliers in bulk; returns the ids skipped because
    they left the network (those with an audit of the campaign already are passed over)."""
    done = set(
        Audit.objects.filter(campaign=campaign, supplier_id__in=chunk).values_list(
            "supplier_id", flat=True
        )
    )
    todo = [i for i in chunk if i not in done]
    active = set(
        SupplierRelationship.objects.filter(
            buyer_id=campaign.buyer_id, supplier_id__in=todo, active=True
        ).values_list("supplier_id", flat=True)
    )
    suppliers = Organization.objects.in_bulk([i for i in todo if i in active])
    audits = issue_many(campaign=campaign, suppliers=[suppliers[i] for i in todo if i in suppliers])
    contacts_assign(campaign=campaign, audits=audits)
    return [i for i in todo if i not in suppliers]


def _campaign_finish(campaign_id: int) -> Campaign:
    """Mark a running campaign whose chunks are all done ``done`` (once, whichever worker
    comes last), naming the suppliers skipped because they left the network."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        chunks = campaign.chunks.all()
        if campaign.status != Campaign.Status.RUNNING or chunks.filter(done_at=None).exists():
            return campaign
        skipped = [i for ids in chunks.values_list("skipped", flat=True) for i in ids]
        campaign.status = Campaign.Status.DONE
        campaign.processed = campaign.total
        campaign.finished_at = timezone.now()
        campaign.error = (
            _("Skipped suppliers no longer in the network: %(ids)s.")
            % {"ids": ", ".join(map(str, skipped))}
            if skipped
            else ""
        )
        campaign.save(update_fields=["status", "processed", "finished_at", "error"])
        return campaign
