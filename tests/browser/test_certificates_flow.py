"""In the browser: a supplier admin records a certificate, sees it answer a question of an
audit and answers it differently; the buyer verifies the certificate; the pages in Chinese."""

from __future__ import annotations

import pytest
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import Membership
from audits.services.audits import audit_issue
from suppliers.models import Certificate, SupplierRelationship
from tests.factories import load_doc, make_member, make_ruleset, make_version

from .pages import in_days, log_in, log_out, question

pytestmark = pytest.mark.django_db(transaction=True)


def test_certificate_answers_a_question_and_the_buyer_verifies_it(page, scene, shot):
    doc = load_doc("mini-rules.yaml") | {"version": 2}
    doc["equivalences"] = [{"certificate": "sa8000", "answers": {"MGT_01": "yes"}}]
    admin = scene["supplier_admin"]
    audit = audit_issue(
        supplier=scene["supplier"],
        questionnaire_version=make_version(),
        ruleset=make_ruleset(doc),
        due_date=in_days(30),
        actor=scene["officer"],
        buyer=scene["buyer"],
        respondents=[admin],
    )

    log_in(page, admin)
    page.get_by_role("link", name="Certificates").first.click()
    page.get_by_label("Type", exact=False).and_(page.locator("select")).select_option(
        label="SA8000"
    )
    page.get_by_label("Issued by").fill("SAAS accredited body")
    page.get_by_label("Certificate number").fill("SA-2026-001")
    page.get_by_label("Valid from", exact=False).fill(in_days(-100).isoformat())
    page.get_by_label("Valid to", exact=False).fill(in_days(600).isoformat())
    page.get_by_role("button", name="Add").click()
    expect(page.locator("#certificate-" + str(Certificate.objects.get().pk))).to_contain_text(
        "SA-2026-001"
    )
    shot(page, "supplier-certificates")

    page.goto(f"/s/audits/{audit.pk}/")
    note = page.locator("#cert-MGT_01")
    expect(note).to_contain_text("Answered by SA8000 no. SA-2026-001")
    shot(page, "answered-by-certificate")

    page.get_by_label("Language").select_option(label="简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    with translation.override("zh-hans"):
        expect(note).to_contain_text(
            translation.gettext("You may answer differently; your answer then counts instead.")
        )
    shot(page, "answered-by-certificate-zh")
    page.goto("/s/certificates/")
    shot(page, "supplier-certificates-zh")
    page.locator("select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/s/audits/{audit.pk}/")

    question(page, "MGT_01").get_by_label("No").check()
    expect(page.locator("#cert-MGT_01")).to_have_count(0)
    log_out(page)

    officer = make_member(scene["buyer"], Membership.Role.ADMIN, full_name="Ada Admin")
    log_in(page, officer)
    rel = SupplierRelationship.objects.get(buyer=scene["buyer"], supplier=scene["supplier"])
    page.goto(f"/b/suppliers/{rel.pk}/")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#certificates")).to_contain_text("By Ada Admin on")
    shot(page, "buyer-verified")
    assert Certificate.objects.get().verified_by == officer
