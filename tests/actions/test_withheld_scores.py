"""A withheld score keeps everything derived from it from the supplier: its corrective actions
appear, and are mailed, only when the buyer releases the score."""

from __future__ import annotations

from django.core import mail

from actions.models import CorrectiveAction
from actions.services import actions_open_for_audit

LIST = "/api/v1/corrective-actions/"


def _withheld(world, accepted_audit, django_capture_on_commit_callbacks):
    audit = accepted_audit(
        buyer=world.buyer_a,
        supplier=world.s1,
        respondents=[world.s1_respondent],
        reviewers=[world.a_reviewer],
        score_released=False,
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions = actions_open_for_audit(audit=audit, actor=world.a_officer)
    return audit, actions


def test_the_supplier_sees_and_hears_nothing_of_actions_before_release(
    world, api, accepted_audit, django_capture_on_commit_callbacks
):
    _audit, actions = _withheld(world, accepted_audit, django_capture_on_commit_callbacks)

    assert len(actions) == 3
    assert mail.outbox == []
    for user in (world.s1_admin, world.s1_respondent):
        assert api(user).get(LIST).json()["count"] == 0
        assert api(user).get(f"{LIST}{actions[0].pk}/").status_code == 404
        page = api(user).get(f"/actions/{actions[0].pk}/", follow=True)
        assert actions[0].finding.rule_code not in page.content.decode()
    assert api(world.a_officer).get(LIST).json()["count"] == 3


def test_release_shows_the_actions_and_mails_them_then(
    world, api, accepted_audit, django_capture_on_commit_callbacks
):
    audit, actions = _withheld(world, accepted_audit, django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.a_officer).post(f"/api/v1/audits/{audit.pk}/score/release/")

    assert response.status_code == 200, response.content
    assert api(world.s1_admin).get(LIST).json()["count"] == 3
    assert {m.to[0] for m in mail.outbox} == {world.s1_admin.email, world.s1_respondent.email}
    assert all(a.finding.rule_code in mail.outbox[0].body for a in actions)
    assert CorrectiveAction.objects.filter(audit=audit).count() == 3
