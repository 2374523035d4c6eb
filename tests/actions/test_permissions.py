"""Who may see and move a corrective action: 404 for another party, 403 for the wrong side."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Membership
from actions.models import CorrectiveAction

Status = CorrectiveAction.Status

SUPPLIER_MOVES = ["submit-plan/", "submit-evidence/"]
BUYER_MOVES = [
    "accept-plan/",
    "reject-plan/",
    "verify/",
    "reject-evidence/",
    "cancel/",
    "extend/",
]
SUPPLIER_SIDE = ["s1_admin", "s1_respondent"]  # respondent: assigned to the audit
BUYER_SIDE = ["a_admin", "a_officer", "a_reviewer"]  # reviewer: assigned to the audit
OTHER_PARTIES = ["b_admin", "b_officer", "s2_admin", "s2_respondent"]


def _url(action, path=""):
    return f"/api/v1/corrective-actions/{action.pk}/{path}"


def _plan(action):
    return {
        "root_cause": "r",
        "plan": "p",
        "responsible_person": "x",
        "target_date": action.due_date.isoformat(),
    }


@pytest.mark.parametrize("who", OTHER_PARTIES)
def test_another_party_gets_404_everywhere(world, opened, api, who):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    client = api(getattr(world, who))
    assert client.get(_url(action)).status_code == 404
    assert client.get(_url(action, "comments/")).status_code == 404
    assert client.get(_url(action, "evidence/")).status_code == 404
    for path in SUPPLIER_MOVES + BUYER_MOVES + ["comments/"]:
        assert client.post(_url(action, path), {}).status_code == 404, path
    assert client.get("/api/v1/corrective-actions/").json()["count"] == 0


def test_unassigned_reviewer_and_respondent_see_nothing(world, opened, api):
    _, actions = opened(respondents=[], reviewers=[])
    action = actions["F_AGE_CHECK"]
    assert api(world.a_reviewer).get(_url(action)).status_code == 404
    assert api(world.s1_respondent).get(_url(action)).status_code == 404


def test_assigning_a_reviewer_later_grants_the_existing_actions(world, opened, api):
    audit, actions = opened(reviewers=[])
    action = actions["F_AGE_CHECK"]
    assigned = api(world.a_admin).post(
        f"/api/v1/audits/{audit.pk}/reviewers/", {"users": [world.a_reviewer.pk]}, format="json"
    )
    assert assigned.status_code == 200
    response = api(world.a_reviewer).post(_url(action, "cancel/"), {"reason": "ok"})
    assert response.status_code == 200


def test_assigning_a_respondent_later_grants_the_existing_actions(world, opened, api):
    audit, actions = opened(respondents=[])
    action = actions["F_HOURS"]
    assigned = api(world.s1_admin).post(
        f"/api/v1/audits/{audit.pk}/respondents/",
        {"users": [world.s1_respondent.pk]},
        format="json",
    )
    assert assigned.status_code == 200
    response = api(world.s1_respondent).post(_url(action, "submit-plan/"), _plan(action))
    assert response.status_code == 200


def test_unassigning_takes_the_existing_actions_away(world, opened, api):
    audit, actions = opened()
    action = actions["F_AGE_CHECK"]
    reviewers = api(world.a_admin).delete(
        f"/api/v1/audits/{audit.pk}/reviewers/", {"users": [world.a_reviewer.pk]}, format="json"
    )
    respondents = api(world.s1_admin).delete(
        f"/api/v1/audits/{audit.pk}/respondents/",
        {"users": [world.s1_respondent.pk]},
        format="json",
    )
    assert (reviewers.status_code, respondents.status_code) == (200, 200)
    assert api(world.a_reviewer).get(_url(action)).status_code == 404
    assert api(world.s1_respondent).get(_url(action)).status_code == 404
    assert not world.a_reviewer.has_perm("actions.review_correctiveaction", action)
    assert not world.s1_respondent.has_perm("actions.respond_correctiveaction", action)


def test_removing_a_member_takes_their_actions_away(world, opened, api):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    membership = Membership.objects.get(user=world.a_reviewer, organization=world.buyer_a)
    removed = api(world.a_admin).delete(
        f"/api/v1/organizations/{world.buyer_a.pk}/members/{membership.pk}/"
    )
    assert removed.status_code == 204
    assert not world.a_reviewer.has_perm("actions.review_correctiveaction", action)
    assert not world.a_reviewer.has_perm("actions.view_correctiveaction", action)


@pytest.mark.parametrize("who", SUPPLIER_SIDE)
@pytest.mark.parametrize("path", BUYER_MOVES)
def test_supplier_side_may_not_make_buyer_moves(world, opened, api, who, path):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    response = api(getattr(world, who)).post(
        _url(action, path), {"comment": "c", "reason": "r", "due_date": "2099-01-01"}
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Status.OPEN


@pytest.mark.parametrize("who", BUYER_SIDE)
@pytest.mark.parametrize("path", SUPPLIER_MOVES)
def test_buyer_side_may_not_make_supplier_moves(world, opened, api, who, path):
    _, actions = opened()
    action = actions["F_AGE_CHECK"]
    response = api(getattr(world, who)).post(
        _url(action, path),
        {
            "root_cause": "r",
            "plan": "p",
            "responsible_person": "x",
            "target_date": action.due_date.isoformat(),
            "completion_note": "n",
        },
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == Status.OPEN


@pytest.mark.parametrize("who", SUPPLIER_SIDE)
def test_every_supplier_side_user_may_submit_a_plan(world, opened, api, who):
    _, actions = opened()
    action = actions["F_HOURS"]
    response = api(getattr(world, who)).post(_url(action, "submit-plan/"), _plan(action))
    assert response.status_code == 200
    assert response.json()["allowed_moves"] == []


@pytest.mark.parametrize("who", BUYER_SIDE)
def test_every_buyer_side_user_may_extend(world, opened, api, who):
    _, actions = opened()
    action = actions["F_HOURS"]
    new = action.due_date + datetime.timedelta(days=3)
    response = api(getattr(world, who)).post(
        _url(action, "extend/"), {"due_date": new.isoformat(), "reason": "Factory move"}
    )
    assert response.status_code == 200
    assert response.json()["due_date"] == new.isoformat()
    assert set(response.json()["allowed_moves"]) == {"cancel", "extend"}


def test_anonymous_is_401(world, opened, api):
    _, actions = opened()
    assert api().get("/api/v1/corrective-actions/").status_code == 401
    assert api().get(_url(actions["F_HOURS"])).status_code == 401
