"""Background work of the scoring app (Celery; in-process when no broker is configured)."""

from __future__ import annotations

from celery import shared_task


@shared_task(acks_late=True)
def run_export_task(job_id: int) -> str:
    """Run one risk register export job; a retried delivery of a finished job does nothing."""
    from register.services import export_run

    return export_run(job_id=job_id).status


@shared_task
def purge_expired_exports_task() -> int:
    """Delete expired export files (beat schedule ``purge-expired-exports``)."""
    from register.services import export_purge_expired

    return export_purge_expired()
