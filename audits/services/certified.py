"""Answers the supplier's certificates give (rule-set equivalences), for the answer page and
the submission check: a question a valid certificate answers or waives counts as answered.

Scoring applies the same equivalences itself (``scoring.services``), on the day of scoring or
acceptance; here the day is today.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from django.utils import timezone

from audits.models import Audit
from audits.services.common import answer_values
from rulesets import compiled as inputs
from scoring.engine import (
    AnswerValue,
    HeldCertificate,
    Recognition,
    SpecError,
    apply_equivalences,
)
from suppliers.certificates import held_certificates


def certified_answers(
    audit: Audit,
    answers: Mapping[str, AnswerValue] | None = None,
    *,
    on: datetime.date | None = None,
    certificates: Sequence[HeldCertificate] | None = None,
) -> Recognition:
    """The audit's answers (or ``answers``) completed by what its supplier's certificates give
    under the audit's rule set on day ``on`` (default today); ``sources`` says which question
    came from which certificate (see ``scoring.engine.apply_equivalences``). A rule set that
    does not fit the questionnaire recognises nothing here (scoring reports it).
    ``certificates``: the supplier's, when the caller has read them already (a list page)."""
    own = dict(answer_values(audit) if answers is None else answers)
    if audit.ruleset is None:
        return Recognition(own, {})
    try:
        compiled = inputs.compiled_ruleset(audit.ruleset, audit.questionnaire_version)
    except SpecError:
        return Recognition(own, {})
    if not compiled.spec.equivalences:
        return Recognition(own, {})
    if certificates is None:
        certificates = held_certificates(audit.supplier_id)
    if not certificates:
        return Recognition(own, {})
    return apply_equivalences(
        compiled.spec.equivalences, certificates, own, on or timezone.localdate()
    )


def certified_codes(recognition: Recognition) -> set[str]:
    """The questions a certificate answers or waives now (not those the supplier's own answer
    overrides): their certificate stands for the evidence they require."""
    return {c for c, source in recognition.sources.items() if source["effect"] != "overridden"}
