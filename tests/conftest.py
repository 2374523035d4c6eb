"""Fixtures shared by the whole suite.

A "world" is two buyers and two suppliers, supplier ``s1`` shared by both buyers, with a user
for every role; tests take what they need from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Membership, Organization, User
from accounts.permissions import clear_permission_cache

from .factories import link_supplier, make_buyer, make_member, make_supplier

Role = Membership.Role


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path):
    """Each test: fresh permission cache, own media folder, fresh throttle counters, and a fast
    password hasher (the ``world`` fixture hashes a password for each of its users)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear_permission_cache()
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    clear_permission_cache()


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


@pytest.fixture
def world(db) -> World:
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


@pytest.fixture
def api():
    """``api(user)`` returns an APIClient authenticated as ``user`` (or anonymous for None)."""

    def make(user: User | None = None) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
