"""Tenant isolation, route by route, generated from the URL configuration.

Every API route under /api/v1/ and every portal page with an object id in its path is asked,
with every method its view answers, by each of buyer A's roles (admin, officer, reviewer) and
supplier s1's roles (admin, respondent) for an object of another tenant (see ``tenants.py``).
DESIGN section 8: an object the caller may not see is a 404, never a 403 that would confirm it
exists; a method the view does not answer is a 405. Anonymous callers get a 401 (API) or the
login page (portal). Nothing is ever a 2xx or a 5xx.

The tables below say, for each route, how to name a foreign object in its path (``OBJECT``),
or for a route without one what a foreign object looks like in a list (``LISTS``) or in a
request that creates something (``CREATES``). A route missing from the tables fails
``test_every_route_has_a_table_entry``: a new endpoint has to say how it is checked.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Membership
from audits.models import Audit, Campaign, ReassessmentPolicy, Share, ShareRequest
from questionnaires.models import Questionnaire
from register.models import ExportJob
from rulesets.models import RuleSet
from suppliers.models import SupplierRelationship
from tests.factories import DATA, load_doc

from .routes import Route, api_routes, portal_object_routes
from .tenants import ROLES, Side, Tenants

Params = Callable[[Side], dict]


@dataclass(frozen=True)
class Obj:
    """A route with ids: ``params`` name the foreign object; ``mixed`` (routes with two ids)
    names the caller's own parent with a foreign child."""

    params: Params
    mixed: Params | None = None


def audit(s: Side) -> dict:
    return {"audit_id": s.audit.pk}


def comment(audit: Audit) -> int:
    return audit.question_comments.get().pk


def action(s: Side) -> dict:
    return {"action_id": s.action.pk}


def share_request(s: Side) -> dict:
    return {"request_id": s.share_request.pk}


def share(s: Side) -> dict:
    return {"share_id": s.share.pk}


def version(s: Side, **extra) -> dict:
    return {"questionnaire_id": s.questionnaire.pk, "number": s.version.number, **extra}


def certificate(s: Side) -> dict:
    return {"pk": s.certificate.pk}


def certificate_page(s: Side) -> dict:
    return {"certificate_id": s.certificate.pk}


def certificate_link(s: Side) -> dict:
    """The certificate through the relationship of the side's foreign buyer with its
    supplier (the owner's own path to it)."""
    rel = SupplierRelationship.objects.get(buyer=s.buyer, supplier=s.certificate.supplier)
    return {"relationship_id": rel.pk, "certificate_id": s.certificate.pk}


CODE = "MGT_01"  # a question of tests/data/mini.yaml, on every version of the harness

OBJECT: dict[str, Obj] = {
    # accounts / flows
    "api/v1/organizations/<int:pk>/": Obj(lambda s: {"pk": s.organization.pk}),
    "api/v1/organizations/<int:organization_id>/members/": Obj(
        lambda s: {"organization_id": s.organization.pk}
    ),
    "api/v1/organizations/<int:organization_id>/members/<int:pk>/": Obj(
        lambda s: {"organization_id": s.organization.pk, "pk": s.membership.pk},
        mixed=lambda s: {"organization_id": s.own_organization.pk, "pk": s.membership.pk},
    ),
    # suppliers
    "api/v1/suppliers/<int:pk>/": Obj(lambda s: {"pk": s.relationship.pk}),
    "api/v1/suppliers/<int:pk>/deactivate/": Obj(lambda s: {"pk": s.relationship.pk}),
    # questionnaires
    "api/v1/questionnaires/<int:questionnaire_id>/": Obj(
        lambda s: {"questionnaire_id": s.questionnaire.pk}
    ),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/": Obj(
        lambda s: {"questionnaire_id": s.questionnaire.pk}
    ),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/": Obj(version),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/questions/<str:code>/": Obj(
        lambda s: version(s, code=CODE)
    ),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/publish/": Obj(version),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/retire/": Obj(version),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/new-version/": Obj(version),
    "api/v1/questionnaires/<int:questionnaire_id>/versions/<int:number>/export/": Obj(version),
    # audits
    "api/v1/audits/<int:audit_id>/": Obj(audit),
    "api/v1/audits/<int:audit_id>/answers/": Obj(audit),
    "api/v1/audits/<int:audit_id>/evidence/": Obj(audit),
    "api/v1/audits/<int:audit_id>/evidence/<int:evidence_id>/": Obj(
        lambda s: {"audit_id": s.audit.pk, "evidence_id": s.evidence.pk},
        mixed=lambda s: {"audit_id": s.own_audit.pk, "evidence_id": s.evidence.pk},
    ),
    "api/v1/audits/<int:audit_id>/send/": Obj(audit),
    "api/v1/audits/<int:audit_id>/extend/": Obj(audit),
    "api/v1/audits/<int:audit_id>/return/": Obj(audit),
    "api/v1/audits/<int:audit_id>/cancel/": Obj(audit),
    "api/v1/audits/<int:audit_id>/events/": Obj(audit),
    "api/v1/audits/<int:audit_id>/prefill/": Obj(audit),
    "api/v1/audits/<int:audit_id>/respondents/": Obj(audit),
    "api/v1/audits/<int:audit_id>/reviewers/": Obj(audit),
    "api/v1/audits/<int:audit_id>/submit/": Obj(audit),
    "api/v1/audits/<int:audit_id>/accept/": Obj(audit),
    "api/v1/audits/<int:audit_id>/score/": Obj(audit),
    "api/v1/audits/<int:audit_id>/score/release/": Obj(audit),
    "api/v1/share-requests/<int:request_id>/": Obj(share_request),
    "api/v1/share-requests/<int:request_id>/grant/": Obj(share_request),
    "api/v1/share-requests/<int:request_id>/decline/": Obj(share_request),
    "api/v1/share-requests/<int:request_id>/withdraw/": Obj(share_request),
    "api/v1/shares/<int:share_id>/revoke/": Obj(share),
    "api/v1/campaigns/<int:campaign_id>/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "api/v1/campaigns/<int:campaign_id>/resume/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "api/v1/campaigns/<int:campaign_id>/bulk/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    # corrective actions
    "api/v1/corrective-actions/<int:action_id>/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/submit-plan/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/accept-plan/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/reject-plan/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/submit-evidence/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/verify/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/reject-evidence/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/cancel/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/extend/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/comments/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/evidence/": Obj(action),
    "api/v1/corrective-actions/<int:action_id>/evidence/<int:evidence_id>/download/": Obj(
        lambda s: {"action_id": s.action.pk, "evidence_id": s.action_evidence.pk},
        mixed=lambda s: {"action_id": s.own_action.pk, "evidence_id": s.action_evidence.pk},
    ),
    # rule sets
    "api/v1/rulesets/<int:pk>/": Obj(lambda s: {"pk": s.ruleset.pk}),
    "api/v1/rulesets/<int:pk>/export/": Obj(lambda s: {"pk": s.ruleset.pk}),
    "api/v1/rulesets/<int:pk>/publish/": Obj(lambda s: {"pk": s.ruleset.pk}),
    # register
    "api/v1/exports/<int:pk>/": Obj(lambda s: {"pk": s.export.pk}),
    "api/v1/exports/<int:pk>/download/": Obj(lambda s: {"pk": s.export.pk}),
    # portal: links in mails
    "audits/<int:audit_id>/": Obj(audit),
    "actions/<int:action_id>/": Obj(action),
    "api/v1/notifications/<int:pk>/read/": Obj(lambda s: {"pk": s.notification.pk}),
    "inbox/<int:notification_id>/": Obj(lambda s: {"notification_id": s.notification.pk}),
    "api/v1/certificates/<int:pk>/": Obj(certificate),
    "api/v1/certificates/<int:pk>/verify/": Obj(certificate),
    "api/v1/certificates/<int:pk>/document/": Obj(certificate),
    "certificates/<int:certificate_id>/document/": Obj(certificate_page),
    "b/suppliers/<int:relationship_id>/certificates/<int:certificate_id>/verify/": Obj(
        certificate_link
    ),
    "s/certificates/<int:certificate_id>/": Obj(certificate_page),
    # portal: the organization's team
    "team/members/<int:membership_id>/": Obj(lambda s: {"membership_id": s.membership.pk}),
    "team/invitations/<int:invitation_id>/": Obj(lambda s: {"invitation_id": s.invitation.pk}),
    # portal: buyer pages
    "b/suppliers/<int:relationship_id>/": Obj(lambda s: {"relationship_id": s.relationship.pk}),
    "b/suppliers/<int:relationship_id>/share-request/": Obj(
        lambda s: {"relationship_id": s.relationship.pk}
    ),
    "b/share-requests/<int:request_id>/withdraw/": Obj(share_request),
    "b/audits/<int:audit_id>/": Obj(audit),
    "b/audits/<int:audit_id>/reviewers/": Obj(audit),
    "b/audits/<int:audit_id>/draft/": Obj(audit),
    "b/audits/<int:audit_id>/<str:move>/": Obj(lambda s: {**audit(s), "move": "cancel"}),
    "b/campaigns/<int:campaign_id>/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "b/campaigns/<int:campaign_id>/progress/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "b/campaigns/<int:campaign_id>/resume/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "b/campaigns/<int:campaign_id>/bulk/": Obj(lambda s: {"campaign_id": s.campaign.pk}),
    "b/questionnaires/<int:questionnaire_id>/v<int:number>/preview/": Obj(version),
    "b/actions/<int:action_id>/": Obj(action),
    "b/actions/<int:action_id>/<str:move>/": Obj(lambda s: {**action(s), "move": "cancel"}),
    "b/register/exports/<int:export_id>/": Obj(lambda s: {"export_id": s.export.pk}),
    "b/register/exports/<int:export_id>/progress/": Obj(lambda s: {"export_id": s.export.pk}),
    # portal: supplier pages
    "api/v1/audits/<int:audit_id>/comments/": Obj(audit),
    "api/v1/audits/<int:audit_id>/comments/<int:comment_id>/resolve/": Obj(
        lambda s: {**audit(s), "comment_id": comment(s.audit)},
        mixed=lambda s: {"audit_id": s.own_audit.pk, "comment_id": comment(s.audit)},
    ),
    "api/v1/audits/<int:audit_id>/changes/": Obj(audit),
    "b/audits/<int:audit_id>/comments/<int:comment_id>/resolve/": Obj(
        lambda s: {**audit(s), "comment_id": comment(s.audit)},
        mixed=lambda s: {"audit_id": s.own_audit.pk, "comment_id": comment(s.audit)},
    ),
    "s/audits/<int:audit_id>/": Obj(audit),
    "s/audits/<int:audit_id>/answer/<str:code>/": Obj(lambda s: {**audit(s), "code": CODE}),
    "s/audits/<int:audit_id>/evidence/<str:code>/": Obj(lambda s: {**audit(s), "code": CODE}),
    "s/audits/<int:audit_id>/files/<int:evidence_id>/": Obj(
        lambda s: {"audit_id": s.audit.pk, "evidence_id": s.evidence.pk},
        mixed=lambda s: {"audit_id": s.own_audit.pk, "evidence_id": s.evidence.pk},
    ),
    "s/audits/<int:audit_id>/files/<int:evidence_id>/delete/": Obj(
        lambda s: {"audit_id": s.audit.pk, "evidence_id": s.evidence.pk},
        mixed=lambda s: {"audit_id": s.own_audit.pk, "evidence_id": s.evidence.pk},
    ),
    "s/audits/<int:audit_id>/prefill/": Obj(audit),
    "s/audits/<int:audit_id>/submit/": Obj(audit),
    "s/audits/<int:audit_id>/respondents/": Obj(audit),
    "s/audits/<int:audit_id>/score/": Obj(audit),
    "s/share-requests/<int:request_id>/<str:move>/": Obj(
        lambda s: {**share_request(s), "move": "grant"}
    ),
    "s/shares/<int:share_id>/revoke/": Obj(share),
    "s/actions/<int:action_id>/": Obj(action),
    "s/actions/<int:action_id>/plan/": Obj(action),
    "s/actions/<int:action_id>/evidence/": Obj(action),
    "s/actions/<int:action_id>/files/": Obj(action),
    "s/actions/<int:action_id>/files/<int:evidence_id>/": Obj(
        lambda s: {"action_id": s.action.pk, "evidence_id": s.action_evidence.pk},
        mixed=lambda s: {"action_id": s.own_action.pk, "evidence_id": s.action_evidence.pk},
    ),
    "s/actions/<int:action_id>/comment/": Obj(action),
}


@dataclass(frozen=True)
class Listing:
    """A list route: the foreign object (by id) must not be among the results, also when the
    caller filters for it."""

    foreign_id: Callable[[Side], int]
    query: Params = field(default=lambda s: {})


LISTS: dict[str, Listing] = {
    "GET api/v1/organizations/": Listing(lambda s: s.organization.pk),
    "GET api/v1/notifications/": Listing(lambda s: s.notification.pk),
    "GET api/v1/organizations/<int:organization_id>/members/": Listing(lambda s: s.membership.pk),
    "GET api/v1/suppliers/": Listing(
        lambda s: s.relationship.pk, lambda s: {"buyer": s.relationship.buyer_id}
    ),
    "GET api/v1/questionnaires/": Listing(lambda s: s.questionnaire.pk),
    "GET api/v1/audits/": Listing(lambda s: s.audit.pk, lambda s: {"buyer": s.audit.buyer_id}),
    "GET api/v1/campaigns/": Listing(lambda s: s.campaign.pk),
    "GET api/v1/corrective-actions/": Listing(
        lambda s: s.action.pk, lambda s: {"audit": s.audit.pk}
    ),
    "GET api/v1/findings/": Listing(lambda s: s.finding.pk, lambda s: {"audit": s.audit.pk}),
    "GET api/v1/rulesets/": Listing(lambda s: s.ruleset.pk),
    "GET api/v1/exports/": Listing(lambda s: s.export.pk),
    "GET api/v1/share-requests/": Listing(lambda s: s.share_request.pk),
    "GET api/v1/shares/": Listing(lambda s: s.share.pk),
    "GET api/v1/certificates/": Listing(
        lambda s: s.certificate.pk, lambda s: {"supplier": s.certificate.supplier_id}
    ),
}


@dataclass(frozen=True)
class Create:
    """A request naming another tenant in its body or query: refused (400, 403 or 404) and
    no row of that tenant is written. ``rows`` counts the rows that must not grow."""

    rows: Callable[[Side], object]
    body: Params = field(default=lambda s: {})
    query: Params = field(default=lambda s: {})
    multipart: bool = False


def _due() -> str:
    return (timezone.localdate() + datetime.timedelta(days=30)).isoformat()


def _document(code: str) -> dict:
    doc = load_doc("mini.yaml")
    doc["code"] = code
    return doc


def _rules_document(code: str) -> dict:
    doc = load_doc("mini-rules.yaml")
    doc["code"] = code
    return doc


CREATES: dict[str, Create] = {
    "POST api/v1/certificates/": Create(
        rows=lambda s: s.certificate.supplier.certificates.all(),
        body=lambda s: {
            "supplier": s.certificate.supplier_id,
            "kind": "iso9001",
            "issuer": "Harness body",
            "number": "H-NEW",
            "valid_from": "2025-01-01",
            "valid_to": "2028-01-01",
        },
    ),
    "POST api/v1/suppliers/": Create(
        rows=lambda s: SupplierRelationship.objects.filter(buyer=s.buyer),
        body=lambda s: {
            "buyer": s.buyer.pk,
            "legal_id": "91440300HARNESS001",
            "name": "Harness Supplies",
            "country": "CN",
            "industry": "13",
            "size_class": "small",
        },
    ),
    "POST api/v1/suppliers/import/": Create(
        rows=lambda s: SupplierRelationship.objects.filter(buyer=s.buyer),
        body=lambda s: {
            "buyer": s.buyer.pk,
            "file": _upload(
                "suppliers.csv",
                b"legal_id,name,country,industry,size_class\n"
                b"91440300HARNESS002,Harness Imports,CN,13,small\n",
            ),
        },
        multipart=True,
    ),
    "POST api/v1/questionnaires/": Create(
        rows=lambda s: Questionnaire.objects.filter(owner=s.buyer),
        body=lambda s: {"document": _document("harness-q"), "owner": s.buyer.pk},
    ),
    "POST api/v1/questionnaires/import/": Create(
        rows=lambda s: Questionnaire.objects.filter(owner=s.buyer),
        body=lambda s: {
            "owner": s.buyer.pk,
            "format": "yaml",
            "file": _upload(
                "q.yaml",
                load_doc_text("mini.yaml").replace("code: mini-csr", "code: harness-q", 1),
            ),
        },
        multipart=True,
    ),
    "POST api/v1/audits/": Create(
        rows=lambda s: Audit.objects.filter(questionnaire_version=s.version),
        body=lambda s: {
            "buyer": s.buyer.pk,
            "supplier": s.audit.supplier_id,
            "questionnaire_version": s.version.pk,
            "due_date": _due(),
            "send": False,
        },
    ),
    "POST api/v1/audits/extend/": Create(
        rows=lambda s: Audit.objects.filter(pk=s.audit.pk, due_date__gt=s.audit.due_date),
        body=lambda s: {"audits": [s.audit.pk], "due_date": _due(), "reason": "harness"},
    ),
    "POST api/v1/campaigns/": Create(
        rows=lambda s: Campaign.objects.filter(questionnaire_version=s.version),
        body=lambda s: {
            "buyer": s.buyer.pk,
            "name": "Harness campaign",
            "questionnaire_version": s.version.pk,
            "due_date": _due(),
            "supplier_ids": [s.audit.supplier_id],
        },
    ),
    "POST api/v1/organizations/<int:organization_id>/members/": Create(
        rows=lambda s: Membership.objects.filter(organization=s.organization),
        body=lambda s: {"email": "intruder@example.com", "role": "admin"},
    ),
    "POST api/v1/rulesets/import/": Create(
        rows=lambda s: RuleSet.objects.filter(owner=s.buyer),
        body=lambda s: {"document": _rules_document("harness-rules"), "owner": s.buyer.pk},
    ),
    "GET api/v1/risk-register/": Create(
        rows=lambda s: ExportJob.objects.filter(buyer=s.buyer),
        query=lambda s: {"buyer": s.buyer.pk},
    ),
    "GET api/v1/reassessment-policy/": Create(
        rows=lambda s: ReassessmentPolicy.objects.filter(buyer=s.buyer),
        query=lambda s: {"buyer": s.buyer.pk},
    ),
    "PUT api/v1/reassessment-policy/": Create(
        rows=lambda s: ReassessmentPolicy.objects.filter(buyer=s.buyer),
        body=lambda s: {"mode": "send", "months_p1": 6},
        query=lambda s: {"buyer": s.buyer.pk},
    ),
    "POST api/v1/exports/": Create(
        rows=lambda s: ExportJob.objects.filter(buyer=s.buyer),
        body=lambda s: {"buyer": s.buyer.pk, "format": "csv"},
    ),
    "POST api/v1/share-requests/": Create(
        rows=lambda s: ShareRequest.objects.filter(buyer=s.buyer),
        body=lambda s: {
            "buyer": s.buyer.pk,
            "supplier": s.relationship.supplier_id,
            "questionnaire": s.questionnaire.pk,
        },
    ),
    "POST api/v1/shares/": Create(
        rows=lambda s: Share.objects.filter(audit=s.audit),
        body=lambda s: {"audit": s.audit.pk, "buyer": s.own_organization.pk},
    ),
}

# Routes with no other tenant's object to ask for, and why.
NOT_TENANT: dict[str, str] = {
    "POST api/v1/auth/token/": "exchanges the caller's own credentials for a token",
    "POST api/v1/invitations/accept/": "names an invitation by its secret token, not by an id",
    "GET api/v1/me/": "the caller themself",
    "POST api/v1/notifications/read-all/": "the caller's own inbox",
    "GET api/v1/notifications/preferences/": "the caller's own settings",
    "PATCH api/v1/notifications/preferences/": "the caller's own settings",
    "PATCH api/v1/me/": "the caller themself",
}


def load_doc_text(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _upload(name: str, content: bytes | str):
    data = content.encode() if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


# A 403 that a role gets on a whole page before any object is looked up: it says nothing about
# the object (the test checks that a missing id gets the same answer). (route prefix, role).
ROLE_GATED: dict[tuple[str, str], str] = {
    ("b/register/exports/", "a_reviewer"): "only admins and officers use the register pages",
    ("b/questionnaires/", "a_reviewer"): "only admins and officers preview questionnaires",
    ("s/share-requests/", "s1_respondent"): "only the supplier's administrators share",
    ("s/shares/", "s1_respondent"): "only the supplier's administrators share",
}

# Known defects: (route, method, role, variant) -> reason. Each is an xfail(strict=True).
KNOWN: dict[tuple[str, str, str, str], str] = {}


# ---------------------------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------------------------

API = api_routes()
PORTAL = portal_object_routes()


def _key(route: Route, method: str) -> str:
    return f"{method.upper()} {route.route}"


def _object_cases():
    for route in API + PORTAL:
        entry = OBJECT.get(route.route)
        if entry is None or not route.params:
            continue
        variants = ["foreign"] + (["mixed"] if entry.mixed else [])
        for method in route.methods:
            for role in ROLES:
                for variant in variants:
                    marks = []
                    reason = KNOWN.get((route.route, method, role, variant))
                    if reason:
                        marks.append(pytest.mark.xfail(reason=reason, strict=True))
                    yield pytest.param(
                        route,
                        method,
                        role,
                        variant,
                        id=f"{method.upper()} /{route.route} {role} {variant}",
                        marks=marks,
                    )


def _collection_cases(table):
    for route in API:
        for method in route.methods:
            key = _key(route, method)
            if key in table:
                for role in ROLES:
                    marks = []
                    reason = KNOWN.get((route.route, method, role, "collection"))
                    if reason:
                        marks.append(pytest.mark.xfail(reason=reason, strict=True))
                    yield pytest.param(route, method, role, id=f"{key} {role}", marks=marks)


def _client(t: Tenants, role: str | None, *, api: bool):
    if api:
        client = APIClient()
        if role:
            client.force_authenticate(t.user(role))
        return client
    client = Client()
    if role:
        client.force_login(t.user(role))
    return client


def _send(client, method: str, url: str, *, api: bool, body=None, query=None, multipart=False):
    body = {} if body is None else body
    if query:
        url = f"{url}?{urlencode(query)}"
    if method == "get":
        return client.get(url)
    if api:
        return getattr(client, method)(url, body, format="multipart" if multipart else "json")
    return getattr(client, method)(url, body)


def _describe(response) -> str:
    body = getattr(response, "content", b"")[:300]
    return f"{response.status_code} {body!r}"


# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------


def test_every_route_has_a_table_entry():
    missing = []
    for route in API:
        for method in route.methods:
            key = _key(route, method)
            if route.params:
                if route.route not in OBJECT:
                    missing.append(key)
            elif key not in LISTS and key not in CREATES and key not in NOT_TENANT:
                missing.append(key)
    for route in PORTAL:
        if route.route not in OBJECT:
            missing.append(f"portal /{route.route}")
    assert not missing, "routes without a tenant-matrix entry: " + ", ".join(missing)
    known_routes = {r.route for r in API + PORTAL}
    stale = [r for r in OBJECT if r not in known_routes]
    assert not stale, f"table entries for routes that no longer exist: {stale}"


def test_the_matrix_covers_the_whole_api():
    # A guard against the walk silently finding nothing (a changed include, a renamed prefix).
    assert len(API) >= 60
    assert len(PORTAL) >= 25
    assert sum(len(r.methods) for r in API) >= 75


@pytest.mark.parametrize(("route", "method", "role", "variant"), list(_object_cases()))
def test_foreign_object_is_not_found(t, route, method, role, variant):
    side = t.side(role)
    entry = OBJECT[route.route]
    params = entry.params(side) if variant == "foreign" else entry.mixed(side)
    client = _client(t, role, api=route.is_api)

    response = _send(client, method, route.url(params), api=route.is_api)

    gated = any(route.route.startswith(p) and r == role for p, r in ROLE_GATED)
    if gated and response.status_code == 403:
        missing = {name: 987654 if name.endswith("id") else value for name, value in params.items()}
        again = _send(client, method, route.url(missing), api=route.is_api)
        assert again.status_code == 403, "the role gate depends on the object"
        return
    assert response.status_code in (404, 405), (
        f"{method.upper()} {route.url(params)} as {role}: {_describe(response)}"
    )


@pytest.mark.parametrize(("route", "method", "role"), list(_collection_cases(LISTS)))
def test_foreign_object_is_not_listed(t, route, method, role):
    side = t.side(role)
    entry = LISTS[_key(route, method)]
    params = {"organization_id": side.own_organization.pk} if route.params else {}
    client = _client(t, role, api=True)

    response = _send(client, "get", route.url(params), api=True, query=entry.query(side))

    assert response.status_code in (200, 403, 404), _describe(response)
    if response.status_code == 200:
        body = response.json()
        items = body["results"] if isinstance(body, dict) else body
        ids = {item.get("id") for item in items}
        assert entry.foreign_id(side) not in ids, f"{role} lists a foreign object: {ids}"


@pytest.mark.parametrize(("route", "method", "role"), list(_collection_cases(CREATES)))
def test_request_naming_another_tenant_is_refused(t, route, method, role):
    side = t.side(role)
    entry = CREATES[_key(route, method)]
    params = {"organization_id": side.organization.pk} if route.params else {}
    before = entry.rows(side).count()
    client = _client(t, role, api=True)

    response = _send(
        client,
        method,
        route.url(params),
        api=True,
        body=entry.body(side),
        query=entry.query(side),
        multipart=entry.multipart,
    )

    assert response.status_code in (400, 403, 404), _describe(response)
    assert entry.rows(side).count() == before


@pytest.mark.parametrize(
    ("route", "method"),
    [pytest.param(r, m, id=_key(r, m)) for r in API for m in r.methods],
)
def test_anonymous_api_caller_is_unauthorized(t, route, method):
    params = {name: 1 for name in route.params}
    response = _send(APIClient(), method, route.url(params), api=True)
    if _key(route, method) == "POST api/v1/auth/token/":
        assert response.status_code == 400  # the one anonymous endpoint: bad credentials
    else:
        assert response.status_code == 401, _describe(response)


@pytest.mark.parametrize(
    ("route", "method"),
    [pytest.param(r, m, id=f"{m.upper()} /{r.route}") for r in PORTAL for m in r.methods],
)
def test_anonymous_portal_visitor_is_sent_to_login(t, route, method):
    params = OBJECT[route.route].params(t.buyer_side)
    response = _send(Client(), method, route.url(params), api=False)
    if response.status_code == 405:
        return  # a POST-only page checks the method before the login
    assert response.status_code == 302, _describe(response)
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize(
    "route",
    [pytest.param(r, id=f"/{r.route}") for r in API + PORTAL if "get" in r.methods and r.params],
)
def test_owner_reaches_the_objects_of_the_matrix(t, route):
    """The control: the same URLs answer their owner, so a 404 above means "not yours", not
    "does not exist". Supplier pages are checked with s2's admin, all else with B's admin."""
    side, owner = t.buyer_side, "b_admin"
    if route.route.startswith("s/"):
        side, owner = t.supplier_side, "s2_admin"
    client = _client(t, owner, api=route.is_api)
    response = _send(client, "get", route.url(OBJECT[route.route].params(side)), api=route.is_api)
    assert response.status_code not in (404, 500), _describe(response)
