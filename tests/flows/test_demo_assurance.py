"""The demo shows continuous assurance: certificates (one verified, one about to expire), a
share request waiting for the supplier, and a buyer's re-assessment policy; idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from audits.models import ReassessmentPolicy
from audits.share_models import ShareRequest
from suppliers.models import Certificate

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_certificates_a_share_request_and_a_policy():
    call_command("load_library", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert Certificate.objects.count() == 3
    verified = Certificate.objects.get(verified_at__isnull=False)
    assert (verified.kind, verified.verified_by.email) == ("iso14001", "officer@harbor.example")
    request = ShareRequest.objects.get()
    assert (request.buyer.name, request.supplier.legal_id) == (
        "Jade Lotus Apparel Brand Co., Ltd. 玉莲服饰",
        Certificate.objects.get(kind="iso14001").supplier.legal_id,
    )
    assert request.status == ShareRequest.Status.REQUESTED
    policy = ReassessmentPolicy.objects.get()
    assert (policy.buyer.name, policy.lead_days, policy.mode) == (
        "Harbor Retail Group",
        45,
        "draft",
    )
    assert "Demo assurance: 3 certificates" in out.getvalue()

    call_command("seed_demo", stdout=StringIO())
    assert (Certificate.objects.count(), ShareRequest.objects.count()) == (3, 1)
