"""Sharing an accepted assessment: requests, grants, publishing, revocation, and who sees what
(``/api/v1/share-requests/``, ``/api/v1/shares/``)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import Membership, Notification
from activity.models import ActivityEvent
from audits.models import Share, ShareRequest
from tests.factories import (
    link_supplier,
    make_accepted_audit,
    make_buyer,
    make_member,
    make_shares,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role
REQUESTS = "/api/v1/share-requests/"
SHARES = "/api/v1/shares/"


@pytest.fixture
def accepted(world, version, ruleset):
    """Buyer A's accepted audit of s1 (s1 is also in buyer B's network)."""
    return make_accepted_audit(
        buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=ruleset
    )


def ask(api, world, version, **extra):
    body = {"supplier": world.s1.pk, "questionnaire": version.questionnaire_id, **extra}
    return api(world.b_officer).post(REQUESTS, body, format="json")


def granted(api, world, version) -> int:
    request_id = ask(api, world, version).json()["id"]
    response = api(world.s1_admin).post(f"{REQUESTS}{request_id}/grant/")
    assert response.status_code == 200, response.json()
    return response.json()["share"]


def test_buyer_requests_and_supplier_admin_is_told(api, world, version, accepted):
    response = ask(api, world, version, message="We would rather not ask you twice.")

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["buyer"]["id"], body["supplier"]["id"]) == (
        "requested",
        world.buyer_b.pk,
        world.s1.pk,
    )
    assert Notification.objects.filter(user=world.s1_admin, kind="share_requested").count() == 1
    event = ActivityEvent.objects.get(verb="share.requested")
    assert (event.organization_id, event.data["buyer"]) == (world.s1.pk, world.buyer_b.pk)
    # The supplier sees who asks.
    listed = api(world.s1_admin).get(REQUESTS).json()["results"]
    assert [(r["id"], r["buyer"]["name"]) for r in listed] == [(body["id"], world.buyer_b.name)]


def test_request_bad_input_and_nothing_to_share(api, world, version, accepted):
    response = api(world.b_officer).post(REQUESTS, {"extra": 1}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"extra"}
    response = api(world.b_officer).post(REQUESTS, {"questionnaire": "x"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"supplier", "questionnaire"}

    # s2 is not in buyer B's network.
    body = {"supplier": world.s2.pk, "questionnaire": version.questionnaire_id}
    response = api(world.b_officer).post(REQUESTS, body, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"supplier"}

    # Buyer A asks for s1: its only accepted audit is its own, nothing to share.
    response = api(world.a_officer).post(
        REQUESTS,
        {"supplier": world.s1.pk, "questionnaire": version.questionnaire_id},
        format="json",
    )
    assert response.status_code == 409
    assert not ShareRequest.objects.filter(buyer=world.buyer_a).exists()


def test_second_open_request_is_a_conflict(api, world, version, accepted):
    assert ask(api, world, version).status_code == 201
    assert ask(api, world, version).status_code == 409
    assert ShareRequest.objects.count() == 1


def test_roles_that_may_not_ask_or_grant(api, world, version, accepted):
    viewer = make_member(world.buyer_b, Role.VIEWER)
    body = {"supplier": world.s1.pk, "questionnaire": version.questionnaire_id}
    assert api(viewer).post(REQUESTS, body, format="json").status_code == 403
    request_id = ask(api, world, version).json()["id"]
    # A buyer's viewer reads the request but changes nothing; a respondent may not grant.
    assert api(viewer).get(f"{REQUESTS}{request_id}/").status_code == 200
    assert api(viewer).post(f"{REQUESTS}{request_id}/withdraw/").status_code == 403
    assert api(world.s1_respondent).post(f"{REQUESTS}{request_id}/grant/").status_code == 404
    assert api(world.b_officer).post(f"{REQUESTS}{request_id}/grant/").status_code == 403
    # Another party's request is not visible at all.
    assert api(world.a_officer).get(f"{REQUESTS}{request_id}/").status_code == 404
    assert api(world.s2_admin).post(f"{REQUESTS}{request_id}/decline/").status_code == 404
    assert ShareRequest.objects.get().status == "requested"
    assert not Share.objects.exists()


def test_grant_gives_the_requesting_buyer_the_latest_accepted_audit(
    api, world, version, ruleset, accepted
):
    older = make_accepted_audit(
        buyer=world.buyer_a,
        supplier=world.s1,
        version=version,
        ruleset=ruleset,
        accepted_at=timezone.now() - datetime.timedelta(days=400),
    )
    share_id = granted(api, world, version)

    share = Share.objects.get(pk=share_id)
    assert (share.audit_id, share.buyer_id, share.granted_by) == (
        accepted.pk,
        world.buyer_b.pk,
        world.s1_admin,
    )
    assert ShareRequest.objects.get().status == "granted"
    assert world.b_officer.has_perm("audits.view_audit", accepted)
    assert not world.b_officer.has_perm("audits.review_audit", accepted)
    assert ActivityEvent.objects.filter(verb="share.granted", data__audit=accepted.pk).exists()
    assert Notification.objects.filter(user=world.b_officer, kind="share_granted").exists()
    assert api(world.b_officer).get(f"/api/v1/audits/{older.pk}/").status_code == 404


def test_permission_matrix_of_a_shared_audit(api, world, version, accepted):
    buyer_c = make_buyer(name="Cedar Stores")
    link_supplier(buyer_c, world.s1)
    c_admin = make_member(buyer_c, Role.ADMIN)
    b_viewer = make_member(world.buyer_b, Role.VIEWER)
    b_reviewer = make_member(world.buyer_b, Role.REVIEWER)
    granted(api, world, version)
    audit_url = f"/api/v1/audits/{accepted.pk}/"

    for reader in (world.b_officer, world.b_admin, b_viewer):
        client = api(reader)
        assert client.get(audit_url).status_code == 200
        assert client.get(audit_url + "answers/").status_code == 200
        assert client.get(audit_url + "evidence/").status_code == 200
        assert client.get(audit_url + "score/").status_code == 200
        listed = client.get("/api/v1/audits/").json()["results"]
        assert [a["id"] for a in listed] == [accepted.pk]
        findings = client.get("/api/v1/findings/").json()["results"]
        assert {f["audit"] for f in findings} == {accepted.pk}
    for outsider in (c_admin, b_reviewer):
        assert api(outsider).get(audit_url).status_code == 404
        assert api(outsider).get(audit_url + "score/").status_code == 404
        assert api(outsider).get("/api/v1/audits/").json()["results"] == []
    # Read-only: no review move, no answers, no corrective actions.
    client = api(world.b_admin)
    assert client.post(audit_url + "return/", {"comment": "x"}, format="json").status_code == 403
    assert client.post(audit_url + "cancel/", {"reason": "x"}, format="json").status_code == 403
    assert client.get("/api/v1/corrective-actions/").json()["results"] == []
    events = client.get(audit_url + "events/").json()
    assert all(not e.get("internal") for e in events)


def test_revocation_ends_access_for_the_future(api, world, version, accepted):
    share_id = granted(api, world, version)
    audit_url = f"/api/v1/audits/{accepted.pk}/"
    assert api(world.b_officer).get(audit_url).status_code == 200

    response = api(world.s1_admin).post(f"{SHARES}{share_id}/revoke/")

    assert response.status_code == 200, response.json()
    assert response.json()["active"] is False
    assert api(world.b_officer).get(audit_url).status_code == 404
    assert api(world.b_officer).get("/api/v1/findings/").json()["results"] == []
    assert not world.b_officer.has_perm("audits.view_audit", accepted)
    assert ActivityEvent.objects.filter(verb="share.revoked", data__share=share_id).exists()
    assert Notification.objects.filter(user=world.b_officer, kind="share_revoked").exists()
    # Twice is a conflict; the buyer may not revoke.
    assert api(world.s1_admin).post(f"{SHARES}{share_id}/revoke/").status_code == 409
    assert api(world.b_admin).post(f"{SHARES}{share_id}/revoke/").status_code == 403


def test_decline_and_withdraw_close_a_request(api, world, version, accepted):
    first = ask(api, world, version).json()["id"]
    response = api(world.s1_admin).post(
        f"{REQUESTS}{first}/decline/", {"comment": "Not this year."}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["comment"]) == ("declined", "Not this year.")
    assert Notification.objects.filter(user=world.b_officer, kind="share_declined").exists()
    # A declined request is closed: no grant, no second decline.
    assert api(world.s1_admin).post(f"{REQUESTS}{first}/grant/").status_code == 409
    assert api(world.s1_admin).post(f"{REQUESTS}{first}/decline/").status_code == 409
    assert (
        api(world.s1_admin)
        .post(f"{REQUESTS}{first}/decline/", {"reason": "x"}, format="json")
        .status_code
        == 400
    )

    second = ask(api, world, version).json()["id"]
    response = api(world.b_officer).post(f"{REQUESTS}{second}/withdraw/")
    assert (response.status_code, response.json()["status"]) == (200, "withdrawn")
    assert api(world.b_officer).post(f"{REQUESTS}{second}/withdraw/").status_code == 409
    assert not Share.objects.exists()


def test_supplier_publishes_unprompted(api, world, version, accepted):
    client = api(world.s1_admin)
    response = client.post(SHARES, {"audit": accepted.pk, "buyer": world.buyer_b.pk}, format="json")

    assert response.status_code == 201, response.json()
    assert (response.json()["buyer"]["id"], response.json()["request"]) == (world.buyer_b.pk, None)
    assert ActivityEvent.objects.filter(verb="share.published").count() == 1
    assert api(world.b_officer).get(f"/api/v1/audits/{accepted.pk}/").status_code == 200
    # Twice: conflict. To the buyer that issued it, or one without s1: bad input.
    again = client.post(SHARES, {"audit": accepted.pk, "buyer": world.buyer_b.pk}, format="json")
    assert again.status_code == 409
    own = client.post(SHARES, {"audit": accepted.pk, "buyer": world.buyer_a.pk}, format="json")
    assert (own.status_code, set(own.json()["errors"])) == (400, {"buyer"})
    stranger = make_buyer()
    other = client.post(SHARES, {"audit": accepted.pk, "buyer": stranger.pk}, format="json")
    assert other.status_code == 400
    # Another supplier's admin cannot see the audit; a respondent may not share.
    body = {"audit": accepted.pk, "buyer": world.buyer_b.pk}
    assert api(world.s2_admin).post(SHARES, body, format="json").status_code == 404
    assert api(world.s1_respondent).post(SHARES, body, format="json").status_code == 404
    assert Share.objects.count() == 1


def test_share_lists_pin_their_queries(api, world, version, ruleset, django_assert_max_num_queries):
    for size in (2, 8):
        make_shares(world, version, ruleset, size if size == 2 else 6)
        with django_assert_max_num_queries(6):
            shares = api(world.s1_admin).get(SHARES).json()
        with django_assert_max_num_queries(7):
            requests = api(world.s1_admin).get(REQUESTS).json()
        assert (shares["count"], requests["count"]) == (size, size)
