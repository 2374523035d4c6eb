"""Browser test plumbing: Debian's Chromium driven by Playwright against pytest-django's live
server.

One browser per session, a fresh context (cookies, storage) per test. The live server runs in a
thread of this process, and Playwright's sync API keeps an event loop running in the test
thread, so Django's async-safety check has to be relaxed for the ORM calls the tests make to
set up data and to check results.

Chromium is the distribution's package (``/usr/bin/chromium``; ``scripts/test.sh`` installs it
when missing), never a browser downloaded by Playwright. Without it the browser tests are
skipped on a workstation and fail in CI.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from accounts.models import Membership
from audits.services.audits import audit_issue
from tests.factories import (
    link_supplier,
    make_buyer,
    make_member,
    make_ruleset,
    make_supplier,
    make_version,
)

from .pages import SETTLE_COUNTER, in_days

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FAIRLINK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000


def _chromium_missing() -> str | None:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"Chromium not found at {CHROMIUM}: install Debian's package "
        "(`apt-get install chromium`, which scripts/test.sh does) to run the browser tests"
    )


@pytest.fixture(scope="session")
def browser():
    # expect() waits 5 s by default; a loaded CI machine may need longer for the first
    # acceptance (scoring) or register export of a run.
    expect.set_options(timeout=TIMEOUT_MS)
    missing = _chromium_missing()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing, pytrace=False)
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def context(browser, live_server):
    """A fresh browser context: no cookies, English, a desktop window, downloads accepted."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    context.add_init_script(SETTLE_COUNTER)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def phone(browser, live_server):
    """A page in a phone-sized, touch-enabled context."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(SETTLE_COUNTER)
    yield context.new_page()
    context.close()


@pytest.fixture
def shot(request):
    """``shot(page, "name")`` saves a full-page screenshot under test-artifacts/screenshots/,
    named after the test so that runs of different tests do not overwrite each other."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    prefix = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    counter = iter(range(1, 100))

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{prefix}-{next(counter):02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def scene(db):
    """A buyer with an officer, a small supplier with an admin and a respondent, and an audit
    of the mini questionnaire (with its rule set) sent to the respondent."""
    buyer = make_buyer(name="Acme Retail")
    supplier = make_supplier(name="Shenzhen Bright Textiles", size_class="small")
    link_supplier(buyer, supplier, buyer_ref="SUP-001")
    officer = make_member(buyer, Membership.Role.OFFICER, full_name="Olivia Officer")
    supplier_admin = make_member(supplier, Membership.Role.ADMIN, full_name="Wang Admin")
    respondent = make_member(supplier, Membership.Role.RESPONDENT, full_name="Li Respondent")
    audit = audit_issue(
        supplier=supplier,
        questionnaire_version=make_version(),
        ruleset=make_ruleset(),
        due_date=in_days(30),
        actor=officer,
        buyer=buyer,
        respondents=[respondent],
    )
    return {
        "buyer": buyer,
        "supplier": supplier,
        "officer": officer,
        "supplier_admin": supplier_admin,
        "respondent": respondent,
        "audit": audit,
    }
