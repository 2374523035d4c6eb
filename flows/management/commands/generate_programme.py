"""Generate a supplier programme at scale for benchmarks (``flows.demo.programme``)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from flows.demo.programme import generate_programme


class Command(BaseCommand):
    help = (
        "Write N buyers, suppliers and accepted audits with answers, final scores, findings and "
        "corrective actions in bulk (benchmark data; never on a production database), with "
        "ANALYZE after loading on PostgreSQL. Prints what was made as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--buyers", type=int, default=1)
        parser.add_argument("--suppliers", type=int, default=1000)
        parser.add_argument("--audits", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=20261201)

    def handle(self, *args, buyers: int, suppliers: int, audits: int, seed: int, **options):
        if buyers < 1 or suppliers < 1 or audits < 0:
            raise CommandError("--buyers and --suppliers must be at least 1, --audits at least 0.")
        made = generate_programme(buyers=buyers, suppliers=suppliers, audits=audits, seed=seed)
        self.stdout.write(json.dumps(made))
