"""Risk register reads (DESIGN section 7): the three DataFrames and the method mapping that
``register.tables.build_tables`` turns into the export, for one buyer.

The number of queries is fixed, whatever the size of the supply network: one values() query
per table or aggregate, correlated subqueries for "latest" and "previous", and pandas merges.
Nothing here loops over suppliers with a query.

Definitions used by the register (also in docs/risk-register.md):

* a supplier of the buyer = an *active* ``SupplierRelationship``;
* the latest accepted audit = the buyer's accepted audit of that supplier with a final score,
  newest ``accepted_at`` first (ties: higher id); its newest final score gives overall,
  category scores, rating and questionnaire;
* change since the previous audit = overall of the latest minus overall of the accepted audit
  before it (null when either is unscored or there is none);
* an open finding = a finding whose corrective action is neither verified nor cancelled, or an
  observation (no action) of the latest accepted audit;
* an overdue action = open and due before today (the buyer's local date); ``overdue_critical``
  flags a supplier with at least one overdue critical action;
* the Findings and Corrective actions sheets list the latest accepted audit's findings and
  actions, plus any older one still open;
* the inherent risk is ``unknown`` when the reference tables cannot settle it
  (``scoring.risk.inherent_level``), counted as medium in the priority, which a note says;
* the next assessment is due the re-assessment interval of the priority after the latest
  acceptance (the buyer's ``ReassessmentPolicy`` or its defaults); the score has expired once
  that day has passed;
* the audit in progress is the buyer's sent, in-progress, submitted or returned audit of the
  supplier that is due first;
* the History sheet has one row per accepted (and scored) audit and category.
"""

from .details import CLOSED_ACTION_STATES, register_actions, register_findings
from .frames import RegisterData, register_data, register_method, register_rows
from .method import method_for
from .scope import (
    CRITICALITIES,
    EXPORT_PERM,
    ONLY_BUYER_STAFF,
    direct_limit,
    register_buyer_for,
    register_filters_clean,
    register_relationships,
)

__all__ = [
    "CLOSED_ACTION_STATES",
    "CRITICALITIES",
    "EXPORT_PERM",
    "ONLY_BUYER_STAFF",
    "RegisterData",
    "direct_limit",
    "method_for",
    "register_actions",
    "register_buyer_for",
    "register_data",
    "register_filters_clean",
    "register_findings",
    "register_method",
    "register_relationships",
    "register_rows",
]
