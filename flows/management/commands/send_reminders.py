"""``python manage.py send_reminders [--date YYYY-MM-DD]``: the daily reminder job, for cron."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from flows.services import send_daily_reminders


class Command(BaseCommand):
    help = "Mail audit and corrective-action reminders due today (at most once per item per day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        count = send_daily_reminders(today=today)
        self.stdout.write(f"{count} reminder mail(s) scheduled.")
