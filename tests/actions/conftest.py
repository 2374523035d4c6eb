"""Accepted audits with final scores and findings, built through the ORM so the action tests do
not depend on the audit lifecycle or the scoring services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audits.models import Audit
from audits.permissions import grant_audit_to_organizations
from scoring.models import Finding, Score
from tests.factories import load_doc, make_ruleset, make_version

RULES_DOC = load_doc("mini-rules.yaml")
RULES = {r["code"]: r for r in RULES_DOC["findings"]}


def engine_finding(code: str, accepted_on: datetime.date, document: dict = RULES_DOC) -> dict:
    """A finding as the engine stores it on a final score: due days from the rule, else the
    rule set's SLA for its severity (none for observations), and the due date they give."""
    rule = {r["code"]: r for r in document["findings"]}.get(code, RULES[code])
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
        for code in rules:
            rule = RULES[code]
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
