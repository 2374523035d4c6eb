"""The one locking rule for changes to an audit's content (answers, evidence files).

A content change runs in a transaction that first calls ``audit_lock_for_content``: it takes a
shared lock on the audit row and re-reads the status under it. Content changes do not block
each other (two respondents save at once), while a status change, which locks the row for
update (submit, return, cancel), waits for the content changes in flight, and they wait for it.
So a submission sees every file and answer saved before it, and nothing changes after it.
"""

from __future__ import annotations

from typing import Literal

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from audits.models import Audit
from backend.errors import Conflict


def _share_lock(audit_id: int, *, draft: bool) -> str | None:
    """Read the audit's status under a shared row lock (PostgreSQL ``FOR SHARE``). SQLite
    serializes writers anyway, so a plain read is enough there.

    ``draft``: the transaction saves draft answers; with ``FAIRLINK_ASYNC_ANSWER_COMMIT`` on,
    its commit does not wait for the write-ahead log to reach the disk (PostgreSQL's
    ``synchronous_commit`` off for this transaction only, set in the same round trip). A
    crash of the database server may then lose the last fraction of a second of saved
    answers; it never loses a submission or any other change, nor leaves the data
    inconsistent."""
    if connection.vendor == "postgresql":
        asynchronous = draft and settings.FAIRLINK_ASYNC_ANSWER_COMMIT
        commit = ", set_config('synchronous_commit', 'off', true)" if asynchronous else ""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT status{commit} FROM {Audit._meta.db_table} WHERE id = %s FOR SHARE",
                [audit_id],
            )
            row = cursor.fetchone()
        return row[0] if row else None
    return Audit.objects.filter(pk=audit_id).values_list("status", flat=True).first()


def audit_not_editable(audit: Audit, content: Literal["answers", "evidence"]) -> Conflict:
    """The 409 for a change to the content of an audit that is not being answered."""
    if content == "evidence":
        message = _(
            "Evidence can only change while the audit is being answered (it is %(status)s)."
        ) % {"status": str(audit.get_status_display()).lower()}
    else:
        message = _(
            "Answers can only change while the audit is being answered (it is %(status)s)."
        ) % {"status": str(audit.get_status_display()).lower()}
    return Conflict(message, code="audit_not_editable")


def audit_lock_for_content(
    audit: Audit, *, content: Literal["answers", "evidence"] = "answers"
) -> Audit:
    """Lock ``audit`` for a change to its ``content`` until the transaction ends (call it inside
    one) and refresh ``audit.status``; raise ``Conflict`` (409) when the audit is no longer
    editable."""
    audit.status = _share_lock(audit.pk, draft=content == "answers") or audit.status
    if audit.status not in Audit.EDITABLE_STATES:
        raise audit_not_editable(audit, content)
    return audit
