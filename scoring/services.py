"""Scoring services (contract; the scoring work fills in the bodies).

Called by the audit lifecycle: ``audit_submit`` calls ``score_audit(final=False)``,
``audit_accept`` calls ``score_audit(final=True)`` and then opens corrective actions.
"""

from __future__ import annotations


def score_audit(*, audit, final: bool, actor=None):
    """Score ``audit`` with its rule set and store a ``Score`` row (a new row every time).

    ``final=True`` (on acceptance) also records ``Finding`` rows linked to that score and
    releases the score to the supplier unless the buyer withholds scores. Returns the Score, or
    None when the audit has no rule set. Runs inside the caller's transaction."""
    return None
