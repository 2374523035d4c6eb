"""The one workflow mechanism (``backend.workflow``): the order of its checks, what it saves,
the event it writes with the change, and ``actor=None`` as the system."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activity.models import ActivityEvent
from audits.models import Audit
from audits.services.audits import audit_issue
from audits.services.transitions import AUDITS
from backend.errors import InvalidTransition
from backend.workflow import Change, Comment, Move, Workflow, is_overdue, overdue_q
from tests.factories import make_version

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Thing:
    """A stand-in model: records what is saved."""

    status: str = "new"
    note: str = ""
    done_at: datetime.datetime | None = None
    org: str = "org-1"
    saved: list[list[str]] = field(default_factory=list)

    def save(self, *, update_fields):
        self.saved.append(list(update_fields))


@dataclass
class FakeUser:
    perms: set[str] = field(default_factory=set)
    asked: list[tuple[str, object]] = field(default_factory=list)

    def has_perm(self, perm, obj):
        self.asked.append((perm, obj))
        return perm in self.perms


MOVES = (
    Move(
        "finish", ("new",), "done", "buyer", "things.review", "thing.finished", timestamp="done_at"
    ),
    Move(
        "reject",
        ("new",),
        "rejected",
        "buyer",
        "things.review",
        "thing.rejected",
        comment=Comment.REQUIRED,
        comment_field="reason",
    ),
    Move(
        "note",
        ("new", "done"),
        None,
        "supplier",
        "things.respond",
        "thing.noted",
        comment=Comment.OPTIONAL,
    ),
    Move("adopt", ("new",), "adopted", "buyer", "orgs.adopt", "thing.adopted", permission_on="org"),
)


def flow(events: list[Change]) -> Workflow:
    return Workflow(
        entity="thing",
        moves=MOVES,
        on_event=events.append,
        denied=lambda move, obj: f"needs {move.permission}",
        conflict=lambda move, obj: f"a {obj.status} thing cannot {move.name}",
        comment_required="Required.",
    )


def test_permission_is_checked_before_the_state():
    events: list[Change] = []
    thing = Thing(status="done")

    with pytest.raises(PermissionDenied, match=r"needs things\.review"):
        flow(events).perform(thing, "reject", actor=FakeUser(), comment="")

    assert thing.status == "done" and thing.saved == [] and events == []


def test_state_is_checked_before_the_input():
    events: list[Change] = []
    thing = Thing(status="done")
    cleaned = []

    with pytest.raises(InvalidTransition) as exc:
        flow(events).perform(
            thing,
            "reject",
            actor=FakeUser({"things.review"}),
            comment="",
            clean=lambda obj: cleaned.append(obj) or {"x": ["bad"]},
        )

    assert exc.value.message == "a done thing cannot reject"
    assert (exc.value.entity, exc.value.from_status, exc.value.to_status) == (
        "thing",
        "done",
        "rejected",
    )
    assert cleaned == [] and thing.saved == [] and events == []


def test_input_errors_of_the_comment_rule_and_the_caller_come_together():
    events: list[Change] = []
    thing = Thing()

    with pytest.raises(ValidationError) as exc:
        flow(events).perform(
            thing,
            "reject",
            actor=FakeUser({"things.review"}),
            comment="   ",
            clean=lambda obj: {"note": ["Too short."]},
        )

    assert exc.value.message_dict == {"reason": ["Required."], "note": ["Too short."]}
    assert thing.status == "new" and thing.saved == [] and events == []


def test_a_move_saves_only_its_fields_and_writes_its_event():
    events: list[Change] = []
    thing = Thing()
    actor = FakeUser({"things.review"})

    result = flow(events).perform(
        thing, "finish", actor=actor, changes={"note": "ok"}, data={"n": 1}
    )

    assert result is thing
    assert (thing.status, thing.note) == ("done", "ok")
    assert thing.done_at is not None
    assert thing.saved == [["status", "note", "updated_at", "done_at"]]
    [event] = events
    assert (event.move.event, event.actor, event.from_status, event.to_status) == (
        "thing.finished",
        actor,
        "new",
        "done",
    )
    assert event.data == {"n": 1} and event.at == thing.done_at


def test_comments_follow_the_rule_of_the_move():
    events: list[Change] = []
    user = FakeUser({"things.review", "things.respond"})
    workflow = flow(events)

    workflow.perform(Thing(), "note", actor=user, comment="  kept  ")
    workflow.perform(Thing(), "finish", actor=user, comment="dropped")
    workflow.perform(Thing(), "reject", actor=user, comment=" why ")

    assert [e.comment for e in events] == ["kept", "", "why"]


def test_a_move_without_a_target_keeps_the_status():
    events: list[Change] = []
    thing = Thing(status="done")

    flow(events).perform(thing, "note", actor=FakeUser({"things.respond"}), comment="hi")

    assert thing.status == "done"
    assert (events[0].from_status, events[0].to_status) == ("done", "done")


def test_the_permission_may_be_checked_on_a_related_object():
    user = FakeUser({"orgs.adopt"})
    flow([]).perform(Thing(), "adopt", actor=user)
    assert user.asked == [("orgs.adopt", "org-1")]


def test_actor_none_is_the_system_and_may_make_every_move():
    events: list[Change] = []
    workflow = flow(events)

    workflow.perform(Thing(), "finish", actor=None)
    workflow.perform(Thing(), "reject", actor=None, comment="by the nightly job")

    assert [(e.actor, e.to_status) for e in events] == [(None, "done"), (None, "rejected")]
    assert workflow.allowed_moves(Thing(), None) == ["finish", "reject", "note", "adopt"]


def test_allowed_moves_combine_state_and_permission_checking_each_permission_once():
    workflow = flow([])
    reviewer = FakeUser({"things.review"})

    assert workflow.allowed_moves(Thing(), reviewer) == ["finish", "reject"]
    assert [perm for perm, _obj in reviewer.asked] == [
        "things.review",
        "things.respond",
        "orgs.adopt",
    ]
    assert workflow.allowed_moves(Thing(status="done"), reviewer) == []
    assert workflow.can(Thing(), "finish", reviewer) and not workflow.can(Thing(), "note", reviewer)


def test_two_moves_may_not_share_a_name():
    with pytest.raises(ValueError, match="share a name"):
        Workflow(
            entity="thing",
            moves=(MOVES[0], MOVES[0]),
            on_event=print,
            denied=str,
            conflict=str,
            comment_required="",
        )


# --- with the database --------------------------------------------------------------------


@pytest.fixture
def audit(world, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return audit_issue(
        supplier=world.s1,
        questionnaire_version=make_version(),
        due_date=timezone.localdate() + datetime.timedelta(days=30),
        actor=world.a_officer,
    )


def test_the_event_is_written_in_the_transaction_of_the_change(world, audit):
    def failing_event(change: Change) -> None:
        raise RuntimeError("the activity log is down")

    broken = Workflow(
        entity="audit",
        moves=(AUDITS["cancel"],),
        on_event=failing_event,
        denied=AUDITS.denied,
        conflict=AUDITS.conflict,
        comment_required=AUDITS.comment_required,
    )

    with pytest.raises(RuntimeError):
        broken.perform(audit, "cancel", actor=world.a_officer, comment="Merged")

    stored = Audit.objects.get(pk=audit.pk)
    assert (stored.status, stored.cancelled_at) == (Audit.Status.SENT, None)
    assert not ActivityEvent.objects.filter(audit=audit, verb="audit.cancelled").exists()


def test_a_real_move_saves_the_row_and_its_event(world, audit):
    AUDITS.perform(audit, "cancel", actor=world.a_officer, comment=" Merged ")

    stored = Audit.objects.get(pk=audit.pk)
    assert stored.status == Audit.Status.CANCELLED and stored.cancelled_at
    event = ActivityEvent.objects.get(audit=audit, verb="audit.cancelled")
    assert (event.actor, event.from_status, event.to_status, event.comment) == (
        world.a_officer,
        "sent",
        "cancelled",
        "Merged",
    )


def test_overdue_is_one_rule_for_filters_and_objects(world, audit):
    today = audit.due_date + datetime.timedelta(days=1)

    assert audit.is_overdue(today) and not audit.is_overdue(audit.due_date)
    assert is_overdue(audit, Audit.OVERDUE_STATES, today)
    assert list(Audit.objects.filter(overdue_q(Audit.OVERDUE_STATES, today))) == [audit]
    assert list(Audit.objects.overdue(today)) == [audit]
    assert not Audit.objects.overdue(audit.due_date).exists()


# --- who may pass actor=None ---------------------------------------------------------------


def _request_paths() -> list[Path]:
    """Every module that serves a request: the DRF views and the portal."""
    paths = [*ROOT.glob("*/apis.py"), *ROOT.glob("*/apis/*.py"), *ROOT.glob("portal/**/*.py")]
    assert paths, "no API or portal module found"
    return paths


def test_api_and_portal_never_act_as_the_system():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in _request_paths()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bactor\s*=\s*None\b", line)
    ]
    assert offenders == []
