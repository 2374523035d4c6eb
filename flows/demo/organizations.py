"""Demo parties: two buyers, six suppliers across Chinese provinces, a user for every role.

``seed(stdout)`` creates them through the services and is idempotent; it returns a
:class:`DemoContext` that later seeding steps (audits, corrective actions) build on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.services import membership_add, organization_create
from suppliers.models import SupplierRelationship
from suppliers.services import supplier_add

PASSWORD = "fairlink-demo"
SITE = "http://127.0.0.1:8000/"

# key -> organization fields
BUYERS: dict[str, dict] = {
    "harbor": {
        "name": "Harbor Retail Group",
        "legal_id": "NL-KVK-81234567",
        "country": "NL",
        "province": "Noord-Holland",
        "industry": "47",
        "size_class": "large",
        "headcount": 5200,
    },
    "jade": {
        "name": "Jade Lotus Apparel Brand Co., Ltd. 玉莲服饰",
        "legal_id": "91310000MA1JADE001",
        "country": "CN",
        "province": "Shanghai",
        "industry": "14",
        "size_class": "large",
        "headcount": 1800,
    },
}

SUPPLIERS: dict[str, dict] = {
    "pearl": {
        "name": "Pearl River Garments 珠江制衣",
        "legal_id": "91440101MA5PEARL01",
        "country": "CN",
        "province": "Guangdong",
        "industry": "14",
        "size_class": "medium",
        "headcount": 320,
    },
    "westlake": {
        "name": "Westlake Silk Textiles 西湖丝绸",
        "legal_id": "91330100MA2WLAKE02",
        "country": "CN",
        "province": "Zhejiang",
        "industry": "13",
        "size_class": "small",
        "headcount": 85,
    },
    "suzhou": {
        "name": "Suzhou Brightway Electronics 苏州明途电子",
        "legal_id": "91320500MA1BRWAY03",
        "country": "CN",
        "province": "Jiangsu",
        "industry": "26",
        "size_class": "medium",
        "headcount": 240,
    },
    "minjiang": {
        "name": "Minjiang Woodcraft Furniture 闽江木艺",
        "legal_id": "91350100MA3MINJ004",
        "country": "CN",
        "province": "Fujian",
        "industry": "31",
        "size_class": "small",
        "headcount": 45,
    },
    "qilu": {
        "name": "Qilu Harvest Foods 齐鲁丰收食品",
        "legal_id": "91370100MA4QILU005",
        "country": "CN",
        "province": "Shandong",
        "industry": "10",
        "size_class": "micro",
        "headcount": 8,
    },
    "chengdu": {
        "name": "Chengdu Panda Plastics 成都熊猫塑料",
        "legal_id": "91510100MA6PANDA06",
        "country": "CN",
        "province": "Sichuan",
        "industry": "22",
        "size_class": "small",
        "headcount": 60,
    },
}

# (buyer, supplier) -> the buyer's own fields. "pearl" is shared by both buyers.
LINKS: dict[tuple[str, str], dict] = {
    ("harbor", "pearl"): {"buyer_ref": "HRG-1001", "criticality": "high", "category": "apparel"},
    ("harbor", "westlake"): {
        "buyer_ref": "HRG-1002",
        "criticality": "medium",
        "category": "textiles",
    },
    ("harbor", "suzhou"): {
        "buyer_ref": "HRG-1003",
        "criticality": "high",
        "category": "electronics",
    },
    ("harbor", "minjiang"): {
        "buyer_ref": "HRG-1004",
        "criticality": "low",
        "category": "home",
    },
    ("jade", "pearl"): {"buyer_ref": "JL-07", "criticality": "medium", "category": "服装"},
    ("jade", "qilu"): {"buyer_ref": "JL-21", "criticality": "low", "category": "canteen"},
    ("jade", "chengdu"): {"buyer_ref": "JL-33", "criticality": "medium", "category": "packaging"},
}

# user key -> (organization key, role, email, full name, language)
USERS: dict[str, tuple[str, str, str, str, str]] = {
    "harbor_admin": ("harbor", "admin", "admin@harbor.example", "Emma de Vries", "en"),
    "harbor_officer": ("harbor", "officer", "officer@harbor.example", "Lucas Janssen", "en"),
    "harbor_reviewer": ("harbor", "reviewer", "reviewer@harbor.example", "Sophie Bakker", "en"),
    "harbor_viewer": ("harbor", "viewer", "viewer@harbor.example", "Noah Visser", "en"),
    "jade_admin": ("jade", "admin", "admin@jadelotus.example", "林雪 Lin Xue", "zh-Hans"),
    "jade_officer": ("jade", "officer", "officer@jadelotus.example", "周杰 Zhou Jie", "zh-Hans"),
    "jade_reviewer": ("jade", "reviewer", "reviewer@jadelotus.example", "Anna Wu", "en"),
    "pearl_admin": ("pearl", "admin", "admin@pearl.example", "陈伟 Chen Wei", "zh-Hans"),
    "pearl_respondent": (
        "pearl",
        "respondent",
        "respondent@pearl.example",
        "李娜 Li Na",
        "zh-Hans",
    ),
    "westlake_admin": ("westlake", "admin", "admin@westlake.example", "王芳 Wang Fang", "zh-Hans"),
    "westlake_respondent": (
        "westlake",
        "respondent",
        "respondent@westlake.example",
        "Kevin Zhang",
        "en",
    ),
    "suzhou_admin": ("suzhou", "admin", "admin@brightway.example", "刘洋 Liu Yang", "zh-Hans"),
    "suzhou_respondent": (
        "suzhou",
        "respondent",
        "respondent@brightway.example",
        "赵敏 Zhao Min",
        "zh-Hans",
    ),
    "minjiang_admin": ("minjiang", "admin", "admin@minjiang.example", "黄磊 Huang Lei", "zh-Hans"),
    "qilu_admin": ("qilu", "admin", "admin@qilu.example", "孙丽 Sun Li", "zh-Hans"),
    "chengdu_admin": ("chengdu", "admin", "admin@pandaplastics.example", "Grace He", "en"),
}


@dataclass
class DemoContext:
    """What later seeding steps need: organizations and users by key, and the password."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    password: str = PASSWORD
    buyers: tuple[str, ...] = tuple(BUYERS)
    suppliers: tuple[str, ...] = tuple(SUPPLIERS)
    links: dict[tuple[str, str], dict] = field(default_factory=lambda: dict(LINKS))
    stdout: TextIO | None = None  # the management command's output stream

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def __getitem__(self, key: str):
        return self.orgs.get(key) or self.users[key]


def _organization(kind: str, fields: dict) -> Organization:
    existing = Organization.objects.filter(kind=kind, legal_id=fields["legal_id"]).first()
    return existing or organization_create(kind=kind, **fields)


def _user(organization: Organization, role: str, email: str, name: str, lang: str) -> User:
    membership = Membership.objects.filter(organization=organization, user__email=email).first()
    if membership is None:
        membership = membership_add(
            organization=organization,
            email=email,
            role=role,
            full_name=name,
            preferred_language=lang,
            invite=False,
        )
    user = membership.user
    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user


@transaction.atomic
def seed_parties(stdout=None) -> DemoContext:
    """Create (or find) every demo organization, relationship and user."""

    ctx = DemoContext(stdout=stdout)
    for key, fields in BUYERS.items():
        ctx.orgs[key] = _organization(Organization.Kind.BUYER, fields)
    for key, fields in SUPPLIERS.items():
        ctx.orgs[key] = _organization(Organization.Kind.SUPPLIER, fields)
    for key, (org_key, role, email, name, lang) in USERS.items():
        ctx.users[key] = _user(ctx.orgs[org_key], role, email, name, lang)
    for (buyer_key, supplier_key), fields in LINKS.items():
        buyer, supplier = ctx.orgs[buyer_key], ctx.orgs[supplier_key]
        if not SupplierRelationship.objects.filter(buyer=buyer, supplier=supplier).exists():
            supplier_add(
                buyer=buyer,
                legal_id=supplier.legal_id,
                owner=ctx.users[f"{buyer_key}_officer"],
                actor=None,
                **fields,
            )
    return ctx


def logins(ctx: DemoContext) -> list[tuple[str, str, str, str]]:
    """(email, password, organization, role) for every demo user."""
    return [
        (email, PASSWORD, ctx.orgs[org_key].name, role)
        for org_key, role, email, _name, _lang in USERS.values()
    ]
