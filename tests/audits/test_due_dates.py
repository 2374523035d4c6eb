"""A buyer extends an audit's due date (one or many), with a reason the supplier reads."""

from __future__ import annotations

import pytest
from django.core import mail

from activity.models import ActivityEvent
from audits.models import Audit

from .conftest import in_days

pytestmark = pytest.mark.django_db


def extend(api, user, audit, **body):
    return api(user).post(f"/api/v1/audits/{audit.pk}/extend/", body, format="json")


def test_extend_moves_the_date_records_the_reason_and_tells_the_supplier(
    world, api, issue, django_capture_on_commit_callbacks
):
    audit = issue(respondents=[world.s1_respondent])
    with django_capture_on_commit_callbacks(execute=True):
        r = extend(api, world.a_officer, audit, due_date=in_days(45).isoformat(), reason="Holiday")
    assert r.status_code == 200, r.content
    assert r.json()["due_date"] == in_days(45).isoformat()
    audit.refresh_from_db()
    assert (audit.due_date, audit.status) == (in_days(45), "sent")
    event = ActivityEvent.objects.get(audit=audit, verb="audit.due_date_extended")
    assert event.comment == "Holiday"
    assert event.data == {
        "old_due_date": in_days(30).isoformat(),
        "new_due_date": in_days(45).isoformat(),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.s1_admin.email, world.s1_respondent.email]
    )
    assert "Holiday" in mail.outbox[0].body
    assert in_days(45).isoformat() in mail.outbox[0].subject
    # The supplier reads the reason in the audit's history.
    events = api(world.s1_admin).get(f"/api/v1/audits/{audit.pk}/events/").json()
    assert any(e["verb"] == "audit.due_date_extended" and e["comment"] == "Holiday" for e in events)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason": "x"}, "due_date"),
        ({"due_date": "2020-01-01", "reason": "x"}, "due_date"),
        ({"due_date": "not a date", "reason": "x"}, "due_date"),
        ({"due_date": "in_days_45"}, "reason"),
        ({"due_date": "in_days_45", "reason": "x", "extra": 1}, "extra"),
    ],
)
def test_bad_input_is_a_400_on_its_field_and_changes_nothing(world, api, issue, body, field):
    audit = issue()
    body = {k: (in_days(45).isoformat() if v == "in_days_45" else v) for k, v in body.items()}
    r = extend(api, world.a_officer, audit, **body)
    assert r.status_code == 400
    assert field in r.json()["errors"]
    audit.refresh_from_db()
    assert audit.due_date == in_days(30)
    assert not ActivityEvent.objects.filter(verb="audit.due_date_extended").exists()


def test_an_earlier_date_is_refused(world, api, issue):
    audit = issue()
    r = extend(api, world.a_officer, audit, due_date=in_days(10).isoformat(), reason="x")
    assert r.status_code == 400
    assert "after the current one" in r.json()["errors"]["due_date"][0]


def test_suppliers_and_reviewers_cannot_extend(world, api, issue):
    audit = issue(reviewers=[world.a_reviewer], respondents=[world.s1_respondent])
    for user in (world.s1_admin, world.s1_respondent, world.a_reviewer):
        r = extend(api, user, audit, due_date=in_days(45).isoformat(), reason="x")
        assert r.status_code == 403, user
    audit.refresh_from_db()
    assert audit.due_date == in_days(30)


def test_another_buyers_audit_is_a_404(world, api, issue):
    audit = issue()
    r = extend(api, world.b_admin, audit, due_date=in_days(45).isoformat(), reason="x")
    assert r.status_code == 404


def test_a_submitted_audit_cannot_be_extended(world, api, issue):
    audit = issue()
    Audit.objects.filter(pk=audit.pk).update(status=Audit.Status.SUBMITTED)
    r = extend(api, world.a_officer, audit, due_date=in_days(45).isoformat(), reason="x")
    assert r.status_code == 409
    assert r.json()["detail"] == "The due date of an audit that is submitted cannot change."


# --- bulk ---------------------------------------------------------------------------------------


def bulk(api, user, ids, **body):
    return api(user).post("/api/v1/audits/extend/", {"audits": ids, **body}, format="json")


def test_bulk_extension_moves_every_audit(world, api, issue):
    audits = [issue(), issue(supplier=world.s2)]
    r = bulk(
        api,
        world.a_officer,
        [a.pk for a in audits],
        due_date=in_days(60).isoformat(),
        reason="Peak season",
    )
    assert r.status_code == 200, r.content
    assert sorted(r.json()["audits"]) == sorted(a.pk for a in audits)
    assert set(Audit.objects.values_list("due_date", flat=True)) == {in_days(60)}


def test_bulk_extension_is_all_or_nothing(world, api, issue):
    ok, submitted = issue(), issue(supplier=world.s2)
    Audit.objects.filter(pk=submitted.pk).update(status=Audit.Status.SUBMITTED)
    r = bulk(
        api, world.a_officer, [ok.pk, submitted.pk], due_date=in_days(60).isoformat(), reason="x"
    )
    assert r.status_code == 409
    assert f"#{submitted.pk}" in r.json()["detail"]
    ok.refresh_from_db()
    assert ok.due_date == in_days(30)
    assert not ActivityEvent.objects.filter(verb="audit.due_date_extended").exists()


def test_bulk_extension_names_audits_the_caller_cannot_see(world, api, issue):
    own = issue()
    foreign = issue(actor=world.b_officer)
    r = bulk(
        api,
        world.a_officer,
        [own.pk, foreign.pk, 99999999],
        due_date=in_days(60).isoformat(),
        reason="x",
    )
    assert r.status_code == 400
    assert r.json()["errors"]["audits"] == [f"No such audit: #{foreign.pk}, #99999999."]
    assert set(Audit.objects.values_list("due_date", flat=True)) == {in_days(30)}


@pytest.mark.parametrize("ids", [[], "12", [0], [2**64]])
def test_bulk_extension_bad_id_lists_are_a_400(world, api, ids):
    r = bulk(api, world.a_officer, ids, due_date=in_days(60).isoformat(), reason="x")
    assert r.status_code == 400
    body = r.json()
    # A number beyond 64 bits is refused by the JSON parser itself, before any field.
    assert body["code"] == "parse_error" or any(k.startswith("audits") for k in body["errors"])


def test_bulk_extension_by_a_supplier_is_a_403(world, api, issue):
    audit = issue()
    r = bulk(api, world.s1_admin, [audit.pk], due_date=in_days(60).isoformat(), reason="x")
    assert r.status_code == 403
