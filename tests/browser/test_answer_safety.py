"""Nothing a supplier types is lost or sent in vain: a file over the limit is refused before it
travels, and an answer given after the session expired is saved once the user signs in again,
on a login page in the user's language."""

from __future__ import annotations

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from audits.models import Answer, Evidence
from tests.factories import PASSWORD

from .pages import PDF_BYTES, log_in, question

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_file_over_the_limit_is_refused_before_it_is_sent(page, scene, settings, tmp_path, shot):
    settings.FAIRLINK_EVIDENCE_MAX_BYTES = 2048
    log_in(page, scene["respondent"])
    page.goto(f"/s/audits/{scene['audit'].pk}/")
    mgt = question(page, "MGT_01")
    expect(mgt.get_by_text(re.compile(r"at most 2\.0.KB"))).to_be_visible()

    uploads: list[str] = []
    page.on("request", lambda r: uploads.append(r.url) if "/evidence/" in r.url else None)
    big = tmp_path / "scan.pdf"
    big.write_bytes(PDF_BYTES + b"0" * 4096)
    mgt.get_by_label("Add a file").set_input_files(big)
    alert = mgt.locator("[data-upload-error]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("larger than 2.0")
    shot(page, "too-large")
    assert uploads == []
    assert not Evidence.objects.exists()


# (language, section heading, choice, email label, password label, log-in button, saved message)
EXPIRY_WORDS = {
    "en": ("Employees", "Yes, always", "Email", "Password", "Log in",
           "your answer to EMP_01 was saved after you signed in"),
    "zh-Hans": ("员工责任", "是，始终核查", "邮箱", "密码", "登录", "登录后已保存您对 EMP_01 的答案"),
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_an_answer_after_the_session_expired_is_saved_after_logging_in_again(
    page, scene, shot, language
):
    heading, choice, email, password, log_in_button, saved = EXPIRY_WORDS[language]
    respondent = scene["respondent"]
    respondent.preferred_language = language
    respondent.save(update_fields=["preferred_language"])
    audit = scene["audit"]
    page.goto("/login/")
    page.get_by_label("Email").fill(respondent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/s/audits/{audit.pk}/?section=EMP")
    expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()

    Session.objects.all().delete()  # the session expires while the page is open
    # click, not check: the save's answer sends the browser away, so the radio is gone before
    # Playwright could confirm it is ticked.
    page.get_by_role("radio", name=choice).click()

    # The whole page goes to the login form, in the page's language, instead of the form landing
    # in the question's box.
    expect(page).to_have_url(re.compile(r"/login/\?"))
    expect(page.get_by_role("button", name=log_in_button)).to_be_visible()
    shot(page, f"login-after-expiry-{language}")
    page.get_by_label(email).fill(respondent.email)
    page.get_by_label(password).fill(PASSWORD)
    page.get_by_role("button", name=log_in_button).click()

    # Back on the same section, with the answer saved and a word about it.
    expect(page).to_have_url(re.compile(rf"/s/audits/{audit.pk}/\?section=EMP$"))
    expect(page.get_by_text(re.compile(saved))).to_be_visible()
    expect(page.get_by_role("radio", name=choice)).to_be_checked()
    shot(page, f"saved-after-login-{language}")
    assert Answer.objects.get(audit=audit, question__code="EMP_01").value == "yes"
