"""The finding tally (``backend.tallies``): findings per buyer, supplier and severity, kept by
database triggers; the finding list counts from it for the buyer's members."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scoring.models import Finding, FindingTally

from .test_api_findings import URL, accepted_audit

pytestmark = pytest.mark.django_db


def assert_tally_holds():
    live = Counter(Finding.objects.values_list("buyer_id", "severity", "supplier_id"))
    tallied = Counter(
        {
            (buyer, severity, supplier): n
            for buyer, severity, supplier, n in FindingTally.objects.values_list(
                "buyer_id", "status", "supplier_id", "n"
            )
        }
    )
    assert tallied == live


@pytest.mark.parametrize(
    "query",
    ["", "severity=major", "severity=major&severity=minor", "supplier={s2}", "category=employee"],
)
def test_the_list_count_from_the_tally_is_the_count_of_the_rows(
    world, api, version, ruleset, query
):
    accepted_audit(world, version, ruleset)
    doomed = accepted_audit(world, version, ruleset, supplier=world.s2)
    accepted_audit(world, version, ruleset, buyer=world.buyer_b)
    Finding.objects.filter(audit=doomed, severity="minor").update(severity="major")
    assert_tally_holds()
    query = query.format(s2=world.s2.pk)

    for user in (world.a_admin, world.s1_admin):  # from the tally, then counted
        body = api(user).get(f"{URL}?{query}").json()
        rows = api(user).get(f"{URL}?page_size=500&{query}").json()["results"]
        assert body["count"] == len(rows), user
    assert api(world.a_admin).get(f"{URL}?{query}").json()["count"] > 0

    with CaptureQueriesContext(connection) as ctx:
        api(world.a_admin).get(f"{URL}?{query}")
    counted = [q for q in ctx.captured_queries if "SELECT COUNT(*)" in q["sql"]]
    assert bool(counted) == ("category" in query)  # the tally does not take that filter

    doomed.delete()
    assert_tally_holds()
