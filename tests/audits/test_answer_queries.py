"""Saving one answer touches each table once: the audit (read, then locked), the answer (one
upsert), the event, and what the response shows (answers, evidence). The shortcuts it takes
(visibility and permissions from the request's memberships) agree with the general rules."""

from __future__ import annotations

import itertools

import pytest

from activity.models import ActivityEvent
from audits import permissions as audit_perms
from audits.models import Answer, Audit, audit_visible
from audits.services.audits import audit_cancel
from flows.services import audit_assign_respondents, audit_assign_reviewers

# No test transaction around these: the count is what a request runs in production (a
# transaction, not savepoints inside the test's).
counted = pytest.mark.django_db(transaction=True)


# The transaction's BEGIN and COMMIT, which Django logs as queries (on SQLite and PostgreSQL),
# are not counted in the limits below (round trips to read or write a table are).
TRANSACTION = 2


def _url(audit) -> str:
    return f"/api/v1/audits/{audit.pk}/answers/"


def _one(code: str, value) -> dict:
    return {"answers": [{"question": code, "value": value}]}


@counted
def test_saving_one_answer_through_the_api_takes_at_most_8_queries(
    world, api, issue, django_assert_max_num_queries
):
    audit = issue()
    client = api(world.s1_admin)
    assert client.patch(_url(audit), _one("MGT_01", "yes"), format="json").status_code == 200

    with django_assert_max_num_queries(8 + TRANSACTION):
        r = client.patch(_url(audit), _one("EMP_01", "yes"), format="json")

    assert r.status_code == 200, r.content
    body = r.json()
    assert {a["question"]: a["value"] for a in body["answers"]} == {
        "MGT_01": "yes",
        "EMP_01": "yes",
    }
    assert "EMP_01" not in body["missing"] and "EMP_02" in body["missing"]
    assert Answer.objects.get(audit=audit, question__code="EMP_01").updated_by == world.s1_admin
    assert ActivityEvent.objects.filter(audit=audit, verb="answers.saved").count() == 2
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS


@counted
def test_an_assigned_respondent_saves_one_answer_in_at_most_8_queries(
    world, api, issue, django_assert_max_num_queries
):
    audit = issue()
    audit_assign_respondents(audit=audit, users=[world.s1_respondent], actor=world.s1_admin)
    client = api(world.s1_respondent)
    assert client.patch(_url(audit), _one("MGT_01", "yes"), format="json").status_code == 200

    with django_assert_max_num_queries(8 + TRANSACTION):
        r = client.patch(_url(audit), _one("EMP_04", 12), format="json")

    assert r.status_code == 200, r.content
    assert Answer.objects.get(audit=audit, question__code="EMP_04").value == 12


@counted
def test_the_first_save_starts_the_audit(world, api, issue, django_assert_max_num_queries):
    audit = issue()
    client = api(world.s1_admin)
    assert client.get(_url(audit)).status_code == 200  # the questionnaire, read once
    # once per audit: the row locked for update, the move's permission, status and event
    with django_assert_max_num_queries(13 + TRANSACTION):
        r = client.patch(_url(audit), _one("MGT_01", "yes"), format="json")
    assert r.status_code == 200, r.content
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS
    assert list(ActivityEvent.objects.filter(audit=audit).values_list("verb", flat=True))[-2:] == [
        "audit.started",
        "answers.saved",
    ]


@counted
def test_saving_one_answer_in_the_portal_takes_at_most_9_queries(
    world, client, issue, django_assert_max_num_queries
):
    audit = issue()
    client.force_login(world.s1_admin)
    assert client.get(f"/s/audits/{audit.pk}/").status_code == 200  # the page, as shown first
    url = f"/s/audits/{audit.pk}/answer/EMP_01/"
    assert client.post(url, {"value": "yes"}, HTTP_HX_REQUEST="true").status_code == 200

    # 9: the session and its user (2, every portal page), then at most 7 of its own
    with django_assert_max_num_queries(9 + TRANSACTION):
        r = client.post(
            f"/s/audits/{audit.pk}/answer/EMP_02/", {"value": "yes"}, HTTP_HX_REQUEST="true"
        )

    assert r.status_code == 200
    assert Answer.objects.get(audit=audit, question__code="EMP_02").value == "yes"
    # EMP_03 shows when EMP_02 is "yes": its question comes back, swapped in out of band
    assert 'id="q-EMP_03"' in r.content.decode()


def test_the_shortcuts_agree_with_the_general_rules(world, issue, version):
    """``holds`` answers what ``has_perm`` answers and ``audit_visible`` what ``visible_to``
    does, for every member of the world and an audit in each kind of state."""
    draft = issue(send=False)
    cancelled_draft = issue(send=False)
    audit_cancel(audit=cancelled_draft, actor=world.a_officer, reason="Wrong supplier")
    sent = issue()
    assigned = issue(supplier=world.s2)
    audit_assign_respondents(audit=assigned, users=[world.s2_respondent], actor=world.s2_admin)
    audit_assign_reviewers(audit=assigned, users=[world.a_reviewer], actor=world.a_admin)
    cancelled = issue()
    audit_cancel(audit=cancelled, actor=world.a_officer, reason="Not needed")
    users = [
        world.a_admin,
        world.a_officer,
        world.a_reviewer,
        world.b_admin,
        world.b_officer,
        world.s1_admin,
        world.s1_respondent,
        world.s2_admin,
        world.s2_respondent,
    ]
    perms = ["view_audit", "respond_audit", "review_audit", "cancel_audit"]
    perms += ["assign_respondents", "assign_reviewers"]
    audits = [draft, cancelled_draft, sent, assigned, cancelled]
    for user, audit in itertools.product(users, audits):
        audit.refresh_from_db()
        visible = Audit.objects.visible_to(user).filter(pk=audit.pk).exists()
        assert audit_visible(user, audit) == visible, (user.email, audit.status)
        for perm in perms:
            expected = user.has_perm(f"audits.{perm}", audit)
            assert audit_perms.holds(user, f"audits.{perm}", audit) == expected, (
                user.email,
                audit.status,
                perm,
            )


@counted
def test_saving_an_answer_reads_neither_the_rule_set_document_nor_the_campaign(
    world, api, issue, ruleset
):
    """The rule set's document is about 25 kB of JSON (its compiled form is cached) and a
    campaign holds its supplier list: an answer reads neither (``audit_get_for(answering=True)``),
    on the API and the portal."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    audit = issue(ruleset=ruleset)
    client = api(world.s1_admin)
    portal = Client()
    portal.force_login(world.s1_admin)
    assert client.get(_url(audit)).status_code == 200  # the process compiles the rule set once
    with CaptureQueriesContext(connection) as ctx:
        assert client.patch(_url(audit), _one("MGT_01", "yes"), format="json").status_code == 200
        assert client.get(_url(audit)).status_code == 200
        saved = portal.post(
            f"/s/audits/{audit.pk}/answer/EMP_01/", {"value": "yes"}, HTTP_HX_REQUEST="true"
        )
        assert saved.status_code == 200
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert '"rulesets_ruleset"."document"' not in sql and "audits_campaign" not in sql
    # The rule set is joined to the audit read, once per request, its document left out.
    assert sum("rulesets_ruleset" in q["sql"] for q in ctx.captured_queries) == 3
