"""The review dialogue in a real browser, in each language: the officer returns the audit with
comments on two questions, the respondent finds exactly those in "To revisit" and at their
questions, fixes them and submits again; the officer sees each answer before and after, resolves
the comments and accepts with a comment that the supplier then reads.

The first submission is made through the services; everything after it is clicking and typing.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import User
from audits.models import Audit, QuestionComment
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from flows.services import audit_submit
from tests.factories import PASSWORD

from .pages import PDF_BYTES, question, settled, type_answer, wait_swap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "yes"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 44},
]
NOTES = {
    "EMP_01": "Two of the files you sent have no ID copy; do you check every worker?",
    "EMP_04": "Your payroll shows 60 hours in peak weeks; please check this figure.",
}
THANKS = "Thank you: both answers are clear now."


def _submitted(scene) -> Audit:
    audit, respondent = scene["audit"], scene["respondent"]
    answers_save(audit=audit, answers=ANSWERS, actor=respondent)
    policy = SimpleUploadedFile("policy.pdf", PDF_BYTES, content_type="application/pdf")
    evidence_upload(audit=audit, question_code="MGT_01", file=policy, actor=respondent)
    return audit_submit(audit=audit, actor=respondent)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_return_with_comments_on_two_questions_fix_resolve_and_accept(page, scene, shot, language):
    def t(text: str, **values) -> str:
        with translation.override("zh-hans" if language == "zh-Hans" else "en"):
            return translation.gettext(text) % values if values else translation.gettext(text)

    def sign_in(user: User) -> None:
        page.goto("/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()

    def sign_out() -> None:
        page.get_by_role("button", name=t("Log out")).click()
        expect(page.get_by_role("button", name=t("Log out"))).to_have_count(0)

    officer, respondent = scene["officer"], scene["respondent"]
    for user in (officer, respondent):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
    audit = _submitted(scene)

    # --- The officer returns the audit with comments on EMP_01 and EMP_04 ------------------
    sign_in(officer)
    page.goto(f"/b/audits/{audit.pk}/")
    for code, note in NOTES.items():
        block = page.locator(f"#aq-{code}")
        block.get_by_text(t("Comment on this question")).click()
        block.get_by_role("textbox").fill(note)
    page.get_by_label(t("Changes requested (required)")).fill("Two answers need checking.")
    page.get_by_role("button", name=t("Return to the supplier")).click()
    expect(
        page.get_by_text(t("The audit was returned to the supplier, with your comments."))
    ).to_be_visible()
    sign_out()

    # --- The respondent sees exactly those two, fixes them and submits again ---------------
    sign_in(respondent)
    page.goto(f"/s/audits/{audit.pk}/")
    revisit = page.locator("#revisit")
    expect(revisit.locator("li")).to_have_count(2)
    for code in NOTES:
        expect(revisit.get_by_role("link", name=re.compile(rf"^{code}\b"))).to_be_visible()
    shot(page, f"to-revisit-{language}")
    revisit.get_by_role("link", name=re.compile(r"^EMP_01\b")).click()
    for code, note in NOTES.items():
        expect(question(page, code)).to_contain_text(note)
    before = settled(page)
    page.get_by_role("group", name=re.compile(r"^EMP_01\b")).get_by_role("radio").nth(1).check()
    wait_swap(page, before)
    type_answer(page, "EMP_04", "60")
    shot(page, f"fixed-{language}")
    page.get_by_role("button", name=t("Submit answers")).click()
    expect(
        page.get_by_text(t("Thank you, your answers were submitted. The buyer will review them."))
    ).to_be_visible()
    sign_out()

    # --- The officer sees before and after, resolves both and accepts with a comment -------
    sign_in(officer)
    page.goto(f"/b/audits/{audit.pk}/")
    changes = page.locator("#h-changes").locator("xpath=..")
    expect(changes.locator('tr[data-question="EMP_04"] td.before')).to_contain_text("44")
    expect(changes.locator('tr[data-question="EMP_04"] td.after')).to_contain_text("60")
    expect(changes.locator('tr[data-question="EMP_01"]')).to_have_count(1)
    expect(changes.locator('tr[data-question="MGT_01"]')).to_have_count(0)
    shot(page, f"changes-{language}")
    for code in NOTES:
        page.locator(f"#aq-{code}").get_by_role("button", name=t("Resolve")).click()
        expect(page.get_by_text(t("The comment is resolved."))).to_be_visible()
    page.get_by_label(t("Comment (optional)"), exact=True).fill(THANKS)
    page.get_by_role("button", name=t("Accept"), exact=True).click()
    expect(page.locator("body")).to_contain_text(
        t("The audit was accepted; its final score and findings are recorded.")
    )
    sign_out()
    assert not QuestionComment.objects.filter(audit=audit, resolved_at__isnull=True).exists()

    # --- The supplier reads the acceptance comment -----------------------------------------
    sign_in(respondent)
    page.goto(f"/s/audits/{audit.pk}/")
    expect(page.locator("#decision-comment")).to_contain_text(THANKS)
    shot(page, f"accepted-{language}")
