"""Audits for the supplier page tests, built through the services (issue, answer, submit,
accept) so the pages see exactly what production would."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from audits.services.audits import answers_save, audit_issue
from audits.services.evidence import evidence_upload
from flows.services import audit_accept, audit_submit

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"

# Every required question of mini.yaml answered for a small supplier; with the mini rules this
# raises F_AGE_CHECK (critical), F_HOURS (major) and F_NO_POLICY (minor).
WITH_FINDINGS = [
    {"question": "MGT_01", "value": "no"},
    {"question": "EMP_01", "value": "no"},
    {"question": "EMP_02", "value": "no"},
    {"question": "EMP_04", "value": 70},
    {"question": "ENV_01", "value": ["energy"]},
]


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def pdf(name: str = "policy.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def issue(world, version, *, supplier=None, ruleset=None, respondents=(), **kw):
    supplier = supplier or world.s1
    kw.setdefault("due_date", in_days(30))
    return audit_issue(
        supplier=supplier,
        questionnaire_version=version,
        actor=world.a_officer,
        buyer=world.buyer_a,
        ruleset=ruleset,
        respondents=list(respondents),
        **kw,
    )


def answer_all(audit, actor, answers=WITH_FINDINGS):
    answers_save(audit=audit, answers=list(answers), actor=actor)
    evidence_upload(audit=audit, question_code="MGT_01", file=pdf(), actor=actor)


def submitted(world, version, *, ruleset=None, respondents=(), answers=WITH_FINDINGS):
    audit = issue(world, version, ruleset=ruleset, respondents=respondents)
    answer_all(audit, world.s1_admin, answers)
    return audit_submit(audit=audit, actor=world.s1_admin)


def accepted(world, version, ruleset, *, respondents=(), answers=WITH_FINDINGS):
    audit = submitted(world, version, ruleset=ruleset, respondents=respondents, answers=answers)
    return audit_accept(audit=audit, actor=world.a_officer)
