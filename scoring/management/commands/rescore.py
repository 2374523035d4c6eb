"""Re-score every accepted audit of a rule set's questionnaire with that rule set version.

    python manage.py rescore --ruleset sme-csr-core-rules@2 [--owner BUYER_ID] [--batch-size N]

Adds a new score per audit and keeps the earlier ones; audits already scored by this rule set
version are skipped, so an interrupted run can be started again.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from rulesets.models import RuleSet
from scoring.services import rescore_bulk


class Command(BaseCommand):
    help = "Re-score accepted audits in bulk with a published rule set version (CODE@VERSION)."

    def add_arguments(self, parser):
        parser.add_argument("--ruleset", required=True, help="CODE@VERSION")
        parser.add_argument(
            "--owner", type=int, default=None, help="buyer id for a buyer's own rule set"
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, ruleset: str, owner: int | None, batch_size: int, **options):
        code, sep, version = ruleset.partition("@")
        if not sep or not version.isdigit():
            raise CommandError("--ruleset must be CODE@VERSION, e.g. sme-csr-core-rules@2")
        rulesets = RuleSet.objects.filter(code=code, version=int(version))
        rulesets = rulesets.filter(owner_id=owner) if owner else rulesets.filter(owner__isnull=True)
        found = rulesets.first()
        if found is None:
            raise CommandError(f"No rule set {ruleset}" + (f" of buyer {owner}" if owner else ""))
        if found.status != RuleSet.Status.PUBLISHED:
            raise CommandError(f"{ruleset} is {found.status}: publish it first")
        started = time.perf_counter()
        result = rescore_bulk(ruleset=found, batch_size=batch_size)
        report = {
            "ruleset": str(found),
            "scored": result.scored,
            "skipped": result.skipped,
            "errors": result.errors,
            "seconds": round(time.perf_counter() - started, 2),
        }
        self.stdout.write(json.dumps(report))
