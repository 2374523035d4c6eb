"""Helpers shared by the browser tests: logging in and out, answering questions, waiting for
htmx swaps without sleeping."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HAN = re.compile(r"[\u4e00-\u9fff]")

# Counts htmx settles on <html data-settled>, so a test can wait for the swap its own action
# caused with an ``expect`` (the page's CSP forbids the eval that ``wait_for_function`` needs).
SETTLE_COUNTER = """
document.addEventListener("htmx:afterSettle", function () {
  var root = document.documentElement;
  root.dataset.settled = String(Number(root.dataset.settled || "0") + 1);
});
"""


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def log_in(page: Page, user) -> None:
    page.goto("/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def settled(page: Page) -> str:
    return page.locator("html").get_attribute("data-settled") or "0"


def wait_swap(page: Page, before: str) -> None:
    """Wait until htmx has settled at least one more swap than ``before`` (the attribute is
    absent until the page's first swap)."""
    html = page.locator("html")
    expect(html).to_have_attribute("data-settled", re.compile(r"^[0-9]+$"))
    expect(html).not_to_have_attribute("data-settled", before)


# The indicator a question shows once its answer is saved ("Saved at 14:05").
SAVED = re.compile(r"^(Saved at \d{2}:\d{2}|已于 \d{2}:\d{2} 保存)$")


def question(page: Page, code: str):
    return page.locator(f"#q-{code}")


def choose(page: Page, code: str, label: str) -> None:
    """Tick a choice of a choice question and wait for the saved answer to come back."""
    before = settled(page)
    group = page.get_by_role("group", name=re.compile(rf"^{code}\b"))
    group.get_by_label(label, exact=True).check()
    wait_swap(page, before)
    expect(question(page, code).get_by_role("status")).to_have_text(SAVED)


def type_answer(page: Page, code: str, value: str) -> None:
    """Type into a number, text or date question and leave the field (which saves it)."""
    before = settled(page)
    field = page.get_by_label(re.compile(rf"^{code}\b"))
    field.fill(value)
    field.press("Tab")
    wait_swap(page, before)
    expect(question(page, code).get_by_role("status")).to_have_text(SAVED)


def open_section(page: Page, title: str) -> None:
    page.get_by_role("navigation", name="Sections").get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
