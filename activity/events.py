"""The activity log's one way in: the verbs as an enum and a function per kind of event.

Services call these in the transaction of the change they record (Saleor's
``order/events.py``). Every function returns the saved ``ActivityEvent``. ``actor`` may be an
anonymous user or ``None`` (the system); both are stored as no actor.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import models

from .models import ActivityEvent


class Verb(models.TextChoices):
    # Organizations and members
    ORGANIZATION_CREATED = "organization.created"
    ORGANIZATION_UPDATED = "organization.updated"
    MEMBER_INVITED = "member.invited"
    MEMBER_INVITATION_WITHDRAWN = "member.invitation_withdrawn"
    MEMBER_ADDED = "member.added"
    MEMBER_ROLE_CHANGED = "member.role_changed"
    MEMBER_REMOVED = "member.removed"
    # Supply network
    SUPPLIER_CREATED = "supplier.created"
    SUPPLIER_LINKED = "supplier.linked"
    SUPPLIER_UPDATED = "supplier.updated"
    SUPPLIER_DEACTIVATED = "supplier.deactivated"
    SUPPLIERS_IMPORTED = "suppliers.imported"
    CERTIFICATE_ADDED = "certificate.added"
    CERTIFICATE_UPDATED = "certificate.updated"
    CERTIFICATE_DELETED = "certificate.deleted"
    CERTIFICATE_VERIFIED = "certificate.verified"
    CERTIFICATE_EXPIRY_REMINDED = "certificate.expiry_reminded"
    # Questionnaires and rule sets
    QUESTIONNAIRE_IMPORTED = "questionnaire.imported"
    QUESTIONNAIRE_DRAFT_REPLACED = "questionnaire.draft_replaced"
    QUESTIONNAIRE_DRAFT_UPDATED = "questionnaire.draft_updated"
    QUESTIONNAIRE_QUESTION_UPDATED = "questionnaire.question_updated"
    QUESTIONNAIRE_PUBLISHED = "questionnaire.published"
    QUESTIONNAIRE_NEW_VERSION = "questionnaire.new_version"
    QUESTIONNAIRE_RETIRED = "questionnaire.retired"
    RULESET_IMPORTED = "ruleset_imported"
    RULESET_PUBLISHED = "ruleset_published"
    RISK_TABLE_LOADED = "risk_table_loaded"
    # Audits
    CAMPAIGN_CREATED = "campaign.created"
    CAMPAIGN_RESUMED = "campaign.resumed"
    AUDIT_CREATED = "audit.created"
    AUDIT_ISSUED = "audit.issued"
    AUDIT_STARTED = "audit.started"
    AUDIT_SUBMITTED = "audit.submitted"
    AUDIT_RETURNED = "audit.returned"
    AUDIT_REOPENED = "audit.reopened"
    AUDIT_ACCEPTED = "audit.accepted"
    AUDIT_CANCELLED = "audit.cancelled"
    AUDIT_DUE_DATE_EXTENDED = "audit.due_date_extended"
    AUDIT_DRAFT_EDITED = "audit.draft_edited"
    QUESTION_COMMENT_RESOLVED = "audit.question_comment_resolved"
    RESPONDENTS_ASSIGNED = "audit.respondents_assigned"
    RESPONDENTS_UNASSIGNED = "audit.respondents_unassigned"
    REVIEWERS_ASSIGNED = "audit.reviewers_assigned"
    REVIEWERS_UNASSIGNED = "audit.reviewers_unassigned"
    ANSWERS_SAVED = "answers.saved"
    ANSWERS_PREFILLED = "answers.prefilled"
    EVIDENCE_UPLOADED = "evidence.uploaded"
    EVIDENCE_DELETED = "evidence.deleted"
    # Scores
    SCORE_PRELIMINARY = "score_preliminary"
    SCORE_FINAL = "score_final"
    SCORE_RELEASED = "score_released"
    SCORE_RESCORED = "score_rescored"
    # Corrective actions
    ACTION_OPENED = "action.opened"
    ACTION_PLAN_SUBMITTED = "action.plan_submitted"
    ACTION_PLAN_ACCEPTED = "action.plan_accepted"
    ACTION_PLAN_REJECTED = "action.plan_rejected"
    ACTION_EVIDENCE_ADDED = "action.evidence_added"
    ACTION_EVIDENCE_SUBMITTED = "action.evidence_submitted"
    ACTION_VERIFIED = "action.verified"
    ACTION_EVIDENCE_REJECTED = "action.evidence_rejected"
    ACTION_CANCELLED = "action.cancelled"
    ACTION_DUE_DATE_EXTENDED = "action.due_date_extended"
    ACTION_COMMENT = "action.comment"
    ACTION_VERIFICATION_SUGGESTED = "action.verification_suggested"
    ACTION_VERIFICATION_SUGGESTION_WITHDRAWN = "action.verification_suggestion_withdrawn"
    # Shares of accepted assessments
    SHARE_REQUESTED = "share.requested"
    SHARE_REQUEST_WITHDRAWN = "share.request_withdrawn"
    SHARE_DECLINED = "share.declined"
    SHARE_GRANTED = "share.granted"
    SHARE_PUBLISHED = "share.published"
    SHARE_REVOKED = "share.revoked"
    # Register
    EXPORT_REQUESTED = "export_requested"


def jsonable(value: object) -> object:
    """``value`` with decimals, dates and sets made JSON-safe (for ``data`` columns)."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    return str(value)


def _actor(actor: Any) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def record(verb: Verb, **fields: Any) -> ActivityEvent:
    """Write one event (the fields of ``new_event``). The kind-specific functions below are
    the ones services call."""
    event = new_event(verb, **fields)
    event.save(force_insert=True)
    return event


def record_many(events: list[ActivityEvent]) -> list[ActivityEvent]:
    """Write events made by ``new_event`` in one insert (bulk work: a campaign's chunk)."""
    return ActivityEvent.objects.bulk_create(events)


def new_event(
    verb: Verb,
    *,
    actor: Any = None,
    audit: Any = None,
    audit_id: int | None = None,
    corrective_action: Any = None,
    organization: Any = None,
    organization_id: int | None = None,
    from_status: str = "",
    to_status: str = "",
    comment: str = "",
    internal: bool = False,
    data: Mapping[str, Any] | None = None,
) -> ActivityEvent:
    """The unsaved event ``record`` writes (``record_many`` writes many at once)."""
    return ActivityEvent(
        actor=_actor(actor),
        verb=Verb(verb).value,
        audit=audit,
        audit_id=audit_id if audit is None else audit.pk,
        corrective_action=corrective_action,
        organization=organization,
        organization_id=organization_id if organization is None else organization.pk,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        internal=internal,
        data=jsonable(data or {}),
    )


def organization_event(
    verb: Verb, *, actor: Any, organization: Any, data: Mapping[str, Any] | None = None
) -> ActivityEvent:
    """Something changed in an organization, its members or its supply network."""
    return record(verb, actor=actor, organization=organization, data=data)


def certificate_event(verb: Verb, *, actor: Any, certificate: Any, **data: Any) -> ActivityEvent:
    """A supplier's certificate added, changed, deleted, verified or reminded of its expiry."""
    return record(
        verb,
        actor=actor,
        organization_id=certificate.supplier_id,
        data={
            "certificate": certificate.pk,
            "kind": certificate.kind,
            "number": certificate.number,
            "valid_to": certificate.valid_to,
            **data,
        },
    )


def scoring_event(
    verb: Verb,
    *,
    actor: Any,
    audit: Any = None,
    organization: Any = None,
    internal: bool = True,
    **data: Any,
) -> ActivityEvent:
    """A score recorded, released or recomputed; a rule set or risk table changed."""
    return record(
        verb, actor=actor, audit=audit, organization=organization, internal=internal, data=data
    )


def questionnaire_version_event(
    verb: Verb, *, actor: Any, version: Any, from_status: str = "", **data: Any
) -> ActivityEvent:
    """A questionnaire version imported, edited, published, replaced or retired."""
    return record(
        verb,
        actor=actor,
        organization=version.questionnaire.owner,
        from_status=from_status,
        to_status=version.status,
        data={
            "questionnaire": version.questionnaire.code,
            "questionnaire_id": version.questionnaire_id,
            "version_id": version.pk,
            "number": version.number,
            **data,
        },
    )


def evidence_uploaded(*, actor: Any, audit: Any, evidence: Any) -> ActivityEvent:
    return record(
        Verb.EVIDENCE_UPLOADED,
        actor=actor,
        audit=audit,
        data={
            "question": evidence.question.code,
            "name": evidence.original_name,
            "sha256": evidence.sha256,
            "size": evidence.size,
        },
    )


def evidence_deleted(*, actor: Any, audit: Any, evidence: Any) -> ActivityEvent:
    return record(
        Verb.EVIDENCE_DELETED,
        actor=actor,
        audit=audit,
        data={
            "question": evidence.question.code if evidence.question_id else "",
            "name": evidence.original_name,
            "sha256": evidence.sha256,
        },
    )


def assignees_changed(
    verb: Verb, *, actor: Any, audit: Any, users: Any, internal: bool
) -> ActivityEvent:
    """Respondents or reviewers assigned to or unassigned from an audit."""
    return record(
        verb, actor=actor, audit=audit, internal=internal, data={"users": [u.email for u in users]}
    )


def share_event(
    verb: Verb, *, actor: Any, supplier: Any, buyer: Any, audit: Any = None, **data: Any
) -> ActivityEvent:
    """A share of an assessment requested, withdrawn, declined, granted, published or revoked.
    Recorded on the supplier, not on the audit: the audit's own story (read by its buyer and by
    every buyer it is shared with) does not tell one buyer whom else it was shared with."""
    return record(
        verb,
        actor=actor,
        organization=supplier,
        data={
            "buyer": buyer.pk,
            "buyer_name": buyer.name,
            "audit": audit.pk if audit is not None else None,
            **data,
        },
    )
