"""Reference risk tables: shipped default, CSV loading (all or nothing), inherent risk."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.models import User
from scoring.models import CountryRisk, IndustryRisk
from scoring.selectors import inherent_risk, inherent_risk_map, risk_priority
from scoring.services import risk_tables_load_csv, risk_tables_load_defaults

pytestmark = pytest.mark.django_db


def test_default_tables_are_installed_and_marked_illustrative():
    assert CountryRisk.objects.count() > 40
    assert IndustryRisk.objects.get(industry="14").level == "high"
    assert set(CountryRisk.objects.values_list("source", flat=True)) == {"Illustrative default"}


def test_csv_replaces_the_table():
    text = "# comment\ncountry,level,source\nde,low,own\nVN,HIGH,own\n"

    count = risk_tables_load_csv(kind="country", file=io.StringIO(text))

    assert count == 2
    assert dict(CountryRisk.objects.values_list("country", "level")) == {"DE": "low", "VN": "high"}


def test_bad_rows_are_400_per_row_and_change_nothing():
    before = CountryRisk.objects.count()
    text = "country,level\nDE,low\nXX,low\nFR,extreme\nDE,high\n"

    with pytest.raises(ValidationError) as exc:
        risk_tables_load_csv(kind="country", file=io.BytesIO(text.encode()))

    errors = exc.value.message_dict
    assert set(errors) == {"row 3", "row 4", "row 5"}
    assert "ISO 3166" in errors["row 3"][0]
    assert errors["row 4"][0].startswith("level:")
    assert "twice" in errors["row 5"][0]
    assert CountryRisk.objects.count() == before


def test_missing_column_is_400():
    with pytest.raises(ValidationError) as exc:
        risk_tables_load_csv(kind="industry", file=io.StringIO("code,level\n13,high\n"))
    assert "header" in exc.value.message_dict


def test_inherent_risk_is_the_higher_and_feeds_priority(world):
    risk_tables_load_csv(kind="country", file=io.StringIO("country,level\nCN,medium\n"))
    risk_tables_load_csv(kind="industry", file=io.StringIO("industry,level\n13,low\n25,high\n"))

    assert inherent_risk(world.s1) == "medium"  # CN medium, 13 low
    assert inherent_risk(world.s2) == "high"  # CN medium, 25 high
    assert inherent_risk_map([world.s1, world.s2]) == {world.s1.pk: "medium", world.s2.pk: "high"}
    assert risk_priority("high", inherent_risk(world.s2)) == "P1"
    assert risk_priority(None, inherent_risk(world.s1)) == "P2"


def test_defaults_do_not_overwrite_a_loaded_table():
    risk_tables_load_csv(kind="country", file=io.StringIO("country,level\nCN,low\n"))

    loaded = risk_tables_load_defaults()

    assert "country" not in loaded
    assert CountryRisk.objects.get().level == "low"


def test_load_risk_tables_command(tmp_path):
    path = tmp_path / "industries.csv"
    path.write_text("industry,level,name\n13,medium,Textiles\n")

    call_command("load_risk_tables", "--kind", "industry", str(path), stdout=io.StringIO())

    assert list(IndustryRisk.objects.values_list("industry", "level", "name")) == [
        ("13", "medium", "Textiles")
    ]


def test_staff_import_csv_in_admin(client):
    staff = User.objects.create_superuser("staff@example.com", "pw-12345-long")
    client.force_login(staff)
    upload = SimpleUploadedFile("c.csv", b"country,level\nBD,high\n", "text/csv")

    page = client.get("/admin/scoring/countryrisk/import-csv/")
    response = client.post("/admin/scoring/countryrisk/import-csv/", {"file": upload})

    assert page.status_code == 200
    assert response.status_code == 302
    assert list(CountryRisk.objects.values_list("country", "level")) == [("BD", "high")]
    assert client.get("/admin/scoring/countryrisk/").status_code == 200


def test_admin_import_shows_row_errors(client):
    staff = User.objects.create_superuser("staff2@example.com", "pw-12345-long")
    client.force_login(staff)
    upload = SimpleUploadedFile("c.csv", b"country,level\nBD,awful\n", "text/csv")

    response = client.post("/admin/scoring/countryrisk/import-csv/", {"file": upload})

    assert response.status_code == 200
    assert "row 2" in response.content.decode()


def test_text_longer_than_a_column_is_a_row_error_not_cut():
    long = "x" * 201
    text = f"industry,level,name,source\n14,high,{long},own\n15,low,Leather,{long}\n"

    with pytest.raises(ValidationError) as caught:
        risk_tables_load_csv(kind="industry", file=io.StringIO(text))

    assert caught.value.message_dict == {
        "row 2": ["name: at most 200 characters"],
        "row 3": ["source: at most 200 characters"],
    }
    assert IndustryRisk.objects.get(industry="14").name != long
