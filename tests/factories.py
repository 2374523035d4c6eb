"""factory_boy factories shared by the suite. Organizations go through the service so that
their role groups and organization permissions exist exactly as in production."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass

import factory
from django.utils import timezone

from accounts.models import Membership, Organization, User
from accounts.services import membership_add, organization_create

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


_seq = iter(range(1, 10**9))


def make_org(kind: str, **fields) -> Organization:
    n = next(_seq)
    defaults = {
        "name": f"{kind.title()} {n}",
        "legal_id": f"91330000MA{n:08d}",
        "country": "CN",
        "industry": "13",
        "size_class": Organization.SizeClass.SMALL,
        "headcount": 40,
    }
    defaults.update(fields)
    return organization_create(kind=kind, **defaults)


def make_buyer(**fields) -> Organization:
    fields.setdefault("size_class", Organization.SizeClass.LARGE)
    return make_org(Organization.Kind.BUYER, **fields)


def make_supplier(**fields) -> Organization:
    return make_org(Organization.Kind.SUPPLIER, **fields)


def make_member(organization: Organization, role: str, **user_fields) -> User:
    n = next(_seq)
    email = user_fields.pop("email", f"{role}{n}@org{organization.pk}.example.com")
    membership = membership_add(
        organization=organization, email=email, role=role, invite=False, **user_fields
    )
    user = membership.user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def link_supplier(buyer: Organization, supplier: Organization, **fields):
    from suppliers.models import SupplierRelationship

    return SupplierRelationship.objects.create(buyer=buyer, supplier=supplier, **fields)


__all__ = [
    "PASSWORD",
    "Membership",
    "UserFactory",
    "World",
    "build_world",
    "engine_finding",
    "link_supplier",
    "load_doc",
    "make_accepted_audit",
    "make_buyer",
    "make_member",
    "make_org",
    "make_ruleset",
    "make_shares",
    "make_supplier",
    "make_version",
]


DATA = __import__("pathlib").Path(__file__).parent / "data"


def load_doc(name: str) -> dict:
    import yaml

    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def make_version(doc: dict | None = None, *, owner=None, status="published"):
    """A QuestionnaireVersion built straight from a template dict (DESIGN section 5).

    Test scaffolding only: it trusts the document. The product path is the questionnaire import
    service, which validates; tests of audits, scoring and actions use this to stay independent.
    """
    from django.utils import timezone

    from questionnaires.models import Question, Questionnaire, QuestionnaireVersion, Section

    doc = doc or load_doc("mini.yaml")
    questionnaire, _ = Questionnaire.objects.get_or_create(
        code=doc["code"], owner=owner, defaults={"title": doc["title"]}
    )
    number = (
        questionnaire.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=number,
        status=status,
        languages=doc.get("languages", ["en"]),
        title=doc["title"],
        description=doc.get("description", {}),
        published_at=timezone.now() if status == "published" else None,
    )
    for s_pos, s in enumerate(doc["sections"]):
        section = Section.objects.create(
            version=version, code=s["code"], position=s_pos, title=s["title"]
        )
        for q_pos, q in enumerate(s["questions"]):
            Question.objects.create(
                version=version,
                section=section,
                position=q_pos,
                code=q["code"],
                type=q["type"],
                text=q["text"],
                help=q.get("help", {}),
                choices=q.get("choices", []),
                required=q.get("required", False),
                allow_na=q.get("allow_na", False),
                evidence=q.get("evidence", "none"),
                visible_if=q.get("visible_if", ""),
                category=q["category"],
                refs=q.get("refs", []),
                min_value=q.get("min"),
                max_value=q.get("max"),
                integer=q.get("integer", False),
                unit=q.get("unit", {}),
                max_length=q.get("max_length"),
            )
    return version


def make_ruleset(doc: dict | None = None, *, owner=None, status="published"):
    """A RuleSet row from a rule-set dict (test scaffolding; the import service validates)."""
    from django.utils import timezone

    from rulesets.models import RuleSet

    doc = doc or load_doc("mini-rules.yaml")
    return RuleSet.objects.create(
        code=doc["code"],
        version=doc["version"],
        owner=owner,
        questionnaire_code=doc["questionnaire"],
        status=status,
        title=doc.get("title", {}),
        document=doc,
        published_at=timezone.now() if status == "published" else None,
    )


# ---------------------------------------------------------------------------------------------
# The world: two buyers and two suppliers with a user for every role
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    buyer_a: Organization
    buyer_b: Organization
    s1: Organization  # shared by both buyers
    s2: Organization  # supplier of buyer A only
    a_admin: User
    a_officer: User
    a_reviewer: User
    b_admin: User
    b_officer: User
    s1_admin: User
    s1_respondent: User
    s2_admin: User
    s2_respondent: User


def build_world() -> World:
    """Buyers A and B, supplier s1 shared by both and s2 of buyer A only, each with a member
    in every role of its kind (the ``world`` fixture, and the harness's tenants)."""
    Role = Membership.Role
    buyer_a = make_buyer(name="Acme Retail", legal_id="91310000BUYERA0001")
    buyer_b = make_buyer(name="Blue Mart", legal_id="91310000BUYERB0002")
    s1 = make_supplier(
        name="Shenzhen Bright Textiles",
        legal_id="91440300S1000001",
        province="Guangdong",
        size_class="small",
    )
    s2 = make_supplier(
        name="Ningbo Micro Parts",
        legal_id="91330200S2000002",
        province="Zhejiang",
        size_class="micro",
        industry="25",
    )
    link_supplier(buyer_a, s1, buyer_ref="A-001", criticality="high", category="apparel")
    link_supplier(buyer_a, s2, buyer_ref="A-002", criticality="low", category="hardware")
    link_supplier(buyer_b, s1, buyer_ref="B-777", criticality="medium", category="textiles")
    return World(
        buyer_a=buyer_a,
        buyer_b=buyer_b,
        s1=s1,
        s2=s2,
        a_admin=make_member(buyer_a, Role.ADMIN),
        a_officer=make_member(buyer_a, Role.OFFICER),
        a_reviewer=make_member(buyer_a, Role.REVIEWER),
        b_admin=make_member(buyer_b, Role.ADMIN),
        b_officer=make_member(buyer_b, Role.OFFICER),
        s1_admin=make_member(s1, Role.ADMIN),
        s1_respondent=make_member(s1, Role.RESPONDENT),
        s2_admin=make_member(s2, Role.ADMIN),
        s2_respondent=make_member(s2, Role.RESPONDENT),
    )


def make_supplier_network(name: str, suppliers: int) -> tuple[Organization, User, list]:
    """A buyer "``name`` Buyer" with an officer and ``suppliers`` suppliers added through the
    services (each supplier's administrator invited), for processes that drive the product
    from outside a test: the worker test's driver and the load benchmark. Returns the buyer,
    the officer and the supplier organizations."""
    from suppliers.services import supplier_add

    tag = name.lower()
    buyer = organization_create(
        kind="buyer",
        name=f"{name} Buyer",
        legal_id=f"{name.upper()}-BUYER",
        country="DE",
        industry="47",
        size_class="large",
    )
    officer = membership_add(
        organization=buyer, email=f"officer@{tag}.example", role="officer", invite=False
    ).user
    added = [
        supplier_add(
            buyer=buyer,
            legal_id=f"{name.upper()}-{n:04d}",
            name=f"{name} Supplier {n}",
            country="CN",
            industry="14",
            size_class="small",
            admin_email=f"admin{n}@{tag}{n}.example",
            actor=officer,
        ).relationship.supplier
        for n in range(suppliers)
    ]
    return buyer, officer, added


# ---------------------------------------------------------------------------------------------
# Accepted audits, built through the ORM (no lifecycle, no scoring service)
# ---------------------------------------------------------------------------------------------


@functools.cache
def _mini_rules() -> dict:
    """tests/data/mini-rules.yaml, read once (never changed by a caller)."""
    return load_doc("mini-rules.yaml")


def engine_finding(code: str, accepted_on: datetime.date, document: dict | None = None) -> dict:
    """A finding as the engine stores it on a final score: due days from the rule, else the
    rule set's SLA for its severity (none for observations), and the due date they give.
    ``document`` is the rule set's (default: tests/data/mini-rules.yaml)."""
    default = _mini_rules()
    document = document or default
    rules = {r["code"]: r for r in default["findings"]}
    rule = {r["code"]: r for r in document["findings"]}.get(code, rules.get(code))
    assert rule is not None, code
    days = rule.get("due_days") or (document.get("sla_days") or {}).get(rule["severity"])
    return {
        "code": code,
        "severity": rule["severity"],
        "category": rule["category"],
        "title": rule["title"],
        "guidance": rule["guidance"],
        "due_days": days,
        "due_date": (accepted_on + datetime.timedelta(days=days)).isoformat() if days else None,
        "values": {},
    }


def make_accepted_audit(
    *,
    buyer: Organization,
    supplier: Organization,
    version,
    ruleset,
    rules: Sequence[str] = ("F_AGE_CHECK", "F_HOURS", "F_NO_POLICY", "F_NO_TRACKING"),
    accepted_at: datetime.datetime | None = None,
    respondents: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    score_released: bool = True,
):
    """An accepted Audit, granted to both organizations, with a final Score raising ``rules``
    (codes of tests/data/mini-rules.yaml) and their Finding rows; no corrective action yet."""
    from audits.models import Audit
    from audits.permissions import grant_audit_to_organizations
    from scoring.models import Finding, Score

    accepted_at = accepted_at or timezone.now()
    audit = Audit.objects.create(
        buyer=buyer,
        supplier=supplier,
        questionnaire_version=version,
        ruleset=ruleset,
        status=Audit.Status.ACCEPTED,
        due_date=timezone.localdate(accepted_at),
        issued_at=accepted_at - datetime.timedelta(days=20),
        submitted_at=accepted_at - datetime.timedelta(days=2),
        accepted_at=accepted_at,
        score_released=score_released,
    )
    grant_audit_to_organizations(audit)
    audit.respondents.add(*respondents)
    audit.reviewers.add(*reviewers)
    accepted_on = timezone.localdate(accepted_at)
    score = Score.objects.create(
        audit=audit,
        ruleset=ruleset,
        overall="55.0",
        rating="high",
        final=True,
        findings=[engine_finding(code, accepted_on, ruleset.document) for code in rules],
    )
    rule_rows = {r["code"]: r for r in _mini_rules()["findings"]}
    for code in rules:
        rule = rule_rows[code]
        Finding.objects.create(
            audit=audit,
            score=score,
            rule_code=code,
            severity=rule["severity"],
            category=rule["category"],
            title=rule["title"],
            guidance=rule["guidance"],
        )
    return audit


def make_shares(world: World, version, ruleset, n: int, *, also_to=None) -> None:
    """``n`` accepted audits of s1 by buyer A, each shared with a new buyer of s1 (and with
    ``also_to`` when given) and asked for by that buyer (a granted request): lists to count."""
    from audits.models import Share, ShareRequest

    for _ in range(n):
        buyer = make_buyer()
        link_supplier(buyer, world.s1)
        audit = make_accepted_audit(
            buyer=world.buyer_a, supplier=world.s1, version=version, ruleset=ruleset
        )
        for receiver in [buyer] + ([also_to] if also_to is not None else []):
            Share.objects.create(audit=audit, buyer=receiver, granted_by=world.s1_admin)
            ShareRequest.objects.create(
                buyer=receiver,
                supplier=world.s1,
                questionnaire=version.questionnaire,
                status=ShareRequest.Status.GRANTED,
            )


def signed_in(user):
    """A portal client logged in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
