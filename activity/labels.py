"""Words for the activity log: what each event verb means to a person reading a timeline."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

AUDIT_EVENT_LABELS = {
    "audit.created": _("Created"),
    "audit.issued": _("Sent to the supplier"),
    "audit.started": _("Answering started"),
    "audit.submitted": _("Submitted"),
    "audit.returned": _("Returned for changes"),
    "audit.reopened": _("Reopened"),
    "audit.accepted": _("Accepted"),
    "audit.cancelled": _("Cancelled"),
    "audit.due_date_extended": _("Due date extended"),
    "audit.draft_edited": _("Draft edited"),
    "audit.question_comment_resolved": _("Comment on a question resolved"),
    "audit.respondents_assigned": _("Respondents assigned"),
    "audit.respondents_unassigned": _("Respondents unassigned"),
    "audit.reviewers_assigned": _("Reviewers assigned"),
    "audit.reviewers_unassigned": _("Reviewers unassigned"),
    "answers.saved": _("Answers saved"),
    "answers.prefilled": _("Answers copied from an earlier submission"),
    "evidence.uploaded": _("File uploaded"),
    "evidence.deleted": _("File removed"),
    "score_preliminary": _("Preliminary score recorded"),
    "score_final": _("Final score recorded"),
    "score_released": _("Score released to the supplier"),
    "score_rescored": _("Re-scored"),
}

ACTION_EVENT_LABELS = {
    "action.opened": _("Opened"),
    "action.plan_submitted": _("Plan submitted"),
    "action.plan_accepted": _("Plan accepted"),
    "action.plan_rejected": _("Plan returned for changes"),
    "action.evidence_added": _("File added"),
    "action.evidence_submitted": _("Evidence submitted"),
    "action.verified": _("Verified"),
    "action.evidence_rejected": _("Evidence returned for changes"),
    "action.cancelled": _("Cancelled"),
    "action.due_date_extended": _("Due date extended"),
    "action.comment": _("Comment"),
    "action.verification_suggested": _("Suggested for verification by a later audit"),
    "action.verification_suggestion_withdrawn": _("Verification suggestion withdrawn"),
}

EVENT_LABELS = {**AUDIT_EVENT_LABELS, **ACTION_EVENT_LABELS}


def event_label(verb: str) -> str:
    """The reader's words for ``verb`` (the verb itself when it has none)."""
    label = EVENT_LABELS.get(verb)
    return str(label) if label is not None else verb
