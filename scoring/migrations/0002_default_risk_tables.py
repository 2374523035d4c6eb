"""Install the shipped default risk tables (scoring/data/*.csv, an illustrative default to be
replaced) into empty tables. Staff reload them from CSV in the admin or with load_risk_tables."""

from django.db import migrations


def load_defaults(apps, schema_editor):
    from scoring.services import DEFAULT_RISK_FILES, parse_risk_csv

    CountryRisk = apps.get_model("scoring", "CountryRisk")
    IndustryRisk = apps.get_model("scoring", "IndustryRisk")
    if not CountryRisk.objects.exists():
        rows = parse_risk_csv("country", DEFAULT_RISK_FILES["country"].read_text("utf-8"))
        CountryRisk.objects.bulk_create(
            CountryRisk(country=r["country"], level=r["level"], source=r["source"]) for r in rows
        )
    if not IndustryRisk.objects.exists():
        rows = parse_risk_csv("industry", DEFAULT_RISK_FILES["industry"].read_text("utf-8"))
        IndustryRisk.objects.bulk_create(
            IndustryRisk(
                industry=r["industry"], name=r["name"], level=r["level"], source=r["source"]
            )
            for r in rows
        )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]

    operations = [migrations.RunPython(load_defaults, migrations.RunPython.noop)]
