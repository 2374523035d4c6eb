"""Background work of the audits app (Celery; in-process when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.models import Campaign
from audits.services.campaigns import campaign_process
from audits.services.reminders import send_reminders

logger = logging.getLogger(__name__)


def campaign_record_failure(*, campaign_id: int, exc: BaseException) -> None:
    """Mark a campaign whose processing stopped as ``failed``, with the reason in ``error``.
    The audits issued so far stay; running the task again resumes with the others."""
    campaign = Campaign.objects.get(pk=campaign_id)
    campaign.status = Campaign.Status.FAILED
    campaign.finished_at = timezone.now()
    campaign.error = _(
        "Issuing stopped after %(processed)s of %(total)s suppliers (%(error)s). "
        "Running the campaign again issues the rest."
    ) % {
        "processed": campaign.processed,
        "total": campaign.total,
        "error": f"{type(exc).__name__}: {exc}"[:500],
    }
    campaign.save(update_fields=["status", "finished_at", "error"])


@shared_task(acks_late=True)
def process_campaign_task(campaign_id: int) -> int:
    """Create the audits of a campaign; safe to retry (issuing is idempotent per supplier).

    Returns the number of suppliers processed. When processing fails the campaign is recorded
    as ``failed`` with the reason and the error is logged, not raised: without a broker this
    runs after the commit of the request that created the campaign, which must not fail."""
    try:
        return campaign_process(campaign_id=campaign_id).processed
    except Exception as exc:  # any failure must end in a visible state, never `running`
        logger.exception("Campaign %s failed", campaign_id)
        campaign_record_failure(campaign_id=campaign_id, exc=exc)
        return 0


@shared_task
def send_reminders_task() -> int:
    """The daily reminder job (beat schedule ``send-daily-reminders``)."""
    return send_reminders()
