"""The permission matrix: who sees which audit (404 otherwise) and who may do what (403),
including a supplier shared by two buyers."""

from __future__ import annotations

import pytest

from audits.models import Audit
from audits.services.assignments import audit_assign_respondents, audit_assign_reviewers
from audits.services.audits import answers_save
from flows.services import audit_submit
from tests.factories import make_supplier

from .conftest import COMPLETE, in_days

VISIBILITY = [
    ("a_admin", 200),
    ("a_officer", 200),
    ("a_reviewer", 404),  # not assigned
    ("b_admin", 404),
    ("b_officer", 404),
    ("s1_admin", 200),
    ("s1_respondent", 404),  # not assigned
    ("s2_admin", 404),
    ("s2_respondent", 404),
]


@pytest.mark.parametrize(("who", "expected"), VISIBILITY)
def test_audit_detail_is_visible_only_to_its_parties(world, api, issue, who, expected):
    audit = issue()
    assert api(getattr(world, who)).get(f"/api/v1/audits/{audit.pk}/").status_code == expected


@pytest.mark.parametrize("who", ["a_reviewer", "s1_respondent"])
def test_assignees_see_only_assigned_audits(world, api, issue, who):
    assigned, other = issue(), issue()
    user = getattr(world, who)
    if who == "a_reviewer":
        audit_assign_reviewers(audit=assigned, users=[user], actor=world.a_admin)
    else:
        audit_assign_respondents(audit=assigned, users=[user], actor=world.s1_admin)
    client = api(user)
    assert client.get(f"/api/v1/audits/{assigned.pk}/").status_code == 200
    assert client.get(f"/api/v1/audits/{other.pk}/").status_code == 404
    ids = [a["id"] for a in client.get("/api/v1/audits/").json()["results"]]
    assert ids == [assigned.pk]


def test_unassigning_revokes_access(world, api, issue):
    audit = issue()
    admin = api(world.s1_admin)
    admin.post(f"/api/v1/audits/{audit.pk}/respondents/", {"users": [world.s1_respondent.pk]})
    assert api(world.s1_respondent).get(f"/api/v1/audits/{audit.pk}/").status_code == 200
    r = admin.delete(f"/api/v1/audits/{audit.pk}/respondents/", {"users": [world.s1_respondent.pk]})
    assert r.status_code == 200
    assert r.json()["respondents"] == []
    assert api(world.s1_respondent).get(f"/api/v1/audits/{audit.pk}/").status_code == 404
    assert not world.s1_respondent.has_perm("audits.respond_audit", Audit.objects.get(pk=audit.pk))


def test_shared_supplier_sees_both_buyers_audits_buyers_see_only_their_own(
    world, api, issue, version
):
    from_a = issue(actor=world.a_officer)
    from_b = issue(actor=world.b_officer)

    def ids(user):
        return {a["id"] for a in api(user).get("/api/v1/audits/").json()["results"]}

    assert ids(world.s1_admin) == {from_a.pk, from_b.pk}
    assert ids(world.a_officer) == {from_a.pk}
    assert ids(world.b_officer) == {from_b.pk}
    assert ids(world.s2_admin) == set()
    assert api(world.b_admin).get(f"/api/v1/audits/{from_a.pk}/events/").status_code == 404
    assert api(world.a_admin).get(f"/api/v1/audits/{from_b.pk}/answers/").status_code == 404


ACTIONS = {
    # action -> (method, path suffix, body)
    "answer": ("patch", "answers/", {"answers": [{"question": "EMP_01", "value": "yes"}]}),
    "assign_respondent": ("post", "respondents/", None),
    "assign_reviewer": ("post", "reviewers/", None),
    "cancel": ("post", "cancel/", {"reason": "Supplier left the network."}),
    "prefill": ("post", "prefill/", {}),
}
EDITABLE_MATRIX = [
    ("answer", "a_officer", 403),
    ("answer", "a_admin", 403),
    ("answer", "s1_admin", 200),
    ("assign_respondent", "s1_admin", 200),
    ("assign_respondent", "a_admin", 403),
    ("assign_reviewer", "a_admin", 200),
    ("assign_reviewer", "a_officer", 403),
    ("assign_reviewer", "s1_admin", 403),
    ("cancel", "a_officer", 200),
    ("cancel", "a_admin", 200),
    ("cancel", "s1_admin", 403),
    ("prefill", "s1_admin", 200),
    ("prefill", "a_officer", 403),
    ("answer", "b_officer", 404),
    ("cancel", "b_admin", 404),
]


@pytest.mark.parametrize(("action", "who", "expected"), EDITABLE_MATRIX)
def test_actions_on_an_open_audit(world, api, issue, action, who, expected):
    audit = issue()
    method, suffix, body = ACTIONS[action]
    if action == "assign_respondent":
        body = {"users": [world.s1_respondent.pk]}
    if action == "assign_reviewer":
        body = {"users": [world.a_reviewer.pk]}
    r = getattr(api(getattr(world, who)), method)(f"/api/v1/audits/{audit.pk}/{suffix}", body)
    assert r.status_code == expected, r.content
    if expected == 403:
        assert r.json()["code"] == "permission_denied"


def _submitted(world, issue, evidence_file):
    audit = issue()
    answers_save(audit=audit, answers=COMPLETE, actor=world.s1_admin)
    evidence_file(audit)
    return audit_submit(audit=audit, actor=world.s1_admin)


@pytest.fixture
def evidence_file(world):
    from audits.services.evidence import evidence_upload

    from .conftest import PDF_BYTES, upload

    def attach(audit, code="MGT_01"):
        return evidence_upload(
            audit=audit, question_code=code, file=upload("p.pdf", PDF_BYTES), actor=world.s1_admin
        )

    return attach


REVIEW_MATRIX = [
    ("accept", "a_officer", 200),
    ("accept", "a_admin", 200),
    ("accept", "s1_admin", 403),
    ("accept", "a_reviewer_assigned", 200),
    ("return", "a_reviewer_assigned", 200),
    ("return", "s1_admin", 403),
    ("cancel", "a_reviewer_assigned", 403),
    ("return", "b_officer", 404),
]


@pytest.mark.parametrize(("action", "who", "expected"), REVIEW_MATRIX)
def test_review_of_a_submitted_audit(world, api, issue, evidence_file, action, who, expected):
    audit = _submitted(world, issue, evidence_file)
    if who == "a_reviewer_assigned":
        audit_assign_reviewers(audit=audit, users=[world.a_reviewer], actor=world.a_admin)
        who = "a_reviewer"
    r = api(getattr(world, who)).post(
        f"/api/v1/audits/{audit.pk}/{action}/", {"comment": "ok", "reason": "r"}
    )
    assert r.status_code == expected, r.content


def test_submitting_is_forbidden_to_the_buyer(world, api, issue):
    audit = issue()
    assert api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/submit/").status_code == 403


WRONG_STATE = [
    ("accept", "a_officer", {}),
    ("return", "a_officer", {"comment": "x"}),
]


@pytest.mark.parametrize(("action", "who", "body"), WRONG_STATE)
def test_review_of_an_unsubmitted_audit_is_a_conflict(world, api, issue, action, who, body):
    audit = issue()
    r = api(getattr(world, who)).post(f"/api/v1/audits/{audit.pk}/{action}/", body)
    assert r.status_code == 409
    assert r.json()["code"] == "invalid_transition"


def test_submitted_audit_is_read_only_and_cannot_be_submitted_twice(
    world, api, issue, evidence_file
):
    audit = _submitted(world, issue, evidence_file)
    client = api(world.s1_admin)
    assert client.post(f"/api/v1/audits/{audit.pk}/submit/").status_code == 409
    r = client.patch(
        f"/api/v1/audits/{audit.pk}/answers/",
        {"answers": [{"question": "EMP_01", "value": "no"}]},
    )
    assert r.status_code == 409
    assert r.json()["code"] == "audit_not_editable"


def test_accepted_audit_cannot_be_cancelled(world, api, issue, evidence_file):
    audit = _submitted(world, issue, evidence_file)
    api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/accept/", {})
    r = api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/cancel/", {"reason": "late"})
    assert r.status_code == 409


def test_cancel_needs_a_reason_and_closes_answers(world, api, issue):
    audit = issue()
    officer = api(world.a_officer)
    r = officer.post(f"/api/v1/audits/{audit.pk}/cancel/", {"reason": "  "})
    assert r.status_code == 400
    assert r.json()["errors"] == {"comment": ["A comment is required."]}
    assert (
        officer.post(f"/api/v1/audits/{audit.pk}/cancel/", {"reason": "Merged"}).json()["status"]
        == "cancelled"
    )
    r = api(world.s1_admin).patch(
        f"/api/v1/audits/{audit.pk}/answers/", {"answers": [{"question": "EMP_01", "value": "no"}]}
    )
    assert r.status_code == 409


@pytest.mark.parametrize("who", ["a_reviewer", "s1_admin", "s1_respondent"])
def test_only_buyer_officers_and_admins_issue(world, api, version, who):
    r = api(getattr(world, who)).post(
        "/api/v1/audits/",
        {"supplier": world.s1.pk, "questionnaire_version": version.pk, "due_date": in_days(9)},
    )
    assert r.status_code == 403


def test_issuing_outside_the_network_is_refused(world, api, version):
    outsider = make_supplier(name="Not linked")
    r = api(world.b_officer).post(
        "/api/v1/audits/",
        {"supplier": world.s2.pk, "questionnaire_version": version.pk, "due_date": in_days(9)},
    )
    assert r.status_code == 400
    assert "supplier" in r.json()["errors"]
    r = api(world.a_officer).post(
        "/api/v1/audits/",
        {"supplier": outsider.pk, "questionnaire_version": version.pk, "due_date": in_days(9)},
    )
    assert r.status_code == 400


def test_issue_validates_fields(world, api, version):
    r = api(world.a_officer).post(
        "/api/v1/audits/",
        {
            "supplier": world.s1.pk,
            "questionnaire_version": version.pk,
            "due_date": in_days(-1),
            "respondents": [world.s2_respondent.pk],
        },
    )
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"due_date"}
    r = api(world.a_officer).post(
        "/api/v1/audits/",
        {
            "supplier": world.s1.pk,
            "questionnaire_version": version.pk,
            "due_date": in_days(3),
            "respondents": [world.s2_respondent.pk],
        },
    )
    assert r.status_code == 400
    assert "respondents" in r.json()["errors"]


def test_assigning_a_non_member_is_refused(world, api, issue):
    audit = issue()
    r = api(world.s1_admin).post(
        f"/api/v1/audits/{audit.pk}/respondents/", {"users": [world.s2_respondent.pk]}
    )
    assert r.status_code == 400
    assert "users" in r.json()["errors"]


def test_supplier_side_does_not_see_internal_events(world, api, issue):
    audit = issue()
    audit_assign_reviewers(audit=audit, users=[world.a_reviewer], actor=world.a_admin)
    supplier_verbs = [
        e["verb"] for e in api(world.s1_admin).get(f"/api/v1/audits/{audit.pk}/events/").json()
    ]
    buyer_verbs = [
        e["verb"] for e in api(world.a_admin).get(f"/api/v1/audits/{audit.pk}/events/").json()
    ]
    assert "audit.reviewers_assigned" in buyer_verbs
    assert "audit.reviewers_assigned" not in supplier_verbs


@pytest.mark.parametrize("who", ["a_officer", "s1_admin"])
def test_list_query_count_does_not_grow(world, api, issue, django_assert_max_num_queries, who):
    client = api(getattr(world, who))
    for _ in range(2):
        audit = issue()
        audit_assign_respondents(audit=audit, users=[world.s1_respondent], actor=world.s1_admin)
    with django_assert_max_num_queries(12) as small:
        assert len(client.get("/api/v1/audits/").json()["results"]) == 2
    for _ in range(10):
        audit = issue()
        audit_assign_reviewers(audit=audit, users=[world.a_reviewer], actor=world.a_admin)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get("/api/v1/audits/?status=sent").json()["results"]) == 12


def test_overdue_filter(world, api, issue):
    late = issue()
    issue()
    Audit.objects.filter(pk=late.pk).update(due_date=in_days(-2))
    r = api(world.a_officer).get("/api/v1/audits/?overdue=true")
    assert [a["id"] for a in r.json()["results"]] == [late.pk]
    assert r.json()["results"][0]["overdue"] is True
    r = api(world.a_officer).get("/api/v1/audits/?overdue=false")
    assert late.pk not in [a["id"] for a in r.json()["results"]]


def test_events_and_campaign_lists_have_constant_queries(
    world, api, issue, version, django_assert_max_num_queries
):
    from audits.services.audits import campaign_create

    audit = issue()
    client = api(world.a_admin)
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "yes"}], actor=None)
    campaign_create(
        actor=world.a_officer,
        name="c0",
        questionnaire_version=version,
        due_date=in_days(9),
        supplier_ids=[world.s2.pk],
    )
    with django_assert_max_num_queries(20) as small_events:
        client.get(f"/api/v1/audits/{audit.pk}/events/")
    with django_assert_max_num_queries(20) as small_campaigns:
        client.get("/api/v1/campaigns/")
    for i in range(8):
        answers_save(
            audit=audit, answers=[{"question": "EMP_04", "value": 40 + i}], actor=world.s1_admin
        )
        campaign_create(
            actor=world.a_admin,
            name=f"c{i + 1}",
            questionnaire_version=version,
            due_date=in_days(9),
            supplier_ids=[world.s2.pk],
        )
    with django_assert_max_num_queries(len(small_events.captured_queries)):
        assert len(client.get(f"/api/v1/audits/{audit.pk}/events/").json()) > 10
    with django_assert_max_num_queries(len(small_campaigns.captured_queries)):
        assert client.get("/api/v1/campaigns/").json()["count"] == 9
