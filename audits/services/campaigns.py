"""Campaigns: one questionnaire issued to many suppliers, resolved at once and processed in
chunks by a background job (which sends the audits as the system)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from activity.events import Verb, record
from audits.models import Audit, Campaign
from audits.services.issuing import check_template, create_audit, resolve_buyer, send_audit
from questionnaires.models import QuestionnaireVersion
from suppliers.models import SupplierRelationship

CAMPAIGN_FILTERS = ("country", "criticality", "category")
CAMPAIGN_CHUNK = 100


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
) -> Campaign:
    """Issue ``questionnaire_version`` to many suppliers: a list of supplier ids or a filter
    on the network (country, criticality, category). The suppliers are resolved now and stored;
    the audits are created by ``campaign_process`` in a Celery task (in-process without a
    broker), after commit."""
    buyer = resolve_buyer(actor=actor, buyer=buyer)
    check_template(buyer=buyer, version=questionnaire_version, ruleset=ruleset, due_date=due_date)
    links = SupplierRelationship.objects.filter(buyer=buyer, active=True)
    if supplier_ids:
        resolved, filters = _campaign_suppliers_by_id(links, supplier_ids), {}
    else:
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
        resolved = _campaign_suppliers_by_filter(links, filters)
    campaign = Campaign.objects.create(
        buyer=buyer,
        name=name,
        questionnaire_version=questionnaire_version,
        ruleset=ruleset,
        due_date=due_date,
        supplier_ids=resolved,
        filters=dict(filters),
        total=len(resolved),
        created_by=actor,
    )
    record(
        Verb.CAMPAIGN_CREATED,
        actor=actor,
        organization=buyer,
        data={"campaign": campaign.pk, "suppliers": len(resolved), "filters": dict(filters)},
    )

    def enqueue() -> None:
        # audits.tasks imports this module (the task runs campaign_process).
        from audits.tasks import process_campaign_task

        process_campaign_task.delay(campaign.pk)

    transaction.on_commit(enqueue)
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


def campaign_process(*, campaign_id: int) -> Campaign:
    """Create the audits of a campaign, in chunks of ``CAMPAIGN_CHUNK`` (one transaction each),
    updating ``processed`` as it goes. Idempotent: a supplier that already has its audit in
    this campaign is skipped, so a re-run (or a retried task) creates no duplicates.

    Runs as a job: the audits are sent by the system (``actor=None``) on behalf of the
    campaign's creator, who stays their ``issued_by``."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status == Campaign.Status.DONE:
            return campaign
        campaign.status = Campaign.Status.RUNNING
        campaign.save(update_fields=["status"])
    campaign = Campaign.objects.select_related("buyer", "questionnaire_version", "created_by").get(
        pk=campaign_id
    )
    ids = list(campaign.supplier_ids)
    active = set(
        SupplierRelationship.objects.filter(
            buyer=campaign.buyer, supplier_id__in=ids, active=True
        ).values_list("supplier_id", flat=True)
    )
    skipped: list[int] = []
    for start in range(0, len(ids), CAMPAIGN_CHUNK):
        chunk = ids[start : start + CAMPAIGN_CHUNK]
        with transaction.atomic():
            skipped += _campaign_chunk(campaign, chunk, active)
            processed = min(start + len(chunk), len(ids))
            Campaign.objects.filter(pk=campaign.pk).update(processed=processed)
    return _campaign_finish(campaign, skipped)


def _campaign_chunk(campaign: Campaign, chunk: Sequence[int], active: set[int]) -> list[int]:
    """Create and send the audits of one chunk of suppliers; returns the ids skipped because
    they left the network."""
    done = set(
        Audit.objects.filter(campaign=campaign, supplier_id__in=chunk).values_list(
            "supplier_id", flat=True
        )
    )
    suppliers = Organization.objects.in_bulk([i for i in chunk if i not in done])
    skipped = []
    for supplier_id in chunk:
        if supplier_id in done:
            continue
        if supplier_id not in active or supplier_id not in suppliers:
            skipped.append(supplier_id)
            continue
        try:
            with transaction.atomic():
                audit = create_audit(
                    buyer=campaign.buyer,
                    supplier=suppliers[supplier_id],
                    version=campaign.questionnaire_version,
                    ruleset=campaign.ruleset,
                    due_date=campaign.due_date,
                    actor=campaign.created_by,
                    title=campaign.name,
                    campaign=campaign,
                    send=False,
                )
                send_audit(audit, actor=None)
        except IntegrityError:
            # Another worker issued it meanwhile (unique per campaign and supplier).
            continue
    return skipped


def _campaign_finish(campaign: Campaign, skipped: Sequence[int]) -> Campaign:
    campaign.refresh_from_db()
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
