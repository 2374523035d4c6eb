"""The list and detail, bad input, and the comment thread."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from actions import services as services
from actions.models import CorrectiveAction
from activity.models import ActivityEvent

Status = CorrectiveAction.Status
LIST = "/api/v1/corrective-actions/"


def _ids(response):
    assert response.status_code == 200, response.json()
    return sorted(r["id"] for r in response.json()["results"])


def test_list_shows_each_party_its_own_actions(world, opened, accepted_audit, api):
    _, a_actions = opened()
    b_audit = accepted_audit(buyer=world.buyer_b, supplier=world.s1, rules=("F_HOURS",))
    b_actions = services.actions_open_for_audit(audit=b_audit)

    a_ids = sorted(a.pk for a in a_actions.values())
    assert _ids(api(world.a_officer).get(LIST)) == a_ids
    assert _ids(api(world.b_officer).get(LIST)) == [b_actions[0].pk]
    # The shared supplier sees both buyers' actions; supplier s2 sees none.
    assert _ids(api(world.s1_admin).get(LIST)) == sorted([*a_ids, b_actions[0].pk])
    assert _ids(api(world.s1_respondent).get(LIST)) == a_ids  # assigned to A's audit only
    assert _ids(api(world.s2_admin).get(LIST)) == []


def test_list_filters(world, opened, accepted_audit, api):
    audit, actions = opened()
    age, hours, policy = actions["F_AGE_CHECK"], actions["F_HOURS"], actions["F_NO_POLICY"]
    CorrectiveAction.objects.filter(pk=age.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=1)
    )
    services.action_cancel(action=policy, actor=world.a_officer, reason="r")
    s2_audit = accepted_audit(buyer=world.buyer_a, supplier=world.s2, rules=("F_HOURS",))
    [s2_hours] = services.actions_open_for_audit(audit=s2_audit)
    client = api(world.a_admin)

    assert _ids(client.get(LIST, {"status": "cancelled"})) == [policy.pk]
    assert _ids(client.get(f"{LIST}?status=open&status=cancelled")) == sorted(
        [age.pk, hours.pk, policy.pk, s2_hours.pk]
    )
    assert _ids(client.get(LIST, {"severity": "major"})) == sorted([hours.pk, s2_hours.pk])
    assert _ids(client.get(LIST, {"overdue": "true"})) == [age.pk]
    assert age.pk not in _ids(client.get(LIST, {"overdue": "false"}))
    assert _ids(client.get(LIST, {"supplier": world.s2.pk})) == [s2_hours.pk]
    assert _ids(client.get(LIST, {"audit": audit.pk})) == sorted([age.pk, hours.pk, policy.pk])
    assert _ids(client.get(LIST, {"suggested_verification": "true"})) == []

    response = client.get(LIST, {"status": "lost", "supplier": "x", "overdue": "maybe"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "supplier", "overdue"}


def test_list_rows_carry_the_finding_and_overdue(world, opened, api):
    _, actions = opened()
    age = actions["F_AGE_CHECK"]
    CorrectiveAction.objects.filter(pk=age.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    rows = api(world.s1_admin).get(LIST, {"severity": "critical", "lang": "zh-Hans"}).json()
    [row] = rows["results"]
    assert row["title"] == "未核查员工年龄"
    assert row["guidance"].startswith("对每位新员工")
    assert (row["overdue"], row["days_overdue"]) == (True, 3)
    assert row["supplier"] == {"id": world.s1.pk, "name": world.s1.name}
    assert row["suggested_verification"] is False


@pytest.mark.parametrize("lang", ["en", "zh-Hans"])
def test_list_rows_are_what_the_output_serializer_makes(world, opened, api, rf, lang):
    """The list builds its rows directly (``ActionListRowSerializer``) from fewer columns;
    each row must be exactly what ``ActionListOutputSerializer`` makes of the whole action."""
    from actions.serializers import ActionListOutputSerializer

    _, actions = opened()
    age, policy = actions["F_AGE_CHECK"], actions["F_NO_POLICY"]
    CorrectiveAction.objects.filter(pk=age.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=2),
        target_date=timezone.localdate(),
    )
    services.action_cancel(action=policy, actor=world.a_officer, reason="r")

    rows = api(world.a_officer).get(LIST, {"lang": lang}).json()["results"]

    assert {row["id"] for row in rows} == {a.pk for a in actions.values()}
    request = rf.get(LIST, {"lang": lang})
    request.user = world.a_officer
    for row in rows:
        action = CorrectiveAction.objects.get(pk=row["id"])
        expected = ActionListOutputSerializer(action, context={"request": request}).data
        assert row == {key: expected[key] for key in expected}, row["id"]
    by_id = {row["id"]: row for row in rows}
    assert by_id[age.pk]["target_date"] == timezone.localdate().isoformat()
    assert by_id[policy.pk]["cancelled_at"] is not None


def test_suggested_verification_is_visible_and_filterable(world, opened, accepted_audit, api):
    opened(accepted_at=timezone.now() - datetime.timedelta(days=100))
    later = accepted_audit(buyer=world.buyer_a, supplier=world.s1, rules=("F_HOURS",))
    services.actions_open_for_audit(audit=later)

    response = api(world.a_officer).get(LIST, {"suggested_verification": "true"})
    rows = response.json()["results"]
    assert sorted(r["rule_code"] for r in rows) == ["F_AGE_CHECK", "F_NO_POLICY"]
    assert {r["suggested_by_audit"] for r in rows} == {later.pk}


@pytest.mark.parametrize("who", ["a_officer", "s1_admin"])
def test_list_query_count_does_not_grow(
    world, accepted_audit, api, django_assert_max_num_queries, who
):
    client = api(getattr(world, who))

    def add(n):
        for _ in range(n):
            audit = accepted_audit(
                buyer=world.buyer_a, supplier=world.s1, respondents=[world.s1_respondent]
            )
            services.actions_open_for_audit(audit=audit)

    add(1)
    with django_assert_max_num_queries(8) as small:
        assert client.get(LIST).json()["count"] == 3
    add(9)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(LIST).json()["count"] == 30


def test_thread_and_evidence_query_counts_do_not_grow(
    world, opened, api, django_assert_max_num_queries
):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    url = f"{LIST}{action.pk}/"
    client = api(world.a_officer)
    services.action_comment(action=action, actor=world.s1_admin, text="first")
    with django_assert_max_num_queries(12) as small:
        assert len(client.get(f"{url}comments/").json()) == 2
    for i in range(8):
        services.action_comment(action=action, actor=world.s1_respondent, text=f"note {i}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(f"{url}comments/").json()) == 10


def test_submit_plan_reports_every_missing_field(world, opened, api):
    _, actions = opened()
    response = api(world.s1_admin).post(f"{LIST}{actions['F_HOURS'].pk}/submit-plan/", {})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "root_cause": ["This field is required."],
        "plan": ["This field is required."],
        "responsible_person": ["This field is required."],
        "target_date": ["This field is required."],
    }
    assert CorrectiveAction.objects.get(pk=actions["F_HOURS"].pk).status == Status.OPEN


def test_target_date_may_not_pass_the_due_date_until_extended(world, opened, api):
    _, actions = opened()
    action = actions["F_HOURS"]
    late = action.due_date + datetime.timedelta(days=10)
    payload = {
        "root_cause": "r",
        "plan": "p",
        "responsible_person": "x",
        "target_date": late.isoformat(),
    }
    url = f"{LIST}{action.pk}/submit-plan/"

    response = api(world.s1_admin).post(url, payload)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["target_date"]
    assert action.due_date.isoformat() in response.json()["errors"]["target_date"][0]

    api(world.a_officer).post(
        f"{LIST}{action.pk}/extend/", {"due_date": late.isoformat(), "reason": "Agreed"}
    )
    assert api(world.s1_admin).post(url, payload).status_code == 200


def test_extension_must_move_the_date_later_and_give_a_reason(world, opened, api):
    _, actions = opened()
    action = actions["F_HOURS"]
    url = f"{LIST}{action.pk}/extend/"
    response = api(world.a_officer).post(url, {"due_date": action.due_date.isoformat()})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"due_date", "reason"}
    assert "after the current one" in errors["due_date"][0]
    assert api(world.a_officer).post(url, {"due_date": "not a date"}).status_code == 400
    assert CorrectiveAction.objects.get(pk=action.pk).due_date == action.due_date


@pytest.mark.parametrize("path", ["reject-plan/", "reject-evidence/"])
def test_rejections_need_a_comment(world, opened, api, path):
    _, actions = opened()
    action = actions["F_HOURS"]
    services.action_submit_plan(
        action=action,
        actor=world.s1_admin,
        root_cause="r",
        plan="p",
        responsible_person="x",
        target_date=action.due_date,
    )
    if path == "reject-evidence/":
        services.action_accept_plan(action=action, actor=world.a_officer)
        services.action_submit_evidence(action=action, actor=world.s1_admin, completion_note="n")
    before = CorrectiveAction.objects.get(pk=action.pk).status
    response = api(world.a_officer).post(f"{LIST}{action.pk}/{path}", {"comment": ""})
    assert response.status_code == 400
    assert response.json()["errors"] == {"comment": ["This field is required."]}
    assert CorrectiveAction.objects.get(pk=action.pk).status == before


def test_submit_evidence_needs_a_completion_note(world, opened, api):
    _, actions = opened()
    action = actions["F_HOURS"]
    services.action_submit_plan(
        action=action,
        actor=world.s1_admin,
        root_cause="r",
        plan="p",
        responsible_person="x",
        target_date=action.due_date,
    )
    services.action_accept_plan(action=action, actor=world.a_officer)
    response = api(world.s1_admin).post(f"{LIST}{action.pk}/submit-evidence/", {})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["completion_note"]


def test_wrong_state_is_409_over_the_api(world, opened, api):
    _, actions = opened()
    action = actions["F_HOURS"]
    response = api(world.a_officer).post(f"{LIST}{action.pk}/verify/", {})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    response = api(world.s1_admin).post(f"{LIST}{action.pk}/submit-evidence/", {})
    assert response.status_code == 409  # state before payload


def test_thread_hides_internal_notes_from_the_supplier(world, opened, api):
    _, actions = opened()
    action = actions["F_HOURS"]
    url = f"{LIST}{action.pk}/comments/"

    r = api(world.s1_respondent).post(url, {"text": "We need a bigger shift roster"})
    assert r.status_code == 201 and r.json()["internal"] is False
    r = api(world.a_reviewer).post(url, {"text": "Check with their agency", "internal": True})
    assert r.status_code == 201 and r.json()["internal"] is True
    api(world.a_officer).post(url, {"text": "Please share the roster"})

    buyer_view = [e["comment"] for e in api(world.a_reviewer).get(url).json() if e["comment"]]
    supplier_view = [e["comment"] for e in api(world.s1_admin).get(url).json() if e["comment"]]
    assert buyer_view == [
        "We need a bigger shift roster",
        "Check with their agency",
        "Please share the roster",
    ]
    assert supplier_view == ["We need a bigger shift roster", "Please share the roster"]


def test_supplier_may_not_write_internal_notes_and_text_is_required(world, opened, api):
    _, actions = opened()
    url = f"{LIST}{actions['F_HOURS'].pk}/comments/"
    r = api(world.s1_admin).post(url, {"text": "secret", "internal": True})
    assert r.status_code == 403
    r = api(world.a_officer).post(url, {"text": "  "})
    assert r.status_code == 400 and list(r.json()["errors"]) == ["text"]
    assert not ActivityEvent.objects.filter(verb="action.comment").exists()


def test_detail_lists_allowed_moves_for_the_caller(world, opened, api):
    _, actions = opened()
    url = f"{LIST}{actions['F_HOURS'].pk}/"
    assert api(world.s1_admin).get(url).json()["allowed_moves"] == ["submit_plan"]
    assert set(api(world.a_officer).get(url).json()["allowed_moves"]) == {"cancel", "extend"}
