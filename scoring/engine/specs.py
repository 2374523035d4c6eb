"""Plain, immutable inputs of the scoring engine (DESIGN sections 5 and 6).

Everything here is data: frozen dataclasses, tuples and read-only mappings
(``types.MappingProxyType``), so a compiled questionnaire or rule set can be shared between
threads and cached for the life of a process. Numbers in rule sets are ``Decimal`` (converted once,
at parse time) so that scores are exact.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

QUESTION_TYPES = frozenset({"yes_no", "single_choice", "multi_choice", "number", "text", "date"})
CHOICE_TYPES = frozenset({"yes_no", "single_choice", "multi_choice"})
EVIDENCE_LEVELS = frozenset({"none", "optional", "required"})
YES_NO_VALUES = ("yes", "no")

# Severity order, least severe first; "observation" opens no corrective action (DESIGN 6.5).
SEVERITIES = ("observation", "minor", "major", "critical")
# Rating order, best first (DESIGN 6.4: low < medium < high < critical).
RATINGS = ("low", "medium", "high", "critical")
NOT_RATED = "not_rated"

# Certificate kinds a rule set's equivalences may name, and the levels of the kinds that have
# one, best first (an equivalence's ``min_level`` accepts that level and every better one).
CERTIFICATE_KINDS = (
    "iso9001",
    "iso14001",
    "iso45001",
    "sa8000",
    "rba_vap",
    "amfori_bsci",
    "smeta",
    "other",
)
CERTIFICATE_LEVELS: Mapping[str, tuple[str, ...]] = {
    "rba_vap": ("platinum", "gold", "silver"),
    "amfori_bsci": ("A", "B", "C", "D", "E"),
}

#: The name under which the supplier profile is visible to expressions.
SUPPLIER_NAME = "supplier"


@dataclass(frozen=True, slots=True)
class SupplierProfile:
    """The facts about the supplier that expressions may read as ``supplier.*``."""

    size_class: str
    country: str
    industry: str


@dataclass(frozen=True, slots=True)
class QuestionSpec:
    """One question of a questionnaire version, as far as the engine cares.

    ``choices`` holds the choice *values* (not labels). For ``yes_no`` it may be empty: the values
    are always ``"yes"`` and ``"no"``. ``visible_if`` is a CEL expression, empty for "always".
    """

    code: str
    type: str
    category: str
    choices: tuple[str, ...] = ()
    visible_if: str = ""
    required: bool = False
    allow_na: bool = False
    evidence: str = "none"

    @property
    def choice_values(self) -> tuple[str, ...]:
        """The values an answer may take; ``("yes", "no")`` for yes_no questions."""
        if self.type == "yes_no":
            return YES_NO_VALUES
        return self.choices


@dataclass(frozen=True, slots=True)
class QuestionnaireSpec:
    """A questionnaire version: its code, version number and questions in display order."""

    code: str
    version: int
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True, slots=True)
class AnswerValue:
    """A stored answer.

    ``value`` is ``"yes"``/``"no"`` for yes_no, a choice value for single_choice, a list or tuple
    of choice values for multi_choice, an int / float / Decimal (or numeric string) for number,
    a str for text and an ISO ``YYYY-MM-DD`` str for date. ``None`` (or ``""``) means unanswered;
    an empty list is a multi_choice answer with nothing chosen. ``not_applicable`` wins over
    ``value``.
    """

    value: object = None
    not_applicable: bool = False


@dataclass(frozen=True, slots=True)
class Band:
    """A band of a number question: ``points`` when the answer does not exceed ``max``.

    ``max`` is ``None`` only for the last band, which takes every larger answer.
    """

    points: Decimal
    max: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ScoreRule:
    """How one question scores: ``points`` per choice value (choice questions), or ``bands``
    (number questions); ``cap`` limits the sum of a multi_choice answer."""

    question: str
    weight: Decimal
    points: Mapping[str, Decimal] | None = None
    bands: tuple[Band, ...] | None = None
    cap: Decimal | None = None


@dataclass(frozen=True, slots=True)
class FindingRule:
    """A finding raised when the CEL expression ``when`` is true.

    ``due_days`` overrides ``RuleSetSpec.sla_days[severity]``; observations have no due date.
    """

    code: str
    when: str
    severity: str
    category: str
    title: Mapping[str, str]
    guidance: Mapping[str, str]
    due_days: int | None = None


@dataclass(frozen=True, slots=True)
class Equivalence:
    """Mutual recognition: a valid certificate of kind ``certificate`` (of ``min_level`` or
    better, and verified by the buyer when ``requires_verified``) gives ``answers`` (question
    code -> value) and waives the questions in ``waives`` (they count as not applicable)."""

    certificate: str
    answers: Mapping[str, object]
    waives: tuple[str, ...] = ()
    min_level: str | None = None
    requires_verified: bool = False


@dataclass(frozen=True, slots=True)
class HeldCertificate:
    """A certificate the supplier holds, as far as scoring cares. ``valid_to`` is the last day
    it is valid; ``level`` is empty for kinds without levels."""

    id: int
    kind: str
    valid_from: datetime.date
    valid_to: datetime.date
    number: str = ""
    level: str = ""
    verified: bool = False

    def valid_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day <= self.valid_to


@dataclass(frozen=True, slots=True)
class RuleSetSpec:
    """A validated rule set (DESIGN section 6); build it with ``rules.parse_ruleset``.

    ``rating_bands`` is ``((min, rating), ...)`` with strictly decreasing ``min`` ending at 0;
    ``severity_floor`` maps a finding severity to the best rating an audit with such a finding
    may get.
    """

    code: str
    version: int
    questionnaire: str
    categories: Mapping[str, Decimal]
    scores: tuple[ScoreRule, ...]
    findings: tuple[FindingRule, ...]
    sla_days: Mapping[str, int]
    rating_bands: tuple[tuple[Decimal, str], ...]
    severity_floor: Mapping[str, str]
    equivalences: tuple[Equivalence, ...] = ()
