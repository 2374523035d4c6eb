"""The risk register page read in the browser, in both languages: the supplier's row with its
rating, reason and next assessment, the heat map, sorting by a column header, and the link to
the supplier's page."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.factories import link_supplier, make_supplier
from tests.register.helpers import accepted_audit

from .pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "rating", "reason", "heat_title", "sort_label"),
    [
        ("en", "Medium risk", "Score band: Medium risk", "Suppliers by inherent risk", "Supplier"),
        ("zh-Hans", "中风险", "得分区间：中风险", "按固有风险与风险评级统计供应商", "供应商"),
    ],
    ids=["en", "zh-Hans"],
)
def test_register_page_shows_rows_heat_map_and_sorts(
    page, scene, shot, language, rating, reason, heat_title, sort_label
):
    audit = scene["audit"]
    accepted_audit(
        buyer=scene["buyer"],
        supplier=scene["supplier"],
        version=audit.questionnaire_version,
        ruleset=audit.ruleset,
        accepted_on=datetime.date(2025, 1, 15),
        overall="72.5",
        rating="medium",
    )
    other = make_supplier(name="Anhui Able Metals")
    link_supplier(scene["buyer"], other, buyer_ref="SUP-002")

    log_in(page, scene["officer"])
    page.goto(f"/b/register/?lang={language}")

    rows = page.locator("#register-rows tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text="Shenzhen Bright Textiles")
    expect(row).to_contain_text(rating)
    expect(row).to_contain_text(reason)
    expect(page.get_by_role("heading", name=heat_title)).to_be_visible()
    page.locator("#register-rows thead").get_by_role("link", name=sort_label).click()
    expect(rows.first).to_contain_text("Anhui Able Metals")
    shot(page, f"register-{language}")
    row.get_by_role("link", name="Shenzhen Bright Textiles").click()
    expect(page).to_have_url(re.compile(r"/b/suppliers/\d+/$"))
