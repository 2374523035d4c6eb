"""Builders for the buyer page tests: audits taken through the real services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.services.audits import answers_save, audit_issue
from audits.services.evidence import evidence_upload
from flows.services import audit_accept, audit_submit

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"

# Answers of mini.yaml that raise F_AGE_CHECK (critical) and F_HOURS (major).
RISKY = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "no"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 70},
]
GOOD = [
    {"question": "MGT_01", "value": "yes"},
    {"question": "EMP_01", "value": "yes"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 40},
]


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def pdf(name: str = "policy.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def issued_audit(world, *, version, ruleset=None, supplier=None, buyer=None, actor=None, **kw):
    kw.setdefault("due_date", in_days(30))
    return audit_issue(
        supplier=supplier or world.s1,
        questionnaire_version=version,
        ruleset=ruleset,
        actor=actor or world.a_officer,
        buyer=buyer,
        **kw,
    )


def submitted_audit(world, *, version, ruleset, supplier=None, answers=RISKY, **kw):
    """An audit of buyer A (by default) answered, with the policy uploaded, and submitted."""
    supplier = supplier or world.s1
    respondent = world.s1_admin if supplier == world.s1 else world.s2_admin
    audit = issued_audit(world, version=version, ruleset=ruleset, supplier=supplier, **kw)
    answers_save(audit=audit, answers=answers, actor=respondent)
    evidence_upload(audit=audit, question_code="MGT_01", file=pdf(), actor=respondent)
    return audit_submit(audit=audit, actor=respondent)


def accepted_audit(world, *, version, ruleset, answers=RISKY, **kw):
    audit = submitted_audit(world, version=version, ruleset=ruleset, answers=answers, **kw)
    return audit_accept(audit=audit, actor=world.a_officer)


def csv_upload(text: str, name: str = "suppliers.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
