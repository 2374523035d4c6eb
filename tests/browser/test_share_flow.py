"""Share once, in the browser: a buyer asks for a supplier's latest assessment, the supplier
grants it, the buyer reads it marked as shared; the buyer's re-assessment policy page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from audits.models import ReassessmentPolicy, Share
from tests.factories import build_world, make_accepted_audit, make_ruleset, make_version

from .pages import log_in, log_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
Role = Membership.Role


def test_request_grant_and_read_a_shared_assessment(page, shot):
    world = build_world()
    version = make_version()
    audit = make_accepted_audit(
        buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=make_ruleset()
    )

    log_in(page, world.b_officer)
    page.get_by_role("link", name="Suppliers").first.click()
    page.get_by_role("link", name=world.s1.name).click()
    page.get_by_label("Questionnaire").select_option(label=version.questionnaire.code)
    page.get_by_label("Message to the supplier (optional)").fill("We read it instead of asking.")
    page.get_by_role("button", name="Request their latest assessment").click()
    expect(page.get_by_text("Your request was sent to the supplier.")).to_be_visible()
    shot(page, "buyer-requested")
    log_out(page)

    log_in(page, world.s1_admin)
    page.get_by_role("link", name="Sharing").click()
    expect(page.get_by_role("cell", name=world.buyer_b.name)).to_be_visible()
    shot(page, "supplier-sharing")
    page.get_by_role("button", name="Share my latest assessment").click()
    expect(page.get_by_text("Shared: the buyer now reads this assessment.")).to_be_visible()
    page.goto("/s/sharing/?lang=zh-Hans")
    shot(page, "supplier-sharing-zh")
    assert Share.objects.get().audit_id == audit.pk
    page.goto("/?lang=en")
    log_out(page)

    log_in(page, world.b_officer)
    page.goto(f"/b/audits/{audit.pk}/")
    expect(page.locator("#shared-note")).to_be_visible()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    shot(page, "buyer-shared-audit")
    page.goto(f"/b/audits/{audit.pk}/?lang=zh-Hans")
    shot(page, "buyer-shared-audit-zh")


def test_policy_page_in_both_languages(page, shot):
    world = build_world()
    log_in(page, world.a_admin)
    page.get_by_role("link", name="Organization").click()
    page.get_by_role("link", name="See the re-assessment policy").click()
    page.get_by_label("P1").fill("6")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The re-assessment policy was saved.")).to_be_visible()
    assert ReassessmentPolicy.objects.get(buyer=world.buyer_a).months_p1 == 6
    shot(page, "policy-admin")
    page.goto("/b/policy/?lang=zh-Hans")
    shot(page, "policy-admin-zh")
    page.goto("/?lang=en")
    log_out(page)
    log_in(page, world.a_officer)
    page.goto("/b/policy/")
    expect(page.locator("#policy-read")).to_be_visible()
    shot(page, "policy-officer")
