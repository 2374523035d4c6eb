"""Create the demo data (idempotent): parties and users, then audits and actions when those
apps provide their seeding steps; prints the logins."""

from __future__ import annotations

import importlib
import importlib.util

from django.core.management.base import BaseCommand

from accounts.demo import SITE, logins, seed_parties

# Later steps, run in order when their module exists: (module, function).
STEPS = (("audits.demo", "seed_audits"), ("audits.demo_actions", "seed_actions"))


def _module_exists(name: str) -> bool:
    parent = name.rpartition(".")[0]
    if parent and importlib.util.find_spec(parent) is None:
        return False
    return importlib.util.find_spec(name) is not None


class Command(BaseCommand):
    help = "Create demo buyers, suppliers and users (and audits when available); idempotent."

    def handle(self, *args, **options):
        ctx = seed_parties(stdout=self.stdout)
        for module_name, function_name in STEPS:
            if not _module_exists(module_name):
                continue
            step = getattr(importlib.import_module(module_name), function_name, None)
            if step is not None:
                step(ctx)
        rows = logins(ctx)
        widths = [
            max(len(str(r[i])) for r in [*rows, ("email", "password", "organization", "role")])
            for i in range(4)
        ]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(self.style.SUCCESS("Fairlink demo data is ready."))
        self.stdout.write(line.format("email", "password", "organization", "role"))
        self.stdout.write(line.format(*("-" * w for w in widths)))
        for row in rows:
            self.stdout.write(line.format(*row))
        self.stdout.write(f"\nOpen {SITE} and sign in with any of the logins above.")
