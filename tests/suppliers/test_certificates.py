"""Supplier certificates through the API: who writes, who reads, who verifies; bad input; the
document; expiry reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership
from activity.models import ActivityEvent
from suppliers.certificates import (
    certificate_create,
    certificate_verify,
    send_certificate_reminders,
)
from suppliers.models import Certificate
from tests.factories import link_supplier, make_member, make_supplier

pytestmark = pytest.mark.django_db
URL = "/api/v1/certificates/"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
TODAY = datetime.date(2026, 6, 1)


def fields(**overrides) -> dict:
    return {
        "kind": "iso14001",
        "issuer": "CQC",
        "number": "CN-14001-42",
        "scope": "Dyeing and finishing of cotton fabric",
        "valid_from": "2025-01-01",
        "valid_to": "2027-12-31",
        **overrides,
    }


def make_cert(supplier, actor=None, **overrides) -> Certificate:
    values = fields(**overrides)
    for key in ("valid_from", "valid_to"):
        values[key] = datetime.date.fromisoformat(values[key])
    return certificate_create(supplier=supplier, actor=actor, **values)


def pdf(name: str = "iso14001.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_supplier_admin_records_a_certificate_with_its_document(world, api):
    body = fields(document=pdf())
    r = api(world.s1_admin).post(URL, body, format="multipart")
    assert r.status_code == 201, r.json()
    cert = Certificate.objects.get(pk=r.json()["id"])
    assert (cert.supplier, cert.kind, cert.number) == (world.s1, "iso14001", "CN-14001-42")
    assert (cert.document_type, cert.document_name, cert.created_by) == (
        "application/pdf",
        "iso14001.pdf",
        world.s1_admin,
    )
    assert r.json()["title"] == "ISO 14001" and r.json()["verified"] is False
    assert ActivityEvent.objects.filter(verb="certificate.added", organization=world.s1).exists()
    download = api(world.a_officer).get(f"{URL}{cert.pk}/document/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_levels_are_checked_by_kind(world, api):
    client = api(world.s1_admin)
    r = client.post(URL, fields(kind="rba_vap", level="Gold"), format="json")
    assert r.status_code == 201 and r.json()["title"] == "RBA VAP Gold"
    r = client.post(URL, fields(kind="amfori_bsci", level="F"), format="json")
    assert r.status_code == 400 and "level" in r.json()["errors"]
    r = client.post(URL, fields(kind="iso9001", level="gold"), format="json")
    assert r.status_code == 400 and "level" in r.json()["errors"]
    r = client.post(URL, fields(kind="other"), format="json")
    assert r.status_code == 400 and "name" in r.json()["errors"]


def test_bad_dates_and_bad_files_are_400_and_save_nothing(world, api):
    client = api(world.s1_admin)
    r = client.post(URL, fields(valid_from="2027-01-01", valid_to="2026-12-31"), format="json")
    assert r.status_code == 400 and "valid_to" in r.json()["errors"]
    r = client.post(URL, fields(document=pdf("x.pdf", b"MZ not a pdf")), format="multipart")
    assert r.status_code == 400 and "document" in r.json()["errors"]
    r = client.post(URL, fields(kind="iso27001", extra="x"), format="json")
    assert r.status_code == 400 and {"kind", "extra"} <= set(r.json()["errors"])
    assert not Certificate.objects.exists()


def test_supplier_admin_edits_and_deletes_its_own(world, api):
    cert = make_cert(world.s1, world.s1_admin)
    client = api(world.s1_admin)
    r = client.patch(f"{URL}{cert.pk}/", {"valid_to": "2028-06-30"}, format="json")
    assert r.status_code == 200 and r.json()["valid_to"] == "2028-06-30"
    r = client.patch(f"{URL}{cert.pk}/", {"valid_from": "2029-01-01"}, format="json")
    assert r.status_code == 400 and "valid_to" in r.json()["errors"]
    assert client.delete(f"{URL}{cert.pk}/").status_code == 204
    assert not Certificate.objects.filter(pk=cert.pk).exists()


def test_other_supplier_and_unrelated_buyer_get_404(world, api):
    cert = make_cert(world.s2)  # s2 works with buyer A only
    for user in (world.s1_admin, world.b_admin):
        client = api(user)
        assert client.get(f"{URL}{cert.pk}/").status_code == 404
        assert client.patch(f"{URL}{cert.pk}/", {"number": "X"}, format="json").status_code == 404
        assert client.delete(f"{URL}{cert.pk}/").status_code == 404
        assert client.post(f"{URL}{cert.pk}/verify/").status_code == 404
        assert client.get(f"{URL}{cert.pk}/document/").status_code == 404
        assert client.get(URL).json()["count"] == 0
    assert Certificate.objects.get(pk=cert.pk).number == "CN-14001-42"


def test_buyer_working_with_the_supplier_reads_and_verifies(world, api):
    cert = make_cert(world.s1)
    assert api(world.b_officer).get(f"{URL}?supplier={world.s1.pk}").json()["count"] == 1
    r = api(world.a_officer).post(f"{URL}{cert.pk}/verify/")
    assert r.status_code == 200
    assert r.json()["verified"] is True
    assert r.json()["verified_by"]["id"] == world.a_officer.pk
    assert r.json()["verified_buyer"]["id"] == world.buyer_a.pk
    assert api(world.b_admin).post(f"{URL}{cert.pk}/verify/").status_code == 409


def test_changing_what_a_certificate_says_clears_its_verification(world, api):
    cert = make_cert(world.s1)
    api(world.a_admin).post(f"{URL}{cert.pk}/verify/")
    client = api(world.s1_admin)
    assert client.patch(f"{URL}{cert.pk}/", {"scope": "All"}, format="json").json()["verified"]
    r = client.patch(f"{URL}{cert.pk}/", {"number": "CN-2"}, format="json")
    assert r.json()["verified"] is False and r.json()["verified_by"] is None


@pytest.mark.parametrize("role", ["respondent", "viewer", "buyer_officer", "reviewer"])
def test_roles_that_may_not_write_get_403(world, api, role):
    cert = make_cert(world.s1)
    user = {
        "respondent": world.s1_respondent,
        "viewer": make_member(world.buyer_a, Membership.Role.VIEWER),
        "buyer_officer": world.a_officer,
        "reviewer": world.a_reviewer,
    }[role]
    client = api(user)
    if role == "reviewer":  # a reviewer does not see the supplier network at all
        assert client.get(f"{URL}{cert.pk}/").status_code == 404
        return
    assert client.get(f"{URL}{cert.pk}/").status_code == 200
    assert client.patch(f"{URL}{cert.pk}/", {"number": "X"}, format="json").status_code == 403
    assert client.delete(f"{URL}{cert.pk}/").status_code == 403
    assert client.post(URL, fields(), format="json").status_code == 403
    if role != "buyer_officer":
        assert client.post(f"{URL}{cert.pk}/verify/").status_code == 403
    assert Certificate.objects.get(pk=cert.pk).number == "CN-14001-42"


def test_supplier_admin_cannot_verify_its_own(world, api):
    cert = make_cert(world.s1)
    assert api(world.s1_admin).post(f"{URL}{cert.pk}/verify/").status_code == 403
    assert not Certificate.objects.get(pk=cert.pk).verified


@pytest.mark.parametrize("count", [1, 6])
def test_list_query_count_does_not_grow(world, api, django_assert_max_num_queries, count):
    for n in range(count):
        make_cert(world.s1, number=f"N-{n}")
        api(world.a_officer).post(f"{URL}{Certificate.objects.last().pk}/verify/")  # type: ignore[union-attr]
    client = api(world.b_officer)
    with django_assert_max_num_queries(4):
        body = client.get(URL).json()
    assert body["count"] == count


def test_expiry_reminder_once_per_validity(world, django_capture_on_commit_callbacks):
    other = make_supplier()
    link_supplier(world.buyer_a, other)
    cert = make_cert(world.s1, valid_to="2026-06-20")
    make_cert(other, valid_to="2026-09-01")  # too far off
    with django_capture_on_commit_callbacks(execute=True):
        assert send_certificate_reminders(today=TODAY) == 1
    assert [m.to for m in mail.outbox] == [[world.s1_admin.email]]
    assert "2026-06-20" in mail.outbox[0].subject
    assert send_certificate_reminders(today=TODAY) == 0
    # Renewed: a new end of validity is reminded again when it comes near.
    Certificate.objects.filter(pk=cert.pk).update(valid_to=datetime.date(2026, 6, 25))
    assert send_certificate_reminders(today=TODAY) == 1


def test_expired_certificates_are_not_reminded(world):
    make_cert(world.s1, valid_to="2026-05-31")
    assert send_certificate_reminders(today=TODAY) == 0


def test_verifying_for_a_buyer_that_does_not_work_with_the_supplier_is_403(world):
    cert = make_cert(world.s2)  # buyer A's supplier only
    officer_of_both = make_member(world.buyer_b, Membership.Role.OFFICER)
    Membership.objects.create(
        user=officer_of_both, organization=world.buyer_a, role=Membership.Role.VIEWER
    )
    with pytest.raises(PermissionDenied):
        certificate_verify(certificate=cert, actor=officer_of_both, buyer=world.buyer_b)
    with pytest.raises(PermissionDenied):  # a viewer of buyer A verifies nothing
        certificate_verify(certificate=cert, actor=officer_of_both, buyer=world.buyer_a)
    assert not Certificate.objects.get(pk=cert.pk).verified
