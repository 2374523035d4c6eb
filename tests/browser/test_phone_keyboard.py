"""The supplier's answer page on a phone-sized screen and with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from audits.models import Answer

from .pages import SAVED, log_in, question, settled, wait_swap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def test_answering_on_a_phone_with_the_keyboard(phone, scene, shot):
    page = phone
    audit = scene["audit"]
    log_in(page, scene["respondent"])
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the dashboard scrolls sideways on a phone"
    page.get_by_role("link", name="Mini CSR check").click()
    expect(page.get_by_role("heading", level=2, name="Management")).to_be_visible()
    assert page.evaluate(NO_SIDEWAYS_SCROLL), "the answer page scrolls sideways on a phone"

    # The first Tab reaches the skip link, which jumps over the header.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()

    # Space picks a radio button and saves the answer; the focus stays on it after the swap,
    # so the arrow keys go on changing the answer.
    yes = page.get_by_role("radio", name="Yes")
    yes.focus()
    before = settled(page)
    page.keyboard.press("Space")
    wait_swap(page, before)
    expect(question(page, "MGT_01").get_by_role("status")).to_have_text(SAVED)
    expect(page.get_by_role("radio", name="Yes")).to_be_checked()
    expect(page.get_by_role("radio", name="Yes")).to_be_focused()

    before = settled(page)
    page.keyboard.press("ArrowDown")
    wait_swap(page, before)
    expect(page.get_by_role("radio", name="No")).to_be_checked()
    expect(page.get_by_role("radio", name="No")).to_be_focused()
    assert Answer.objects.get(audit=audit, question__code="MGT_01").value == "no"

    # The number field takes typed digits; Tab leaves it and saves.
    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Employees").click()
    hours = page.get_by_label(re.compile(r"^EMP_04\b"))
    hours.focus()
    before = settled(page)
    page.keyboard.type("48")
    page.keyboard.press("Tab")
    wait_swap(page, before)
    expect(question(page, "EMP_04").get_by_role("status")).to_have_text(SAVED)
    assert Answer.objects.get(audit=audit, question__code="EMP_04").value == 48
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    shot(page, "phone-answer-page")
