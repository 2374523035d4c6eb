"""Buyer pages: the right party sees each page, another party gets 404, a role that may not use
a page gets 403 or no controls, and page query counts do not grow with the rows."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actions import services as action_services
from actions.models import CorrectiveAction
from audits.models import Audit, Campaign
from register.models import ExportJob
from scoring.models import Score
from tests.factories import link_supplier, make_supplier

from .buyer_helpers import (
    GOOD,
    accepted_audit,
    csv_upload,
    in_days,
    issued_audit,
    submitted_audit,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def add_suppliers(buyer, n: int) -> None:
    for i in range(n):
        link_supplier(buyer, make_supplier(name=f"Extra {i}"), criticality="medium")


# --- who sees what -------------------------------------------------------------------------


STATIC_PAGES = [
    "portal:buyer_dashboard",
    "portal:buyer_suppliers",
    "portal:buyer_audits",
    "portal:buyer_audit_new",
    "portal:buyer_campaign_new",
    "portal:buyer_actions",
    "portal:buyer_register",
]


@pytest.mark.parametrize("name", STATIC_PAGES)
def test_buyer_officer_sees_every_buyer_page(world, login, name):
    assert login(world.a_officer).get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", STATIC_PAGES)
def test_supplier_users_get_404_on_buyer_pages(world, login, name):
    assert login(world.s1_admin).get(reverse(name)).status_code == 404


def test_anonymous_user_is_sent_to_log_in(client):
    response = client.get(reverse("portal:buyer_dashboard"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_home_sends_a_buyer_to_the_buyer_dashboard(world, login):
    response = login(world.a_admin).get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:buyer_dashboard")


@pytest.mark.parametrize(
    "name", ["portal:buyer_suppliers", "portal:buyer_audit_new", "portal:buyer_register"]
)
def test_reviewer_may_not_use_officer_pages(world, login, name):
    assert login(world.a_reviewer).get(reverse(name)).status_code == 403


def test_reviewer_menu_hides_suppliers_and_register(world, login):
    page = html(login(world.a_reviewer).get(reverse("portal:buyer_dashboard")))
    assert reverse("portal:buyer_audits") in page
    assert reverse("portal:buyer_suppliers") not in page
    assert reverse("portal:buyer_register") not in page


# --- dashboard -----------------------------------------------------------------------------


def test_dashboard_counts_audits_and_lists_submissions_and_overdue_actions(
    world, login, version, ruleset
):
    submitted = submitted_audit(world, version=version, ruleset=ruleset)
    accepted = accepted_audit(world, version=version, ruleset=ruleset, supplier=world.s2)
    action = CorrectiveAction.objects.filter(audit=accepted).first()
    CorrectiveAction.objects.filter(pk=action.pk).update(due_date=in_days(-3))

    page = html(login(world.a_officer).get(reverse("portal:buyer_dashboard")))

    assert reverse("portal:buyer_audit", args=[submitted.pk]) in page
    assert reverse("portal:buyer_action", args=[action.pk]) in page
    assert "Suppliers by rating" in page
    assert 'class="fill rating-critical"' in page or 'class="fill rating-high"' in page


def test_dashboard_counts_for_the_officer_from_the_tally_and_for_a_reviewer_by_counting(
    world, login, version, ruleset
):
    """The officer sees every audit of the buyer: counts read from the tally. A reviewer sees
    the audits assigned: counted. Both equal what the audits themselves say."""
    from actions.selectors import buyer_overdue_action_count
    from flows.services import audit_assign_reviewers

    submitted_audit(world, version=version, ruleset=ruleset)
    accepted = [
        accepted_audit(world, version=version, ruleset=ruleset, supplier=world.s2) for _ in range(6)
    ]
    late = issued_audit(world, version=version, supplier=world.s2)
    Audit.objects.filter(pk=late.pk).update(due_date=in_days(-2))
    issued_audit(world, version=version, send=False)
    CorrectiveAction.objects.filter(buyer=world.buyer_a).update(due_date=in_days(-3))
    overdue_actions = CorrectiveAction.objects.filter(buyer=world.buyer_a).overdue().count()
    assert overdue_actions > 10  # more than the dashboard lists: the count is asked for
    audit_assign_reviewers(audit=accepted[0], users=[world.a_reviewer], actor=world.a_admin)

    client = login(world.a_officer)
    with CaptureQueriesContext(connection) as ctx:
        officer = client.get(reverse("portal:buyer_dashboard")).context
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "audits_audittally" in sql and "actions_actiontally" in sql
    counts_run = [q for q in ctx.captured_queries if "COUNT(" in q["sql"]]
    assert all("suppliers_supplierrelationship" in q["sql"] for q in counts_run)  # the ratings
    counts = {s["value"]: s["count"] for s in officer["statuses"] if s["count"]}
    assert counts == {"draft": 1, "sent": 1, "submitted": 1, "accepted": 6}
    assert officer["overdue_audits"] == 1
    assert officer["overdue_count"] == overdue_actions

    reviewer = login(world.a_reviewer).get(reverse("portal:buyer_dashboard")).context
    assert {s["value"]: s["count"] for s in reviewer["statuses"] if s["count"]} == {"accepted": 1}
    assert reviewer["overdue_audits"] == 0
    own = CorrectiveAction.objects.filter(audit=accepted[0]).count()
    assert reviewer["overdue_count"] == own
    assert buyer_overdue_action_count(user=world.a_reviewer, buyer=world.buyer_a) == own


def test_dashboard_of_buyer_b_shows_nothing_of_buyer_a(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    page = html(login(world.b_officer).get(reverse("portal:buyer_dashboard")))
    assert reverse("portal:buyer_audit", args=[audit.pk]) not in page


@pytest.mark.parametrize("extra", [0, 15])
def test_dashboard_query_count_does_not_grow(
    world, login, version, ruleset, extra, django_assert_max_num_queries
):
    add_suppliers(world.buyer_a, extra)
    for _ in range(extra // 5):
        submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:buyer_dashboard")).status_code == 200


# --- suppliers -----------------------------------------------------------------------------


def test_supplier_list_shows_only_the_active_buyers_suppliers(world, login):
    link_supplier(world.buyer_b, make_supplier(name="Only Blue Supplier"))
    page = html(login(world.a_officer).get(reverse("portal:buyer_suppliers")))
    assert world.s1.name in page and world.s2.name in page
    assert "Only Blue Supplier" not in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ({"criticality": "high"}, "s1", "s2"),
        ({"category": "hardware"}, "s2", "s1"),
        ({"search": "Ningbo"}, "s2", "s1"),
        ({"rating": "not_assessed"}, "s1", None),
    ],
)
def test_supplier_list_filters(world, login, query, shown, hidden):
    page = html(login(world.a_officer).get(reverse("portal:buyer_suppliers"), query))
    assert getattr(world, shown).name in page
    if hidden:
        assert getattr(world, hidden).name not in page


def test_supplier_list_filters_by_latest_rating(world, login, version, ruleset):
    audit = accepted_audit(world, version=version, ruleset=ruleset)
    rating = Score.objects.filter(audit=audit, final=True).latest().rating
    client = login(world.a_officer)
    page = html(client.get(reverse("portal:buyer_suppliers"), {"rating": rating}))
    assert world.s1.name in page and world.s2.name not in page


@pytest.mark.parametrize("extra", [0, 30])
def test_supplier_list_query_count_does_not_grow(
    world, login, extra, django_assert_max_num_queries
):
    add_suppliers(world.buyer_a, extra)
    client = login(world.a_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:buyer_suppliers"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/b/suppliers/\d+/"', html(response))) == 2 + extra


BAD_CSV = (
    "legal_id,name,country,industry,size_class,admin_email\n"
    "91110000NEW00001,Good Co,CN,13,small,good@example.com\n"
    "91110000NEW00002,Bad Country,XX,13,small,bad@example.com\n"
    "91110000NEW00003,Bad Size,CN,13,huge,\n"
)


def test_import_with_bad_rows_shows_each_bad_row_and_saves_nothing(world, login):
    client = login(world.a_officer)
    response = client.post(reverse("portal:buyer_suppliers_import"), {"file": csv_upload(BAD_CSV)})
    assert response.status_code == 400
    page = html(response)
    rows = re.findall(r"<tr><td>(\d+)</td><td>([a-z_]+)</td>", page)
    assert ("3", "country") in rows
    assert ("4", "size_class") in rows
    assert ("4", "admin_email") in rows
    assert ("2", "country") not in rows
    assert not world.buyer_a.supplier_links.filter(supplier__legal_id="91110000NEW00001").exists()


def test_import_by_htmx_returns_the_result_fragment(world, login):
    client = login(world.a_admin)
    elsewhere = make_supplier(name="Already On Fairlink")
    good = (
        "legal_id,name,country,industry,size_class,admin_email\n"
        "91110000NEW00001,Good Co,CN,13,small,good@example.com\n"
        f"{elsewhere.legal_id},,,,,\n"
    )
    response = client.post(
        reverse("portal:buyer_suppliers_import"),
        {"file": csv_upload(good)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = html(response)
    assert "<html" not in page
    assert "2 rows: 1 created, 1 linked, 0 updated, 0 unchanged" in page


def test_reviewer_cannot_import(world, login):
    response = login(world.a_reviewer).post(
        reverse("portal:buyer_suppliers_import"), {"file": csv_upload(BAD_CSV)}
    )
    assert response.status_code == 403


def test_supplier_page_shows_profile_audits_and_score_trend(world, login, version, ruleset):
    first = accepted_audit(world, version=version, ruleset=ruleset)
    accepted_audit(world, version=version, ruleset=ruleset, answers=GOOD)
    rel = world.buyer_a.supplier_links.get(supplier=world.s1)
    page = html(login(world.a_officer).get(reverse("portal:buyer_supplier", args=[rel.pk])))
    assert world.s1.legal_id in page and "A-001" in page
    assert reverse("portal:buyer_audit", args=[first.pk]) in page
    assert "<svg" in page and "<polyline" in page
    assert page.count('<circle class="dot"') == 2


@pytest.mark.parametrize("accepted", [1, 3])
def test_supplier_page_query_count_does_not_grow(
    world, login, version, ruleset, accepted, django_assert_max_num_queries
):
    for _ in range(accepted):
        accepted_audit(world, version=version, ruleset=ruleset)
    rel = world.buyer_a.supplier_links.get(supplier=world.s1)
    client = login(world.a_officer)
    # 12 for the page, 4 for its shared assessments (requests, shares, questionnaires to ask
    # on, the audits shared with the buyer).
    with django_assert_max_num_queries(16):
        page = html(client.get(reverse("portal:buyer_supplier", args=[rel.pk])))
    assert page.count('<circle class="dot"') == accepted


def test_supplier_page_of_another_buyers_relationship_is_404(world, login):
    rel_b = world.buyer_b.supplier_links.get(supplier=world.s1)
    url = reverse("portal:buyer_supplier", args=[rel_b.pk])
    assert login(world.a_officer).get(url).status_code == 404
    assert login(world.s1_admin).get(url).status_code == 404
    assert login(world.b_officer).get(url).status_code == 200


def test_supplier_page_does_not_show_other_buyers_audits(world, login, version, ruleset):
    theirs = issued_audit(world, version=version, buyer=world.buyer_b, actor=world.b_officer)
    rel = world.buyer_a.supplier_links.get(supplier=world.s1)
    page = html(login(world.a_officer).get(reverse("portal:buyer_supplier", args=[rel.pk])))
    assert reverse("portal:buyer_audit", args=[theirs.pk]) not in page


# --- audits --------------------------------------------------------------------------------


def test_audit_list_filters_by_status_and_overdue(world, login, version, ruleset):
    submitted = submitted_audit(world, version=version, ruleset=ruleset)
    late = issued_audit(world, version=version, supplier=world.s2)
    Audit.objects.filter(pk=late.pk).update(due_date=in_days(-1))
    client = login(world.a_officer)

    page = html(client.get(reverse("portal:buyer_audits"), {"status": "submitted"}))
    assert f"#{submitted.pk}" in page and f"#{late.pk}" not in page
    page = html(client.get(reverse("portal:buyer_audits"), {"overdue": "1"}))
    assert f"#{late.pk}" in page and f"#{submitted.pk}" not in page


def test_reviewer_lists_only_assigned_audits(world, login, version):
    mine = issued_audit(world, version=version, reviewers=[world.a_reviewer])
    other = issued_audit(world, version=version, supplier=world.s2)
    page = html(login(world.a_reviewer).get(reverse("portal:buyer_audits")))
    assert f"#{mine.pk}" in page and f"#{other.pk}" not in page
    assert reverse("portal:buyer_audit_new") not in page


@pytest.mark.parametrize("count", [1, 12])
def test_audit_list_query_count_does_not_grow(
    world, login, version, count, django_assert_max_num_queries
):
    for _ in range(count):
        issued_audit(world, version=version, reviewers=[world.a_reviewer])
    client = login(world.a_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("portal:buyer_audits"))
    assert len(re.findall(r'href="/b/audits/\d+/"', html(response))) == count


def test_issue_an_audit_from_the_form(world, login, version, ruleset):
    client = login(world.a_officer)
    response = client.post(
        reverse("portal:buyer_audit_new"),
        {
            "supplier": world.s2.pk,
            "questionnaire_version": version.pk,
            "ruleset": ruleset.pk,
            "due_date": in_days(20).isoformat(),
            "reviewers": [world.a_reviewer.pk],
        },
    )
    audit = Audit.objects.get(supplier=world.s2)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:buyer_audit", args=[audit.pk])
    assert audit.status == Audit.Status.SENT and audit.buyer == world.buyer_a
    assert list(audit.reviewers.all()) == [world.a_reviewer]


def test_issue_form_shows_the_services_field_errors(world, login, version):
    response = login(world.a_officer).post(
        reverse("portal:buyer_audit_new"),
        {
            "supplier": world.s2.pk,
            "questionnaire_version": version.pk,
            "due_date": in_days(-2).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "The due date is in the past." in html(response)
    assert not Audit.objects.exists()


def test_issue_form_offers_only_the_buyers_network(world, login, version):
    other = make_supplier(name="Not Ours Ltd")
    link_supplier(world.buyer_b, other)
    page = html(login(world.a_officer).get(reverse("portal:buyer_audit_new")))
    assert world.s2.name in page and "Not Ours Ltd" not in page
    assert '<label for="id_due_date">' in page


def test_campaign_creates_audits_and_shows_finished_progress(
    world, login, version, ruleset, django_capture_on_commit_callbacks
):
    client = login(world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:buyer_campaign_new"),
            {
                "name": "Spring 2025",
                "questionnaire_version": version.pk,
                "ruleset": ruleset.pk,
                "due_date": in_days(30).isoformat(),
                "country": "cn",
            },
        )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:buyer_campaign", args=[campaign.pk])
    assert Audit.objects.filter(campaign=campaign).count() == 2

    fragment = client.get(reverse("portal:buyer_campaign_progress", args=[campaign.pk]))
    text = html(fragment)
    assert "data-finished" in text and "hx-trigger" not in text
    assert "2 of 2 suppliers processed" in text


def test_campaign_progress_keeps_polling_while_running(world, login, version):
    campaign = Campaign.objects.create(
        buyer=world.buyer_a,
        name="Big one",
        questionnaire_version=version,
        due_date=in_days(30),
        total=400,
        processed=100,
        status=Campaign.Status.RUNNING,
    )
    client = login(world.a_officer)
    text = html(client.get(reverse("portal:buyer_campaign_progress", args=[campaign.pk])))
    assert 'hx-trigger="every 2s"' in text and 'aria-valuenow="25"' in text
    assert "data-finished" not in text
    page = html(client.get(reverse("portal:buyer_campaign", args=[campaign.pk])))
    assert 'hx-trigger="every 2s"' in page
    assert (
        login(world.b_officer).get(reverse("portal:buyer_campaign", args=[campaign.pk])).status_code
        == 404
    )


def test_campaign_without_suppliers_or_filters_is_refused(world, login, version):
    response = login(world.a_officer).post(
        reverse("portal:buyer_campaign_new"),
        {"name": "Empty", "questionnaire_version": version.pk, "due_date": in_days(9)},
    )
    assert response.status_code == 400
    assert "Give a list of suppliers or at least one filter." in html(response)


# --- review page ---------------------------------------------------------------------------


def test_review_page_shows_answers_evidence_preliminary_score_trace_and_findings(
    world, login, version, ruleset
):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    evidence = audit.evidence.get()
    page = html(login(world.a_officer).get(reverse("portal:buyer_audit", args=[audit.pk])))
    assert "Do you check the age of every new worker?" in page
    assert "No" in page and "70" in page
    assert reverse("audit-evidence-detail", args=[audit.pk, evidence.pk]) in page
    assert "Preliminary score" in page and "<details" in page
    assert "Worker ages are not checked" in page
    assert "Check an ID for every new hire" in page
    assert "/accept/" in page and "/return/" in page and "/cancel/" in page


def test_review_page_is_in_the_users_language(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    page = html(client.get(reverse("portal:buyer_audit", args=[audit.pk]), {"lang": "zh-Hans"}))
    assert "是否核查每位新员工的年龄？" in page
    assert "未核查员工年龄" in page


def test_accept_from_the_review_page_records_the_final_score(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    response = client.post(reverse("portal:buyer_audit_move", args=[audit.pk, "accept"]))
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.Status.ACCEPTED
    final = Score.objects.get(audit=audit, final=True)
    page = html(client.get(response["Location"]))
    assert "Final score" in page and f'id="overall-score">{final.overall}<' in page
    assert CorrectiveAction.objects.filter(audit=audit).count() == 2


def test_return_needs_a_comment(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    url = reverse("portal:buyer_audit_move", args=[audit.pk, "return"])
    response = client.post(url, {"comment": "  "})
    assert response.status_code == 400
    assert "A comment is required." in html(response)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED

    assert client.post(url, {"comment": "Upload the signed policy."}).status_code == 302
    audit.refresh_from_db()
    assert audit.status == Audit.Status.RETURNED


def test_accepting_twice_is_a_conflict(world, login, version, ruleset):
    audit = accepted_audit(world, version=version, ruleset=ruleset)
    response = login(world.a_officer).post(
        reverse("portal:buyer_audit_move", args=[audit.pk, "accept"])
    )
    assert response.status_code == 409
    assert 'role="alert"' in html(response)


def test_review_page_of_another_buyer_or_for_a_supplier_is_404(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    url = reverse("portal:buyer_audit", args=[audit.pk])
    assert login(world.b_officer).get(url).status_code == 404
    assert login(world.s1_admin).get(url).status_code == 404
    assert login(world.a_reviewer).get(url).status_code == 404  # not assigned
    move = reverse("portal:buyer_audit_move", args=[audit.pk, "accept"])
    assert login(world.b_officer).post(move).status_code == 404


def test_assigned_reviewer_may_review_but_not_cancel(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset, reviewers=[world.a_reviewer])
    client = login(world.a_reviewer)
    page = html(client.get(reverse("portal:buyer_audit", args=[audit.pk])))
    assert "/accept/" in page and "/cancel/" not in page and "/reviewers/" not in page
    response = client.post(
        reverse("portal:buyer_audit_move", args=[audit.pk, "cancel"]), {"comment": "no"}
    )
    assert response.status_code == 403


def test_admin_assigns_reviewers_from_the_review_page(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_admin)
    assert "/reviewers/" in html(client.get(reverse("portal:buyer_audit", args=[audit.pk])))
    response = client.post(
        reverse("portal:buyer_audit_reviewers", args=[audit.pk]), {"users": [world.a_reviewer.pk]}
    )
    assert response.status_code == 302
    assert list(audit.reviewers.all()) == [world.a_reviewer]
    assert (
        login(world.a_reviewer).get(reverse("portal:buyer_audit", args=[audit.pk])).status_code
        == 200
    )


def test_officer_cannot_assign_reviewers(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    response = login(world.a_officer).post(
        reverse("portal:buyer_audit_reviewers", args=[audit.pk]), {"users": [world.a_reviewer.pk]}
    )
    assert response.status_code == 403


def test_review_page_query_count_is_pinned(
    world, login, version, ruleset, django_assert_max_num_queries
):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_admin)
    with django_assert_max_num_queries(28):
        assert client.get(reverse("portal:buyer_audit", args=[audit.pk])).status_code == 200


# --- corrective actions --------------------------------------------------------------------


@pytest.fixture
def actions(world, version, ruleset):
    """Buyer A's accepted audit of s1 with its two corrective actions, by rule code."""
    audit = accepted_audit(world, version=version, ruleset=ruleset, reviewers=[world.a_reviewer])
    return {a.finding.rule_code: a for a in CorrectiveAction.objects.filter(audit=audit)}


def submit_plan(world, action):
    return action_services.action_submit_plan(
        action=action,
        actor=world.s1_admin,
        root_cause="No ID check at hiring",
        plan="Check IDs",
        responsible_person="HR lead",
        target_date=action.due_date,
    )


def test_action_list_filters_and_marks_suggestions(world, login, actions):
    hours = actions["F_HOURS"]
    CorrectiveAction.objects.filter(pk=hours.pk).update(suggested_verification=True)
    client = login(world.a_officer)
    page = html(client.get(reverse("portal:buyer_actions"), {"severity": "critical"}))
    assert "Worker ages are not checked" in page and "Excessive working hours" not in page
    page = html(client.get(reverse("portal:buyer_actions"), {"suggested": "1"}))
    assert "Excessive working hours" in page and "Suggested for verification" in page
    assert "Worker ages are not checked" not in page


def test_action_list_of_buyer_b_is_empty(world, login, actions):
    page = html(login(world.b_officer).get(reverse("portal:buyer_actions")))
    assert "Worker ages are not checked" not in page


@pytest.mark.parametrize("audits", [1, 4])
def test_action_list_query_count_does_not_grow(
    world, login, version, ruleset, audits, django_assert_max_num_queries
):
    for _ in range(audits):
        accepted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("portal:buyer_actions"))
    assert len(re.findall(r'href="/b/actions/\d+/"', html(response))) == 2 * audits


def test_accept_a_plan_from_the_action_page(world, login, actions):
    action = submit_plan(world, actions["F_AGE_CHECK"])
    client = login(world.a_reviewer)
    page = html(client.get(reverse("portal:buyer_action", args=[action.pk])))
    assert "/accept_plan/" in page and "/verify/" not in page
    response = client.post(reverse("portal:buyer_action_move", args=[action.pk, "accept_plan"]))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.PLAN_ACCEPTED


def test_rejecting_a_plan_needs_a_comment(world, login, actions):
    action = submit_plan(world, actions["F_AGE_CHECK"])
    client = login(world.a_officer)
    url = reverse("portal:buyer_action_move", args=[action.pk, "reject_plan"])
    response = client.post(url, {"comment": ""})
    assert response.status_code == 400 and "This field is required." in html(response)
    assert client.post(url, {"comment": "Say who checks."}).status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.OPEN


def test_verify_in_the_wrong_state_is_a_conflict(world, login, actions):
    action = actions["F_AGE_CHECK"]
    response = login(world.a_officer).post(
        reverse("portal:buyer_action_move", args=[action.pk, "verify"])
    )
    assert response.status_code == 409


def test_extend_needs_a_later_date_and_a_reason(world, login, actions):
    action = actions["F_HOURS"]
    client = login(world.a_officer)
    url = reverse("portal:buyer_action_move", args=[action.pk, "extend"])
    response = client.post(url, {"due_date": action.due_date.isoformat(), "reason": ""})
    assert response.status_code == 400
    text = html(response)
    assert "The new due date must be after the current one" in text
    assert "This field is required." in text
    later = action.due_date.replace(year=action.due_date.year + 1)
    assert client.post(url, {"due_date": later.isoformat(), "reason": "Audit"}).status_code == 302
    action.refresh_from_db()
    assert action.due_date == later


def test_cancel_an_action_with_a_reason(world, login, actions):
    action = actions["F_HOURS"]
    response = login(world.a_admin).post(
        reverse("portal:buyer_action_move", args=[action.pk, "cancel"]), {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.CANCELLED


def test_internal_notes_are_marked_in_the_thread(world, login, actions):
    action = actions["F_HOURS"]
    client = login(world.a_officer)
    url = reverse("portal:buyer_action_move", args=[action.pk, "comment"])
    client.post(url, {"text": "Call them first", "internal": "1"})
    client.post(url, {"text": "Please send rosters"})
    page = html(client.get(reverse("portal:buyer_action", args=[action.pk])))
    internal = re.search(r'<li class="internal">.*?</li>', page, re.S).group(0)
    assert "Call them first" in internal and "Internal note" in internal
    assert "Please send rosters" in page


def test_action_page_of_another_buyer_or_for_a_supplier_is_404(world, login, actions):
    url = reverse("portal:buyer_action", args=[actions["F_HOURS"].pk])
    assert login(world.b_officer).get(url).status_code == 404
    assert login(world.s1_admin).get(url).status_code == 404


def test_action_page_query_count_is_pinned(world, login, actions, django_assert_max_num_queries):
    action = actions["F_HOURS"]
    client = login(world.a_officer)
    for i in range(5):
        action_services.action_comment(action=action, actor=world.a_officer, text=f"note {i}")
    with django_assert_max_num_queries(20):
        assert client.get(reverse("portal:buyer_action", args=[action.pk])).status_code == 200


# --- register ------------------------------------------------------------------------------


def test_register_page_offers_filtered_direct_downloads(world, login):
    client = login(world.a_officer)
    page = html(client.get(reverse("portal:buyer_register"), {"criticality": "high"}))
    assert "/api/v1/risk-register/?format=xlsx&amp;criticality=high" in page
    assert "1 supplier matches the filters." in page
    link = re.search(r'href="(/api/v1/risk-register/\?format=csv[^"]*)"', page).group(1)
    download = client.get(link.replace("&amp;", "&"))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")


def test_register_page_rejects_a_bad_filter(world, login):
    response = login(world.a_officer).get(reverse("portal:buyer_register"), {"rating": "awful"})
    assert response.status_code == 400
    assert "Unknown value(s) awful" in html(response)


def test_large_register_hides_direct_downloads(world, login, settings):
    settings.FAIRLINK_REGISTER_DIRECT_LIMIT = 1
    page = html(login(world.a_officer).get(reverse("portal:buyer_register")))
    assert "format=xlsx" not in page and "Prepare export" in page


def test_prepare_export_runs_a_job_and_links_the_file(
    world, login, django_capture_on_commit_callbacks
):
    client = login(world.a_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal:buyer_export_new"), {"format": "csv", "criticality": "low"}
        )
    job = ExportJob.objects.get()
    assert response.status_code == 302
    assert job.filters == {"criticality": ["low"]} and job.status == ExportJob.Status.DONE
    fragment = html(client.get(reverse("portal:buyer_export_progress", args=[job.pk])))
    assert "hx-trigger" not in fragment and "data-finished" in fragment
    assert reverse("export-download", args=[job.pk]) in fragment
    assert client.get(reverse("export-download", args=[job.pk])).status_code == 200


def test_prepare_export_by_htmx_returns_the_progress_fragment(world, login):
    response = login(world.a_officer).post(
        reverse("portal:buyer_export_new"), {"format": "xlsx"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    text = html(response)
    job = ExportJob.objects.get()
    assert "<html" not in text and 'hx-trigger="every 2s"' in text
    assert reverse("portal:buyer_export_progress", args=[job.pk]) in text


def test_running_export_keeps_polling(world, login):
    job = ExportJob.objects.create(
        buyer=world.buyer_a, created_by=world.a_officer, status="running", progress=40
    )
    text = html(login(world.a_officer).get(reverse("portal:buyer_export_progress", args=[job.pk])))
    assert 'hx-trigger="every 2s"' in text and 'aria-valuenow="40"' in text


def test_export_of_another_buyer_is_404(world, login):
    job = ExportJob.objects.create(buyer=world.buyer_b, created_by=world.b_officer)
    client = login(world.a_officer)
    assert client.get(reverse("portal:buyer_export", args=[job.pk])).status_code == 404
    assert client.get(reverse("portal:buyer_export_progress", args=[job.pk])).status_code == 404


def test_reviewer_cannot_prepare_an_export(world, login):
    response = login(world.a_reviewer).post(reverse("portal:buyer_export_new"), {"format": "csv"})
    assert response.status_code == 403


@pytest.mark.parametrize("extra", [0, 30])
def test_register_page_query_count_does_not_grow(
    world, login, extra, django_assert_max_num_queries
):
    add_suppliers(world.buyer_a, extra)
    client = login(world.a_officer)
    # The page shows the register's rows: its fixed queries (register.selectors) included.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("portal:buyer_register"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/b/suppliers/\d+/"', html(response))) == min(2 + extra, 50)
