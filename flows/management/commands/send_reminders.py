"""``python manage.py send_reminders [--date YYYY-MM-DD]``: the daily reminder job, for cron."""

from __future__ import annotations

import datetime

from flows.management.daily import DailyJobCommand
from flows.services import send_daily_reminders


class Command(DailyJobCommand):
    help = "Mail audit, corrective-action and certificate-expiry reminders due today (at most once each)."

    def run(self, today: datetime.date | None) -> str:
        count = send_daily_reminders(today=today)
        return f"{count} reminder mail(s) scheduled."
