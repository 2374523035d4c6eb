"""Background work of the audits app (Celery; in-process when no broker is configured)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def process_campaign_task(campaign_id: int) -> int:
    """Create the audits of a campaign; safe to retry (issuing is idempotent per supplier)."""
    from audits.services.campaigns import campaign_process

    return campaign_process(campaign_id=campaign_id).processed
