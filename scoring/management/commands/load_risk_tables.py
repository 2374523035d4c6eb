"""Load the reference risk tables from CSV (DESIGN 6.7).

    python manage.py load_risk_tables --kind country path/to/countries.csv
    python manage.py load_risk_tables --defaults [--force]

CSV columns: ``country,level[,source]`` or ``industry,level[,name][,source]``; ``#`` lines are
comments. A file with any bad row changes nothing.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from scoring.services import risk_tables_load_csv, risk_tables_load_defaults


class Command(BaseCommand):
    help = "Replace the country or industry risk table with a CSV, or install the defaults."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?")
        parser.add_argument("--kind", choices=["country", "industry"])
        parser.add_argument(
            "--defaults", action="store_true", help="install scoring/data/*.csv (empty tables)"
        )
        parser.add_argument(
            "--force", action="store_true", help="with --defaults: replace existing tables too"
        )

    def handle(self, *args, file=None, kind=None, defaults=False, force=False, **options):
        try:
            if defaults:
                loaded = risk_tables_load_defaults(only_empty=not force)
                for name, count in loaded.items():
                    self.stdout.write(f"{name}: {count} rows")
                if not loaded:
                    self.stdout.write("Tables already filled; nothing loaded (use --force).")
                return
            if not (file and kind):
                raise CommandError("Give --kind and a CSV file, or --defaults.")
            count = risk_tables_load_csv(kind=kind, file=file)
        except ValidationError as exc:
            lines = [f"{k}: {m}" for k, msgs in exc.message_dict.items() for m in msgs]
            raise CommandError("\n".join(lines)) from exc
        except OSError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{kind}: {count} rows")
