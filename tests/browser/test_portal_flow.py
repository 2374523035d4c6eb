"""The portal end to end in a real browser: a supplier answers, a buyer reviews, the supplier
plans a corrective action, the buyer downloads the register, and the interface speaks Chinese.

Data is set up through the same services production uses; everything after that happens by
clicking, typing and uploading in Chromium. htmx swaps are awaited through the page (a counter of
``htmx:afterSettle`` events and ``expect`` assertions), never with sleeps.
"""

from __future__ import annotations

import re

import openpyxl
import pytest
from django.utils import translation
from playwright.sync_api import expect

from actions.models import CorrectiveAction
from audits.models import Audit

from .pages import (
    HAN,
    PDF_BYTES,
    choose,
    in_days,
    log_in,
    log_out,
    open_section,
    question,
    settled,
    type_answer,
    wait_swap,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# ---------------------------------------------------------------------------------------------
# The flow
# ---------------------------------------------------------------------------------------------


def test_audit_from_answers_to_register(page, scene, shot, tmp_path):
    audit: Audit = scene["audit"]
    supplier = scene["supplier"]

    # --- The respondent answers -----------------------------------------------------------
    log_in(page, scene["respondent"])
    expect(page.get_by_role("heading", name="Audits to answer")).to_be_visible()
    page.get_by_role("link", name="Mini CSR check").click()
    expect(page.get_by_role("heading", level=1, name="Mini CSR check")).to_be_visible()
    expect(page.get_by_text("Requested by Acme Retail")).to_be_visible()

    open_section(page, "Employees")
    # EMP_03 (room size) is only asked when there is a dormitory.
    expect(question(page, "EMP_03")).to_be_hidden()
    choose(page, "EMP_02", "Yes")
    expect(page.get_by_label(re.compile(r"^EMP_03\b"))).to_be_visible()
    choose(page, "EMP_01", "No")  # raises the critical finding F_AGE_CHECK on acceptance
    shot(page, "conditional-question-shown")

    open_section(page, "Environment")
    group = page.get_by_role("group", name=re.compile(r"^ENV_01\b"))
    for label in ("Energy use", "Water use"):
        before = settled(page)
        group.get_by_label(label).check()
        wait_swap(page, before)
    expect(group.get_by_label("Energy use")).to_be_checked()
    expect(group.get_by_label("Water use")).to_be_checked()

    # Submitting too early lists what is missing, the required evidence included.
    page.get_by_role("button", name="Submit answers").click()
    missing = page.locator("#missing").get_by_role("alert")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("questions stop you from submitting")
    expect(missing.get_by_role("listitem").filter(has_text="MGT_01")).to_contain_text(
        "This question needs evidence."
    )
    for code in ("MGT_01", "EMP_03", "EMP_04"):
        expect(missing.get_by_role("link", name=re.compile(rf"^{code}\b"))).to_be_visible()
    for code in ("EMP_01", "EMP_02", "ENV_01"):
        expect(missing.get_by_role("link", name=re.compile(rf"^{code}\b"))).to_have_count(0)
    shot(page, "missing-answers")

    # The page opened on the first section with a gap: Management. Answer and upload.
    expect(page.get_by_role("heading", level=2, name="Management")).to_be_visible()
    choose(page, "MGT_01", "Yes")
    evidence = tmp_path / "csr-policy.pdf"
    evidence.write_bytes(PDF_BYTES)
    mgt = question(page, "MGT_01")
    # The size limit is shown before choosing; choosing the file starts the upload.
    expect(mgt.get_by_text(re.compile(r"at most 20\.0.MB"))).to_be_visible()
    before = settled(page)
    mgt.get_by_label("Add a file").set_input_files(evidence)
    wait_swap(page, before)
    expect(mgt.get_by_role("link", name="csr-policy.pdf")).to_be_visible()
    expect(missing.get_by_role("link", name=re.compile(r"^MGT_01\b"))).to_have_count(0)

    missing.get_by_role("link", name=re.compile(r"^EMP_03\b")).click()
    expect(page.get_by_role("heading", level=2, name="Employees")).to_be_visible()
    type_answer(page, "EMP_03", "4")
    type_answer(page, "EMP_04", "45")
    expect(page.locator("#missing")).to_be_empty()
    expect(page.get_by_text("6 of 8 questions answered")).to_be_visible()  # 2 optional
    shot(page, "ready-to-submit")

    page.get_by_role("button", name="Submit answers").click()
    expect(page.get_by_text("Thank you, your answers were submitted.")).to_be_visible()
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED
    log_out(page)

    # --- The buyer reviews and accepts --------------------------------------------------------
    officer = scene["officer"]
    log_in(page, officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audits").click()
    page.get_by_role("link", name=f"#{audit.pk}").click()
    expect(page.get_by_role("heading", name="Preliminary score")).to_be_visible()
    # Management 100, employees (0*2 + 1 + 1) / 4 = 50, environment 100: (20*100 + 50*50 +
    # 30*100) / 100 = 75.0, rated high because of the critical finding.
    expect(page.locator("#overall-score")).to_have_text("75.0")
    answers = page.get_by_role("region", name="Answers")
    expect(answers.get_by_role("link", name="csr-policy.pdf")).to_be_visible()
    shot(page, "buyer-review")
    page.get_by_label("Comment (optional)").fill("Thank you. Please start checking ages.")
    page.get_by_role("button", name="Accept", exact=True).click()
    expect(page.get_by_text("The audit was accepted")).to_be_visible()
    expect(page.get_by_role("heading", name="Final score")).to_be_visible()
    expect(page.locator("#overall-score")).to_have_text("75.0")
    expect(page.locator("#audit-status")).to_have_text("Accepted")
    log_out(page)

    # --- The supplier admin reads the score and plans the corrective action -----------------
    log_in(page, scene["supplier_admin"])
    past = page.get_by_role("region", name="Submitted and closed audits")
    past.get_by_role("link", name="See score and findings").click()
    expect(page.get_by_role("heading", name="Overall score")).to_be_visible()
    expect(page.get_by_text("75.0")).to_be_visible()
    finding = page.get_by_role("article").filter(has_text="Worker ages are not checked")
    expect(finding).to_contain_text("Check an ID for every new hire and keep a copy.")
    shot(page, "supplier-score")
    finding.get_by_role("link", name=re.compile("Corrective action, due")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Worker ages are not checked")
    target = in_days(14)
    page.get_by_label("Root cause").fill("New hires in peak season were not checked.")
    page.get_by_label("Actions planned").fill("Check the ID card of every new hire; keep copies.")
    page.get_by_label("Responsible person").fill("Wang Admin")
    page.get_by_label("Target date").fill(target.isoformat())
    page.get_by_role("button", name="Send the plan to the buyer").click()
    plan = page.get_by_role("region", name="Your plan")
    expect(plan).to_contain_text("Check the ID card of every new hire")
    expect(plan).to_contain_text(target.isoformat())
    shot(page, "plan-submitted")
    action = CorrectiveAction.objects.get(audit=audit, finding__rule_code="F_AGE_CHECK")
    assert action.status == CorrectiveAction.Status.PLAN_SUBMITTED
    assert action.responsible_person == "Wang Admin"
    assert action.target_date == target

    # --- The interface in Chinese ------------------------------------------------------------
    page.get_by_label("Language").select_option(label="简体中文")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    with translation.override("zh-hans"):
        labels = [
            translation.gettext(text)
            for text in ("Log out", "Corrective actions", "Your plan", "Guidance")
        ]
    for label in labels:
        assert HAN.search(label), f"no Chinese translation for {label!r} in the catalogue"
    expect(page.get_by_role("button", name=labels[0])).to_be_visible()
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name=labels[1])).to_be_visible()
    expect(page.get_by_role("heading", name=labels[2])).to_be_visible()
    expect(page.get_by_role("heading", name=labels[3])).to_be_visible()
    # The finding's own text follows the questionnaire's language too.
    expect(page.get_by_role("heading", level=1)).to_contain_text("未核查员工年龄")
    expect(page.get_by_text("对每位新员工核验身份证件并留存复印件。")).to_be_visible()
    shot(page, "chinese-interface")
    page.get_by_label(re.compile("语言|Language")).select_option(label="English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    log_out(page)

    # --- The buyer downloads the risk register ------------------------------------------------
    log_in(page, officer)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Risk register").click()
    expect(page.get_by_role("heading", level=1, name="Risk register")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX", exact=True).click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Register"].iter_rows(values_only=True))
    header = list(rows[0])
    found = [dict(zip(header, row, strict=False)) for row in rows[1:] if supplier.name in row]
    assert len(found) == 1, rows
    row = found[0]
    assert row["Buyer ref"] == "SUP-001"
    assert float(row["Overall score"]) == 75.0
    assert row["Rating"] == "High risk"  # the register's words, in the reader's language
    assert row["Open findings: critical"] == 1
    assert row["Open actions"] == 1
