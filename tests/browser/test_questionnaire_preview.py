"""A buyer previews a questionnaire as a supplier of a given size would see it, in both
languages, and the conditional questions appear as answers are given."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from audits.models import Answer

from .pages import log_in, settled, wait_swap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_as_a_micro_supplier_with_a_conditional_question(page, scene, shot):
    log_in(page, scene["officer"])
    page.get_by_role("link", name="Audits", exact=True).click()
    page.get_by_role("link", name="Questionnaires").click()
    page.get_by_role("row", name="mini-csr").get_by_role("link", name="Micro").click()
    expect(page.get_by_text("A micro supplier is asked 6 of the 8 questions")).to_be_visible()
    # ENV_02 is not asked of a micro supplier; EMP_03 waits for the dormitory answer.
    expect(page.locator("#p-ENV_02")).to_be_hidden()
    expect(page.locator("#p-EMP_03")).to_be_hidden()
    before = settled(page)
    page.locator("#p-EMP_02").get_by_label("Yes").check()
    wait_swap(page, before)
    expect(page.locator("#p-EMP_03")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text(
        "A micro supplier is asked 7 of the 8 questions with the answers below."
    )
    shot(page, "preview-micro-en")

    page.get_by_label("Questionnaire language").select_option("zh-Hans")
    expect(page.get_by_text("贵公司是否有书面的社会责任政策？")).to_be_visible()
    # ?lang= sets the page's language too: the buyer sees the page as the supplier would.
    page.get_by_label("供应商规模").select_option("large")
    expect(page.locator("#p-ENV_02")).to_be_visible()
    shot(page, "preview-large-zh")
    assert not Answer.objects.exists()
