"""The review dialogue in a real browser: the officer returns the audit with a comment on one
question, the respondent finds it in "To revisit" and at the question, changes the answer and
submits again, and the officer sees the answer before and after and resolves the comment.

The first submission is made through the services; everything after it is clicking and typing.
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from audits.models import Audit, QuestionComment
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from flows.services import audit_submit

from .pages import PDF_BYTES, log_in, log_out, question, type_answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "yes"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 44},
]
NOTE = "Your payroll shows 60 hours in peak weeks; please check this figure."


def _submitted(scene) -> Audit:
    audit, respondent = scene["audit"], scene["respondent"]
    answers_save(audit=audit, answers=ANSWERS, actor=respondent)
    policy = SimpleUploadedFile("policy.pdf", PDF_BYTES, content_type="application/pdf")
    evidence_upload(audit=audit, question_code="MGT_01", file=policy, actor=respondent)
    return audit_submit(audit=audit, actor=respondent)


def _open_review(page, audit) -> None:
    page.goto(f"/b/audits/{audit.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{audit.pk}")


def test_return_with_a_question_comment_then_resolve(page, scene, shot):
    audit = _submitted(scene)

    # --- The officer returns the audit with a comment on EMP_04 ----------------------------
    log_in(page, scene["officer"])
    _open_review(page, audit)
    emp04 = page.locator("#aq-EMP_04")
    emp04.get_by_text("Comment on this question").click()
    emp04.get_by_role("textbox").fill(NOTE)
    page.get_by_label("Changes requested (required)").fill("One figure needs checking.")
    shot(page, "return-with-question-comment")
    page.get_by_role("button", name="Return to the supplier").click()
    expect(page.get_by_text("The audit was returned to the supplier")).to_be_visible()
    expect(page.locator("#aq-EMP_04")).to_contain_text(NOTE)
    log_out(page)

    # --- The respondent finds it, changes the answer and submits again --------------------
    log_in(page, scene["respondent"])
    page.goto(f"/s/audits/{audit.pk}/")
    revisit = page.get_by_role("region", name="To revisit")
    expect(revisit).to_contain_text("The reviewer commented on 1 question.")
    expect(page.get_by_text("One figure needs checking.")).to_be_visible()
    shot(page, "supplier-to-revisit")
    revisit.get_by_role("link", name=re.compile(r"^EMP_04\b")).click()
    expect(page.get_by_role("heading", level=2, name="Employees")).to_be_visible()
    expect(question(page, "EMP_04")).to_contain_text(NOTE)
    type_answer(page, "EMP_04", "60")
    shot(page, "supplier-comment-at-question")
    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Thank you, your answers were submitted.")).to_be_visible()
    log_out(page)

    # --- The officer sees before and after, and resolves the comment -----------------------
    log_in(page, scene["officer"])
    _open_review(page, audit)
    changes = page.get_by_role("region", name="Changes since the returned submission")
    row = changes.locator('tr[data-question="EMP_04"]')
    expect(row.locator("td.before")).to_contain_text("44")
    expect(row.locator("td.after")).to_contain_text("60")
    expect(changes.locator('tr[data-question="EMP_01"]')).to_have_count(0)
    shot(page, "buyer-changes")
    page.locator("#aq-EMP_04").get_by_role("button", name="Resolve").click()
    expect(page.get_by_text("The comment is resolved.")).to_be_visible()
    expect(page.locator("#aq-EMP_04")).to_contain_text("Resolved")
    comment = QuestionComment.objects.get(audit=audit)
    assert comment.resolved_by == scene["officer"]
