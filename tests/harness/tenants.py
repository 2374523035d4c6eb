"""The data of the harness: the suite's two-buyer world plus, for each side of the caller, one
object of every tenant kind that the caller must not reach.

Callers are buyer A's members (admin, officer, reviewer) and supplier s1's members (admin,
respondent). For buyer A the foreign objects belong to buyer B, most of them on the supplier
both buyers share (s1), which is where a leak would hide. For s1 they belong to supplier s2 (an
audit buyer A issued to s2) or to buyer B where suppliers see nothing of the kind at all
(rule sets, export jobs). Each side also has "own" objects, so that a route with two ids can be
asked for an own parent with a foreign child.

Built through the ORM and the services the other test packages use, once per test module.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Invitation, Membership, Notification, Organization, User
from actions.models import ActionEvidence, CorrectiveAction
from actions.services import actions_open_for_audit
from audits.models import Audit, Campaign, Evidence, QuestionComment, Share, ShareRequest
from questionnaires.models import QuestionnaireVersion
from register.models import ExportJob
from rulesets.models import RuleSet
from scoring.models import Finding
from suppliers.models import Certificate, SupplierRelationship
from tests.factories import (
    World,
    build_world,
    link_supplier,
    make_accepted_audit,
    make_ruleset,
    make_supplier,
    make_version,
)

Role = Membership.Role
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"

BUYER_ROLES = ("a_admin", "a_officer", "a_reviewer")
SUPPLIER_ROLES = ("s1_admin", "s1_respondent")
ROLES = BUYER_ROLES + SUPPLIER_ROLES


@dataclass
class Side:
    """What one side of callers must not reach (``audit`` ... ``membership``), who does reach
    it (``owner``, for the control test), and the side's own objects (``own_*``)."""

    owner: str
    buyer: Organization  # a buyer the callers of this side may not act for
    audit: Audit
    action: CorrectiveAction
    finding: Finding
    evidence: Evidence
    action_evidence: ActionEvidence
    version: QuestionnaireVersion
    ruleset: RuleSet
    campaign: Campaign
    export: ExportJob
    organization: Organization
    membership: Membership
    invitation: Invitation
    notification: Notification
    relationship: SupplierRelationship
    share_request: ShareRequest
    share: Share
    certificate: Certificate  # of a supplier the side's callers do not work with
    own_audit: Audit
    own_action: CorrectiveAction
    own_organization: Organization

    @property
    def questionnaire(self):
        return self.version.questionnaire


@dataclass
class Tenants:
    world: World
    buyer_side: Side  # foreign to a_admin, a_officer, a_reviewer
    supplier_side: Side  # foreign to s1_admin, s1_respondent
    tokens: dict[str, str]
    a_export: ExportJob  # buyer A's own export job (the schema fuzzing reads it)
    media: object = None

    def side(self, role: str) -> Side:
        return self.buyer_side if role in BUYER_ROLES else self.supplier_side

    def user(self, role: str) -> User:
        # A fresh instance per request: nothing cached on a user object crosses tests.
        return User.objects.get(pk=getattr(self.world, role).pk)


def _accepted_audit(*, buyer, supplier, version, ruleset, officer, respondents=(), reviewers=()):
    """An accepted audit with a released final score, its findings, their corrective actions,
    one evidence file on the audit and one on its first action, and a reviewer's comment on
    MGT_01 left open."""
    audit = make_accepted_audit(
        buyer=buyer,
        supplier=supplier,
        version=version,
        ruleset=ruleset,
        rules=("F_AGE_CHECK", "F_HOURS", "F_NO_POLICY"),
        respondents=respondents,
        reviewers=reviewers,
    )
    actions = actions_open_for_audit(audit=audit, actor=officer)
    question = version.questions.get(code="MGT_01")
    respondent = respondents[0] if respondents else None
    _file(Evidence(audit=audit, question=question, uploaded_by=respondent), "policy.pdf")
    _file(
        ActionEvidence(audit=audit, corrective_action=actions[0], uploaded_by=respondent),
        "fix.pdf",
    )
    QuestionComment.objects.create(
        audit=audit, question_code="MGT_01", text="Sign the policy.", author=officer
    )
    return audit


def _file(row, name: str):
    row.original_name = name
    row.content_type = "application/pdf"
    row.size = len(PDF)
    row.sha256 = hashlib.sha256(PDF).hexdigest()
    row.file.save(name, ContentFile(PDF), save=False)
    row.save()
    return row


def _export(buyer: Organization, user: User) -> ExportJob:
    job = ExportJob(
        buyer=buyer,
        created_by=user,
        format=ExportJob.Format.CSV,
        status=ExportJob.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    job.file.save("register.csv", ContentFile(b"supplier\nBlue\n"), save=False)
    job.save()
    return job


def _campaign(buyer, version, supplier, user) -> Campaign:
    return Campaign.objects.create(
        buyer=buyer,
        name=f"Campaign of {buyer.name}",
        questionnaire_version=version,
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        supplier_ids=[supplier.pk],
        status=Campaign.Status.DONE,
        total=1,
        processed=1,
        created_by=user,
    )


def _invitation(organization: Organization, role: str) -> Invitation:
    """An open invitation of ``organization`` (its link is never used here)."""
    return Invitation.objects.create(
        organization=organization,
        email=f"invited@org{organization.pk}.example.com",
        role=role,
        token_hash=hashlib.sha256(f"harness-{organization.pk}".encode()).hexdigest(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )


def _notification(user: User, audit: Audit) -> Notification:
    """An inbox entry of ``user`` about ``audit`` (foreign to every other caller)."""
    return Notification.objects.create(
        user=user,
        name="audits/email/accepted",
        kind="audit_accepted",
        context={"audit_id": audit.pk},
        link=f"/audits/{audit.pk}/",
    )


def _certificate(supplier: Organization) -> Certificate:
    """An ISO 14001 certificate of ``supplier`` with its document."""
    cert = Certificate(
        supplier=supplier,
        kind=Certificate.Kind.ISO14001,
        issuer="Harness body",
        number=f"H-{supplier.pk}",
        valid_from=datetime.date(2025, 1, 1),
        valid_to=datetime.date(2030, 1, 1),
        document_name="iso14001.pdf",
        document_type="application/pdf",
        document_size=len(PDF),
        document_sha256=hashlib.sha256(PDF).hexdigest(),
    )
    cert.document.save("upload.pdf", ContentFile(PDF), save=True)
    return cert


def _first_action(audit: Audit) -> CorrectiveAction:
    return audit.actions.order_by("pk").first()


def build_tenants() -> Tenants:
    w = build_world()
    library_ruleset = make_ruleset()
    a_version = make_version(owner=w.buyer_a)  # used only on buyer A's audit of s2
    b_version = make_version(owner=w.buyer_b)  # used only on buyer B's audits
    a_ruleset = make_ruleset(owner=w.buyer_a)
    b_ruleset = make_ruleset(owner=w.buyer_b)

    # Own objects: buyer A's audit of s1 (on a library template), assigned to A's reviewer
    # and s1's respondent.
    own = _accepted_audit(
        buyer=w.buyer_a,
        supplier=w.s1,
        version=make_version(),
        ruleset=library_ruleset,
        officer=w.a_officer,
        respondents=[w.s1_respondent],
        reviewers=[w.a_reviewer],
    )
    # Buyer B's audit of the shared supplier s1: foreign to every member of buyer A.
    b_audit = _accepted_audit(
        buyer=w.buyer_b,
        supplier=w.s1,
        version=b_version,
        ruleset=b_ruleset,
        officer=w.b_officer,
        respondents=[w.s1_admin],
    )
    # Buyer A's audit of s2: foreign to every member of s1.
    s2_audit = _accepted_audit(
        buyer=w.buyer_a,
        supplier=w.s2,
        version=a_version,
        ruleset=a_ruleset,
        officer=w.a_officer,
        respondents=[w.s2_respondent],
    )
    b_export = _export(w.buyer_b, w.b_admin)
    # Buyer A's audit of s2 shared with buyer B: neither buyer A's nor s1's members reach it.
    share = Share.objects.create(audit=s2_audit, buyer=w.buyer_b, granted_by=w.s2_admin)
    # A supplier of buyer B only: its certificates are foreign to every member of buyer A.
    b_only = make_supplier(name="Harness B-only Supplier")
    link_supplier(w.buyer_b, b_only)
    buyer_side = Side(
        owner="b_admin",
        buyer=w.buyer_b,
        audit=b_audit,
        action=_first_action(b_audit),
        finding=b_audit.findings.order_by("pk").first(),
        evidence=b_audit.evidence.get(),
        action_evidence=_first_action(b_audit).evidence.get(),
        version=b_version,
        ruleset=b_ruleset,
        campaign=_campaign(w.buyer_b, b_version, w.s1, w.b_officer),
        export=b_export,
        organization=w.buyer_b,
        membership=Membership.objects.get(user=w.b_officer, organization=w.buyer_b),
        invitation=_invitation(w.buyer_b, Role.OFFICER),
        notification=_notification(w.b_admin, b_audit),
        relationship=SupplierRelationship.objects.get(buyer=w.buyer_b, supplier=w.s1),
        share_request=ShareRequest.objects.create(
            buyer=w.buyer_b, supplier=w.s1, questionnaire=b_version.questionnaire
        ),
        share=share,
        certificate=_certificate(b_only),
        own_audit=own,
        own_action=_first_action(own),
        own_organization=w.buyer_a,
    )
    supplier_side = Side(
        owner="s2_admin",
        buyer=w.buyer_a,
        audit=s2_audit,
        action=_first_action(s2_audit),
        finding=s2_audit.findings.order_by("pk").first(),
        evidence=s2_audit.evidence.get(),
        action_evidence=_first_action(s2_audit).evidence.get(),
        # Buyer A's template is used only on s2's audit; suppliers read no template otherwise.
        version=a_version,
        ruleset=b_ruleset,
        campaign=_campaign(w.buyer_a, a_version, w.s2, w.a_officer),
        export=b_export,
        organization=w.s2,
        membership=Membership.objects.get(user=w.s2_respondent, organization=w.s2),
        invitation=_invitation(w.s2, Role.RESPONDENT),
        notification=_notification(w.s2_admin, s2_audit),
        relationship=SupplierRelationship.objects.get(buyer=w.buyer_a, supplier=w.s2),
        share_request=ShareRequest.objects.create(
            buyer=w.buyer_a, supplier=w.s2, questionnaire=a_version.questionnaire
        ),
        share=share,
        certificate=_certificate(w.s2),
        own_audit=own,
        own_action=_first_action(own),
        own_organization=w.s1,
    )
    tokens = {
        role: Token.objects.get_or_create(user=getattr(w, role))[0].key
        for role in ("a_admin", "s1_admin")
    }
    return Tenants(w, buyer_side, supplier_side, tokens, a_export=_export(w.buyer_a, w.a_admin))
