"""factory_boy factories shared by the suite. Organizations go through the service so that
their role groups and organization permissions exist exactly as in production."""

from __future__ import annotations

import factory

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
    "link_supplier",
    "make_buyer",
    "make_member",
    "make_org",
    "make_supplier",
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
