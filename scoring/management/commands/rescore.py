"""Re-score every accepted audit of a rule set's questionnaire with that rule set version.

    python manage.py rescore --ruleset sme-csr-core-rules@2 [--owner BUYER_ID] [--batch-size N]
        [--workers N]

Adds a new score per audit and keeps the earlier ones; audits already scored by this rule set
version are skipped, so an interrupted run can be started again. ``--workers N`` (PostgreSQL)
forks N processes from this one once the rule set is compiled, each re-scoring its own range of
audit ids with its own connection, and reports their sum: scoring is CPU work, so a machine with
N cores re-scores about N times faster. ``--part I/N`` re-scores only the audits whose id is I
modulo N, for runs spread by hand over several machines.
"""

from __future__ import annotations

import json
import time

from django.core.management.base import BaseCommand, CommandError

from rulesets.models import RuleSet
from scoring.services import rescore_bulk


class Command(BaseCommand):
    help = "Re-score accepted audits in bulk with a published rule set version (CODE@VERSION)."
    # The system checks (URLs, templates, the API schema) are the web process's; measured, they
    # cost a batch job that only reads and writes rows about 1.4 s of CPU on every run.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--ruleset", required=True, help="CODE@VERSION")
        parser.add_argument(
            "--owner", type=int, default=None, help="buyer id for a buyer's own rule set"
        )
        parser.add_argument("--batch-size", type=int, default=1000)
        parser.add_argument("--workers", type=int, default=1, help="processes sharing the work")
        parser.add_argument("--part", default="0/1", help="I/N: only this part of the audits")

    def handle(self, *args, ruleset: str, owner: int | None, batch_size: int, **options):
        workers = options["workers"]
        index, sep, parts = options["part"].partition("/")
        if not (sep and index.isdigit() and parts.isdigit() and int(index) < int(parts)):
            raise CommandError("--part must be I/N with 0 <= I < N, e.g. 0/2")
        if workers < 1:
            raise CommandError("--workers must be at least 1")
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
        result = rescore_bulk(
            ruleset=found, batch_size=batch_size, part=(int(index), int(parts)), workers=workers
        )
        report = {"scored": result.scored, "skipped": result.skipped, "errors": result.errors}
        if workers > 1:
            report["workers"] = workers
        report = {"ruleset": str(found), **report}
        report["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(report))
