"""The transition table is the one source of who may move what."""

from __future__ import annotations

from audits.models import Audit
from audits.services.transitions import AUDITS, can_move

S = Audit.Status


def test_table_matches_the_design():
    assert {(f, m.to_state) for m in AUDITS for f in m.from_states} == {
        (S.DRAFT, S.SENT),
        (S.SENT, S.IN_PROGRESS),
        (S.RETURNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.SUBMITTED, S.ACCEPTED),
        *((s, S.CANCELLED) for s in Audit.OPEN_STATES),
        # a due-date extension keeps the status, while the supplier still owes its answers
        *((s, None) for s in Audit.EDITABLE_STATES),
    }
    assert AUDITS["extend"].comment_required and AUDITS["extend"].side == "buyer"
    assert AUDITS["return"].comment_required
    assert AUDITS["cancel"].comment_required
    assert not AUDITS["accept"].comment_required
    assert {m.side for m in AUDITS if m.to_state == S.SUBMITTED} == {"supplier"}
    assert {m.side for m in AUDITS if m.to_state in (S.RETURNED, S.ACCEPTED)} == {"buyer"}


def test_can_move_combines_state_and_role(world, issue):
    audit = issue()
    assert can_move(world.a_officer, audit, S.CANCELLED)
    assert not can_move(world.s1_admin, audit, S.CANCELLED)
    assert not can_move(world.a_officer, audit, S.ACCEPTED)


def test_draft_then_send(world, api, issue, django_capture_on_commit_callbacks):
    from django.core import mail

    audit = issue(send=False, respondents=[world.s1_respondent])
    assert audit.status == "draft"
    # A draft is the buyer's own business: the supplier side does not see it at all.
    for user in (world.s1_admin, world.s1_respondent):
        assert api(user).get(f"/api/v1/audits/{audit.pk}/").status_code == 404
        assert api(user).post(f"/api/v1/audits/{audit.pk}/send/").status_code == 404
    assert api(world.a_reviewer).post(f"/api/v1/audits/{audit.pk}/send/").status_code == 404
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/send/")
    assert r.status_code == 200 and r.json()["status"] == "sent"
    assert mail.outbox
    for user in (world.s1_admin, world.s1_respondent):
        assert api(user).get(f"/api/v1/audits/{audit.pk}/").status_code == 200
    assert api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/send/").status_code == 409


def test_the_campaign_job_sends_as_the_system_for_the_campaigns_creator(
    world, version, django_capture_on_commit_callbacks
):
    from activity.models import ActivityEvent
    from audits.models import Campaign
    from audits.services.audits import campaign_create

    from .conftest import in_days

    with django_capture_on_commit_callbacks(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name="Spring",
            questionnaire_version=version,
            due_date=in_days(20),
            supplier_ids=[world.s1.pk],
        )
    audit = Audit.objects.get(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == "done"
    assert (audit.status, audit.issued_by, audit.issued_at is not None) == (
        "sent",
        world.a_officer,
        True,
    )
    events = ActivityEvent.objects.filter(audit=audit).values_list("verb", "actor")
    assert list(events) == [("audit.created", world.a_officer.pk), ("audit.issued", None)]


def test_permission_comes_before_state_and_state_before_input(world, api, issue):
    audit = issue()  # sent: not submitted, so "return" is the wrong state
    url = f"/api/v1/audits/{audit.pk}/return/"

    assert api(world.s1_admin).post(url, {"comment": ""}).status_code == 403
    r = api(world.a_officer).post(url, {"comment": ""})
    assert r.status_code == 409
    assert r.json()["detail"] == "An audit that is sent cannot become returned."
