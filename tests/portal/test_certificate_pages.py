"""Certificate pages: the supplier's list and form, the buyer's Verify button, and the answer
page's note on a question a certificate answers."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from suppliers.certificates import certificate_create
from suppliers.models import Certificate, SupplierRelationship
from tests.factories import load_doc, make_member, make_ruleset, make_version, signed_in

from .supplier_helpers import PDF_BYTES, issue

pytestmark = pytest.mark.django_db
LIST = "/s/certificates/"


def form(**overrides) -> dict:
    return {
        "kind": "sa8000",
        "issuer": "SAAS body",
        "number": "SA-77",
        "valid_from": "2025-01-01",
        "valid_to": (timezone.localdate() + datetime.timedelta(days=300)).isoformat(),
        **overrides,
    }


def sa8000(supplier, **overrides) -> Certificate:
    values = form(**overrides)
    for key in ("valid_from", "valid_to"):
        values[key] = datetime.date.fromisoformat(values[key])
    return certificate_create(supplier=supplier, actor=None, **values)


def verify_url(world, cert, buyer=None) -> str:
    rel = SupplierRelationship.objects.get(buyer=buyer or world.buyer_a, supplier=cert.supplier)
    return reverse("portal:buyer_certificate_verify", args=[rel.pk, cert.pk])


def test_supplier_admin_adds_a_certificate_with_its_document(world):
    client = signed_in(world.s1_admin)
    document = SimpleUploadedFile("sa8000.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(LIST, form(document=document))
    assert response.status_code == 302
    cert = Certificate.objects.get(supplier=world.s1)
    assert (cert.number, cert.document_name) == ("SA-77", "sa8000.pdf")
    page = client.get(LIST).content.decode()
    assert "SA8000" in page and reverse("portal:certificate_document", args=[cert.pk]) in page
    assert client.get(reverse("portal:certificate_document", args=[cert.pk])).status_code == 200


def test_bad_dates_show_the_message_and_save_nothing(world):
    response = signed_in(world.s1_admin).post(
        LIST, form(valid_from="2027-01-01", valid_to="2026-01-01")
    )
    assert response.status_code == 400
    assert "The end of validity comes before its start." in response.content.decode()
    assert not Certificate.objects.exists()


def test_supplier_admin_edits_and_deletes(world):
    cert = sa8000(world.s1)
    client = signed_in(world.s1_admin)
    url = reverse("portal:supplier_certificate", args=[cert.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form(action="save", number="SA-78")).status_code == 302
    assert Certificate.objects.get(pk=cert.pk).number == "SA-78"
    assert client.post(url, {"action": "delete"}).status_code == 302
    assert not Certificate.objects.filter(pk=cert.pk).exists()


def test_respondent_reads_but_may_not_change(world):
    cert = sa8000(world.s1)
    client = signed_in(world.s1_respondent)
    page = client.get(LIST).content.decode()
    assert "SA-77" in page and 'name="issuer"' not in page
    assert client.post(LIST, form(number="X")).status_code == 403
    url = reverse("portal:supplier_certificate", args=[cert.pk])
    assert client.post(url, {"action": "delete"}).status_code == 403
    assert Certificate.objects.count() == 1


def test_other_supplier_and_buyers_get_404(world):
    cert = sa8000(world.s1)
    url = reverse("portal:supplier_certificate", args=[cert.pk])
    assert signed_in(world.s2_admin).get(url).status_code == 404
    assert signed_in(world.s2_admin).post(url, {"action": "delete"}).status_code == 404
    assert signed_in(world.a_admin).get(LIST).status_code == 404
    other = sa8000(world.s2)  # works with buyer A only
    document = reverse("portal:certificate_document", args=[other.pk])
    assert signed_in(world.b_admin).get(document).status_code == 404


def test_buyer_sees_the_certificate_and_verifies_it(world):
    cert = sa8000(world.s1)
    rel = SupplierRelationship.objects.get(buyer=world.buyer_a, supplier=world.s1)
    client = signed_in(world.a_officer)
    page = client.get(reverse("portal:buyer_supplier", args=[rel.pk])).content.decode()
    assert "SA-77" in page and verify_url(world, cert) in page
    assert client.post(verify_url(world, cert)).status_code == 302
    cert.refresh_from_db()
    assert (cert.verified_by, cert.verified_buyer) == (world.a_officer, world.buyer_a)


def test_viewer_has_no_verify_button_and_gets_403(world):
    cert = sa8000(world.s1)
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    rel = SupplierRelationship.objects.get(buyer=world.buyer_a, supplier=world.s1)
    client = signed_in(viewer)
    page = client.get(reverse("portal:buyer_supplier", args=[rel.pk])).content.decode()
    assert "SA-77" in page and verify_url(world, cert) not in page
    assert client.post(verify_url(world, cert)).status_code == 403
    assert not Certificate.objects.get(pk=cert.pk).verified


def test_buyer_b_cannot_verify_through_buyer_as_relationship(world):
    cert = sa8000(world.s1)
    assert signed_in(world.b_admin).post(verify_url(world, cert)).status_code == 404
    assert not Certificate.objects.get(pk=cert.pk).verified


@pytest.mark.parametrize("count", [1, 5])
def test_certificate_list_query_count_does_not_grow(world, django_assert_max_num_queries, count):
    for n in range(count):
        sa8000(world.s1, number=f"SA-{n}")
    client = signed_in(world.s1_admin)
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.content.decode().count('id="certificate-') == count


def test_answer_page_shows_the_certificate_answer_and_takes_the_suppliers_own(world):
    version = make_version()
    doc = load_doc("mini-rules.yaml")
    doc["equivalences"] = [{"certificate": "sa8000", "answers": {"MGT_01": "yes"}}]
    audit = issue(world, version, ruleset=make_ruleset(doc))
    sa8000(world.s1)
    client = signed_in(world.s1_admin)
    page = client.get(reverse("portal:supplier_audit", args=[audit.pk])).content.decode()
    assert 'id="cert-MGT_01"' in page
    assert "Answered by SA8000 no. SA-77" in page
    answer = reverse("portal:supplier_answer", args=[audit.pk, "MGT_01"])
    assert client.post(answer, {"value": "no"}).status_code == 302
    page = client.get(reverse("portal:supplier_audit", args=[audit.pk])).content.decode()
    assert 'id="cert-MGT_01"' not in page


def test_dashboard_counts_the_certificates_answer_as_done(world):
    # mini-csr shows a small supplier 7 questions before any answer (EMP_03 follows EMP_02).
    doc = load_doc("mini-rules.yaml")
    doc["equivalences"] = [{"certificate": "sa8000", "answers": {"MGT_01": "yes"}}]
    issue(world, make_version(), ruleset=make_ruleset(doc))
    client = signed_in(world.s1_admin)
    before = client.get(reverse("portal:supplier_dashboard")).content.decode()
    sa8000(world.s1)
    after = client.get(reverse("portal:supplier_dashboard")).content.decode()
    assert "0 of 7 answered" in before
    assert "1 of 7 answered" in after


def test_buyer_review_shows_what_a_certificate_answered(world):
    doc = load_doc("mini-rules.yaml")
    doc["equivalences"] = [{"certificate": "sa8000", "answers": {"MGT_01": "yes"}}]
    audit = issue(world, make_version(), ruleset=make_ruleset(doc))
    url = reverse("portal:buyer_audit", args=[audit.pk])
    assert "Answered by SA8000" not in signed_in(world.a_officer).get(url).content.decode()
    sa8000(world.s1)
    page = signed_in(world.a_officer).get(url).content.decode()
    assert "Answered by SA8000 no. SA-77" in page
