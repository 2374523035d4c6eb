"""The in-app inbox: every mail also lands in the recipients' inboxes; each user chooses per
kind between a mail at once, the daily digest and the inbox only."""

from __future__ import annotations

import pytest
from django.core import mail

from accounts import notifications
from accounts.mail import notify, send_daily_digests
from accounts.models import Notification, NotificationPreference
from audits.services.common import mail_context
from tests.factories import make_version, signed_in
from tests.portal.buyer_helpers import issued_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(world):
    return issued_audit(world, version=make_version())


def returned(world, audit, capture, users=None):
    """The 'returned' notification of ``audit`` to s1's admin (and ``users``)."""
    with capture(execute=True):
        notify(
            users or [world.s1_admin],
            "audits/email/returned",
            mail_context(audit, comment="Fix EMP_01"),
        )


def test_a_mail_also_lands_in_the_inbox_with_its_link(
    world, audit, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    returned(world, audit, django_capture_on_commit_callbacks)
    entry = Notification.objects.get(user=world.s1_admin, kind="audit_returned")
    assert (entry.kind, entry.link, entry.read_at) == (
        "audit_returned",
        f"/audits/{audit.pk}/",
        None,
    )
    assert [m.to for m in mail.outbox] == [[world.s1_admin.email]]
    world.s1_admin.refresh_from_db()
    assert world.s1_admin.unread_notifications == 2  # the issue mail, then the return
    assert "asks for changes" in notifications.subject(entry, world.s1_admin, "en")
    assert "要求修改" in notifications.subject(entry, world.s1_admin, "zh-hans")


def test_digest_and_inbox_only_send_no_mail_at_once(
    world, audit, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=world.s1_admin, kind="audit_returned", delivery="digest"
    )
    NotificationPreference.objects.create(
        user=world.s1_respondent, kind="audit_returned", delivery="inbox"
    )
    mail.outbox.clear()
    returned(
        world, audit, django_capture_on_commit_callbacks, [world.s1_admin, world.s1_respondent]
    )
    assert mail.outbox == []
    assert (
        Notification.objects.filter(
            user__in=[world.s1_admin, world.s1_respondent], kind="audit_returned"
        ).count()
        == 2
    )

    assert send_daily_digests() == 1
    assert [m.to for m in mail.outbox] == [[world.s1_admin.email]]
    assert "Fairlink: 1 update today" in mail.outbox[0].subject
    assert f"/audits/{audit.pk}/" in mail.outbox[0].body
    assert send_daily_digests() == 0, "a second run the same day sends nothing"


def test_digest_in_the_users_language(world, audit, django_capture_on_commit_callbacks):
    world.s1_admin.preferred_language = "zh-Hans"
    world.s1_admin.save()
    NotificationPreference.objects.create(
        user=world.s1_admin, kind="audit_returned", delivery="digest"
    )
    returned(world, audit, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    send_daily_digests()
    assert "今日" in mail.outbox[0].subject


def test_a_failing_mail_server_keeps_the_digest_for_the_next_run(
    world, audit, settings, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=world.s1_admin, kind="audit_returned", delivery="digest"
    )
    returned(world, audit, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "tests.reliability.conftest.RefusingBackend"
    try:
        sent = send_daily_digests()
    except Exception:  # pragma: no cover - the digest never raises
        pytest.fail("the digest job raised")
    assert sent == 0
    assert Notification.objects.filter(user=world.s1_admin, digest_pending=True).exists()


def test_the_set_password_link_is_never_kept_and_invitations_always_mailed(
    world, django_capture_on_commit_callbacks
):
    from accounts.invitations import member_invite

    NotificationPreference.objects.create(user=world.s2_admin, kind="other", delivery="inbox")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        member_invite(
            organization=world.s1,
            email="new.person@bright.example",
            role="respondent",
            actor=world.s1_admin,
        )
        member_invite(
            organization=world.s1,
            email=world.s2_admin.email,
            role="respondent",
            actor=world.s1_admin,
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["new.person@bright.example", world.s2_admin.email]
    )
    assert not Notification.objects.filter(user__email="new.person@bright.example").exists()
    entry = Notification.objects.get(user=world.s2_admin)
    assert "link" not in entry.context, "the token never reaches the inbox"
    assert entry.link == "/invitations/", "the entry opens the user's open invitations"


# --- API ------------------------------------------------------------------------------------------


def test_api_lists_only_the_callers_entries(world, api, audit, django_capture_on_commit_callbacks):
    returned(
        world, audit, django_capture_on_commit_callbacks, [world.s1_admin, world.s1_respondent]
    )
    body = api(world.s1_admin).get("/api/v1/notifications/?lang=zh-Hans").json()
    # The audit's issue mail, then its return: newest first, the respondent's entry not among them.
    assert [i["kind"] for i in body["results"]] == ["audit_returned", "audit_issued"]
    item = body["results"][0]
    assert "要求修改" in item["subject"]
    assert item["kind"] == "audit_returned" and item["read"] is False
    assert item["link"] == f"/audits/{audit.pk}/"
    assert api(world.s1_admin).get("/api/v1/notifications/?unread=true").json()["count"] == 2


def test_api_marks_read_and_404s_another_users_entry(
    world, api, audit, django_capture_on_commit_callbacks
):
    returned(
        world, audit, django_capture_on_commit_callbacks, [world.s1_admin, world.s1_respondent]
    )
    own = Notification.objects.get(user=world.s1_admin, kind="audit_returned")
    other = Notification.objects.get(user=world.s1_respondent, kind="audit_returned")
    assert api(world.s1_admin).post(f"/api/v1/notifications/{other.pk}/read/").status_code == 404
    r = api(world.s1_admin).post(f"/api/v1/notifications/{own.pk}/read/")
    assert r.status_code == 200 and r.json()["read"] is True
    other.refresh_from_db()
    assert other.read_at is None
    world.s1_admin.refresh_from_db()
    assert world.s1_admin.unread_notifications == 1
    r = api(world.s1_respondent).post("/api/v1/notifications/read-all/")
    assert r.json() == {"marked": 1, "unread": 0}
    assert notifications.unread_counts_are_right()


def test_api_preferences(world, api):
    client = api(world.s1_admin)
    kinds = {
        p["kind"]: p["delivery"] for p in client.get("/api/v1/notifications/preferences/").json()
    }
    assert set(kinds) == set(notifications.KINDS) and set(kinds.values()) == {"immediate"}
    r = client.patch("/api/v1/notifications/preferences/", {"reminder": "digest"}, format="json")
    assert r.status_code == 200
    assert {p["kind"]: p["delivery"] for p in r.json()}["reminder"] == "digest"


@pytest.mark.parametrize(
    ("body", "field"),
    [({"reminder": "weekly"}, "reminder"), ({"newsletter": "digest"}, "newsletter")],
)
def test_api_preferences_bad_input_is_a_400(world, api, body, field):
    r = api(world.s1_admin).patch("/api/v1/notifications/preferences/", body, format="json")
    assert r.status_code == 400
    assert field in r.json()["errors"]
    assert not NotificationPreference.objects.exists()


def test_api_refuses_unknown_query_parameters_and_anonymous_callers(world, api):
    assert api(world.s1_admin).get("/api/v1/notifications/?unred=1").status_code == 400
    assert api().get("/api/v1/notifications/").status_code == 401


# --- portal ---------------------------------------------------------------------------------------


def test_inbox_page_shows_the_count_opens_and_marks_read(
    world, audit, django_capture_on_commit_callbacks
):
    returned(world, audit, django_capture_on_commit_callbacks)
    client = signed_in(world.s1_admin)
    page = client.get("/inbox/?lang=zh-Hans").content.decode()
    assert "收件箱" in page and "要求修改" in page
    assert 'class="badge count"' in page
    entry = Notification.objects.get(user=world.s1_admin, kind="audit_returned")
    response = client.post(f"/inbox/{entry.pk}/")
    assert response.status_code == 302 and response["Location"] == f"/audits/{audit.pk}/"
    entry.refresh_from_db()
    assert entry.read_at is not None
    client.post("/inbox/read-all/")
    assert 'class="badge count"' not in client.get("/inbox/").content.decode()


def test_inbox_entry_of_another_user_is_a_404(world, audit, django_capture_on_commit_callbacks):
    returned(world, audit, django_capture_on_commit_callbacks)
    entry = Notification.objects.get(user=world.s1_admin, kind="audit_returned")
    assert signed_in(world.s1_respondent).post(f"/inbox/{entry.pk}/").status_code == 404


def test_inbox_settings_page_saves_and_refuses_bad_values(world):
    client = signed_in(world.s1_admin)
    data = {kind: "immediate" for kind in notifications.KINDS} | {"reminder": "digest"}
    assert client.post("/inbox/settings/", data).status_code == 302
    assert (
        NotificationPreference.objects.get(user=world.s1_admin, kind="reminder").delivery
        == "digest"
    )
    response = client.post("/inbox/settings/", data | {"reminder": "hourly"})
    assert response.status_code == 400
    assert (
        NotificationPreference.objects.get(user=world.s1_admin, kind="reminder").delivery
        == "digest"
    )
