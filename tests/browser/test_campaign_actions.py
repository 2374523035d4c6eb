"""A buyer works on a campaign's suppliers from its page: tick rows, remind them now."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from activity.models import ReminderLog
from audits.models import Audit
from audits.services.campaigns import campaign_create
from tests.factories import link_supplier, make_member, make_supplier, make_version

from .pages import in_days, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remind_two_ticked_suppliers_and_read_the_page_in_chinese(page, scene, shot):
    buyer = scene["buyer"]
    others = []
    for i in range(2):
        supplier = make_supplier(name=f"Dongguan Parts {i}", legal_id=f"91440300000000{i:04d}")
        link_supplier(buyer, supplier)
        make_member(supplier, "admin")
        others.append(supplier)
    campaign = campaign_create(
        actor=scene["officer"],
        name="Wave 1 (internal)",
        title="Annual responsibility check",
        message="Please answer by the end of the month.",
        questionnaire_version=make_version(),
        due_date=in_days(30),
        supplier_ids=[s.pk for s in [scene["supplier"], *others]],
    )  # runs in-process at once: no surrounding transaction in this test
    log_in(page, scene["officer"])
    page.goto(f"/b/campaigns/{campaign.pk}/")
    expect(page.get_by_text("Annual responsibility check")).to_be_visible()
    page.get_by_label("Select Dongguan Parts 0").check()
    page.get_by_label("Select Dongguan Parts 1").check()
    page.get_by_label("Action").select_option("remind")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Done for 2 audits.")).to_be_visible()
    shot(page, "reminded-en")
    reminded = set(ReminderLog.objects.values_list("object_id", flat=True))
    assert reminded == set(Audit.objects.filter(supplier__in=others).values_list("pk", flat=True))

    page.goto(f"/b/campaigns/{campaign.pk}/?lang=zh-Hans")
    expect(page.get_by_role("button", name="应用")).to_be_visible()
    shot(page, "campaign-zh")

    # The audit list: search, then extend the one found from its row.
    page.goto("/b/audits/?lang=en")
    page.get_by_label("Search").fill("Parts 1")
    page.get_by_role("button", name="Filter").click()
    found = Audit.objects.get(supplier=others[1])
    page.get_by_label(f"Select audit #{found.pk}").check()
    page.get_by_label("Action").select_option("extend")
    page.get_by_label("New due date").fill(in_days(45).isoformat())
    page.get_by_label("Reason (the suppliers read it)").fill("Factory holiday")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Done for 1 audit.")).to_be_visible()
    expect(page.get_by_text("due in 45 days")).to_be_visible()
    shot(page, "audit-list-en")
    found.refresh_from_db()
    assert found.due_date == in_days(45)
