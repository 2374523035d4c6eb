"""Load the shared questionnaire library (questionnaires/library/*.yaml) and its rule sets
(rulesets/library/*.yaml). Safe to run any number of times: unchanged files change nothing."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from questionnaires.services import LIBRARY_DIR, library_load
from rulesets.services import LIBRARY_DIR as RULES_DIR
from rulesets.services import ruleset_import


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [f"{field}: {m}" for field, errs in exc.message_dict.items() for m in errs]
    return list(exc.messages)


class Command(BaseCommand):
    help = "Load the shared questionnaire library and its scoring rule sets (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--questionnaires", type=Path, default=LIBRARY_DIR)
        parser.add_argument("--rules", type=Path, default=RULES_DIR)
        parser.add_argument(
            "--skip-rules", action="store_true", help="Load the questionnaires only."
        )

    def handle(self, *args, questionnaires: Path, rules: Path, skip_rules: bool, **options):
        try:
            with transaction.atomic():
                for result in library_load(directory=questionnaires):
                    state = "loaded as" if result.created else "unchanged,"
                    self.stdout.write(
                        f"{result.file}: {result.code} {state} version {result.number}"
                    )
                if not skip_rules:
                    self._load_rules(rules)
        except ValidationError as exc:
            raise CommandError("\n".join(["Nothing was loaded:", *_messages(exc)])) from None

    def _load_rules(self, directory: Path) -> None:
        for path in sorted(directory.glob("*.yaml")):
            document = yaml.safe_load(path.read_text(encoding="utf-8"))
            try:
                ruleset = ruleset_import(document=document, owner=None, actor=None, publish=True)
            except ValidationError as exc:
                raise ValidationError(
                    {f"{path.name}: {k}": v for k, v in _by_field(exc).items()}
                ) from None
            self.stdout.write(f"{path.name}: {ruleset.code} version {ruleset.version}")


def _by_field(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"file": list(exc.messages)}
