"""``python manage.py reassess [--date YYYY-MM-DD]``: the daily re-assessment cycle, for cron."""

from __future__ import annotations

import datetime

from flows.management.daily import DailyJobCommand
from flows.reassessment import run_reassessment


class Command(DailyJobCommand):
    help = "Create the next assessments that the buyers' re-assessment policies call for."

    def run(self, today: datetime.date | None) -> str:
        return f"{len(run_reassessment(today=today))} assessment(s) created."
