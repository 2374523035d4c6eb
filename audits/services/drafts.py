"""Editing a draft audit before it is sent: its title, message, due date, questionnaire version
and rule set, checked as issuing checks them. Once sent, an audit changes only by its moves
(extend the due date, cancel ...)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import has_org_perm
from activity.events import Verb, record
from audits.models import Audit
from audits.services.common import locked
from audits.services.issuing import check_template
from audits.services.transitions import status_text
from backend.errors import Conflict
from questionnaires.models import QuestionnaireVersion

EDITABLE = ("title", "message", "due_date", "questionnaire_version", "ruleset")


def _value(changes: dict[str, Any], audit: Audit, name: str) -> Any:
    return changes[name] if name in changes else getattr(audit, name)


@transaction.atomic
def audit_update_draft(
    *,
    audit: Audit,
    actor: User,
    title: str | None = None,
    message: str | None = None,
    due_date: datetime.date | None = None,
    questionnaire_version: QuestionnaireVersion | None = None,
    ruleset: Any = None,
    clear_ruleset: bool = False,
) -> Audit:
    """Change what was given (None: unchanged; ``clear_ruleset`` removes the rule set). 403
    without ``issue_audits`` on the buyer, 409 unless a draft, 400 as issuing (a past due date,
    another buyer's template, a rule set of another questionnaire)."""
    if not has_org_perm(actor, "accounts.issue_audits", audit.buyer):
        raise PermissionDenied(_("Only a buyer's administrators and officers issue audits."))
    audit = locked(audit)
    if audit.status != Audit.Status.DRAFT:
        raise Conflict(
            _("Only a draft is edited; this audit is %(status)s.")
            % {"status": status_text(audit.status)},
            code="audit_not_draft",
        )
    given = {
        "title": None if title is None else title.strip(),
        "message": None if message is None else message.strip(),
        "due_date": due_date,
        "questionnaire_version": questionnaire_version,
        "ruleset": None if clear_ruleset else ruleset,
    }
    changes = {
        k: v for k, v in given.items() if v is not None or (k == "ruleset" and clear_ruleset)
    }
    check_template(
        buyer=audit.buyer,
        version=_value(changes, audit, "questionnaire_version"),
        ruleset=_value(changes, audit, "ruleset"),
        due_date=_value(changes, audit, "due_date"),
    )
    changed = [k for k, v in changes.items() if getattr(audit, k) != v]
    if not changed:
        return audit
    for name in changed:
        setattr(audit, name, changes[name])
    audit.save(update_fields=[*changed, "updated_at"])
    record(Verb.AUDIT_DRAFT_EDITED, actor=actor, audit=audit, data={"fields": sorted(changed)})
    return audit
