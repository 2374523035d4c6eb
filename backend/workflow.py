"""The one workflow mechanism of audits and corrective actions (DESIGN section 4).

A :class:`Move` says from which states an object may go to which state, which side makes the
move and with which permission, whether it takes a comment, which event it writes and which
timestamp it sets. A :class:`Workflow` holds the moves of one model and performs them, always
in the same order:

1. permission -- ``actor.has_perm(move.permission, target)`` else ``PermissionDenied`` (403);
   ``actor=None`` is the system (reminders, background jobs) and may make every move;
2. state -- the object's status is one of ``move.from_states`` else ``InvalidTransition`` (409),
   so a wrong-state request is a 409 whatever its payload;
3. input -- the comment rule and the caller's own checks, reported together as one
   ``ValidationError`` with a message per field (400);

then it sets the status, the timestamp and the caller's changes, saves with ``update_fields``
and writes the event in the same transaction. Nothing changes unless every check passes.

Only services called by jobs pass ``actor=None``; API views and portal pages always pass the
request's user.

This module sits at the bottom of the stack (``backend``): it knows no app. The activity log
is one layer up, so each workflow is given its event writer (``on_event``) when it is built.
The "overdue" rule of both models is here too (:func:`overdue_q`, :func:`is_overdue`), for
their querysets and model methods.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from backend.errors import InvalidTransition


class Comment(enum.Enum):
    """What a move does with a comment."""

    NONE = "none"  # a comment given is not kept
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class Move:
    """One allowed status change.

    ``to_state`` None keeps the status (a due-date extension is a move without a state change).
    ``permission`` is checked on the object itself, or on its ``permission_on`` attribute (an
    audit is issued with the buyer organization's ``issue_audits``). ``comment_field`` names the
    field of the 400 message when a required comment is missing (``"reason"`` for
    cancellations). ``timestamp`` names a datetime field set to now by the move."""

    name: str
    from_states: tuple[str, ...]
    to_state: str | None
    side: str  # "buyer" | "supplier": the party that makes the move
    permission: str  # "app_label.codename"
    event: str  # the activity verb
    comment: Comment = Comment.NONE
    comment_field: str = "comment"
    timestamp: str = ""
    permission_on: str = ""

    @property
    def comment_required(self) -> bool:
        return self.comment is Comment.REQUIRED


@dataclass(frozen=True)
class Change:
    """What a performed move did: handed to the workflow's event writer."""

    obj: Any
    move: Move
    actor: Any
    from_status: str
    to_status: str
    comment: str
    data: Mapping[str, Any]
    at: datetime.datetime


Errors = Mapping[str, Sequence[Any]]


@dataclass(frozen=True)
class Workflow:
    """The moves of one model, and the messages its refusals carry.

    ``on_event(change)`` writes the activity event of a performed move (called inside the
    move's transaction). ``denied(move, obj)`` and ``conflict(move, obj)`` build the 403 and
    409 messages; ``comment_required`` is the 400 message of a missing comment. ``touch`` are
    fields saved with every move (``updated_at``)."""

    entity: str
    moves: tuple[Move, ...]
    on_event: Callable[[Change], object]
    denied: Callable[[Move, Any], str]
    conflict: Callable[[Move, Any], str]
    comment_required: Any  # a (lazy) message
    touch: tuple[str, ...] = ("updated_at",)
    _by_name: dict[str, Move] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name = {move.name: move for move in self.moves}
        if len(by_name) != len(self.moves):
            raise ValueError(f"{self.entity}: two moves share a name")
        object.__setattr__(self, "_by_name", by_name)

    def __getitem__(self, name: str) -> Move:
        return self._by_name[name]

    def __iter__(self) -> Iterator[Move]:
        return iter(self.moves)

    # --- the three checks, in order ------------------------------------------------------

    def holds(self, user: Any, move: Move, obj: Any) -> bool:
        """Whether ``user`` has the move's permission (``None``, the system, always has)."""
        if user is None:
            return True
        target = getattr(obj, move.permission_on) if move.permission_on else obj
        return bool(user.has_perm(move.permission, target))

    def check_permission(self, obj: Any, name: str, *, actor: Any) -> Move:
        """403 unless ``actor`` may make move ``name`` (whatever the object's state)."""
        move = self[name]
        if not self.holds(actor, move, obj):
            raise PermissionDenied(self.denied(move, obj))
        return move

    def check_state(self, obj: Any, name: str) -> Move:
        """409 unless ``obj``'s status is one the move starts from."""
        move = self[name]
        if obj.status not in move.from_states:
            raise InvalidTransition(
                entity=self.entity,
                from_status=obj.status,
                to_status=move.to_state or obj.status,
                message=str(self.conflict(move, obj)),
            )
        return move

    def clean_comment(self, move: Move, comment: str | None) -> tuple[str, dict[str, list]]:
        """The stripped comment the move keeps, and the error of a missing required one."""
        comment = (comment or "").strip()
        if move.comment is Comment.NONE:
            return "", {}
        if move.comment is Comment.REQUIRED and not comment:
            return "", {move.comment_field: [self.comment_required]}
        return comment, {}

    # --- performing ---------------------------------------------------------------------

    def check(
        self,
        obj: Any,
        name: str,
        *,
        actor: Any,
        comment: str | None = "",
        clean: Callable[[Any], Errors] | None = None,
    ) -> str:
        """Permission (403), then state (409), then input (400): the comment rule and
        ``clean(obj)``, the caller's own per-field errors, reported together in one
        ``ValidationError``. Returns the comment the move keeps (stripped; "" when the move
        takes none)."""
        move = self.check_permission(obj, name, actor=actor)
        self.check_state(obj, name)
        comment, errors = self.clean_comment(move, comment)
        if clean is not None:
            for key, messages in (clean(obj) or {}).items():
                errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)
        return comment

    def apply(
        self,
        obj: Any,
        name: str,
        *,
        actor: Any,
        comment: str = "",
        changes: Mapping[str, Any] | None = None,
        extra_fields: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
    ) -> Any:
        """Make the move :meth:`check` allowed: set the status, the move's timestamp and
        ``changes`` (field -> value), save them with ``extra_fields`` (fields the caller set
        itself) through ``update_fields``, and write the event with ``data`` in the same
        transaction. Returns ``obj``. Call it only after :meth:`check` (``perform`` does
        both); a caller splits them only to do work of its own in between (storing files)."""
        move = self[name]
        changes = changes or {}
        now = timezone.now()
        from_status = obj.status
        for key, value in changes.items():
            setattr(obj, key, value)
        if move.to_state is not None:
            obj.status = move.to_state
        fields = ["status", *changes, *extra_fields, *self.touch]
        if move.timestamp:
            setattr(obj, move.timestamp, now)
            fields.append(move.timestamp)
        with transaction.atomic():
            obj.save(update_fields=list(dict.fromkeys(fields)))
            self.on_event(
                Change(
                    obj=obj,
                    move=move,
                    actor=actor,
                    from_status=from_status,
                    to_status=obj.status,
                    comment=comment,
                    data=data or {},
                    at=now,
                )
            )
        return obj

    def perform(
        self,
        obj: Any,
        name: str,
        *,
        actor: Any,
        comment: str | None = "",
        changes: Mapping[str, Any] | None = None,
        extra_fields: Iterable[str] = (),
        data: Mapping[str, Any] | None = None,
        clean: Callable[[Any], Errors] | None = None,
    ) -> Any:
        """Make move ``name`` on ``obj`` (a row the caller has locked) for ``actor``:
        :meth:`check` then :meth:`apply`. Returns ``obj``."""
        comment = self.check(obj, name, actor=actor, comment=comment, clean=clean)
        return self.apply(
            obj,
            name,
            actor=actor,
            comment=comment,
            changes=changes,
            extra_fields=extra_fields,
            data=data,
        )

    # --- for clients ----------------------------------------------------------------------

    def can(self, obj: Any, name: str, user: Any) -> bool:
        """Whether ``user`` may make move ``name`` on ``obj`` now (state and permission)."""
        move = self[name]
        return obj.status in move.from_states and self.holds(user, move, obj)

    def allowed_moves(self, obj: Any, user: Any) -> list[str]:
        """The names of the moves ``user`` may make on ``obj`` now, in table order (for the
        UI's buttons). Each distinct permission is checked once."""
        held: dict[tuple[str, str], bool] = {}
        names = []
        for move in self.moves:
            if obj.status not in move.from_states:
                continue
            key = (move.permission, move.permission_on)
            if key not in held:
                held[key] = self.holds(user, move, obj)
            if held[key]:
                names.append(move.name)
        return names


# --- overdue ----------------------------------------------------------------------------------


def overdue_q(states: Iterable[str], today: datetime.date | None = None) -> Q:
    """The overdue rule of a workflow, as a filter: past ``due_date`` while in ``states``
    (the states in which the other side still owes a move). ``today`` defaults to the local
    date."""
    return Q(status__in=list(states), due_date__lt=today or timezone.localdate())


def is_overdue(obj: Any, states: Iterable[str], today: datetime.date | None = None) -> bool:
    """:func:`overdue_q` for one object in memory."""
    return is_past_due(obj.status, obj.due_date, states, today)


def is_past_due(
    status: str, due_date: datetime.date, states: Iterable[str], today: datetime.date | None = None
) -> bool:
    """:func:`overdue_q` for a row read as values."""
    return status in tuple(states) and due_date < (today or timezone.localdate())
