"""The reference risk tables (country and industry inherent risk): CSV import and defaults."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from activity.events import Verb, scoring_event

from ..models import CountryRisk, IndustryRisk, RiskLevel

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEFAULT_RISK_FILES = {
    "country": DATA_DIR / "country_risk.csv",
    "industry": DATA_DIR / "industry_risk.csv",
}


RISK_COLUMNS = {"country": ("country", "level"), "industry": ("industry", "level")}
RISK_TEXT_MAX = 200  # CountryRisk.source, IndustryRisk.name and .source


def _read_text(file: Any) -> str:
    if isinstance(file, str | Path):
        return Path(file).read_text(encoding="utf-8-sig")
    data = file.read()
    if isinstance(data, bytes):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": [_("The file is not UTF-8 text.")]}) from exc
    return data


def parse_risk_csv(kind: str, text: str) -> list[dict[str, str]]:
    """Rows of a risk-table CSV (``#`` lines are comments), or a ValidationError per row."""
    if kind not in RISK_COLUMNS:
        raise ValidationError({"kind": [_("Expected country or industry.")]})
    key, _level = RISK_COLUMNS[kind]
    lines = [(n, line) for n, line in enumerate(io.StringIO(text), start=1)]
    content = [(n, line) for n, line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not content:
        raise ValidationError({"file": [_("The file has no header row.")]})
    reader = csv.reader(line for _n, line in content)
    header = [h.strip().lower() for h in next(reader)]
    missing = [c for c in RISK_COLUMNS[kind] if c not in header]
    if missing:
        raise ValidationError(
            {"header": [_("Missing column(s): %(cols)s") % {"cols": ", ".join(missing)}]}
        )
    valid_countries = dict(countries)
    levels = set(RiskLevel.values)
    rows: list[dict[str, str]] = []
    errors: dict[str, list[str]] = defaultdict(list)
    seen: set[str] = set()
    for (line_no, _line), cells in zip(content[1:], reader, strict=True):
        row = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        where = f"row {line_no}"
        code = row[key].upper() if kind == "country" else row[key]
        level = row["level"].lower()
        if kind == "country" and code not in valid_countries:
            errors[where].append(f"country: {code!r} is not an ISO 3166 alpha-2 code")
        if kind == "industry" and not (0 < len(code) <= 8):
            errors[where].append("industry: required, at most 8 characters")
        if level not in levels:
            errors[where].append(f"level: {row['level']!r} is not low, medium or high")
        if code in seen:
            errors[where].append(f"{key}: {code} appears twice")
        for column in ("name", "source"):
            if len(row.get(column, "")) > RISK_TEXT_MAX:
                errors[where].append(f"{column}: at most {RISK_TEXT_MAX} characters")
        seen.add(code)
        rows.append(
            {
                key: code,
                "level": level,
                "name": row.get("name", ""),
                "source": row.get("source", ""),
            }
        )
    if errors:
        raise ValidationError(dict(errors))
    return rows


def risk_tables_load_csv(*, kind: str, file: Any, actor=None) -> int:
    """Replace the country or industry risk table with a CSV (a path, or a text / binary file).

    Columns: ``country,level[,source]`` or ``industry,level[,name][,source]``; ``level`` is low |
    medium | high; lines starting with ``#`` are comments. All or nothing: a bad row is a 400
    ``{"row N": [reasons]}`` and the table is unchanged. Returns the number of rows loaded."""
    rows = parse_risk_csv(kind, _read_text(file))
    with transaction.atomic():
        if kind == "country":
            CountryRisk.objects.all().delete()
            CountryRisk.objects.bulk_create(
                CountryRisk(country=r["country"], level=r["level"], source=r["source"])
                for r in rows
            )
        else:
            IndustryRisk.objects.all().delete()
            IndustryRisk.objects.bulk_create(
                IndustryRisk(
                    industry=r["industry"],
                    name=r["name"],
                    level=r["level"],
                    source=r["source"],
                )
                for r in rows
            )
        scoring_event(Verb.RISK_TABLE_LOADED, actor=actor, kind=kind, rows=len(rows))
    return len(rows)


def risk_tables_load_defaults(*, actor=None, only_empty: bool = True) -> dict[str, int]:
    """Install the shipped default tables (``scoring/data/*.csv``); by default only into an
    empty table, so that a staff-loaded assessment is never overwritten."""
    loaded: dict[str, int] = {}
    for kind, path in DEFAULT_RISK_FILES.items():
        model = CountryRisk if kind == "country" else IndustryRisk
        if only_empty and model.objects.exists():
            continue
        loaded[kind] = risk_tables_load_csv(kind=kind, file=path, actor=actor)
    return loaded
