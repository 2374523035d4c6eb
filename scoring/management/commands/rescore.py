"""Re-score every accepted audit of a rule set's questionnaire with that rule set version.

    python manage.py rescore --ruleset sme-csr-core-rules@2 [--owner BUYER_ID] [--batch-size N]
        [--workers N]

Adds a new score per audit and keeps the earlier ones; audits already scored by this rule set
version are skipped, so an interrupted run can be started again. ``--workers N`` runs N
processes of this command, each on its own part of the audits (``--part I/N``), and reports
their sum: scoring is CPU work, so a machine with N cores re-scores about N times faster.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

from django.conf import settings
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
        if workers > 1:
            report = self._in_workers(workers, ruleset, owner, batch_size)
        else:
            result = rescore_bulk(
                ruleset=found, batch_size=batch_size, part=(int(index), int(parts))
            )
            report = {"scored": result.scored, "skipped": result.skipped, "errors": result.errors}
        report = {"ruleset": str(found), **report}
        report["seconds"] = round(time.perf_counter() - started, 2)
        self.stdout.write(json.dumps(report))

    def _in_workers(self, workers: int, ruleset: str, owner: int | None, batch_size: int) -> dict:
        """Run one process of this command per part and add up their reports."""
        manage = str(settings.BASE_DIR / "manage.py")
        command = [sys.executable, manage, "rescore", "--ruleset", ruleset]
        command += ["--batch-size", str(batch_size)]
        if owner:
            command += ["--owner", str(owner)]
        running = [
            subprocess.Popen([*command, "--part", f"{i}/{workers}"], stdout=subprocess.PIPE)
            for i in range(workers)
        ]
        total: dict = {"scored": 0, "skipped": 0, "errors": {}, "workers": workers}
        for process in running:
            out, _err = process.communicate()
            if process.returncode:
                raise CommandError(f"A worker failed (exit status {process.returncode}).")
            report = json.loads(out.decode().strip().splitlines()[-1])
            total["scored"] += report["scored"]
            total["skipped"] += report["skipped"]
            total["errors"].update(report["errors"])
        return total
