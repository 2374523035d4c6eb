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


def test_an_answer_after_the_session_expired_is_saved_after_logging_in_again(page, scene, shot):
    respondent = scene["respondent"]
    respondent.preferred_language = "zh-Hans"
    respondent.save(update_fields=["preferred_language"])
    audit = scene["audit"]
    page.goto("/login/")
    page.get_by_label("Email").fill(respondent.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"/s/audits/{audit.pk}/?section=EMP")
    expect(page.get_by_role("heading", level=2, name="员工责任")).to_be_visible()

    Session.objects.all().delete()  # the session expires while the page is open
    page.get_by_role("radio", name="是，始终核查").check()

    # The whole page goes to the login form, in Chinese, instead of the form landing in the box.
    expect(page).to_have_url(re.compile(r"/login/\?"))
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    shot(page, "login-after-expiry")
    page.get_by_label("邮箱").fill(respondent.email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # Back on the same section, with the answer saved and a word about it.
    expect(page).to_have_url(re.compile(rf"/s/audits/{audit.pk}/\?section=EMP$"))
    expect(page.get_by_text(re.compile("登录后已保存您对 EMP_01 的答案"))).to_be_visible()
    expect(page.get_by_role("radio", name="是，始终核查")).to_be_checked()
    shot(page, "saved-after-login")
    assert Answer.objects.get(audit=audit, question__code="EMP_01").value == "yes"
