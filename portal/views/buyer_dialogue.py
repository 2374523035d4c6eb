"""The review dialogue on the buyer's review page: the comment box per question of the return
form, the comments at their questions with a resolve button, and the panel of what changed
since the submission the reviewer returned."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.http import QueryDict

from audits.models import Audit
from audits.selectors.dialogue import (
    audit_changes,
    comments_by_question,
    question_comments_for,
)
from audits.services.transitions import REVIEW
from portal.http import PortalRequest

from ._helpers import answer_text

# The name of a question's comment box in the return form: ``qc-<question code>``.
FIELD_PREFIX = "qc-"


def posted_question_comments(post: QueryDict) -> list[dict[str, str]]:
    """The comment boxes of the return form that were filled, as the service takes them."""
    filled = []
    for key in post:
        text = post.get(key, "")
        if key.startswith(FIELD_PREFIX) and isinstance(text, str) and text.strip():
            filled.append({"question": key[len(FIELD_PREFIX) :], "text": text})
    return filled


def _readable(q: dict, state: dict) -> str:
    answer = SimpleNamespace(value=state.get("value"), not_applicable=state.get("not_applicable"))
    return answer_text(q, answer) if q else str(state.get("value") or "")


def _changes_panel(audit: Audit, questions: dict[str, dict]) -> dict | None:
    changes = audit_changes(audit, list(questions))
    if changes is None:
        return None
    rows = []
    for change in changes["questions"]:
        q = questions.get(change["question"], {})
        rows.append(
            {
                **change,
                "text": q.get("text", ""),
                "before_text": _readable(q, change["before"]),
                "after_text": _readable(q, change["after"]),
            }
        )
    return {"since": changes["since"], "rows": rows}


def dialogue_context(
    request: PortalRequest, audit: Audit, sections: list[dict], *, returned: bool
) -> dict[str, Any]:
    """Adds to each question of ``sections`` (those asked of the supplier, each of which takes
    a comment) its comments (``q["comments"]``); returns what the page shows besides: the
    changes panel, the open comments count, who may resolve. ``returned``: whether the audit
    was ever returned (its events say so); before that there are no comments and no earlier
    submission to compare with, and nothing is read for them."""
    comments = list(question_comments_for(audit)) if returned else []
    grouped = comments_by_question(comments)
    questions = {}
    for section in sections:
        for q in section["questions"]:
            q["comments"] = grouped.get(q["code"], [])
        for q in [*section["questions"], *section.get("not_asked", [])]:
            questions[q["code"]] = q
    return {
        "changes": _changes_panel(audit, questions) if returned else None,
        "open_comments": sum(1 for c in comments if c.resolved_at is None),
        "can_resolve": request.user.has_perm(REVIEW, audit),
        "comment_prefix": FIELD_PREFIX,
    }
