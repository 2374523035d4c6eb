"""Through the real services: accepting an audit scores it, records findings, opens actions,
and the register shows it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from audits.models import Answer, Audit
from audits.services.audits import audit_issue
from flows.services import audit_accept
from tests.factories import make_ruleset, make_version

BAD = {  # overall 0.0, critical, four findings (see tests/data/mini-rules.yaml)
    "MGT_01": "no",
    "EMP_01": "no",
    "EMP_02": "yes",
    "EMP_03": 10,
    "EMP_04": 70,
    "ENV_01": [],
}


def test_accepted_audit_appears_in_the_register(world, api, django_capture_on_commit_callbacks):
    version = make_version()
    ruleset = make_ruleset()
    with django_capture_on_commit_callbacks(execute=True):
        audit = audit_issue(
            supplier=world.s2,
            questionnaire_version=version,
            due_date=timezone.localdate() + datetime.timedelta(days=30),
            actor=world.a_officer,
            buyer=world.buyer_a,
            ruleset=ruleset,
        )
    questions = dict(version.questions.values_list("code", "pk"))
    Answer.objects.bulk_create(
        [Answer(audit=audit, question_id=questions[c], value=v) for c, v in BAD.items()]
    )
    # Submitting needs evidence uploads; that part of the flow is the audits area's to test.
    Audit.objects.filter(pk=audit.pk).update(
        status=Audit.Status.SUBMITTED, submitted_at=timezone.now()
    )
    audit.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        audit_accept(audit=audit, actor=world.a_officer)

    body = api(world.a_officer).get("/api/v1/risk-register/").json()
    row = next(r for r in body["register"] if r["supplier_name"] == world.s2.name)
    assert row["overall_score"] == 0.0
    assert row["rating"] == "critical"
    assert row["last_audit_accepted_at"] == timezone.localdate().isoformat()
    assert (
        row["open_findings_critical"],
        row["open_findings_major"],
        row["open_findings_minor"],
        row["open_findings_observation"],
    ) == (1, 1, 1, 1)
    assert row["open_actions"] == 3
    assert row["overdue_actions"] == 0 and row["overdue_critical"] is False
    assert row["next_due_date"] is not None
    assert {f["rule_code"] for f in body["findings"]} == {
        "F_AGE_CHECK",
        "F_HOURS",
        "F_NO_POLICY",
        "F_NO_TRACKING",
    }
    assert body["method"]["ruleset"] == "mini-csr-rules@1"
