"""The score panel of the buyer's review page: the preliminary or final score, its categories,
the findings, and how it was computed (the trace, in the reader's words)."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied

from accounts.languages import pick
from audits.models import Audit
from backend.errors import Conflict
from portal.http import PortalRequest
from scoring import risk
from scoring.explain import rating_reason_text
from scoring.models import Severity
from scoring.selectors import score_get_for

from ._helpers import answer_text
from .buyer import category_label, rating_label


def _trace_questions(trace: dict, questions: dict[str, dict]) -> tuple[list[dict], list[dict]]:
    """The trace's questions as a reader needs them: those asked of this supplier (answers as
    their labels) and, apart, those its profile hid (never "not answered")."""
    asked, hidden = [], []
    for code, entry in (trace.get("questions") or {}).items():
        q = questions.get(code, {})
        row = {"code": code, "text": q.get("text", ""), **entry}
        if entry.get("excluded") == "hidden":
            hidden.append(row)
            continue
        answer = SimpleNamespace(
            value=entry.get("answer"), not_applicable=entry.get("excluded") == "not_applicable"
        )
        row["answer_text"] = answer_text(q, answer) if q else str(entry.get("answer") or "")
        asked.append(row)
    return asked, hidden


def rating_reason(trace: dict) -> str:
    """A sentence when findings capped the rating below its score band ("Capped at High risk:
    2 critical findings"); empty when the band stands."""
    rating = trace.get("rating") or {}
    counts: dict[str, int] = defaultdict(int)
    for finding in trace.get("findings") or []:
        counts[finding.get("severity")] += 1
    reason = risk.rating_reason(
        band=rating.get("band"), final=rating.get("final"), floor=rating.get("floor"), counts=counts
    )
    return rating_reason_text(reason) if reason.kind == "capped" else ""


def score_panel(
    request: PortalRequest, audit: Audit, lang: str, questions: dict[str, dict]
) -> dict | None:
    try:
        _audit, score = score_get_for(request.user, audit.pk)
    except (Conflict, PermissionDenied):
        return None  # not scored yet; or shared with this buyer and its score not released
    trace = score.trace or {}
    severities = dict(Severity.choices)
    asked, hidden = _trace_questions(trace, questions)
    return {
        "score": score,
        "rating_text": rating_label(score.rating),
        "categories": [
            {"name": name, "label": category_label(name), "value": value}
            for name, value in (score.categories or {}).items()
        ],
        "findings": [
            {
                "code": f.get("code"),
                "severity": f.get("severity"),
                "severity_text": severities.get(f.get("severity"), f.get("severity")),
                "category": category_label(f.get("category") or ""),
                "title": pick(f.get("title"), lang),
                "guidance": pick(f.get("guidance"), lang),
                "due_date": f.get("due_date"),
            }
            for f in score.findings or []
        ],
        "trace_questions": asked,
        "trace_hidden": hidden,
        "rating_reason": rating_reason(trace),
        "trace_categories": [
            {"label": category_label(name), **entry}
            for name, entry in (trace.get("categories") or {}).items()
        ],
        "trace_overall": trace.get("overall") or {},
        "trace_rating": trace.get("rating") or {},
        "trace_findings": trace.get("findings") or [],
    }
