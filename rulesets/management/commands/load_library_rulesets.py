"""Load and publish the library rule sets (rulesets/library/*.yaml); safe to run again.

Run after the questionnaire library is loaded: a rule set is validated against the latest
published version of the questionnaire it scores. The default risk tables are the scoring app's
(its migration installs them; ``load_risk_tables --defaults`` reinstalls them).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from rulesets.services import library_rulesets_load


class Command(BaseCommand):
    help = "Load and publish the library rule sets."

    def handle(self, *args, **options):
        for name, outcome in library_rulesets_load().items():
            self.stdout.write(f"{name}: {outcome}")
