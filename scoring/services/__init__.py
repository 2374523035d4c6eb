"""Scoring services: rule sets in, scores and findings out, reference risk tables.

Called by the audit lifecycle: ``audit_submit`` calls ``score_audit(final=False)``,
``audit_accept`` calls ``score_audit(final=True)`` and then opens corrective actions.
The arithmetic is the pure engine's (``scoring.engine``); ``scoring.inputs`` turns rows into its
inputs. Every write here runs in ``transaction.atomic`` and logs an ``ActivityEvent``.
"""

from .rescore import RescoreResult, rescore_bulk
from .risk_tables import (
    DATA_DIR,
    DEFAULT_RISK_FILES,
    RISK_COLUMNS,
    parse_risk_csv,
    risk_tables_load_csv,
    risk_tables_load_defaults,
)
from .scores import audit_rescore, score_audit, score_release

__all__ = [
    "DATA_DIR",
    "DEFAULT_RISK_FILES",
    "RISK_COLUMNS",
    "RescoreResult",
    "audit_rescore",
    "parse_risk_csv",
    "rescore_bulk",
    "risk_tables_load_csv",
    "risk_tables_load_defaults",
    "score_audit",
    "score_release",
]
