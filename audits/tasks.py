"""Background work of the audits app (Celery; in-process when no broker is configured)."""

from __future__ import annotations

import logging

from celery import shared_task

from audits.models import Campaign
from audits.services.campaigns import (
    campaign_fail,
    campaign_issue_next_chunk,
    campaign_process,
    campaign_start,
)

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def process_campaign_task(campaign_id: int) -> int:
    """Run a campaign; safe to retry (a done chunk is not run again, issuing is idempotent per
    supplier). With a broker it cuts the campaign into chunks and queues one
    ``issue_campaign_chunk_task`` per chunk not done, which every worker takes its share of;
    without one (in-process) it issues the chunks here, in order.

    Returns the number of suppliers processed so far. When processing fails the campaign is
    recorded as ``failed`` with the reason and the error is logged, not raised: without a
    broker this runs after the commit of the request that created the campaign, which must not
    fail."""
    if process_campaign_task.app.conf.task_always_eager:
        return process_campaign_here(campaign_id)
    try:
        campaign = campaign_start(campaign_id=campaign_id)
        if campaign.status == Campaign.Status.RUNNING:
            for _chunk in range(campaign.chunks.filter(done_at=None).count()):
                issue_campaign_chunk_task.delay(campaign_id)
        return campaign.processed
    except Exception as exc:  # any failure must end in a visible state, never `running`
        logger.exception("Campaign %s failed", campaign_id)
        campaign_fail(campaign_id=campaign_id, exc=exc)
        return 0


def process_campaign_here(campaign_id: int) -> int:
    """Run a campaign in this process, chunk after chunk (no broker; ``manage.py
    process_campaign``); a failure marks it ``failed`` and is logged, not raised. Returns the
    number of suppliers processed."""
    try:
        return campaign_process(campaign_id=campaign_id).processed
    except Exception as exc:  # any failure must end in a visible state, never `running`
        logger.exception("Campaign %s failed", campaign_id)
        campaign_fail(campaign_id=campaign_id, exc=exc)
        return 0


@shared_task(acks_late=True)
def issue_campaign_chunk_task(campaign_id: int) -> bool:
    """Issue the next chunk of a running campaign nobody else is issuing (the last one
    finishes the campaign). A failure marks the campaign ``failed``; the chunk stays to do."""
    try:
        return campaign_issue_next_chunk(campaign_id=campaign_id)
    except Exception as exc:  # any failure must end in a visible state, never `running`
        logger.exception("Campaign %s failed", campaign_id)
        campaign_fail(campaign_id=campaign_id, exc=exc)
        return False
