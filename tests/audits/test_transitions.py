"""The transition table is the one source of who may move what."""

from __future__ import annotations

from audits.models import Audit
from audits.services.audits import TRANSITIONS, can_move

S = Audit.Status


def test_table_matches_the_design():
    assert set(TRANSITIONS) == {
        (S.DRAFT, S.SENT),
        (S.SENT, S.IN_PROGRESS),
        (S.RETURNED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.SUBMITTED),
        (S.SUBMITTED, S.RETURNED),
        (S.SUBMITTED, S.ACCEPTED),
        *((s, S.CANCELLED) for s in Audit.OPEN_STATES),
    }
    assert TRANSITIONS[(S.SUBMITTED, S.RETURNED)].comment_required
    assert TRANSITIONS[(S.SENT, S.CANCELLED)].comment_required
    assert {m.side for (f, t), m in TRANSITIONS.items() if t == S.SUBMITTED} == {"supplier"}


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
