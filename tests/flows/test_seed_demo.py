from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Membership, Organization, User
from suppliers.models import SupplierRelationship

pytestmark = pytest.mark.django_db


def _counts():
    return (
        Organization.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        SupplierRelationship.objects.count(),
    )


def test_seed_demo_creates_parties_and_is_idempotent():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Organization.objects.buyers().count() == 2
    suppliers = Organization.objects.suppliers()
    assert suppliers.count() == 6
    assert len(set(suppliers.values_list("province", flat=True))) == 6
    assert len(set(suppliers.values_list("industry", flat=True))) == 6
    assert set(suppliers.values_list("size_class", flat=True)) == {"micro", "small", "medium"}
    shared = [s for s in suppliers if s.buyer_links.count() == 2]
    assert len(shared) == 1
    roles = {
        (m.organization.kind, m.role) for m in Membership.objects.select_related("organization")
    }
    assert roles == {
        ("buyer", "admin"),
        ("buyer", "officer"),
        ("buyer", "reviewer"),
        ("buyer", "viewer"),  # every role of the platform has a demo login
        ("supplier", "admin"),
        ("supplier", "respondent"),
    }
    user = User.objects.get(email="admin@harbor.example")
    assert user.check_password("fairlink-demo")
    assert User.objects.filter(preferred_language="zh-Hans").exists()
    text = out.getvalue()
    assert "admin@harbor.example" in text and "fairlink-demo" in text
    assert "http://127.0.0.1:8000/" in text

    before = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == before
