"""The review dialogue: comments on single questions when returning, what changed since the
last submission, resolving comments, and the last decision the supplier reads."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections

from accounts import notifications
from accounts.models import Membership, Notification
from activity.models import ActivityEvent
from audits.models import Evidence, QuestionComment, Submission
from audits.services.audits import answers_save, audit_return
from audits.services.dialogue import question_comment_resolve
from audits.services.evidence import evidence_delete, evidence_upload
from audits.services.shares import share_publish
from backend.errors import Conflict
from flows.services import audit_accept, audit_assign_reviewers, audit_submit
from tests.factories import make_member

from .conftest import COMPLETE, PDF_BYTES, upload

COMMENT = {"comment": "Two answers need another look."}


@pytest.fixture
def submitted(world, issue, ruleset):
    """An audit of s1 answered completely (with MGT_01's file) and submitted, reviewed by
    A's reviewer."""
    audit = issue(ruleset=ruleset)
    audit_assign_reviewers(audit=audit, users=[world.a_reviewer], actor=world.a_admin)
    answers_save(audit=audit, answers=COMPLETE, actor=world.s1_admin)
    evidence_upload(
        audit=audit, question_code="MGT_01", file=upload("p.pdf", PDF_BYTES), actor=world.s1_admin
    )
    return audit_submit(audit=audit, actor=world.s1_admin)


def _return(api, user, audit, **body):
    return api(user).post(f"/api/v1/audits/{audit.pk}/return/", {**COMMENT, **body})


def test_each_submission_keeps_what_was_submitted(submitted):
    (submission,) = Submission.objects.filter(audit=submitted)
    assert submission.number == 1
    assert submission.snapshot["EMP_04"] == {"value": 44, "not_applicable": False, "files": []}
    (file,) = submission.snapshot["MGT_01"]["files"]
    assert file["name"] == "p.pdf"
    assert file["id"] == Evidence.objects.get(audit=submitted).pk


def test_return_with_question_comments_tells_the_supplier(
    world, api, submitted, django_capture_on_commit_callbacks
):
    items = [
        {"question": "EMP_04", "text": "The headcount differs from your licence."},
        {"question": "MGT_01", "text": "The policy file is not signed."},
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = _return(api, world.a_reviewer, submitted, question_comments=items)
    assert r.status_code == 200, r.content
    rows = QuestionComment.objects.filter(audit=submitted).order_by("question_code")
    assert [(c.question_code, c.text, c.author) for c in rows] == [
        ("EMP_04", items[0]["text"], world.a_reviewer),
        ("MGT_01", items[1]["text"], world.a_reviewer),
    ]
    assert {c.submission.number for c in rows} == {1}
    event = ActivityEvent.objects.get(audit=submitted, verb="audit.returned")
    assert event.data == {"question_comments": ["EMP_04", "MGT_01"]}
    to_admin = next(m for m in mail.outbox if world.s1_admin.email in m.to)
    assert "commented on 2 questions" in to_admin.body
    entry = Notification.objects.get(user=world.s1_admin, name="audits/email/returned")
    assert notifications.subject(entry, world.s1_admin, "en").endswith(
        "with comments on 2 questions"
    )
    zh = notifications.subject(entry, world.s1_admin, "zh-hans")
    assert zh.endswith("要求修改您的 CSR 自评，并对 2 个问题提出了意见"), zh

    # the supplier reads the comments and the decision
    r = api(world.s1_respondent).get(f"/api/v1/audits/{submitted.pk}/comments/")
    assert r.status_code == 404  # not assigned: the audit is not theirs
    r = api(world.s1_admin).get(f"/api/v1/audits/{submitted.pk}/comments/")
    assert r.status_code == 200
    assert [(c["question"], c["resolved"], c["submission"]) for c in r.json()] == [
        ("EMP_04", False, 1),
        ("MGT_01", False, 1),
    ]
    detail = api(world.s1_admin).get(f"/api/v1/audits/{submitted.pk}/").json()
    assert detail["last_decision"]["move"] == "return"
    assert detail["last_decision"]["comment"] == COMMENT["comment"]


def test_a_refused_submit_keeps_no_submission(world, issue):
    audit = issue()
    answers_save(audit=audit, answers=COMPLETE, actor=world.s1_admin)  # MGT_01's file missing
    with pytest.raises(ValidationError):
        audit_submit(audit=audit, actor=world.s1_admin)
    assert not Submission.objects.filter(audit=audit).exists()


def test_bad_question_comments_are_a_400_per_item_and_change_nothing(world, api, submitted):
    items = [
        {"question": "EMP_04", "text": "fine"},
        {"question": "NOPE_01", "text": "unknown"},
        {"question": "EMP_03", "text": "hidden by EMP_02 = no"},
        {"question": "ENV_01", "text": "   "},
    ]
    r = _return(api, world.a_reviewer, submitted, question_comments=items)
    assert r.status_code == 400
    errors = r.json()["errors"]
    assert set(errors) == {
        "question_comments.1.question",
        "question_comments.2.question",
        "question_comments.3.text",
    }
    assert "NOPE_01" in errors["question_comments.1.question"][0]
    assert "not asked" in errors["question_comments.2.question"][0]
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    assert not QuestionComment.objects.filter(audit=submitted).exists()


def test_return_refuses_unknown_item_fields_and_still_needs_its_comment(world, api, submitted):
    r = _return(
        api, world.a_reviewer, submitted, question_comments=[{"question": "EMP_04", "x": "y"}]
    )
    assert r.status_code == 400 and "question_comments.0.x" in r.json()["errors"]
    r = api(world.a_reviewer).post(
        f"/api/v1/audits/{submitted.pk}/return/",
        {"comment": "", "question_comments": [{"question": "EMP_04", "text": "Check"}]},
    )
    assert r.status_code == 400 and set(r.json()["errors"]) == {"comment"}


def test_return_with_comments_is_refused_to_the_wrong_role_and_state(world, api, submitted):
    items = [{"question": "EMP_04", "text": "Check"}]
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    assert _return(api, viewer, submitted, question_comments=items).status_code == 403
    assert _return(api, world.s1_admin, submitted, question_comments=items).status_code == 403
    assert _return(api, world.b_officer, submitted, question_comments=items).status_code == 404
    assert _return(api, world.a_reviewer, submitted, question_comments=items).status_code == 200
    again = _return(api, world.a_reviewer, submitted, question_comments=items)
    assert again.status_code == 409
    assert QuestionComment.objects.filter(audit=submitted).count() == 1


def _resubmit_with_changes(world, audit):
    """The supplier changes EMP_04, swaps MGT_01's file and submits again."""
    audit.refresh_from_db()
    answers_save(audit=audit, answers=[{"question": "EMP_04", "value": 52}], actor=world.s1_admin)
    old = Evidence.objects.get(audit=audit, question__code="MGT_01")
    old_id = old.pk
    new = evidence_upload(
        audit=audit, question_code="MGT_01", file=upload("q.pdf", PDF_BYTES), actor=world.s1_admin
    )
    evidence_delete(evidence=old, actor=world.s1_admin)
    audit_submit(audit=audit, actor=world.s1_admin)
    return old_id, new


def test_changes_show_before_and_after_since_the_returned_submission(world, api, submitted):
    url = f"/api/v1/audits/{submitted.pk}/changes/"
    first = api(world.a_reviewer).get(url)
    assert first.status_code == 200 and first.json() == {"since": None, "questions": []}
    _return(
        api, world.a_reviewer, submitted, question_comments=[{"question": "EMP_04", "text": "?"}]
    )
    old, new = _resubmit_with_changes(world, submitted)

    r = api(world.a_reviewer).get(url)
    assert r.status_code == 200
    body = r.json()
    assert body["since"]["number"] == 1
    assert [q["question"] for q in body["questions"]] == ["MGT_01", "EMP_04"]
    files, headcount = body["questions"]
    assert headcount["before"] == {"value": 44, "not_applicable": False}
    assert headcount["after"] == {"value": 52, "not_applicable": False}
    assert headcount["answer_changed"] and not headcount["files_added"]
    assert not files["answer_changed"]
    assert files["files_added"] == [{"id": new.pk, "name": "q.pdf"}]
    assert files["files_removed"] == [{"id": old, "name": "p.pdf"}]


def test_changes_are_the_buyers_view(world, api, submitted):
    url = f"/api/v1/audits/{submitted.pk}/changes/"
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    assert api(viewer).get(url).status_code == 200
    assert api(world.s1_admin).get(url).status_code == 403
    assert api(world.b_officer).get(url).status_code == 404


def test_reviewer_resolves_a_comment_once(world, api, submitted):
    _return(
        api, world.a_reviewer, submitted, question_comments=[{"question": "EMP_04", "text": "?"}]
    )
    comment = QuestionComment.objects.get(audit=submitted)
    url = f"/api/v1/audits/{submitted.pk}/comments/{comment.pk}/resolve/"
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    assert api(viewer).post(url).status_code == 403
    assert api(world.s1_admin).post(url).status_code == 403
    assert api(world.b_officer).post(url).status_code == 404
    wrong = f"/api/v1/audits/{submitted.pk}/comments/{comment.pk + 99}/resolve/"
    assert api(world.a_reviewer).post(wrong).status_code == 404

    r = api(world.a_reviewer).post(url)
    assert r.status_code == 200, r.content
    assert r.json()["resolved"] and r.json()["resolved_by"]["id"] == world.a_reviewer.pk
    event = ActivityEvent.objects.get(audit=submitted, verb="audit.question_comment_resolved")
    assert event.data == {"question": "EMP_04", "comment": comment.pk}
    again = api(world.a_reviewer).post(url)
    assert again.status_code == 409 and again.json()["code"] == "already_resolved"


def test_the_accept_comment_reaches_the_supplier(
    world, api, submitted, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        audit_accept(audit=submitted, actor=world.a_reviewer, comment="Thorough, thank you.")
    to_admin = next(m for m in mail.outbox if world.s1_admin.email in m.to)
    assert "Thorough, thank you." in to_admin.body
    decision = api(world.s1_admin).get(f"/api/v1/audits/{submitted.pk}/").json()["last_decision"]
    assert decision["move"] == "accept" and decision["comment"] == "Thorough, thank you."


def test_comment_list_queries_do_not_grow(world, api, submitted, django_assert_max_num_queries):
    url = f"/api/v1/audits/{submitted.pk}/comments/"
    _return(
        api, world.a_reviewer, submitted, question_comments=[{"question": "EMP_04", "text": "?"}]
    )
    client = api(world.a_reviewer)
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        assert len(client.get(url).json()) == 1
    one = len(few)
    submitted.refresh_from_db()
    answers_save(audit=submitted, answers=[{"question": "EMP_04", "value": 50}], actor=None)
    audit_submit(audit=submitted, actor=world.s1_admin)
    items = [{"question": c["question"], "text": "again"} for c in COMPLETE]
    _return(api, world.a_reviewer, submitted, question_comments=items)
    with django_assert_max_num_queries(one):
        assert len(client.get(url).json()) == 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_resolving_at_once_resolve_it_once(world, submitted):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    audit_return(
        audit=submitted,
        comment="One question.",
        question_comments=[{"question": "EMP_04", "text": "Check"}],
        actor=world.a_reviewer,
    )
    comment = QuestionComment.objects.get(audit=submitted)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def resolve(user):
        try:
            barrier.wait(timeout=10)
            question_comment_resolve(comment=comment, actor=user)
            outcomes.append("resolved")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=resolve, args=(u,)) for u in (world.a_reviewer, world.a_officer)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "resolved"]
    events = ActivityEvent.objects.filter(audit=submitted, verb="audit.question_comment_resolved")
    assert events.count() == 1


def test_a_buyer_the_audit_was_shared_with_does_not_get_the_changes(world, api, submitted):
    audit_accept(audit=submitted, actor=world.a_reviewer)
    submitted.refresh_from_db()
    share_publish(actor=world.s1_admin, audit=submitted, buyer=world.buyer_b)
    assert api(world.b_officer).get(f"/api/v1/audits/{submitted.pk}/").status_code == 200
    r = api(world.b_officer).get(f"/api/v1/audits/{submitted.pk}/changes/")
    assert r.status_code == 403
