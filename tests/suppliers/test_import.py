"""Supplier import from CSV / XLSX: validate everything, save all or nothing, idempotent."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Organization
from suppliers.imports import suppliers_import
from suppliers.models import SupplierRelationship

pytestmark = pytest.mark.django_db
URL = "/api/v1/suppliers/import/"
HEADER = "legal_id,name,country,province,industry,size_class,headcount,buyer_ref,criticality,category,admin_email,admin_name,admin_language"


def _csv(*rows: str, header: str = HEADER, name: str = "suppliers.csv") -> SimpleUploadedFile:
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def _xlsx(records: list[dict], name: str = "suppliers.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    pd.DataFrame(records).to_excel(buffer, index=False, engine="openpyxl")
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD = [
    "0091440300NEW0001,Dongguan Toys,CN,Guangdong,32,small,120,A-900,high,toys,toys@dg.example,Zhou Li,zh-Hans",
    "91330200NEWS00002,Hangzhou Silk,cn,Zhejiang,13,micro,,A-901,,textiles,silk@hz.example,,",
]


def _post(client, upload, **extra):
    return client.post(URL, {"file": upload, **extra}, format="multipart")


def test_good_csv_creates_links_and_reimport_changes_nothing(world, api):
    rows = [*GOOD, f"{world.s1.legal_id},ignored name,CN,,13,small,,A-001,high,apparel,,,"]
    client = api(world.a_officer)

    response = _post(client, _csv(*rows))
    assert response.status_code == 200, response.json()
    # s1 is already buyer A's, with the same fields
    assert response.json() == {"rows": 3, "created": 2, "linked": 0, "updated": 0, "unchanged": 1}
    toys = Organization.objects.get(legal_id="0091440300NEW0001")  # leading zeros kept
    assert (toys.province, toys.industry, toys.headcount) == ("Guangdong", "32", 120)
    admin = Membership.objects.get(organization=toys).user
    assert (admin.email, admin.preferred_language) == ("toys@dg.example", "zh-Hans")
    silk_rel = SupplierRelationship.objects.get(
        buyer=world.buyer_a, supplier__legal_id="91330200NEWS00002"
    )
    assert silk_rel.criticality == "medium"
    counts = (Organization.objects.count(), SupplierRelationship.objects.count())

    response = _post(client, _csv(*rows))
    assert response.json() == {"rows": 3, "created": 0, "linked": 0, "updated": 0, "unchanged": 3}
    assert (Organization.objects.count(), SupplierRelationship.objects.count()) == counts


def test_other_buyer_importing_shared_supplier_links_the_same_organization(world, api):
    assert _post(api(world.a_admin), _csv(*GOOD)).status_code == 200
    response = _post(api(world.b_admin), _csv(*GOOD))
    assert response.json()["linked"] == 2
    assert Organization.objects.filter(legal_id="0091440300NEW0001").count() == 1
    assert SupplierRelationship.objects.filter(supplier__legal_id="0091440300NEW0001").count() == 2


def test_changed_buyer_fields_are_updated(world, api):
    client = api(world.a_admin)
    _post(client, _csv(*GOOD))
    changed = GOOD[1].replace(",A-901,,", ",A-901,low,")
    response = _post(client, _csv(GOOD[0], changed))
    assert response.json()["updated"] == 1
    assert response.json()["unchanged"] == 1
    rel = SupplierRelationship.objects.get(
        buyer=world.buyer_a, supplier__legal_id="91330200NEWS00002"
    )
    assert rel.criticality == "low"


def test_bad_file_lists_every_bad_row_and_saves_nothing(world, api):
    before = (Organization.objects.count(), SupplierRelationship.objects.count())
    rows = [
        GOOD[0],
        "91000000BAD00003,Bad Country,XX,,13,small,,,,,a@b.example,,",  # row 3
        "91000000BAD00004,Bad Everything,CN,,00,huge,-5,,urgent,,not-an-email,,fr",  # row 4
        "0091440300NEW0001,Duplicate,CN,,32,small,,,,,c@d.example,,",  # row 5
        "91000000BAD00006,No Admin,CN,,13,small,,,,,,,",  # row 6
    ]
    response = _post(api(world.a_admin), _csv(*rows))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"row 3", "row 4", "row 5", "row 6"}
    assert errors["row 3"] == ["country: 'XX' is not an ISO 3166 country code."]
    row4 = " | ".join(errors["row 4"])
    for column in (
        "industry",
        "size_class",
        "headcount",
        "criticality",
        "admin_email",
        "admin_language",
    ):
        assert f"{column}:" in row4
    assert errors["row 5"] == ["legal_id: '0091440300NEW0001' is already on row 2"]
    assert errors["row 6"] == ["admin_email: required for a supplier not yet on Fairlink"]
    assert (Organization.objects.count(), SupplierRelationship.objects.count()) == before


def test_unknown_and_missing_columns_are_reported_on_the_header_row(world, api):
    response = _post(api(world.a_admin), _csv("X,Y,Z", header="legal_id,name,colour"))
    assert response.status_code == 400
    header = response.json()["errors"]["row 1"]
    assert any("unknown column 'colour'" in m for m in header)
    assert "missing required column 'country'" in header


def test_xlsx_import_keeps_leading_zeros_and_numbers(world, api):
    records = [
        {
            "legal_id": "000123456789",
            "name": "Chengdu Foods",
            "country": "CN",
            "province": "Sichuan",
            "industry": 10,
            "size_class": "medium",
            "headcount": 250,
            "admin_email": "food@cd.example",
        }
    ]
    response = _post(api(world.a_admin), _xlsx(records))
    assert response.status_code == 200, response.json()
    org = Organization.objects.get(legal_id="000123456789")
    assert (org.industry, org.headcount) == ("10", 250)


def test_file_type_is_checked_by_extension_and_content(world, api):
    client = api(world.a_admin)
    fake_xlsx = SimpleUploadedFile("suppliers.xlsx", b"legal_id,name\n1,2\n")
    response = _post(client, fake_xlsx)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    response = _post(client, SimpleUploadedFile("suppliers.pdf", b"%PDF-1.4"))
    assert response.status_code == 400
    assert response.json()["errors"]["file"] == ["Upload a .csv or .xlsx file."]


def test_gb18030_csv_from_chinese_excel_is_read(world):
    text = (
        HEADER
        + "\n91440300GBK00001,深圳光明纺织,CN,广东,13,small,,,,,gbk@example.com,张伟,zh-Hans\n"
    )
    upload = SimpleUploadedFile("s.csv", text.encode("gb18030"))
    summary = suppliers_import(buyer=world.buyer_a, file=upload, actor=world.a_admin)
    assert summary.created == 1
    assert Organization.objects.get(legal_id="91440300GBK00001").name == "深圳光明纺织"


def test_respondent_and_reviewer_cannot_import(world, api):
    assert _post(api(world.a_reviewer), _csv(*GOOD)).status_code == 403
    assert _post(api(world.s1_admin), _csv(*GOOD)).status_code == 403
    assert not Organization.objects.filter(legal_id="0091440300NEW0001").exists()


def test_import_into_another_buyer_is_404(world, api):
    response = _post(api(world.a_admin), _csv(*GOOD), buyer=world.buyer_b.pk)
    assert response.status_code == 404
