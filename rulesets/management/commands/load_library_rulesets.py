"""Load and publish the library rule sets (rulesets/library/*.yaml); safe to run again.

Run after the questionnaire library is loaded: a rule set is validated against the latest
published version of the questionnaire it scores.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rulesets.services import library_rulesets_load
from scoring.services import risk_tables_load_defaults


class Command(BaseCommand):
    help = "Load the library rule sets and, into empty tables, the default risk tables."

    def handle(self, *args, **options):
        for name, outcome in library_rulesets_load().items():
            self.stdout.write(f"{name}: {outcome}")
        for kind, count in risk_tables_load_defaults().items():
            self.stdout.write(f"{kind} risk: {count} rows (illustrative default)")
