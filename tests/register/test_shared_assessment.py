"""The register uses an assessment the supplier shared like one of the buyer's own, and says
so (``shared``); a revoked share leaves it."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audits.services.shares import share_publish, share_revoke
from tests.factories import build_world, make_accepted_audit, make_ruleset, make_version

pytestmark = pytest.mark.django_db
URL = "/api/v1/risk-register/?format=json"


def s1_row(api, user, world):
    rows = api(user).get(URL).json()["register"]
    return next(r for r in rows if r["supplier_name"] == world.s1.name)


def test_register_uses_a_shared_assessment_until_it_is_revoked(api):
    world = build_world()
    version, ruleset = make_version(), make_ruleset()
    audit = make_accepted_audit(
        buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=ruleset
    )
    before = s1_row(api, world.b_officer, world)
    assert (before["overall_score"], before["rating"], before["shared"]) == (
        None,
        "not_rated",
        False,
    )

    share = share_publish(actor=world.s1_admin, audit=audit, buyer=world.buyer_b)

    row = s1_row(api, world.b_officer, world)
    assert (row["overall_score"], row["rating"], row["shared"]) == (55.0, "high", True)
    assert row["questionnaire"] == f"{version.questionnaire.code}@{version.number}"
    assert row["last_audit_accepted_at"] == timezone.localdate(audit.accepted_at).isoformat()
    # The issuing buyer's register: its own assessment, not a shared one.
    assert s1_row(api, world.a_officer, world)["shared"] is False

    share_revoke(actor=world.s1_admin, share=share)

    after = s1_row(api, world.b_officer, world)
    assert (after["overall_score"], after["shared"]) == (None, False)


def test_own_newer_assessment_wins_over_a_shared_one(api):
    world = build_world()
    version, ruleset = make_version(), make_ruleset()
    shared = make_accepted_audit(
        buyer=world.buyer_a,
        supplier=world.s1,
        version=version,
        ruleset=ruleset,
        accepted_at=timezone.now() - datetime.timedelta(days=30),
    )
    share_publish(actor=world.s1_admin, audit=shared, buyer=world.buyer_b)
    own = make_accepted_audit(
        buyer=world.buyer_b, supplier=world.s1, version=version, ruleset=ruleset
    )

    row = s1_row(api, world.b_officer, world)

    assert row["shared"] is False
    assert row["last_audit_accepted_at"] == timezone.localdate(own.accepted_at).isoformat()
