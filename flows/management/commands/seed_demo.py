"""Create the demo data (idempotent): parties and users, audits in every state, corrective
actions in every state, certificates, a share request and a re-assessment policy; prints the
logins."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from flows.demo.actions import seed_actions
from flows.demo.assurance import seed_assurance
from flows.demo.audits import seed_audits
from flows.demo.organizations import SITE, logins, seed_parties


class Command(BaseCommand):
    help = "Create demo buyers, suppliers, users, audits and corrective actions; idempotent."

    def handle(self, *args, **options):
        ctx = seed_parties(stdout=self.stdout)
        seed_audits(ctx)
        seed_actions(ctx)
        seed_assurance(ctx)
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
