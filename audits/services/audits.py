"""The audit lifecycle (DESIGN section 4): issue, assign, answer, submit, review, prefill.

Every status change goes through ``TRANSITIONS``, the one table that says which moves exist
and which permission (hence which role, see ``audits.permissions``) may make each one; every
move writes an ``ActivityEvent`` in the transaction of the change. Mail is scheduled with
``audits.mail.notify`` and leaves after commit.

Errors: ``ValidationError`` (400, a message per field or question code), ``PermissionDenied``
(403), ``InvalidTransition`` / ``Conflict`` (409).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.languages import pick
from accounts.models import Membership, Organization, User
from accounts.permissions import has_org_perm, organizations_with_perm
from activity.models import ActivityEvent
from audits import permissions as audit_perms
from audits.answers import AnswerError, clean_answer, has_answer
from audits.models import Answer, Audit, Campaign, Evidence
from backend.errors import Conflict, InvalidTransition
from backend.mail import notify
from questionnaires.models import Question, QuestionnaireVersion
from questionnaires.spec import compiled_for_version, supplier_profile
from scoring.engine import AnswerValue
from suppliers.models import SupplierRelationship

Status = Audit.Status
Role = Membership.Role


# ---------------------------------------------------------------------------------------------
# The transition table
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One allowed status change: the event verb, the party that makes it, the permission
    it needs (on the audit, or on the buyer organization for issuing), whether a comment is
    mandatory."""

    verb: str
    side: str
    perm: str
    comment_required: bool = False
    on_buyer: bool = False


_CANCEL = Move("audit.cancelled", "buyer", "audits.cancel_audit", comment_required=True)

TRANSITIONS: dict[tuple[str, str], Move] = {
    (Status.DRAFT, Status.SENT): Move(
        "audit.issued", "buyer", "accounts.issue_audits", on_buyer=True
    ),
    (Status.SENT, Status.IN_PROGRESS): Move("audit.started", "supplier", "audits.respond_audit"),
    (Status.RETURNED, Status.IN_PROGRESS): Move(
        "audit.reopened", "supplier", "audits.respond_audit"
    ),
    (Status.IN_PROGRESS, Status.SUBMITTED): Move(
        "audit.submitted", "supplier", "audits.respond_audit"
    ),
    (Status.SUBMITTED, Status.RETURNED): Move(
        "audit.returned", "buyer", "audits.review_audit", comment_required=True
    ),
    (Status.SUBMITTED, Status.ACCEPTED): Move("audit.accepted", "buyer", "audits.review_audit"),
    **{(state, Status.CANCELLED): _CANCEL for state in Audit.OPEN_STATES},
}


def _perm_for_target(to_status: str) -> Move:
    # Every move into one state needs the same permission, so the permission can be checked
    # (403) before the state (409) whatever the audit's current state is.
    return next(move for (_f, to), move in TRANSITIONS.items() if to == to_status)


def can_move(user: User, audit: Audit, to_status: str) -> bool:
    """Whether ``user`` may move ``audit`` to ``to_status`` now (state and permission)."""
    move = TRANSITIONS.get((audit.status, to_status))
    return move is not None and _holds(user, move, audit)


def _holds(user: User, move: Move, audit: Audit) -> bool:
    if move.on_buyer:
        return has_org_perm(user, move.perm, audit.buyer)
    return user.has_perm(move.perm, audit)


def _require(actor: User | None, audit: Audit, to_status: str) -> None:
    if actor is None:  # the system (background jobs, seeding)
        return
    move = _perm_for_target(to_status)
    if not _holds(actor, move, audit):
        raise PermissionDenied(
            _("Your role does not allow this on this audit (needs %(perm)s).")
            % {"perm": move.perm.split(".", 1)[1]}
        )


def _transition(
    audit: Audit,
    to_status: str,
    *,
    actor: User | None,
    comment: str = "",
    data: dict | None = None,
    check_perm: bool = True,
) -> ActivityEvent:
    """Move ``audit`` (a row locked by the caller) and record the event."""
    if check_perm:
        _require(actor, audit, to_status)
    move = TRANSITIONS.get((audit.status, to_status))
    if move is None:
        raise InvalidTransition(
            entity="audit",
            from_status=audit.status,
            to_status=to_status,
            message=_("An audit that is %(from)s cannot become %(to)s.")
            % {"from": audit.status, "to": to_status},
        )
    comment = (comment or "").strip()
    if move.comment_required and not comment:
        raise ValidationError({"comment": [_("A comment is required.")]})
    from_status = audit.status
    audit.status = to_status
    now = timezone.now()
    fields = ["status", "updated_at"]
    stamp = {
        Status.SENT: "issued_at",
        Status.SUBMITTED: "submitted_at",
        Status.ACCEPTED: "accepted_at",
        Status.CANCELLED: "cancelled_at",
    }.get(to_status)
    if stamp:
        setattr(audit, stamp, now)
        fields.append(stamp)
    audit.save(update_fields=fields)
    return ActivityEvent.objects.create(
        actor=actor,
        verb=move.verb,
        audit=audit,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        data=data or {},
        created_at=now,
    )


def _locked(audit: Audit) -> Audit:
    """Re-read ``audit`` with a row lock (held until the transaction ends)."""
    return Audit.objects.select_for_update().select_related("buyer", "supplier").get(pk=audit.pk)


# ---------------------------------------------------------------------------------------------
# Recipients
# ---------------------------------------------------------------------------------------------


def _members(org_id: int, roles: Sequence[str]):
    return User.objects.filter(
        is_active=True, memberships__organization_id=org_id, memberships__role__in=roles
    )


def supplier_recipients(audit: Audit) -> list[User]:
    """Supplier admins and the assigned respondents."""
    users = list(_members(audit.supplier_id, [Role.ADMIN]))
    users += list(audit.respondents.filter(is_active=True))
    return users


def buyer_recipients(audit: Audit) -> list[User]:
    """Buyer officers and the assigned reviewers."""
    users = list(_members(audit.buyer_id, [Role.OFFICER]))
    users += list(audit.reviewers.filter(is_active=True))
    return users


def questionnaire_titles(title: dict) -> dict[str, str]:
    """Both languages of a title, for mail templates (rendered in the recipient's)."""
    return {"en": pick(title, "en"), "zh": pick(title, "zh-Hans")}


def _mail_context(audit: Audit, **extra) -> dict:
    return {
        "audit_id": audit.pk,
        "audit_title": audit.title,
        "buyer_name": audit.buyer.name,
        "supplier_name": audit.supplier.name,
        "questionnaire": questionnaire_titles(audit.questionnaire_version.title),
        "due_date": audit.due_date,
        "status": audit.status,
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# Questions and visibility
# ---------------------------------------------------------------------------------------------


def compiled_questionnaire(version: QuestionnaireVersion):
    """The compiled questionnaire of a version (compiled once, cached by the questionnaire
    area)."""
    return compiled_for_version(version)


def answer_values(audit: Audit) -> dict[str, AnswerValue]:
    rows = Answer.objects.filter(audit=audit).values_list(
        "question__code", "value", "not_applicable"
    )
    return {code: AnswerValue(value=value, not_applicable=na) for code, value, na in rows}


def visible_codes(audit: Audit, answers: Mapping[str, AnswerValue] | None = None) -> frozenset:
    """Codes of the questions of ``audit`` visible with its current (or given) answers."""
    compiled = compiled_questionnaire(audit.questionnaire_version)
    if answers is None:
        answers = answer_values(audit)
    return compiled.visible_codes(answers, supplier_profile(audit.supplier))


# ---------------------------------------------------------------------------------------------
# Issuing
# ---------------------------------------------------------------------------------------------


def _check_members(org: Organization, users: Iterable[User], field: str, roles) -> list[User]:
    users = list(users)
    if not users:
        return []
    ok = set(
        Membership.objects.filter(
            organization=org, user__in=users, role__in=roles, user__is_active=True
        ).values_list("user_id", flat=True)
    )
    wrong = [u for u in users if u.pk not in ok]
    if wrong:
        raise ValidationError(
            {
                field: [
                    _("%(user)s is not a member of %(org)s who can be assigned here.")
                    % {"user": u.email, "org": org.name}
                    for u in wrong
                ]
            }
        )
    return users


def resolve_buyer(*, actor: User, buyer: Organization | None = None) -> Organization:
    """The buyer on whose behalf ``actor`` issues: the given one, or their only buyer."""
    buyers = list(organizations_with_perm(actor, "accounts.issue_audits").filter(kind="buyer"))
    if not buyers:
        raise PermissionDenied(_("Only a buyer's administrators and officers issue audits."))
    if buyer is None:
        if len(buyers) > 1:
            raise ValidationError({"buyer": [_("Say on behalf of which buyer you issue.")]})
        return buyers[0]
    if buyer not in buyers:
        raise ValidationError({"buyer": [_("You cannot issue audits for this buyer.")]})
    return buyer


def _check_template(
    *, buyer: Organization, version: QuestionnaireVersion, ruleset, due_date: datetime.date
) -> None:
    errors: dict[str, list[str]] = {}
    questionnaire = version.questionnaire
    if version.status != QuestionnaireVersion.Status.PUBLISHED:
        errors["questionnaire_version"] = [_("Only a published questionnaire version is issued.")]
    elif questionnaire.owner_id not in (None, buyer.pk):
        errors["questionnaire_version"] = [_("This questionnaire belongs to another buyer.")]
    if ruleset is not None:
        if ruleset.owner_id not in (None, buyer.pk):
            errors["ruleset"] = [_("This rule set belongs to another buyer.")]
        elif ruleset.questionnaire_code != questionnaire.code:
            errors["ruleset"] = [
                _("This rule set scores %(code)s, not %(q)s.")
                % {"code": ruleset.questionnaire_code, "q": questionnaire.code}
            ]
        elif ruleset.status != "published":
            errors["ruleset"] = [_("Only a published rule set is used.")]
    if due_date < timezone.localdate():
        errors["due_date"] = [_("The due date is in the past.")]
    if errors:
        raise ValidationError(errors)


def _create_audit(
    *,
    buyer: Organization,
    supplier: Organization,
    version: QuestionnaireVersion,
    ruleset,
    due_date: datetime.date,
    actor: User | None,
    title: str = "",
    message: str = "",
    respondents: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    campaign: Campaign | None = None,
    send: bool = True,
) -> Audit:
    audit = Audit.objects.create(
        buyer=buyer,
        supplier=supplier,
        questionnaire_version=version,
        ruleset=ruleset,
        campaign=campaign,
        due_date=due_date,
        title=title or "",
        message=message or "",
        issued_by=actor,
    )
    audit_perms.grant_audit_to_organizations(audit, side="buyer")
    ActivityEvent.objects.create(
        actor=actor,
        verb="audit.created",
        audit=audit,
        to_status=Status.DRAFT,
        data={"campaign": campaign.pk} if campaign else {},
    )
    if respondents:
        audit.respondents.add(*respondents)
        for user in respondents:
            audit_perms.grant_respondent(audit, user)
    if reviewers:
        audit.reviewers.add(*reviewers)
        for user in reviewers:
            audit_perms.grant_reviewer(audit, user)
    if send:
        _send(audit, actor=actor)
    return audit


def _send(audit: Audit, *, actor: User | None) -> None:
    _transition(audit, Status.SENT, actor=actor, check_perm=False)
    audit_perms.grant_audit_to_organizations(audit, side="supplier")
    for user in audit.respondents.all():
        audit_perms.grant_respondent(audit, user)
    notify(
        supplier_recipients(audit),
        "audits/email/issued",
        _mail_context(audit, message=audit.message),
    )


@transaction.atomic
def audit_issue(
    *,
    supplier: Organization,
    questionnaire_version: QuestionnaireVersion,
    due_date: datetime.date,
    actor: User,
    buyer: Organization | None = None,
    ruleset=None,
    title: str = "",
    message: str = "",
    respondents: Sequence[User] = (),
    reviewers: Sequence[User] = (),
    send: bool = True,
) -> Audit:
    """Issue one audit to a supplier of the actor's buyer network.

    ``send=False`` keeps it as a draft (``audit_send`` sends it later). Mails the supplier's
    admins and the assigned respondents after commit.
    """
    buyer = resolve_buyer(actor=actor, buyer=buyer)
    if not SupplierRelationship.objects.filter(
        buyer=buyer, supplier=supplier, active=True
    ).exists():
        raise ValidationError({"supplier": [_("This supplier is not in your supply network.")]})
    _check_template(buyer=buyer, version=questionnaire_version, ruleset=ruleset, due_date=due_date)
    respondents = _check_members(
        supplier, respondents, "respondents", [Role.ADMIN, Role.RESPONDENT]
    )
    reviewers = _check_members(
        buyer, reviewers, "reviewers", [Role.ADMIN, Role.OFFICER, Role.REVIEWER]
    )
    return _create_audit(
        buyer=buyer,
        supplier=supplier,
        version=questionnaire_version,
        ruleset=ruleset,
        due_date=due_date,
        actor=actor,
        title=title,
        message=message,
        respondents=respondents,
        reviewers=reviewers,
        send=send,
    )


@transaction.atomic
def audit_send(*, audit: Audit, actor: User | None) -> Audit:
    """Send a draft audit to its supplier."""
    audit = _locked(audit)
    _require(actor, audit, Status.SENT)
    if audit.status != Status.DRAFT:
        _transition(audit, Status.SENT, actor=actor, check_perm=False)  # raises 409
    _send(audit, actor=actor)
    return audit


# ---------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------

CAMPAIGN_FILTERS = ("country", "criticality", "category")
CAMPAIGN_CHUNK = 100


@transaction.atomic
def campaign_create(
    *,
    actor: User,
    name: str,
    questionnaire_version: QuestionnaireVersion,
    due_date: datetime.date,
    buyer: Organization | None = None,
    ruleset=None,
    supplier_ids: Sequence[int] | None = None,
    filters: Mapping[str, Any] | None = None,
) -> Campaign:
    """Issue ``questionnaire_version`` to many suppliers: a list of supplier ids or a filter
    on the network (country, criticality, category). The suppliers are resolved now and stored;
    the audits are created by ``campaign_process`` in a Celery task (in-process without a
    broker), after commit."""
    buyer = resolve_buyer(actor=actor, buyer=buyer)
    _check_template(buyer=buyer, version=questionnaire_version, ruleset=ruleset, due_date=due_date)
    links = SupplierRelationship.objects.filter(buyer=buyer, active=True)
    if supplier_ids:
        wanted = list(dict.fromkeys(int(i) for i in supplier_ids))
        found = set(links.filter(supplier_id__in=wanted).values_list("supplier_id", flat=True))
        missing = [i for i in wanted if i not in found]
        if missing:
            raise ValidationError(
                {
                    "supplier_ids": [
                        _("Not in your supply network: %(ids)s.")
                        % {"ids": ", ".join(map(str, missing))}
                    ]
                }
            )
        resolved = wanted
        filters = {}
    else:
        filters = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
        unknown = sorted(set(filters) - set(CAMPAIGN_FILTERS))
        if unknown:
            raise ValidationError(
                {"filters": [_("Unknown filter: %(f)s.") % {"f": ", ".join(unknown)}]}
            )
        if not filters:
            raise ValidationError(
                {"supplier_ids": [_("Give a list of suppliers or at least one filter.")]}
            )
        for key, value in filters.items():
            field = "supplier__country" if key == "country" else key
            values = value if isinstance(value, list) else [value]
            links = links.filter(**{f"{field}__in": values})
        resolved = list(links.order_by("supplier_id").values_list("supplier_id", flat=True))
        if not resolved:
            raise ValidationError({"filters": [_("No supplier of your network matches.")]})
    campaign = Campaign.objects.create(
        buyer=buyer,
        name=name,
        questionnaire_version=questionnaire_version,
        ruleset=ruleset,
        due_date=due_date,
        supplier_ids=resolved,
        filters=dict(filters),
        total=len(resolved),
        created_by=actor,
    )
    ActivityEvent.objects.create(
        actor=actor,
        verb="campaign.created",
        organization=buyer,
        data={"campaign": campaign.pk, "suppliers": len(resolved), "filters": dict(filters)},
    )

    def enqueue() -> None:
        from audits.tasks import process_campaign_task

        process_campaign_task.delay(campaign.pk)

    transaction.on_commit(enqueue)
    return campaign


def campaign_process(*, campaign_id: int) -> Campaign:
    """Create the audits of a campaign, in chunks of ``CAMPAIGN_CHUNK`` (one transaction each),
    updating ``processed`` as it goes. Idempotent: a supplier that already has its audit in
    this campaign is skipped, so a re-run (or a retried task) creates no duplicates."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
        if campaign.status == Campaign.Status.DONE:
            return campaign
        campaign.status = Campaign.Status.RUNNING
        campaign.save(update_fields=["status"])
    campaign = Campaign.objects.select_related("buyer", "questionnaire_version", "created_by").get(
        pk=campaign_id
    )
    ids = list(campaign.supplier_ids)
    active = set(
        SupplierRelationship.objects.filter(
            buyer=campaign.buyer, supplier_id__in=ids, active=True
        ).values_list("supplier_id", flat=True)
    )
    skipped: list[int] = []
    for start in range(0, len(ids), CAMPAIGN_CHUNK):
        chunk = ids[start : start + CAMPAIGN_CHUNK]
        with transaction.atomic():
            done = set(
                Audit.objects.filter(campaign=campaign, supplier_id__in=chunk).values_list(
                    "supplier_id", flat=True
                )
            )
            suppliers = Organization.objects.in_bulk([i for i in chunk if i not in done])
            for supplier_id in chunk:
                if supplier_id in done:
                    continue
                if supplier_id not in active or supplier_id not in suppliers:
                    skipped.append(supplier_id)
                    continue
                try:
                    with transaction.atomic():
                        _create_audit(
                            buyer=campaign.buyer,
                            supplier=suppliers[supplier_id],
                            version=campaign.questionnaire_version,
                            ruleset=campaign.ruleset,
                            due_date=campaign.due_date,
                            actor=campaign.created_by,
                            title=campaign.name,
                            campaign=campaign,
                        )
                except IntegrityError:
                    # Another worker issued it meanwhile (unique per campaign and supplier).
                    continue
            processed = min(start + len(chunk), len(ids))
            Campaign.objects.filter(pk=campaign.pk).update(processed=processed)
    campaign.refresh_from_db()
    campaign.status = Campaign.Status.DONE
    campaign.processed = campaign.total
    campaign.finished_at = timezone.now()
    campaign.error = (
        _("Skipped suppliers no longer in the network: %(ids)s.")
        % {"ids": ", ".join(map(str, skipped))}
        if skipped
        else ""
    )
    campaign.save(update_fields=["status", "processed", "finished_at", "error"])
    return campaign


# ---------------------------------------------------------------------------------------------
# Answers
# ---------------------------------------------------------------------------------------------


def _not_editable(audit: Audit) -> Conflict:
    return Conflict(
        _("Answers can only change while the audit is being answered (it is %(status)s).")
        % {"status": audit.status},
        code="audit_not_editable",
    )


def _share_lock(audit_id: int) -> str | None:
    """Read the audit's status under a shared row lock (PostgreSQL ``FOR SHARE``).

    Answer saves take this lock: they do not block each other, so two respondents saving
    different questions at once both proceed, while a submission (``FOR UPDATE``) waits for them
    and they wait for it. SQLite serializes writers anyway, so a plain read is enough there."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status FROM {Audit._meta.db_table} WHERE id = %s FOR SHARE", [audit_id]
            )
            row = cursor.fetchone()
        return row[0] if row else None
    return Audit.objects.filter(pk=audit_id).values_list("status", flat=True).first()


def _clean_batch(
    audit: Audit, items: Sequence[Mapping[str, Any]]
) -> list[tuple[Question, Any, bool]]:
    if not isinstance(items, list | tuple) or not items:
        raise ValidationError({"answers": [_("Send a list of answers.")]})
    questions = {
        q.code: q for q in Question.objects.filter(version_id=audit.questionnaire_version_id)
    }
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[Question, Any, bool]] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("question"), str):
            errors.setdefault(f"answers[{index}]", []).append(
                _("Each answer needs a question code.")
            )
            continue
        code = item["question"]
        question = questions.get(code)
        if question is None:
            errors.setdefault(code, []).append(_("No such question in this audit."))
            continue
        if code in seen:
            errors.setdefault(code, []).append(_("Answered twice in one request."))
            continue
        seen.add(code)
        not_applicable = bool(item.get("not_applicable", False))
        try:
            value = clean_answer(question, item.get("value"), not_applicable)
        except AnswerError as exc:
            errors.setdefault(code, []).append(str(exc))
            continue
        cleaned.append((question, value, not_applicable))
    if errors:
        raise ValidationError(errors)
    return cleaned


def answers_save(
    *, audit: Audit, answers: Sequence[Mapping[str, Any]], actor: User | None
) -> list[Answer]:
    """Upsert a batch of answers ``[{"question": code, "value": ..., "not_applicable": bool}]``.

    All or nothing: any bad value rejects the batch with a message per question code. A null /
    empty value without N/A clears the answer. The first save moves a ``sent`` or ``returned``
    audit to ``in_progress``. Each answer is one row (unique per audit and question) written
    with an upsert, so concurrent saves of different questions all survive; on the same
    question the last write wins.
    """
    if actor is not None and not actor.has_perm("audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents answer this audit."))
    if not audit.is_editable:
        raise _not_editable(audit)
    cleaned = _clean_batch(audit, answers)
    now = timezone.now()
    with transaction.atomic():
        if audit.status in (Status.SENT, Status.RETURNED):
            # The first save changes the audit row: take it exclusively (only this once).
            locked = _locked(audit)
            if locked.status in (Status.SENT, Status.RETURNED):
                _transition(locked, Status.IN_PROGRESS, actor=actor, check_perm=False)
            audit.status = locked.status
        else:
            audit.status = _share_lock(audit.pk) or audit.status
        if audit.status not in Audit.EDITABLE_STATES:
            raise _not_editable(audit)
        upserts = [
            Answer(
                audit=audit,
                question=question,
                value=value,
                not_applicable=na,
                updated_by=actor,
                updated_at=now,
            )
            for question, value, na in cleaned
            if value is not None or na
        ]
        cleared = [question.pk for question, value, na in cleaned if value is None and not na]
        if cleared:
            Answer.objects.filter(audit=audit, question_id__in=cleared).delete()
        if upserts:
            Answer.objects.bulk_create(
                upserts,
                update_conflicts=True,
                unique_fields=["audit", "question"],
                update_fields=["value", "not_applicable", "updated_by", "updated_at"],
            )
        ActivityEvent.objects.create(
            actor=actor,
            verb="answers.saved",
            audit=audit,
            data={"questions": [q.code for q, _v, _na in cleaned]},
            created_at=now,
        )
    return list(
        Answer.objects.filter(
            audit=audit, question__in=[q for q, _v, _na in cleaned]
        ).select_related("question", "updated_by")
    )


# ---------------------------------------------------------------------------------------------
# Submit and review
# ---------------------------------------------------------------------------------------------


def missing_for_submit(audit: Audit) -> dict[str, list[str]]:
    """What stops ``audit`` from being submitted: a message list per question code (visible
    required questions without an answer, required evidence not uploaded)."""
    answers = answer_values(audit)
    visible = visible_codes(audit, answers)
    with_evidence = set(
        Evidence.objects.filter(audit=audit, question__isnull=False).values_list(
            "question__code", flat=True
        )
    )
    errors: dict[str, list[str]] = {}
    for question in Question.objects.filter(version_id=audit.questionnaire_version_id).order_by(
        "section__position", "position"
    ):
        if question.code not in visible:
            continue
        answer = answers.get(question.code)
        answered = answer is not None and has_answer(answer.value, answer.not_applicable)
        if question.required and not answered:
            errors.setdefault(question.code, []).append(_("This question needs an answer."))
        if (
            question.evidence == Question.Evidence.REQUIRED
            and question.code not in with_evidence
            and not (answer is not None and answer.not_applicable)
        ):
            errors.setdefault(question.code, []).append(_("This question needs evidence."))
    return errors


@transaction.atomic
def audit_submit(*, audit: Audit, actor: User | None) -> Audit:
    """Submit the supplier's answers: every visible required question answered and every
    required evidence uploaded, else 400 listing each question (nothing changes). Answers and
    evidence of hidden questions are dropped; a preliminary score is computed; the buyer's
    officers and the reviewers are mailed."""
    audit = _locked(audit)
    _require(actor, audit, Status.SUBMITTED)
    if not audit.is_editable:
        raise InvalidTransition(
            entity="audit",
            from_status=audit.status,
            to_status=Status.SUBMITTED,
            message=_("An audit that is %(from)s cannot be submitted.") % {"from": audit.status},
        )
    errors = missing_for_submit(audit)
    if errors:
        raise ValidationError(errors)
    from audits.services.evidence import evidence_delete_files_on_commit

    visible = visible_codes(audit)
    hidden_answers = Answer.objects.filter(audit=audit).exclude(question__code__in=visible)
    dropped = sorted(hidden_answers.values_list("question__code", flat=True))
    hidden_answers.delete()
    evidence_delete_files_on_commit(
        Evidence.objects.filter(audit=audit, question__isnull=False).exclude(
            question__code__in=visible
        )
    )
    if audit.status != Status.IN_PROGRESS:
        _transition(audit, Status.IN_PROGRESS, actor=actor, check_perm=False)
    _transition(
        audit,
        Status.SUBMITTED,
        actor=actor,
        check_perm=False,
        data={"dropped_hidden_answers": dropped} if dropped else {},
    )
    notify(buyer_recipients(audit), "audits/email/submitted", _mail_context(audit))
    return audit


@transaction.atomic
def audit_return(*, audit: Audit, comment: str, actor: User | None) -> Audit:
    """Send a submitted audit back to the supplier with the changes requested (comment
    required)."""
    audit = _locked(audit)
    _transition(audit, Status.RETURNED, actor=actor, comment=comment)
    notify(
        supplier_recipients(audit),
        "audits/email/returned",
        _mail_context(audit, comment=comment.strip()),
    )
    return audit


@transaction.atomic
def audit_accept(*, audit: Audit, actor: User | None, comment: str = "") -> Audit:
    """Accept a submitted audit (the move alone: ``flows.services.audit_accept`` adds the final
    score and the corrective actions)."""
    audit = _locked(audit)
    _transition(audit, Status.ACCEPTED, actor=actor, comment=comment)
    notify(supplier_recipients(audit), "audits/email/accepted", _mail_context(audit))
    return audit


@transaction.atomic
def audit_cancel(*, audit: Audit, reason: str, actor: User | None) -> Audit:
    """Cancel an audit that is not accepted yet (reason required)."""
    audit = _locked(audit)
    _transition(audit, Status.CANCELLED, actor=actor, comment=reason)
    return audit


# ---------------------------------------------------------------------------------------------
# Prefill
# ---------------------------------------------------------------------------------------------


def prefill_source(audit: Audit) -> Audit | None:
    """The supplier's latest submitted (or accepted) audit of the same questionnaire code,
    whichever buyer it went to."""
    return (
        Audit.objects.filter(
            supplier_id=audit.supplier_id,
            questionnaire_version__questionnaire__code=(
                audit.questionnaire_version.questionnaire.code
            ),
            status__in=[Status.SUBMITTED, Status.ACCEPTED],
        )
        .exclude(pk=audit.pk)
        .filter(submitted_at__isnull=False)
        .order_by("-submitted_at", "-pk")
        .first()
    )


@transaction.atomic
def audit_prefill(*, audit: Audit, actor: User | None) -> dict[str, Any]:
    """Copy the supplier's own answers from ``prefill_source`` into the questions of ``audit``
    that are still unanswered.

    Returns ``{"source": {...}, "copied": [codes], "skipped": {code: reason}}``: a question the
    new version no longer has, a value that no longer fits the question, or a question already
    answered here is reported, not copied. The source's buyer is never revealed: only the
    supplier's side may call this (``respond_audit``)."""
    if actor is not None and not actor.has_perm("audits.respond_audit", audit):
        raise PermissionDenied(_("Only the supplier's respondents prefill answers."))
    if not audit.is_editable:
        raise _not_editable(audit)
    source = prefill_source(audit)
    if source is None:
        return {"source": None, "copied": [], "skipped": {}}
    questions = {
        q.code: q for q in Question.objects.filter(version_id=audit.questionnaire_version_id)
    }
    existing = set(Answer.objects.filter(audit=audit).values_list("question__code", flat=True))
    batch: list[dict[str, Any]] = []
    skipped: dict[str, str] = {}
    for code, value, na in Answer.objects.filter(audit=source).values_list(
        "question__code", "value", "not_applicable"
    ):
        question = questions.get(code)
        if question is None:
            skipped[code] = _("This questionnaire version no longer asks it.")
            continue
        if code in existing:
            skipped[code] = _("Already answered in this audit.")
            continue
        try:
            clean_answer(question, value, na)
        except AnswerError as exc:
            skipped[code] = _("The earlier answer no longer fits: %(reason)s") % {"reason": exc}
            continue
        batch.append({"question": code, "value": value, "not_applicable": na})
    if batch:
        answers_save(audit=audit, answers=batch, actor=actor)
    ActivityEvent.objects.create(
        actor=actor,
        verb="answers.prefilled",
        audit=audit,
        # The source may be another buyer's audit: the receiving buyer reads this event, so it
        # names the copied questions and the version, never the source audit.
        data={
            "source_version": source.questionnaire_version.number,
            "copied": [b["question"] for b in batch],
        },
    )
    return {
        "source": {
            "audit": source.pk,
            "questionnaire_version": source.questionnaire_version.number,
            "submitted_at": source.submitted_at,
        },
        "copied": [b["question"] for b in batch],
        "skipped": skipped,
    }


__all__ = [
    "TRANSITIONS",
    "Move",
    "answers_save",
    "audit_accept",
    "audit_cancel",
    "audit_issue",
    "audit_prefill",
    "audit_return",
    "audit_send",
    "audit_submit",
    "campaign_create",
    "campaign_process",
    "can_move",
    "missing_for_submit",
    "visible_codes",
]
