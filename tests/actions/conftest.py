"""Accepted audits with final scores and findings, built through the ORM so the action tests do
not depend on the audit lifecycle or the scoring services."""

from __future__ import annotations

import datetime

import pytest

from audits.models import Audit
from tests.factories import make_accepted_audit, make_ruleset, make_version


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The ``world`` fixture hashes a password per user; these tests never log in with one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def accepted_audit(db):
    """``accepted_audit(buyer=, supplier=, rules=(...), accepted_at=, respondents=, reviewers=,
    version=, ruleset=)`` -> an accepted Audit with a final Score raising ``rules``."""
    cache: dict = {}

    def make(
        *,
        buyer,
        supplier,
        rules=("F_AGE_CHECK", "F_HOURS", "F_NO_POLICY", "F_NO_TRACKING"),
        accepted_at: datetime.datetime | None = None,
        respondents=(),
        reviewers=(),
        version=None,
        ruleset=None,
        score_released: bool = True,
    ) -> Audit:
        if version is None:
            version = cache.get("version") or make_version()
            cache["version"] = version
        if ruleset is None:
            ruleset = cache.get("ruleset") or make_ruleset()
            cache["ruleset"] = ruleset
        return make_accepted_audit(
            buyer=buyer,
            supplier=supplier,
            version=version,
            ruleset=ruleset,
            rules=rules,
            accepted_at=accepted_at,
            respondents=respondents,
            reviewers=reviewers,
            score_released=score_released,
        )

    return make


@pytest.fixture
def opened(world, accepted_audit):
    """``opened(**audit_kwargs)`` -> (audit, {rule_code: action}) for buyer A and supplier s1,
    with s1_respondent and a_reviewer assigned."""
    from actions.services import actions_open_for_audit

    def make(**kwargs):
        kwargs.setdefault("buyer", world.buyer_a)
        kwargs.setdefault("supplier", world.s1)
        kwargs.setdefault("respondents", [world.s1_respondent])
        kwargs.setdefault("reviewers", [world.a_reviewer])
        audit = accepted_audit(**kwargs)
        actions = actions_open_for_audit(audit=audit, actor=world.a_officer)
        return audit, {a.finding.rule_code: a for a in actions}

    return make
