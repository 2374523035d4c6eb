"""The review page of a micro supplier's audit, read as a reviewer would, in both languages:
no question the supplier was never asked appears as unanswered, and a rating that a critical
finding capped says so."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from flows.services import audit_submit
from tests.portal.supplier_helpers import pdf

from .pages import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Good answers but for the age check (critical): 66.7 points, a Medium band that the critical
# finding's floor caps at High risk. EMP_02 "no" hides EMP_03; a micro supplier never sees ENV_02.
CAPPED = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "no"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 40},
    {"question": "ENV_01", "value": ["energy", "water"]},
]


@pytest.mark.parametrize(
    ("language", "not_asked", "capped"),
    [
        ("en", "1 question not asked of this supplier", "Capped at High risk: 1 critical finding."),
        ("zh-Hans", "1 个问题未向该供应商提出", "因 1 项严重发现项，评级上限为高风险。"),
    ],
    ids=["en", "zh-Hans"],
)
def test_micro_suppliers_review_page_keeps_never_asked_questions_apart_and_explains_the_cap(
    page, scene, shot, language, not_asked, capped
):
    supplier, audit = scene["supplier"], scene["audit"]
    supplier.size_class = "micro"
    supplier.save(update_fields=["size_class"])
    answers_save(audit=audit, answers=CAPPED, actor=scene["supplier_admin"])
    evidence_upload(audit=audit, question_code="MGT_01", file=pdf(), actor=scene["supplier_admin"])
    audit_submit(audit=audit, actor=scene["supplier_admin"])

    log_in(page, scene["officer"])
    page.goto(f"/b/audits/{audit.pk}/?lang={language}")
    expect(page.locator("#rating-reason")).to_have_text(capped)
    page.locator("details.trace > summary").click()  # "How this score was computed"
    hidden = page.locator("#not-asked")
    expect(hidden.locator("summary")).to_have_text(not_asked)
    hidden.locator("summary").click()
    # EMP_03 (scored) is listed apart; ENV_02 (not scored) is not in the trace at all.
    expect(hidden.get_by_text("EMP_03", exact=True)).to_be_visible()
    # ... and in no table row: neither answered nor "unanswered".
    for code in ("EMP_03", "ENV_02"):
        expect(page.locator("tr").filter(has_text=code)).to_have_count(0)
    # In the answers, both are folded apart per section, never "Not answered".
    answers = page.locator("section", has=page.locator("#h-answers"))
    for code in ("EMP_03", "ENV_02"):
        expect(answers.locator(".question").filter(has_text=code)).to_have_count(0)
        expect(answers.locator("details.not-asked-answers").filter(has_text=code)).to_have_count(1)
    shot(page, f"review-micro-{language}")
