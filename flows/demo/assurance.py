"""Demo continuous assurance: certificates a supplier holds (one verified by a buyer, one about
to expire), a buyer's re-assessment policy, and a request to share an accepted assessment that
waits for the supplier's answer. Idempotent: nothing is added twice."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audits.models import Audit
from audits.services.policy import policy_set
from audits.services.shares import share_request_create
from audits.share_models import ShareRequest
from suppliers.certificates import certificate_create, certificate_verify
from suppliers.models import Certificate

from .organizations import DemoContext

# (supplier key, kind, level, issuer, number, valid for days from today, verified by)
CERTIFICATES = (
    ("pearl", "iso14001", "", "CQC", "CN-EMS-2025-0142", 700, "harbor_officer"),
    ("pearl", "iso45001", "", "SGS", "CN-OHS-2025-0077", 500, None),
    ("westlake", "sa8000", "", "SAAS-accredited body", "SA-2024-3310", 20, None),
)


def _certificates(ctx: DemoContext, today: datetime.date) -> int:
    made = 0
    for supplier_key, kind, level, issuer, number, days, verifier in CERTIFICATES:
        supplier = ctx.orgs.get(supplier_key)
        if (
            supplier is None
            or Certificate.objects.filter(supplier=supplier, number=number).exists()
        ):
            continue
        cert = certificate_create(
            supplier=supplier,
            actor=None,
            kind=kind,
            level=level,
            issuer=issuer,
            number=number,
            scope="Main production site / 主要生产场所",
            valid_from=today - datetime.timedelta(days=365),
            valid_to=today + datetime.timedelta(days=days),
        )
        if verifier:
            certificate_verify(certificate=cert, actor=ctx.users[verifier])
        made += 1
    return made


def _share_request(ctx: DemoContext) -> bool:
    """Jade Lotus asks Pearl for the assessment Pearl already gave Harbor."""
    supplier, buyer = ctx.orgs.get("pearl"), ctx.orgs.get("jade")
    shared = (
        Audit.objects.filter(supplier=supplier, status=Audit.Status.ACCEPTED)
        .exclude(buyer=buyer)
        .select_related("questionnaire_version__questionnaire")
        .first()
    )
    if (
        supplier is None
        or buyer is None
        or shared is None
        or ShareRequest.objects.filter(buyer=buyer, supplier=supplier).exists()
    ):
        return False
    share_request_create(
        actor=ctx.users["jade_officer"],
        supplier=supplier,
        questionnaire=shared.questionnaire_version.questionnaire,
        buyer=buyer,
        message="We would rather read the assessment you already completed. 如方便，请共享已完成的评估。",
    )
    return True


def seed_assurance(ctx: DemoContext) -> None:
    today = timezone.localdate()
    # Mail leaves after commit: the commit must happen inside the dummy mail backend.
    dummy = "django.core.mail.backends.dummy.EmailBackend"
    with override_settings(EMAIL_BACKEND=dummy), transaction.atomic():
        made = _certificates(ctx, today)
        asked = _share_request(ctx)
        if "harbor" in ctx.orgs:
            policy_set(buyer=ctx.orgs["harbor"], data={"mode": "draft", "lead_days": 45})
    ctx.log(
        f"Demo assurance: {made} certificates, "
        f"{'a share request waiting at Pearl' if asked else 'share request already present'}, "
        "Harbor's re-assessment policy."
    )
