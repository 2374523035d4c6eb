"""The audit tally (``backend.tallies``): database triggers keep, per buyer, supplier, state and
due date, the number of audits, whatever path writes them; the dashboard reads it."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audits.models import Audit, AuditTally
from audits.services.audits import audit_cancel, audit_send
from audits.services.due_dates import audit_extend_due_date
from backend.tallies import NOT_DATED
from tests.audits.conftest import in_days

pytestmark = pytest.mark.django_db

FAR = datetime.date.fromisoformat(NOT_DATED)


def live_counts(model, dated_states) -> Counter:
    """What the tally must hold, counted from the rows themselves."""
    return Counter(
        (
            row["buyer_id"],
            row["status"],
            row["due_date"] if row["status"] in dated_states else FAR,
            row["supplier_id"],
        )
        for row in model.objects.values("buyer_id", "status", "due_date", "supplier_id")
    )


def tallied(tally_model) -> Counter:
    rows = tally_model.objects.values_list("buyer_id", "status", "due_date", "supplier_id", "n")
    assert all(n > 0 for *_key, n in rows), "rows that fall to zero are deleted"
    return Counter({tuple(key): n for *key, n in rows})


def assert_tally_holds():
    assert tallied(AuditTally) == live_counts(Audit, Audit.OVERDUE_STATES)


def test_services_keep_the_tally(world, issue):
    draft = issue(send=False)
    sent = issue(supplier=world.s2)
    assert_tally_holds()
    assert AuditTally.objects.by_status(world.buyer_a.pk, timezone.localdate())[0] == {
        "draft": 1,
        "sent": 1,
    }

    audit_send(audit=draft, actor=world.a_officer)
    audit_extend_due_date(audit=sent, due_date=in_days(60), reason="Holiday", actor=world.a_officer)
    assert_tally_holds()
    audit_cancel(audit=sent, reason="Not this year", actor=world.a_officer)
    assert_tally_holds()
    assert AuditTally.objects.by_status(world.buyer_a.pk, timezone.localdate())[0] == {
        "sent": 1,
        "cancelled": 1,
    }
    assert AuditTally.objects.by_status(world.buyer_b.pk, timezone.localdate())[0] == {}


def test_every_write_path_keeps_the_tally(world, issue):
    """Saves, bulk inserts, queryset updates, plain SQL and deletes (cascades included)."""
    first = issue()
    copies = Audit.objects.bulk_create(
        [
            Audit(
                buyer=first.buyer,
                supplier=supplier,
                questionnaire_version=first.questionnaire_version,
                status=status,
                due_date=in_days(days),
                title="Copy",
            )
            for supplier, status, days in [
                (world.s1, "sent", -3),
                (world.s2, "in_progress", -3),
                (world.s2, "accepted", -40),
                (world.s1, "returned", 5),
            ]
        ]
    )
    assert_tally_holds()

    Audit.objects.filter(status="sent").update(status="in_progress")
    Audit.objects.filter(pk=copies[2].pk).update(due_date=in_days(-41))  # not dated: no change
    Audit.objects.filter(pk=copies[3].pk).update(supplier=world.s2, due_date=in_days(-1))
    assert_tally_holds()

    with connection.cursor() as cursor:
        cursor.execute("UPDATE audits_audit SET status = 'accepted' WHERE id = %s", [first.pk])
    copies[0].delete()
    assert_tally_holds()

    world.s2.delete()  # cascades to its audits
    assert_tally_holds()
    assert AuditTally.objects.by_status(world.buyer_a.pk, timezone.localdate())[0] == {
        "accepted": 1
    }


def test_overdue_sums_the_dated_rows_past_their_due_date(world, issue):
    issue()
    late = issue(supplier=world.s2)
    Audit.objects.filter(pk=late.pk).update(due_date=in_days(-2))
    issue(supplier=world.s2, send=False)  # a draft is never overdue
    today = timezone.localdate()

    expected = Audit.objects.filter(buyer=world.buyer_a).overdue(today).count()
    assert expected == 1
    assert AuditTally.objects.overdue(world.buyer_a.pk, Audit.OVERDUE_STATES, today) == expected
    _totals, late = AuditTally.objects.by_status(world.buyer_a.pk, today)
    assert late == {"sent": 1, "draft": 0}


QUERIES = [
    "",
    "status=sent",
    "status=sent&status=draft",
    "supplier={s2}",
    "status=cancelled&supplier={s2}",
    "page_size=1&page=2",
    "overdue=true",  # counted: the tally does not take this filter
    "search=Copy",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_list_count_from_the_tally_is_the_count_of_the_rows(world, api, issue, query):
    issue(send=False)
    issue(supplier=world.s2)
    cancelled = issue(supplier=world.s2, title="Copy")
    audit_cancel(audit=cancelled, reason="Not this year", actor=world.a_officer)
    issue(actor=world.b_officer)  # buyer B's: never counted for buyer A
    query = query.format(s2=world.s2.pk)

    with CaptureQueriesContext(connection) as ctx:
        body = api(world.a_admin).get(f"/api/v1/audits/?{query}").json()
    counted = [q for q in ctx.captured_queries if "SELECT COUNT(*)" in q["sql"]]
    filters = "&".join(p for p in query.split("&") if p and not p.startswith("page"))
    rows = api(world.a_admin).get(f"/api/v1/audits/?page_size=500&{filters}").json()["results"]
    assert body["count"] == len(rows)
    assert bool(counted) == ("overdue" in query or "search" in query)


def test_a_user_who_sees_more_than_the_buyers_audits_is_counted(world, api, issue):
    """A grant outside the user's buyer (or a share, or a supplier role): the rows are
    counted, and the count is still theirs."""
    from guardian.shortcuts import assign_perm

    issue()
    other = issue(actor=world.b_officer)
    assign_perm("audits.view_audit", world.a_admin, other)
    body = api(world.a_admin).get("/api/v1/audits/").json()
    assert body["count"] == len(body["results"]) == 2
