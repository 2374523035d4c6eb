"""A draft audit is edited before it is sent: the API's PATCH and the form on its page."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from activity.models import ActivityEvent
from audits.models import Audit
from audits.services.audits import audit_issue
from tests.factories import make_member, make_ruleset, make_version, signed_in

from .conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world, version):
    return audit_issue(
        supplier=world.s1,
        questionnaire_version=version,
        due_date=in_days(30),
        actor=world.a_officer,
        title="First title",
        send=False,
    )


def url(audit):
    return f"/api/v1/audits/{audit.pk}/"


def test_patch_changes_what_is_given_and_records_it(world, api, draft):
    ruleset = make_ruleset()
    r = api(world.a_officer).patch(
        url(draft),
        {"title": "Annual check", "due_date": in_days(40), "ruleset": ruleset.pk},
    )
    assert r.status_code == 200
    assert (r.json()["title"], r.json()["due_date"]) == ("Annual check", str(in_days(40)))
    draft.refresh_from_db()
    assert (draft.title, draft.due_date, draft.ruleset_id) == (
        "Annual check",
        in_days(40),
        ruleset.pk,
    )
    assert draft.status == Audit.Status.DRAFT
    event = ActivityEvent.objects.get(audit=draft, verb="audit.draft_edited")
    assert event.data == {"fields": ["due_date", "ruleset", "title"]}
    # null removes the rule set
    api(world.a_officer).patch(url(draft), {"ruleset": None})
    draft.refresh_from_db()
    assert draft.ruleset_id is None


def test_bad_input_is_a_400_per_field_and_changes_nothing(world, api, draft):
    r = api(world.a_officer).patch(url(draft), {"due_date": in_days(-1), "colour": "red"})
    assert r.status_code == 400 and "colour" in r.json()["errors"]
    r = api(world.a_officer).patch(url(draft), {"due_date": in_days(-1)})
    assert r.status_code == 400 and "due_date" in r.json()["errors"]
    unpublished = make_version(status="draft")
    r = api(world.a_officer).patch(url(draft), {"questionnaire_version": unpublished.pk})
    assert r.status_code == 400 and "questionnaire_version" in r.json()["errors"]
    draft.refresh_from_db()
    assert (draft.title, draft.due_date) == ("First title", in_days(30))


def test_a_sent_audit_is_not_edited_409(world, api, draft):
    api(world.a_officer).post(f"/api/v1/audits/{draft.pk}/send/")
    r = api(world.a_officer).patch(url(draft), {"title": "Too late"})
    assert r.status_code == 409
    draft.refresh_from_db()
    assert draft.title == "First title"


def test_other_parties_404_and_roles_that_do_not_issue_403(world, api, draft):
    assert api(world.b_officer).patch(url(draft), {"title": "x"}).status_code == 404
    assert api(world.s1_admin).patch(url(draft), {"title": "x"}).status_code == 404
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    assert api(viewer).patch(url(draft), {"title": "x"}).status_code == 403
    draft.refresh_from_db()
    assert draft.title == "First title"


def test_the_drafts_page_has_the_form_and_saves_it(world, draft, version):
    client = signed_in(world.a_officer)
    page = client.get(f"/b/audits/{draft.pk}/").content.decode()
    assert 'id="edit-draft"' in page and 'value="First title"' in page
    response = client.post(
        f"/b/audits/{draft.pk}/draft/",
        {
            "questionnaire_version": version.pk,
            "due_date": in_days(50).isoformat(),
            "title": "Renamed",
            "message": "Hello",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.message, draft.due_date) == ("Renamed", "Hello", in_days(50))


def test_the_drafts_form_shows_errors_with_a_400(world, draft, version):
    client = signed_in(world.a_officer)
    response = client.post(
        f"/b/audits/{draft.pk}/draft/",
        {"questionnaire_version": version.pk, "due_date": in_days(-2).isoformat()},
    )
    assert response.status_code == 400
    assert "The due date is in the past." in response.content.decode()


def test_a_sent_audits_page_has_no_draft_form_and_refuses_a_post(world, draft, version):
    client = signed_in(world.a_officer)
    client.post(f"/b/audits/{draft.pk}/send/")
    assert 'id="edit-draft"' not in client.get(f"/b/audits/{draft.pk}/").content.decode()
    response = client.post(
        f"/b/audits/{draft.pk}/draft/",
        {"questionnaire_version": version.pk, "due_date": in_days(5).isoformat()},
    )
    assert response.status_code == 409
