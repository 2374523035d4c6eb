"""Campaigns issue in bulk: the same audits, grants, events and mails as issuing one by one,
in a number of queries that grows with the chunks, not the suppliers; chunks are shared by
workers and a failed campaign resumes without duplicates."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import OperationalError

import audits.services.campaigns as campaign_services
import audits.tasks as audit_tasks
from accounts.models import Membership, Notification
from accounts.tasks import send_mails_task
from activity.models import ActivityEvent
from audits.models import Audit, AuditGroupObjectPermission, Campaign, CampaignChunk
from audits.services.audits import audit_issue, campaign_create
from audits.tasks import process_campaign_task
from flows.services import audit_assign_respondents
from tests.factories import link_supplier, make_member, make_supplier

from .conftest import in_days

Role = Membership.Role


def _campaign(
    world, version, supplier_ids, capture, *, name="Q3 wave (internal)", title="Bulk check"
) -> Campaign:
    """A campaign whose internal name differs from the title its suppliers read."""
    with capture(execute=True):
        campaign = campaign_create(
            actor=world.a_officer,
            name=name,
            title=title,
            questionnaire_version=version,
            due_date=in_days(30),
            supplier_ids=supplier_ids,
        )
    campaign.refresh_from_db()
    return campaign


def _grants(audit: Audit) -> set[tuple[str, str]]:
    return set(
        AuditGroupObjectPermission.objects.filter(content_object=audit).values_list(
            "group__name", "permission__codename"
        )
    )


def test_a_campaign_issues_what_issuing_one_by_one_does(
    world, api, version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        single = audit_issue(
            supplier=world.s1, questionnaire_version=version, due_date=in_days(30),
            actor=world.a_officer, title="Bulk check",
        )  # fmt: skip
    single_mail = mail.outbox[0]
    mail.outbox.clear()

    campaign = _campaign(
        world, version, [world.s1.pk, world.s2.pk], django_capture_on_commit_callbacks
    )

    assert (campaign.status, campaign.processed, campaign.total) == ("done", 2, 2)
    audits = {a.supplier_id: a for a in Audit.objects.filter(campaign=campaign)}
    assert sorted(audits) == sorted([world.s1.pk, world.s2.pk])
    s1_audit, s2_audit = audits[world.s1.pk], audits[world.s2.pk]
    for audit in audits.values():
        assert audit.status == Audit.Status.SENT and audit.issued_at is not None
        assert (audit.issued_by, audit.title, audit.due_date) == (
            world.a_officer,
            "Bulk check",
            in_days(30),
        )
    # the same group grants as one audit issued on its own, to the same roles
    assert _grants(s1_audit) == _grants(single)
    assert {name.rsplit(":", 1)[1] for name, _perm in _grants(s2_audit)} == {"admin", "officer"}
    # the same events, in the same order
    verbs = list(ActivityEvent.objects.filter(audit=s1_audit).values_list("verb", "to_status"))
    assert verbs == list(
        ActivityEvent.objects.filter(audit=single).values_list("verb", "to_status")
    )
    assert verbs == [("audit.created", "draft"), ("audit.issued", "sent")]
    # one mail to each supplier's admin, as one issued audit sends
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [world.s1_admin.email, world.s2_admin.email]
    )
    # and in their inboxes, as one issued audit does (one entry per audit, counted unread)
    inbox = Notification.objects.filter(user=world.s2_admin, name="audits/email/issued")
    assert list(inbox.values_list("link", flat=True)) == [f"/audits/{s2_audit.pk}/"]
    world.s1_admin.refresh_from_db()
    assert Notification.objects.filter(user=world.s1_admin).count() == 2  # single + campaign
    assert world.s1_admin.unread_notifications == 2
    s1_mail = next(m for m in mail.outbox if m.to == [world.s1_admin.email])
    assert s1_mail.subject == single_mail.subject
    assert f"/audits/{s1_audit.pk}/" in s1_mail.body

    # who may do what: the supplier admin answers, an assigned respondent too, the buyer
    # officer reviews, the other supplier sees nothing
    assert world.s1_admin.has_perm("audits.respond_audit", s1_audit)
    assert not world.s1_admin.has_perm("audits.view_audit", s2_audit)
    assert world.a_officer.has_perm("audits.review_audit", s1_audit)
    assert world.a_admin.has_perm("audits.assign_reviewers", s1_audit)
    answer = {"answers": [{"question": "MGT_01", "value": "yes"}]}
    r = api(world.s1_admin).patch(f"/api/v1/audits/{s1_audit.pk}/answers/", answer, format="json")
    assert r.status_code == 200, r.content
    assert api(world.s2_admin).get(f"/api/v1/audits/{s1_audit.pk}/").status_code == 404
    audit_assign_respondents(audit=s2_audit, users=[world.s2_respondent], actor=world.s2_admin)
    r = api(world.s2_respondent).patch(
        f"/api/v1/audits/{s2_audit.pk}/answers/", answer, format="json"
    )
    assert r.status_code == 200, r.content


@pytest.fixture
def suppliers(world):
    """``suppliers(n)``: n more suppliers of buyer A, each with an admin."""

    def make(n: int) -> list[int]:
        ids = []
        for i in range(n):
            supplier = make_supplier(name=f"Bulk supplier {i}", legal_id=f"BULK-{i:05d}")
            link_supplier(world.buyer_a, supplier, category="bulk")
            make_member(supplier, Role.ADMIN)
            ids.append(supplier.pk)
        return ids

    return make


# Queries of one campaign run: planning, the mail's recipients, and then each chunk (the claim,
# the suppliers, the audits, three role-group lookups and grants, the events, the recipients,
# their inbox entries, preferences and unread counts, the progress, the check for the end),
# whatever the number of suppliers in it.
RUN = 12
PER_CHUNK = 27


@pytest.mark.parametrize(("size", "chunk", "chunks"), [(4, 100, 1), (40, 100, 1), (40, 10, 4)])
def test_queries_grow_with_the_chunks_not_the_suppliers(
    world,
    version,
    suppliers,
    settings,
    django_assert_max_num_queries,
    django_capture_on_commit_callbacks,
    size,
    chunk,
    chunks,
):
    settings.FAIRLINK_CAMPAIGN_CHUNK = chunk
    # a first campaign reads what a process reads once (permission and content-type rows)
    _campaign(world, version, [world.s2.pk], django_capture_on_commit_callbacks, name="Warm")
    ids = suppliers(size)
    campaign = campaign_create(
        actor=world.a_officer,
        name="Counted",
        questionnaire_version=version,
        due_date=in_days(30),
        supplier_ids=ids,
    )
    mail.outbox.clear()
    with (
        django_assert_max_num_queries(RUN + PER_CHUNK * chunks),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert process_campaign_task(campaign.pk) == size
    assert Audit.objects.filter(campaign=campaign, status="sent").count() == size
    assert CampaignChunk.objects.filter(campaign=campaign, done_at__isnull=False).count() == chunks
    assert len(mail.outbox) == size  # the mails are part of the count


def test_a_campaign_failing_in_the_middle_of_chunk_2_resumes_without_duplicates(
    world,
    api,
    version,
    suppliers,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    settings.FAIRLINK_CAMPAIGN_CHUNK = 2
    ids = suppliers(5)  # chunks: [0, 1], [2, 3], [4]
    issue_many = campaign_services.issue_many

    def breaks_in_chunk_2(*, campaign, suppliers):
        audits = issue_many(campaign=campaign, suppliers=suppliers)  # written, then lost
        if ids[2] in [s.pk for s in suppliers]:
            raise OperationalError("server closed the connection unexpectedly")
        return audits

    monkeypatch.setattr(campaign_services, "issue_many", breaks_in_chunk_2)
    campaign = _campaign(world, version, ids, django_capture_on_commit_callbacks)
    assert (campaign.status, campaign.processed) == ("failed", 2)
    assert "server closed" in campaign.error
    assert (
        sorted(Audit.objects.filter(campaign=campaign).values_list("supplier", flat=True))
        == (ids[:2])
    )
    assert len(mail.outbox) == 2  # the rolled-back chunk mailed nobody

    monkeypatch.setattr(campaign_services, "issue_many", issue_many)
    with django_capture_on_commit_callbacks(execute=True):
        r = api(world.a_officer).post(f"/api/v1/campaigns/{campaign.pk}/resume/")
    assert r.status_code == 202, r.content
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed, campaign.error) == ("done", 5, "")
    issued = list(Audit.objects.filter(campaign=campaign).values_list("supplier", flat=True))
    assert sorted(issued) == sorted(ids)
    events = ActivityEvent.objects.filter(audit__campaign=campaign)
    assert events.filter(verb="audit.created").count() == 5
    assert events.filter(verb="audit.issued").count() == 5
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        Membership.objects.filter(organization_id__in=ids).values_list("user__email", flat=True)
    )


def test_with_a_broker_each_chunk_is_a_task_any_worker_takes(
    world, version, suppliers, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """With a broker the campaign task queues one task per chunk; each claims the next chunk
    nobody holds, and the last one done finishes the campaign."""
    settings.FAIRLINK_CAMPAIGN_CHUNK = 2
    ids = suppliers(5)
    queued: list[int] = []
    monkeypatch.setitem(process_campaign_task.app.conf, "task_always_eager", False)
    monkeypatch.setattr(process_campaign_task, "delay", lambda campaign_id: queued.append(-1))
    monkeypatch.setattr(audit_tasks.issue_campaign_chunk_task, "delay", queued.append)
    mails: list[list] = []
    monkeypatch.setattr(send_mails_task, "delay", lambda name, messages: mails.append(messages))
    campaign = _campaign(world, version, ids, django_capture_on_commit_callbacks)
    assert queued == [-1]  # the campaign task, after commit

    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert process_campaign_task(campaign.pk) == 0
    assert queued == [campaign.pk] * 3  # one task per chunk
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.RUNNING

    # two of the three chunk tasks run; the campaign is not done, its progress says so
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_tasks.issue_campaign_chunk_task(campaign.pk) is True
        assert audit_tasks.issue_campaign_chunk_task(campaign.pk) is True
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed) == ("running", 4)
    with django_capture_on_commit_callbacks(execute=True):
        assert audit_tasks.issue_campaign_chunk_task(campaign.pk) is True  # the last chunk
    campaign.refresh_from_db()
    assert (campaign.status, campaign.processed) == ("done", 5)
    assert Audit.objects.filter(campaign=campaign).count() == 5
    # a late or redelivered task finds nothing to claim and changes nothing
    assert audit_tasks.issue_campaign_chunk_task(campaign.pk) is False
    assert Audit.objects.filter(campaign=campaign).count() == 5
    # one mail task per chunk, carrying a message per audit (retried for those not sent)
    assert [len(messages) for messages in mails] == [2, 2, 1]
