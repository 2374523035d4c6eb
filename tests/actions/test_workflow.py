"""One corrective action walked through every move over the API, and the state matrix of the
services."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from actions import services as services
from actions.models import ActionEvidence, CorrectiveAction
from activity.models import ActivityEvent
from backend.errors import InvalidTransition

Status = CorrectiveAction.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="proof.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_one_action_walks_through_every_move(
    world, opened, api, django_capture_on_commit_callbacks
):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    url = f"/api/v1/corrective-actions/{action.pk}/"
    supplier, buyer = api(world.s1_respondent), api(world.a_reviewer)
    due = action.due_date
    plan = {
        "root_cause": "Hiring desk did not ask for ID",
        "plan": "Check and copy an ID for every hire; audit files monthly",
        "responsible_person": "Li Wei, HR manager",
        "target_date": (due - datetime.timedelta(days=5)).isoformat(),
    }

    def move(client, path, payload=None, **kw):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url + path, payload or {}, **kw)
        assert response.status_code == 200, response.json()
        return response.json()

    body = move(supplier, "submit-plan/", plan)
    assert body["status"] == "plan_submitted" and body["target_date"] == plan["target_date"]
    assert {m.to[0] for m in mail.outbox} == {world.a_reviewer.email}

    body = move(buyer, "reject-plan/", {"comment": "Also cover agency workers"})
    assert body["status"] == "open"
    assert {m.to[0] for m in mail.outbox} == {world.s1_admin.email, world.s1_respondent.email}
    assert "Also cover agency workers" in mail.outbox[0].body

    move(supplier, "submit-plan/", {**plan, "plan": plan["plan"] + "; agency workers too"})
    body = move(buyer, "accept-plan/", {"comment": "Good"})
    assert body["status"] == "plan_accepted"

    new_due = due + datetime.timedelta(days=14)
    body = move(buyer, "extend/", {"due_date": new_due.isoformat(), "reason": "Peak season"})
    assert body["due_date"] == new_due.isoformat()
    assert body["original_due_date"] == due.isoformat()
    assert new_due.isoformat() in mail.outbox[0].subject

    body = move(
        supplier,
        "submit-evidence/",
        {"completion_note": "ID copies for all 42 workers", "files": [pdf()]},
        format="multipart",
    )
    assert body["status"] == "evidence_submitted"
    assert [e["original_name"] for e in body["evidence"]] == ["proof.pdf"]
    assert {m.to[0] for m in mail.outbox} == {world.a_reviewer.email}

    body = move(buyer, "reject-evidence/", {"comment": "Copies are unreadable"})
    assert body["status"] == "plan_accepted"
    move(supplier, "submit-evidence/", {"completion_note": "Rescanned copies"}, format="json")
    body = move(buyer, "verify/", {"comment": "Checked on site"})
    assert body["status"] == "verified" and body["verified_at"]
    assert "verified" in mail.outbox[0].subject.lower()

    events = list(
        ActivityEvent.objects.filter(corrective_action=action).values_list(
            "verb", "from_status", "to_status", "comment"
        )
    )
    assert events == [
        ("action.opened", "", "open", ""),
        ("action.plan_submitted", "open", "plan_submitted", ""),
        ("action.plan_rejected", "plan_submitted", "open", "Also cover agency workers"),
        ("action.plan_submitted", "open", "plan_submitted", ""),
        ("action.plan_accepted", "plan_submitted", "plan_accepted", "Good"),
        ("action.due_date_extended", "plan_accepted", "plan_accepted", "Peak season"),
        ("action.evidence_submitted", "plan_accepted", "evidence_submitted", ""),
        (
            "action.evidence_rejected",
            "evidence_submitted",
            "plan_accepted",
            "Copies are unreadable",
        ),
        ("action.evidence_submitted", "plan_accepted", "evidence_submitted", ""),
        ("action.verified", "evidence_submitted", "verified", "Checked on site"),
    ]
    extended = ActivityEvent.objects.get(corrective_action=action, verb="action.due_date_extended")
    assert extended.data == {"old_due_date": due.isoformat(), "new_due_date": new_due.isoformat()}
    action.refresh_from_db()
    assert (action.due_date, action.original_due_date) == (new_due, due)
    assert action.plan.endswith("agency workers too")
    assert action.completion_note == "Rescanned copies"
    assert ActionEvidence.objects.get(corrective_action=action).sha256


def test_cancel_needs_a_reason_and_closes_the_action(
    world, opened, api, django_capture_on_commit_callbacks
):
    _, actions = opened()
    action = actions["F_HOURS"]
    url = f"/api/v1/corrective-actions/{action.pk}/cancel/"

    response = api(world.a_officer).post(url, {"reason": "  "})
    assert response.status_code == 400
    assert response.json()["errors"] == {"reason": ["This field is required."]}

    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.a_officer).post(url, {"reason": "Duplicate of the site audit"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    event = ActivityEvent.objects.get(corrective_action=action, verb="action.cancelled")
    assert event.comment == "Duplicate of the site audit"
    assert "cancelled" in mail.outbox[0].subject.lower()
    assert api(world.a_officer).post(url, {"reason": "again"}).status_code == 409


def _advance(action, world, to: str) -> CorrectiveAction:
    """Move ``action`` to state ``to`` through the services."""
    s, b = world.s1_admin, world.a_officer
    path = {
        Status.OPEN: [],
        Status.PLAN_SUBMITTED: ["plan"],
        Status.PLAN_ACCEPTED: ["plan", "accept"],
        Status.EVIDENCE_SUBMITTED: ["plan", "accept", "evidence"],
        Status.VERIFIED: ["plan", "accept", "evidence", "verify"],
        Status.CANCELLED: ["cancel"],
    }[to]
    for step in path:
        if step == "plan":
            services.action_submit_plan(
                action=action,
                actor=s,
                root_cause="r",
                plan="p",
                responsible_person="x",
                target_date=action.due_date,
            )
        elif step == "accept":
            services.action_accept_plan(action=action, actor=b)
        elif step == "evidence":
            services.action_submit_evidence(action=action, actor=s, completion_note="done")
        elif step == "verify":
            services.action_verify(action=action, actor=b)
        elif step == "cancel":
            services.action_cancel(action=action, actor=b, reason="not needed")
    action.refresh_from_db()
    assert action.status == to
    return action


MOVES = {
    "submit_plan": lambda a, w: services.action_submit_plan(
        action=a,
        actor=w.s1_admin,
        root_cause="r",
        plan="p",
        responsible_person="x",
        target_date=a.due_date,
    ),
    "accept_plan": lambda a, w: services.action_accept_plan(action=a, actor=w.a_officer),
    "reject_plan": lambda a, w: services.action_reject_plan(
        action=a, actor=w.a_officer, comment="c"
    ),
    "submit_evidence": lambda a, w: services.action_submit_evidence(
        action=a, actor=w.s1_admin, completion_note="n"
    ),
    "verify": lambda a, w: services.action_verify(action=a, actor=w.a_officer),
    "reject_evidence": lambda a, w: services.action_reject_evidence(
        action=a, actor=w.a_officer, comment="c"
    ),
    "cancel": lambda a, w: services.action_cancel(action=a, actor=w.a_officer, reason="r"),
    "extend": lambda a, w: services.action_extend_due_date(
        action=a, actor=w.a_officer, due_date=a.due_date + datetime.timedelta(days=1), reason="r"
    ),
}
ALLOWED = {
    "submit_plan": {Status.OPEN},
    "accept_plan": {Status.PLAN_SUBMITTED},
    "reject_plan": {Status.PLAN_SUBMITTED},
    "submit_evidence": {Status.PLAN_ACCEPTED},
    "verify": {Status.EVIDENCE_SUBMITTED},
    "reject_evidence": {Status.EVIDENCE_SUBMITTED},
    "cancel": set(services.OPEN_STATES),
    "extend": set(services.OPEN_STATES),
}


@pytest.mark.parametrize("state", list(Status))
@pytest.mark.parametrize("move", list(MOVES))
def test_state_matrix(world, opened, state, move):
    _, actions = opened()
    action = _advance(actions["F_AGE_CHECK"], world, state)
    events_before = ActivityEvent.objects.filter(corrective_action=action).count()

    if state in ALLOWED[move]:
        MOVES[move](action, world)
        action.refresh_from_db()
        target = services.ACTIONS[move].to_state or state
        assert action.status == target
        assert ActivityEvent.objects.filter(corrective_action=action).count() == events_before + 1
    else:
        with pytest.raises(InvalidTransition):
            MOVES[move](action, world)
        action.refresh_from_db()
        assert action.status == state
        assert ActivityEvent.objects.filter(corrective_action=action).count() == events_before


def test_transition_table_matches_the_design():
    table = {(m.name, s, m.to_state) for m in services.ACTIONS for s in m.from_states}
    assert ("reject_plan", Status.PLAN_SUBMITTED, Status.OPEN) in table
    assert ("reject_evidence", Status.EVIDENCE_SUBMITTED, Status.PLAN_ACCEPTED) in table
    assert not any(s in CorrectiveAction.CLOSED_STATES for _, s, _ in table)
    assert {m.name: set(m.from_states) for m in services.ACTIONS} == ALLOWED


def test_a_bad_file_rejects_the_whole_evidence_submission(world, opened, api):
    _, actions = opened()
    action = _advance(actions["F_AGE_CHECK"], world, Status.PLAN_ACCEPTED)
    bad = SimpleUploadedFile("run.exe", b"MZ\x90\x00" * 20, content_type="application/pdf")

    response = api(world.s1_admin).post(
        f"/api/v1/corrective-actions/{action.pk}/submit-evidence/",
        {"completion_note": "done", "files": [pdf(), bad]},
        format="multipart",
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["files"]
    assert "run.exe" in response.json()["errors"]["files"][0]
    action.refresh_from_db()
    assert action.status == Status.PLAN_ACCEPTED and action.completion_note == ""
    assert not ActionEvidence.objects.filter(corrective_action=action).exists()


def test_evidence_upload_and_download_through_the_checked_view(world, opened, api):
    _, actions = opened()
    action = _advance(actions["F_AGE_CHECK"], world, Status.PLAN_ACCEPTED)
    url = f"/api/v1/corrective-actions/{action.pk}/evidence/"

    response = api(world.s1_respondent).post(url, {"file": pdf("ids.pdf")}, format="multipart")
    assert response.status_code == 201, response.json()
    download = response.json()["download_url"]
    assert response.json()["content_type"] == "application/pdf"

    got = api(world.a_reviewer).get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == PDF
    assert "ids.pdf" in got["Content-Disposition"]
    assert api(world.b_admin).get(download).status_code == 404
    assert api(world.s2_admin).get(download).status_code == 404
    assert [e["original_name"] for e in api(world.a_officer).get(url).json()] == ["ids.pdf"]

    # Empty upload, missing file: 400 on the field; buyer may not upload: 403.
    assert api(world.s1_admin).post(url, {}, format="multipart").json()["errors"] == {
        "file": ["Choose a file to upload."]
    }
    empty = SimpleUploadedFile("e.pdf", b"", content_type="application/pdf")
    assert api(world.s1_admin).post(url, {"file": empty}, format="multipart").status_code == 400
    assert api(world.a_officer).post(url, {"file": pdf()}, format="multipart").status_code == 403


def test_evidence_upload_outside_the_accepted_plan_is_a_conflict(world, opened, api):
    _, actions = opened()
    url = f"/api/v1/corrective-actions/{actions['F_AGE_CHECK'].pk}/evidence/"
    response = api(world.s1_admin).post(url, {"file": pdf()}, format="multipart")
    assert response.status_code == 409
    assert not ActionEvidence.objects.exists()


def test_the_system_may_move_an_action_and_is_recorded_as_no_one(world, opened):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]

    services.action_cancel(action=action, actor=None, reason="Supplier closed down")

    action.refresh_from_db()
    assert action.status == Status.CANCELLED and action.cancelled_at
    event = ActivityEvent.objects.get(corrective_action=action, verb="action.cancelled")
    assert (event.actor, event.comment) == (None, "Supplier closed down")


def test_a_user_without_the_side_permission_is_refused_before_the_state_is_checked(world, opened):
    _, actions = opened()
    action = _advance(actions["F_AGE_CHECK"], world, Status.VERIFIED)

    with pytest.raises(PermissionDenied):
        services.action_cancel(action=action, actor=world.s1_admin, reason="")
    with pytest.raises(InvalidTransition):
        services.action_cancel(action=action, actor=world.a_officer, reason="")
