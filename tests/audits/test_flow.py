"""The whole lifecycle through the API, as the issue describes it."""

from __future__ import annotations

from django.core import mail

from audits.models import Answer, Audit, Evidence

from .conftest import PDF_BYTES, in_days, upload


def test_full_flow_through_the_api_tells_the_story(
    world, api, version, ruleset, django_capture_on_commit_callbacks
):
    officer, admin, respondent = api(world.a_officer), api(world.s1_admin), api(world.s1_respondent)

    # issue
    with django_capture_on_commit_callbacks(execute=True):
        r = officer.post(
            "/api/v1/audits/",
            {
                "supplier": world.s1.pk,
                "questionnaire_version": version.pk,
                "ruleset": ruleset.pk,
                "due_date": in_days(30).isoformat(),
                "reviewers": [world.a_reviewer.pk],
            },
        )
    assert r.status_code == 201, r.content
    audit_id = r.json()["id"]
    assert r.json()["status"] == "sent"
    assert any(world.s1_admin.email in m.to for m in mail.outbox)

    # the respondent cannot see it until assigned
    assert respondent.get(f"/api/v1/audits/{audit_id}/").status_code == 404
    r = admin.post(f"/api/v1/audits/{audit_id}/respondents/", {"users": [world.s1_respondent.pk]})
    assert r.status_code == 200, r.content
    assert respondent.get(f"/api/v1/audits/{audit_id}/").status_code == 200

    # answer, with the conditional EMP_03 shown by EMP_02 == "yes"
    r = respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/",
        {
            "answers": [
                {"question": "EMP_02", "value": "yes"},
                {"question": "EMP_01", "value": "yes"},
            ]
        },
    )
    assert r.status_code == 200, r.content
    assert "EMP_03" in r.json()["visible"]
    assert Audit.objects.get(pk=audit_id).status == "in_progress"
    r = respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/",
        {
            "answers": [
                {"question": "EMP_03", "value": 4},
                {"question": "EMP_04", "value": 48},
                {"question": "MGT_01", "value": "yes"},
            ]
        },
    )
    assert r.status_code == 200, r.content

    # submit fails: MGT_01 needs evidence
    r = respondent.post(f"/api/v1/audits/{audit_id}/submit/")
    assert r.status_code == 400
    assert r.json()["errors"] == {"MGT_01": ["This question needs evidence."]}
    assert Audit.objects.get(pk=audit_id).status == "in_progress"

    # upload evidence
    r = respondent.post(
        f"/api/v1/audits/{audit_id}/evidence/",
        {"question": "MGT_01", "file": upload("policy.pdf", PDF_BYTES)},
        format="multipart",
    )
    assert r.status_code == 201, r.content
    assert r.json()["content_type"] == "application/pdf"

    # clear a required answer: submit names it
    r = respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/", {"answers": [{"question": "EMP_04", "value": None}]}
    )
    assert r.status_code == 200
    r = respondent.post(f"/api/v1/audits/{audit_id}/submit/")
    assert r.status_code == 400
    assert r.json()["errors"] == {"EMP_04": ["This question needs an answer."]}

    respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/", {"answers": [{"question": "EMP_04", "value": 46}]}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = respondent.post(f"/api/v1/audits/{audit_id}/submit/")
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "submitted"
    recipients = {to for m in mail.outbox for to in m.to}
    assert {world.a_officer.email, world.a_reviewer.email} <= recipients

    # read-only for the supplier now
    r = respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/", {"answers": [{"question": "EMP_04", "value": 40}]}
    )
    assert r.status_code == 409

    # the reviewer returns it (comment required)
    reviewer = api(world.a_reviewer)
    assert reviewer.post(f"/api/v1/audits/{audit_id}/return/", {}).status_code == 400
    r = reviewer.post(
        f"/api/v1/audits/{audit_id}/return/", {"comment": "Please confirm the dormitory size."}
    )
    assert r.status_code == 200 and r.json()["status"] == "returned"

    # answer again: the dormitory is gone, EMP_03 becomes hidden and is dropped on submit
    r = respondent.patch(
        f"/api/v1/audits/{audit_id}/answers/", {"answers": [{"question": "EMP_02", "value": "no"}]}
    )
    assert r.status_code == 200
    assert "EMP_03" not in r.json()["visible"]
    r = respondent.post(f"/api/v1/audits/{audit_id}/submit/")
    assert r.status_code == 200, r.content
    assert not Answer.objects.filter(audit_id=audit_id, question__code="EMP_03").exists()

    r = reviewer.post(f"/api/v1/audits/{audit_id}/accept/", {})
    assert r.status_code == 200 and r.json()["status"] == "accepted"
    assert Evidence.objects.filter(audit_id=audit_id).count() == 1

    # the events tell the story
    r = officer.get(f"/api/v1/audits/{audit_id}/events/")
    moves = [(e["from_status"], e["to_status"]) for e in r.json() if e["to_status"]]
    assert moves == [
        ("", "draft"),
        ("draft", "sent"),
        ("sent", "in_progress"),
        ("in_progress", "submitted"),
        ("submitted", "returned"),
        ("returned", "in_progress"),
        ("in_progress", "submitted"),
        ("submitted", "accepted"),
    ]
    returned = next(e for e in r.json() if e["to_status"] == "returned")
    assert returned["comment"] == "Please confirm the dormitory size."
    assert returned["actor"]["id"] == world.a_reviewer.pk
    verbs = [e["verb"] for e in r.json()]
    assert "evidence.uploaded" in verbs and "answers.saved" in verbs
