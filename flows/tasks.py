"""Background work of the cross-app steps (Celery; in-process when no broker is configured)."""

from __future__ import annotations

from celery import shared_task

from accounts.mail import send_daily_digests
from flows.reassessment import run_reassessment
from flows.services import send_daily_reminders


@shared_task
def send_reminders_task() -> int:
    """The daily reminder job (beat schedule ``send-daily-reminders``)."""
    return send_daily_reminders()


@shared_task
def send_digests_task() -> int:
    """The daily digest of notifications (beat schedule ``send-daily-digests``), next to the
    reminders it often lists."""
    return send_daily_digests()


@shared_task
def reassess_task() -> int:
    """The daily re-assessment cycle (beat schedule ``reassess``): the number of audits
    created."""
    return len(run_reassessment())
