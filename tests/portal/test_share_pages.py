"""Portal pages of shared assessments: the buyer asks on a supplier's page and reads a shared
audit; the supplier's sharing page grants, declines, publishes and revokes."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from audits.models import Share, ShareRequest
from audits.services.shares import share_publish, share_request_create
from suppliers.models import SupplierRelationship
from tests.factories import (
    link_supplier,
    make_accepted_audit,
    make_buyer,
    make_member,
    make_ruleset,
    make_shares,
    make_version,
    signed_in,
)

pytestmark = pytest.mark.django_db
Role = Membership.Role
SHARING = "/s/sharing/"


@pytest.fixture
def version(db):
    return make_version()


@pytest.fixture
def accepted(world, version):
    return make_accepted_audit(
        buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=make_ruleset()
    )


def b_rel(world) -> SupplierRelationship:
    return SupplierRelationship.objects.get(buyer=world.buyer_b, supplier=world.s1)


def ask(world, version) -> ShareRequest:
    return share_request_create(
        actor=world.b_officer, supplier=world.s1, questionnaire=version.questionnaire
    )


# --- buyer: the supplier's page -------------------------------------------------------------


def test_buyer_asks_on_the_supplier_page(world, version, accepted):
    rel = b_rel(world)
    client = signed_in(world.b_officer)
    page = client.get(f"/b/suppliers/{rel.pk}/").content.decode()
    assert 'id="share-request-form"' in page

    response = client.post(
        f"/b/suppliers/{rel.pk}/share-request/",
        {"questionnaire": version.questionnaire_id, "message": "Save us both the work."},
    )

    assert response.status_code == 302
    request = ShareRequest.objects.get()
    assert (request.buyer, request.message) == (world.buyer_b, "Save us both the work.")
    page = client.get(f"/b/suppliers/{rel.pk}/").content.decode()
    assert "Requested" in page and "Withdraw" in page


def test_buyer_request_errors(world, version, accepted):
    rel = b_rel(world)
    client = signed_in(world.b_officer)
    url = f"/b/suppliers/{rel.pk}/share-request/"
    bad = client.post(url, {"questionnaire": "nope"})
    assert bad.status_code == 400 and "Choose a questionnaire." in bad.content.decode()
    assert client.post(url, {"questionnaire": version.questionnaire_id}).status_code == 302
    again = client.post(url, {"questionnaire": version.questionnaire_id})
    assert again.status_code == 409
    viewer = make_member(world.buyer_b, Role.VIEWER)
    assert (
        signed_in(viewer).post(url, {"questionnaire": version.questionnaire_id}).status_code == 403
    )
    assert (
        "share-request-form"
        not in signed_in(viewer).get(f"/b/suppliers/{rel.pk}/").content.decode()
    )
    # Buyer A's relationship is not buyer B's page.
    a_rel = SupplierRelationship.objects.get(buyer=world.buyer_a, supplier=world.s1)
    assert client.post(f"/b/suppliers/{a_rel.pk}/share-request/", {}).status_code == 404
    assert ShareRequest.objects.count() == 1


def test_buyer_withdraws(world, version, accepted):
    request = ask(world, version)
    client = signed_in(world.b_officer)
    url = f"/b/share-requests/{request.pk}/withdraw/"
    assert client.post(url).status_code == 302
    assert ShareRequest.objects.get().status == "withdrawn"
    assert client.post(url).status_code == 409
    assert signed_in(world.a_officer).post(url).status_code == 404


def test_shared_audit_page_is_read_only_and_says_so(world, version, accepted):
    share = share_publish(actor=world.s1_admin, audit=accepted, buyer=world.buyer_b)
    client = signed_in(world.b_officer)

    page = client.get(f"/b/audits/{accepted.pk}/").content.decode()

    assert 'id="shared-note"' in page and world.s1.name in page
    assert "buyer_audit_move" not in page and f"/b/audits/{accepted.pk}/accept/" not in page
    assert client.post(f"/b/audits/{accepted.pk}/accept/").status_code == 404
    zh = client.get(f"/b/audits/{accepted.pk}/?lang=zh-Hans").content.decode()
    assert "供应商共享" in zh
    # The mail's link opens the buyer's page.
    assert client.get(f"/audits/{accepted.pk}/").url == f"/b/audits/{accepted.pk}/"
    # A third buyer sees nothing; after revocation, neither does buyer B.
    buyer_c = make_buyer()
    link_supplier(buyer_c, world.s1)
    assert (
        signed_in(make_member(buyer_c, Role.ADMIN)).get(f"/b/audits/{accepted.pk}/").status_code
        == 404
    )
    from audits.services.shares import share_revoke

    share_revoke(actor=world.s1_admin, share=share)
    assert client.get(f"/b/audits/{accepted.pk}/").status_code == 404


# --- supplier: the sharing page -------------------------------------------------------------


def test_sharing_page_grant_and_revoke(world, version, accepted):
    request = ask(world, version)
    client = signed_in(world.s1_admin)
    page = client.get(SHARING).content.decode()
    assert world.buyer_b.name in page and "Share my latest assessment" in page

    assert client.post(f"/s/share-requests/{request.pk}/grant/").status_code == 302
    share = Share.objects.get()
    assert (share.audit, share.buyer, share.request) == (accepted, world.buyer_b, request)
    assert client.post(f"/s/share-requests/{request.pk}/grant/").status_code == 409

    assert client.post(f"/s/shares/{share.pk}/revoke/").status_code == 302
    share.refresh_from_db()
    assert share.revoked_at is not None
    assert client.post(f"/s/shares/{share.pk}/revoke/").status_code == 409


def test_sharing_page_decline(world, version, accepted):
    request = ask(world, version)
    response = signed_in(world.s1_admin).post(
        f"/s/share-requests/{request.pk}/decline/", {"comment": "Next year."}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.comment) == ("declined", "Next year.")
    assert (
        signed_in(world.s1_admin).post(f"/s/share-requests/{request.pk}/nope/").status_code == 404
    )


def test_sharing_page_publish(world, version, accepted):
    client = signed_in(world.s1_admin)
    assert client.post(f"{SHARING}publish/", {"audit": "", "buyer": ""}).status_code == 400
    body = {"audit": accepted.pk, "buyer": world.buyer_b.pk}
    assert client.post(f"{SHARING}publish/", body).status_code == 302
    assert client.post(f"{SHARING}publish/", body).status_code == 409
    own = client.post(f"{SHARING}publish/", {"audit": accepted.pk, "buyer": world.buyer_a.pk})
    assert own.status_code == 400
    assert Share.objects.count() == 1


def test_sharing_page_roles_and_parties(world, version, accepted):
    request = ask(world, version)
    assert signed_in(world.s1_respondent).get(SHARING).status_code == 403
    assert (
        signed_in(world.s1_respondent).post(f"/s/share-requests/{request.pk}/grant/").status_code
        == 403
    )
    assert signed_in(world.b_officer).get(SHARING).status_code == 404
    # Another supplier's admin: the request is not theirs.
    assert (
        signed_in(world.s2_admin).post(f"/s/share-requests/{request.pk}/grant/").status_code == 404
    )
    assert ShareRequest.objects.get().status == "requested"
    zh = signed_in(world.s1_admin).get(f"{SHARING}?lang=zh-Hans").content.decode()
    assert "共享" in zh


def test_sharing_pages_queries_do_not_grow(world, version, django_assert_max_num_queries):
    ruleset = make_ruleset()
    supplier_client, buyer_client = signed_in(world.s1_admin), signed_in(world.b_officer)
    rel = b_rel(world)

    for added, shared_with_b in ((2, 2), (4, 6)):
        make_shares(world, version, ruleset, added, also_to=world.buyer_b)
        with django_assert_max_num_queries(12):
            page = supplier_client.get(SHARING).content.decode()
        assert page.count('action="/s/shares/') == 2 * shared_with_b  # one revoke form each
        with django_assert_max_num_queries(12):
            page = buyer_client.get(f"/b/suppliers/{rel.pk}/").content.decode()
        assert page.count("Shared by supplier</span>") == shared_with_b


# --- buyer: the re-assessment policy page ---------------------------------------------------


def test_policy_page_admin_edits(world):
    client = signed_in(world.a_admin)
    page = client.get("/b/policy/").content.decode()
    assert 'id="policy-form"' in page and 'id="policy-defaults"' in page

    response = client.post(
        "/b/policy/",
        {
            "months_p1": "6",
            "months_p2": "12",
            "months_p3": "24",
            "months_p4": "36",
            "lead_days": "20",
            "mode": "send",
        },
    )

    assert response.status_code == 302
    policy = world.buyer_a.reassessment_policy
    assert (policy.months_p1, policy.lead_days, policy.mode) == (6, 20, "send")
    assert 'id="policy-defaults"' not in client.get("/b/policy/").content.decode()


def test_policy_page_bad_input(world):
    client = signed_in(world.a_admin)
    response = client.post("/b/policy/", {"months_p1": "0", "lead_days": "400", "mode": "x"})
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count('class="errorlist"') >= 3
    foreign = make_version(owner=world.buyer_b)
    response = client.post("/b/policy/", {"questionnaire_version": foreign.pk})
    assert response.status_code == 400
    assert (
        not hasattr(world.buyer_a, "reassessment_policy")
        or not world.buyer_a.reassessment_policy.pk
    )


def test_policy_page_readers_and_others(world):
    viewer = make_member(world.buyer_a, Role.VIEWER)
    for reader in (world.a_officer, viewer):
        page = signed_in(reader).get("/b/policy/").content.decode()
        assert 'id="policy-read"' in page and 'id="policy-form"' not in page
        assert signed_in(reader).post("/b/policy/", {"months_p1": "6"}).status_code == 403
    assert signed_in(world.a_reviewer).get("/b/policy/").status_code == 403
    # The organization page links to it for those who may read it.
    assert 'id="policy-link"' in signed_in(viewer).get("/organization/profile/").content.decode()
    for other in (world.a_reviewer, world.s1_admin):
        assert "policy-link" not in signed_in(other).get("/organization/profile/").content.decode()
    assert signed_in(world.s1_admin).get("/b/policy/").status_code == 404
    zh = signed_in(world.a_admin).get("/b/policy/?lang=zh-Hans").content.decode()
    assert "复评" in zh
