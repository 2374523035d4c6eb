"""What the daily-job commands share: ``--date YYYY-MM-DD`` to run as if today were that day."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError


class DailyJobCommand(BaseCommand):
    """A daily job for cron; ``run(today)`` does the work (``today`` None: the local date)."""

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        self.stdout.write(self.run(today))

    def run(self, today: datetime.date | None) -> str:
        """Do the job; the line to print."""
        raise NotImplementedError
