"""Background work of the audits app (Celery; in-process when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task

from audits.services.campaigns import campaign_fail, campaign_process

logger = logging.getLogger(__name__)


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
        campaign_fail(campaign_id=campaign_id, exc=exc)
        return 0
