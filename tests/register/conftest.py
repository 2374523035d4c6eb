from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts.models import Organization
from audits.models import Audit
from scoring.models import CountryRisk, IndustryRisk
from tests.factories import link_supplier, make_ruleset, make_supplier, make_version

from .helpers import accepted_audit

HYPERLINK = '=HYPERLINK("http://x","y")'
PLUS = "+1-2"
CHINESE = "深圳市绿叶电子有限公司"


@dataclass
class Register:
    world: object
    today: datetime.date
    s1_latest: Audit
    s3: Organization
    s4: Organization
    s5: Organization


@pytest.fixture
def reg(world) -> Register:
    """Buyer A: s1 (two accepted audits, open and overdue actions), s2 (one clean audit), and
    three unassessed suppliers with awkward names; buyer B has its own audit of shared s1."""
    today = timezone.localdate()
    days = datetime.timedelta
    # Reference data may be preloaded by a data migration: set the levels these tests rely on.
    CountryRisk.objects.update_or_create(country="CN", defaults={"level": "medium"})
    CountryRisk.objects.filter(country="VN").delete()
    IndustryRisk.objects.update_or_create(industry="13", defaults={"level": "high"})
    IndustryRisk.objects.update_or_create(industry="25", defaults={"level": "low"})
    version = make_version()
    ruleset = make_ruleset()
    a, b = world.buyer_a, world.buyer_b

    accepted_audit(
        buyer=a,
        supplier=world.s1,
        version=version,
        ruleset=ruleset,
        accepted_on=datetime.date(2024, 6, 1),
        overall="55.0",
        rating="high",
        findings=[
            ("F_OLD_OPEN", "minor", "management", "open", today - days(100), "Old open"),
            ("F_OLD_DONE", "major", "employee", "verified", today - days(150), "Old done"),
            ("F_OLD_OBS", "observation", "environment", None, None, "Old observation"),
        ],
    )
    s1_latest = accepted_audit(
        buyer=a,
        supplier=world.s1,
        version=version,
        ruleset=ruleset,
        accepted_on=datetime.date(2025, 1, 15),
        overall="72.5",
        rating="medium",
        categories={"management": "80.0", "employee": "65.0", "environment": "75.0"},
        findings=[
            ("F_AGE_CHECK", "critical", "employee", "open", today - days(5), "Ages not checked"),
            ("F_HOURS", "major", "employee", "plan_submitted", today + days(30), "Hours"),
            ("F_NO_POLICY", "minor", "management", "verified", today - days(20), "No policy"),
            ("F_NO_TRACKING", "observation", "environment", None, None, "No tracking"),
        ],
    )
    accepted_audit(
        buyer=a,
        supplier=world.s2,
        version=version,
        ruleset=ruleset,
        accepted_on=datetime.date(2025, 2, 1),
        overall="85.0",
        rating="low",
        categories={"management": "90.0", "employee": "80.0", "environment": None},
    )
    accepted_audit(
        buyer=b,
        supplier=world.s1,
        version=version,
        ruleset=ruleset,
        accepted_on=datetime.date(2025, 2, 20),
        overall="40.0",
        rating="critical",
        findings=[("F_B_ONLY", "critical", "employee", "open", today - days(1), "B only")],
    )
    s3 = make_supplier(name=HYPERLINK, country="VN")
    s4 = make_supplier(name=PLUS)
    s5 = make_supplier(name=CHINESE, industry="25")
    link_supplier(a, s3, buyer_ref="A-003", criticality="high", category="apparel")
    link_supplier(a, s4, buyer_ref="A-004", criticality="medium", category="toys")
    link_supplier(a, s5, buyer_ref="A-005", criticality="low", category="electronics")
    return Register(world=world, today=today, s1_latest=s1_latest, s3=s3, s4=s4, s5=s5)
