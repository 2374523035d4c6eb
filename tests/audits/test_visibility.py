"""Visibility by organization: members see audits through the buyer / supplier columns, by
role; object permissions only carry what is granted per object (assignees, single grants)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from accounts.permissions import grant, request_scope
from accounts.services import membership_change_role
from audits.models import Audit, AuditGroupObjectPermission
from audits.services.audits import audit_cancel, audit_send
from flows.services import membership_remove


def _list_ids(client) -> list[int]:
    return [a["id"] for a in client.get("/api/v1/audits/").json()["results"]]


def test_supplier_admin_sees_an_audit_once_it_is_sent(world, api, issue):
    draft = issue(send=False)
    supplier = api(world.s1_admin)
    assert supplier.get(f"/api/v1/audits/{draft.pk}/").status_code == 404
    assert _list_ids(supplier) == []
    assert _list_ids(api(world.a_officer)) == [draft.pk]

    audit_send(audit=draft, actor=world.a_officer)

    assert supplier.get(f"/api/v1/audits/{draft.pk}/").status_code == 200
    assert _list_ids(supplier) == [draft.pk]


def test_a_draft_cancelled_before_sending_stays_the_buyers_business(world, api, issue):
    draft = issue(send=False)
    audit_cancel(audit=draft, reason="Wrong supplier", actor=world.a_officer)

    assert api(world.s1_admin).get(f"/api/v1/audits/{draft.pk}/").status_code == 404
    assert api(world.a_admin).get(f"/api/v1/audits/{draft.pk}/").status_code == 200


def test_members_see_by_organization_not_through_role_group_rows(world, api, issue):
    audit = issue()
    AuditGroupObjectPermission.objects.filter(content_object=audit).delete()

    for who in ("a_admin", "a_officer", "s1_admin"):
        assert _list_ids(api(getattr(world, who))) == [audit.pk], who
    for who in ("a_reviewer", "s1_respondent", "b_admin", "s2_admin"):
        assert _list_ids(api(getattr(world, who))) == [], who


def test_a_single_grant_makes_one_audit_visible(world, api, issue):
    audit, other = issue(), issue()
    grant(["view_audit"], audit, users=[world.b_officer])

    client = api(world.b_officer)
    assert _list_ids(client) == [audit.pk]
    assert client.get(f"/api/v1/audits/{other.pk}/").status_code == 404


def test_a_removed_member_loses_the_organizations_audits(world, api, issue):
    audit = issue()
    client = api(world.a_officer)
    assert client.get(f"/api/v1/audits/{audit.pk}/").status_code == 200

    membership = Membership.objects.get(user=world.a_officer, organization=world.buyer_a)
    membership_remove(membership=membership, actor=world.a_admin)

    assert client.get(f"/api/v1/audits/{audit.pk}/").status_code == 404
    assert _list_ids(client) == []


def test_a_role_change_takes_effect_on_the_next_request(world, api, issue):
    audit = issue()
    client = api(world.a_officer)
    assert _list_ids(client) == [audit.pk]

    membership = Membership.objects.get(user=world.a_officer, organization=world.buyer_a)
    membership_change_role(membership=membership, role="reviewer", actor=world.a_admin)

    assert _list_ids(client) == []


def test_memberships_and_grants_are_read_once_per_request(world, issue):
    issue()
    user = world.a_admin
    with request_scope(), CaptureQueriesContext(connection) as ctx:
        for _ in range(3):
            list(Audit.objects.visible_to(user))
    membership_reads = [q for q in ctx.captured_queries if "accounts_membership" in q["sql"]]
    grant_reads = [q for q in ctx.captured_queries if "objectpermission" in q["sql"]]
    assert len(membership_reads) == 1
    assert len(grant_reads) == 1


def test_a_grant_within_the_request_is_seen_at_once(world, issue):
    audit = issue()
    with request_scope():
        assert not Audit.objects.visible_to(world.b_admin).exists()
        grant(["view_audit"], audit, users=[world.b_admin])
        assert list(Audit.objects.visible_to(world.b_admin)) == [audit]


@pytest.mark.parametrize("who", ["a_officer", "s1_admin"])
def test_the_list_reads_no_permission_rows_nor_rule_set_document(world, api, issue, who):
    issue()
    with CaptureQueriesContext(connection) as ctx:
        assert len(_list_ids(api(getattr(world, who)))) == 1
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "groupobjectpermission" not in sql
    assert "user_groups" not in sql
    assert '"document"' not in sql
    assert '"supplier_ids"' not in sql


def test_the_list_sends_what_the_audit_serializer_sends(world, api, issue):
    """The list builds its rows directly (``AuditListSerializer``) from fewer columns; each row
    must be exactly what ``AuditSerializer`` makes of the whole audit."""
    from audits.serializers.audits import AuditSerializer
    from flows.services import audit_assign_respondents, audit_assign_reviewers

    sent, draft, cancelled = issue(), issue(send=False), issue(supplier=world.s2)
    audit_assign_respondents(audit=sent, users=[world.s1_respondent], actor=world.s1_admin)
    audit_assign_reviewers(audit=sent, users=[world.a_reviewer], actor=world.a_admin)
    audit_cancel(audit=cancelled, reason="Not this year", actor=world.a_officer)

    rows = api(world.a_admin).get("/api/v1/audits/").json()["results"]

    assert {row["id"] for row in rows} == {sent.pk, draft.pk, cancelled.pk}
    for row in rows:
        audit = Audit.objects.get(pk=row["id"])
        expected = AuditSerializer(audit).data
        assert row == {key: expected[key] for key in expected}, row["id"]
    by_id = {row["id"]: row for row in rows}
    assert [p["id"] for p in by_id[sent.pk]["respondents"]] == [world.s1_respondent.pk]
    assert [p["id"] for p in by_id[sent.pk]["reviewers"]] == [world.a_reviewer.pk]
    assert by_id[cancelled.pk]["cancelled_at"] is not None
    assert by_id[draft.pk]["issued_at"] is None
