"""The buyer's supplier list says when each supplier's next assessment is due and marks a
score whose re-assessment interval has passed as expired."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import ReassessmentPolicy
from scoring import risk
from scoring.models import CountryRisk, IndustryRisk
from tests.factories import make_accepted_audit, make_ruleset, make_version, signed_in

pytestmark = pytest.mark.django_db


def _row(body: str, name: str) -> str:
    # The row may start with its selection box (for roles that start campaigns).
    pattern = rf"<tr>\s*(?:<td><input [^>]*></td>\s*)?<td><a [^>]*>{re.escape(name)}</a>.*?</tr>"
    match = re.search(pattern, body, re.S)
    assert match, name
    return match.group(0)


@pytest.fixture
def scored(world):
    """s1 accepted 400 days ago and s2 30 days ago, both rated high; CN medium and their
    industries high make both P1 (high 2 + high 2), whose default interval is 12 months."""
    CountryRisk.objects.update_or_create(country="CN", defaults={"level": "medium"})
    for industry in {world.s1.industry, world.s2.industry}:
        IndustryRisk.objects.update_or_create(industry=industry, defaults={"level": "high"})
    version, ruleset = make_version(), make_ruleset()
    now = timezone.now()
    for supplier, days in ((world.s1, 400), (world.s2, 30)):
        make_accepted_audit(
            buyer=world.buyer_a,
            supplier=supplier,
            version=version,
            ruleset=ruleset,
            accepted_at=now - datetime.timedelta(days=days),
        )
    return world


def _due(days_ago: int, months: int) -> str:
    accepted = timezone.localdate() - datetime.timedelta(days=days_ago)
    return risk.add_months(accepted, months).isoformat()


def test_supplier_list_shows_next_assessment_and_expired(scored):
    body = signed_in(scored.a_officer).get(reverse("portal:buyer_suppliers")).content.decode()

    old, recent = _row(body, scored.s1.name), _row(body, scored.s2.name)
    assert _due(400, 12) in old and "Expired" in old
    assert _due(30, 12) in recent and "Expired" not in recent


def test_the_buyers_policy_sets_the_interval(scored):
    ReassessmentPolicy.objects.create(buyer=scored.buyer_a, months_p1=24)

    body = signed_in(scored.a_officer).get(reverse("portal:buyer_suppliers")).content.decode()

    old = _row(body, scored.s1.name)
    assert _due(400, 24) in old and "Expired" not in old


def test_expired_in_chinese(scored):
    client = signed_in(scored.a_officer)
    response = client.get(reverse("portal:buyer_suppliers"), {"lang": "zh-Hans"})

    body = response.content.decode()
    assert "下次评估" in body and "已过期" in _row(body, scored.s1.name)


def test_add_months_keeps_the_end_of_a_shorter_month():
    assert risk.add_months(datetime.date(2025, 8, 31), 6) == datetime.date(2026, 2, 28)
    assert risk.add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert risk.add_months(datetime.date(2025, 1, 15), 18) == datetime.date(2026, 7, 15)
