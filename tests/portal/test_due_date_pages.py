"""Extending an audit's due date from the buyer's review page; the supplier reads why."""

from __future__ import annotations

import pytest

from tests.factories import make_version, signed_in

from .buyer_helpers import in_days, issued_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(world):
    return issued_audit(world, version=make_version(), reviewers=[world.a_reviewer])


def test_an_officer_extends_from_the_review_page_and_the_supplier_reads_why(world, audit):
    client = signed_in(world.a_officer)
    page = client.get(f"/b/audits/{audit.pk}/").content.decode()
    assert f'action="/b/audits/{audit.pk}/extend/"' in page
    response = client.post(
        f"/b/audits/{audit.pk}/extend/",
        {"due_date": in_days(50).isoformat(), "comment": "Factory closed for the holiday"},
    )
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.due_date == in_days(50)

    body = signed_in(world.s1_admin).get(f"/s/audits/{audit.pk}/?lang=zh-Hans").content.decode()
    assert "Factory closed for the holiday" in body
    assert in_days(50).isoformat() in body
    assert "采购方已将截止日期" in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"due_date": "31/12/2030", "comment": "x"}, "Enter a valid date."),
        ({"due_date": "", "comment": "x"}, "This field is required."),
        ({"due_date": "in_days_50", "comment": ""}, "A comment is required."),
    ],
)
def test_bad_input_shows_the_message_and_changes_nothing(world, audit, data, message):
    data = {k: (in_days(50).isoformat() if v == "in_days_50" else v) for k, v in data.items()}
    response = signed_in(world.a_officer).post(f"/b/audits/{audit.pk}/extend/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    audit.refresh_from_db()
    assert audit.due_date == in_days(30)


def test_a_reviewer_sees_no_extension_form_and_is_refused(world, audit):
    client = signed_in(world.a_reviewer)
    assert "/extend/" not in client.get(f"/b/audits/{audit.pk}/").content.decode()
    response = client.post(
        f"/b/audits/{audit.pk}/extend/", {"due_date": in_days(50).isoformat(), "comment": "x"}
    )
    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.due_date == in_days(30)


def test_the_answer_page_says_how_many_days_are_left_or_overdue(world):
    from audits.models import Audit

    audit = issued_audit(world, version=make_version(), due_date=in_days(12))
    client = signed_in(world.s1_admin)
    assert "due in 12 days" in client.get(f"/s/audits/{audit.pk}/?lang=en").content.decode()
    assert "还有 12 天到期" in client.get(f"/s/audits/{audit.pk}/?lang=zh-Hans").content.decode()
    Audit.objects.filter(pk=audit.pk).update(due_date=in_days(-3))
    assert "3 days overdue" in client.get(f"/s/audits/{audit.pk}/?lang=en").content.decode()


def test_a_draft_is_sent_from_its_page(world, django_capture_on_commit_callbacks):
    from django.core import mail

    from audits.models import Audit

    draft = issued_audit(world, version=make_version(), send=False)
    client = signed_in(world.a_officer)
    assert (
        f'action="/b/audits/{draft.pk}/send/"'
        in client.get(f"/b/audits/{draft.pk}/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/b/audits/{draft.pk}/send/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Audit.Status.SENT
    assert world.s1_admin.email in [m.to[0] for m in mail.outbox]
    # Sent once: a second send is a state conflict shown on the page, nothing changes.
    response = client.post(f"/b/audits/{draft.pk}/send/")
    assert response.status_code == 409


def test_a_reviewer_cannot_send_a_draft(world):
    from audits.models import Audit

    draft = issued_audit(world, version=make_version(), send=False, reviewers=[world.a_reviewer])
    response = signed_in(world.a_reviewer).post(f"/b/audits/{draft.pk}/send/")
    assert response.status_code == 403  # the assigned reviewer sees the draft, may not send it
    draft.refresh_from_db()
    assert draft.status == Audit.Status.DRAFT
