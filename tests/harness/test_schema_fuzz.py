"""Schema fuzzing: every operation of the live OpenAPI schema, with data generated from it.

The schema is read from ``/api/schema/`` through the WSGI application (no network), as the
buyer's administrator and as the supplier's administrator (token authentication). Each
operation gets a few generated requests, the same ones on every run (derandomized), and each
response must not be a 5xx and must match what the schema documents for its status code.

Operations that fail today are listed in ``KNOWN`` with the defect; each is a strict xfail, so
it turns the suite red once it is fixed and the entry can go.
"""

from __future__ import annotations

import contextlib
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import Membership
from suppliers.models import SupplierRelationship

from .tenants import Tenants

SCHEMA_PATH = "/api/schema/?format=json"
EXAMPLES = 3  # generated requests per operation and caller, with random path parameters
KNOWN_ID_EXAMPLES = 2  # and with path parameters naming the caller's own objects
NEGATIVE_EXAMPLES = 2  # and with input the schema rejects: a 4xx, never a 5xx
PARAM = re.compile(r"{(\w+)}")
ROLES = ("a_admin", "s1_admin")
CHECKS = [not_a_server_error, response_schema_conformance]

APP = get_wsgi_application()
SCHEMA = schemathesis.openapi.from_wsgi(SCHEMA_PATH, APP)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

# (operation label, role) -> the defect. Each is a strict xfail; none is known today.
KNOWN: dict[tuple[str, str], str] = {}


def known_ids(t: Tenants, role: str, path: str) -> dict[str, object]:
    """Path parameters naming objects the caller may see (so that the 2xx answers are checked
    against their schema too, not only the 404s of random ids)."""
    w = t.world
    audit = t.buyer_side.own_audit  # buyer A's audit of s1: both callers see it
    action = t.buyer_side.own_action
    if role == "a_admin":
        organization, version = w.buyer_a, t.supplier_side.version  # A's own template
        ruleset = t.supplier_side.audit.ruleset  # A's own rule set
        share_request = t.supplier_side.share_request  # buyer A's request to s2
    else:
        organization, version = w.s1, audit.questionnaire_version
        ruleset = audit.ruleset
        share_request = t.buyer_side.share_request  # buyer B's request to s1
    by_path = {
        "/api/v1/organizations/{id}/": organization.pk,
        "/api/v1/organizations/{organization_id}/members/{id}/": Membership.objects.get(
            user=getattr(w, role), organization=organization
        ).pk,
        "/api/v1/suppliers/{id}/": SupplierRelationship.objects.get(
            buyer=w.buyer_a, supplier=w.s1
        ).pk,
        "/api/v1/rulesets/{id}/": ruleset.pk,
        "/api/v1/exports/{id}/": t.a_export.pk,
    }
    on_action = path.startswith("/api/v1/corrective-actions/")
    evidence = action.evidence.get() if on_action else audit.evidence.get()
    ids = {
        "id": next((pk for prefix, pk in by_path.items() if path.startswith(prefix)), None),
        "audit_id": audit.pk,
        "action_id": action.pk,
        "evidence_id": evidence.pk,
        "comment_id": audit.question_comments.get().pk,
        "campaign_id": t.supplier_side.campaign.pk,  # buyer A's campaign
        "organization_id": organization.pk,
        "questionnaire_id": version.questionnaire_id,
        "number": version.number,
        "code": "MGT_01",
        "request_id": share_request.pk,
        "share_id": t.buyer_side.share.pk,
    }
    return {name: ids[name] for name in PARAM.findall(path)}


def _cases():
    for operation in OPERATIONS:
        for role in ROLES:
            marks = []
            reason = KNOWN.get((operation.label, role))
            if reason:
                marks.append(pytest.mark.xfail(reason=reason, strict=True))
            yield pytest.param(operation, role, id=f"{operation.label} {role}", marks=marks)


@pytest.mark.parametrize(("operation", "role"), list(_cases()))
def test_operation_honours_its_schema(t: Tenants, wsgi_in_test_transaction, operation, role):
    headers = {"Authorization": f"Token {t.tokens[role]}"}
    if "{" in operation.path:
        own = known_ids(t, role, operation.path)
        _fuzz(operation.as_strategy(path_parameters=own), headers, KNOWN_ID_EXAMPLES)
    _fuzz(operation.as_strategy(), headers, EXAMPLES)
    if _has_input(operation):
        _fuzz(operation.as_strategy(GenerationMode.NEGATIVE), headers, NEGATIVE_EXAMPLES)


def _has_input(operation) -> bool:
    """A path or query parameter or a body: something negative mode can get wrong (the auth
    header and session cookie of the security schemes do not count)."""
    locations = {getattr(p.location, "value", p.location) for p in operation.iter_parameters()}
    return bool(operation.body) or bool(locations & {"path", "query"})


def _fuzz(strategy, headers: dict[str, str], examples: int) -> None:
    @settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def run(data):
        case = data.draw(strategy)
        response = case.call(headers=headers)
        case.validate_response(response, checks=CHECKS)

    # Unsatisfiable in negative mode only: every parameter accepts anything.
    with contextlib.suppress(Unsatisfiable):
        run()
