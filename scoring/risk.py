"""Inherent risk and risk priority (DESIGN section 6, item 7): pure functions, no database.

``inherent`` is the higher of the country and the industry level. The register's priority is
``rank(rating) + rank(inherent)``: P1 if >= 4, P2 if 3, P3 if 2, else P4.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from dataclasses import dataclass

RISK_LEVELS = ("low", "medium", "high")
RATING_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
#: A supplier without an accepted audit ("not yet assessed") ranks like a high rating.
NOT_ASSESSED_RANK = 2
INHERENT_RANK = {"low": 0, "medium": 1, "high": 2}
#: A supplier whose country and industry are both missing from the reference tables. DESIGN
#: does not say; the middle of the scale neither hides nor inflates such a supplier.
UNKNOWN_INHERENT_RANK = 1
#: The inherent risk of a supplier the reference tables cannot place (see ``inherent_level``).
UNKNOWN = "unknown"
PRIORITIES = ("P1", "P2", "P3", "P4")


def higher_level(*levels: str | None) -> str | None:
    """The highest of the given risk levels (``None`` entries ignored); ``None`` if none."""
    known = [level for level in levels if level in INHERENT_RANK]
    if not known:
        return None
    return max(known, key=INHERENT_RANK.__getitem__)


def inherent_level(country: str | None, industry: str | None) -> str:
    """The inherent risk from the country and the industry level (``None``: not in the
    reference tables): the higher of the two, ``UNKNOWN`` when a level is missing and the
    other one does not already settle it (only ``high`` does: nothing is higher)."""
    known = higher_level(country, industry)
    if known == "high" or (country in INHERENT_RANK and industry in INHERENT_RANK):
        return str(known)
    return UNKNOWN


def rating_rank(rating: str | None) -> int:
    """Rank of a rating: low 0, medium 1, high 2, critical 3; not rated / not assessed 2."""
    return RATING_RANK.get(rating or "", NOT_ASSESSED_RANK)


def inherent_rank(level: str | None) -> int:
    """Rank of an inherent risk level: low 0, medium 1, high 2 (unknown: 1)."""
    return INHERENT_RANK.get(level or "", UNKNOWN_INHERENT_RANK)


def priority(rating: str | None, inherent: str | None) -> str:
    """Risk priority P1..P4 of a supplier from its latest rating and its inherent risk."""
    total = rating_rank(rating) + inherent_rank(inherent)
    if total >= 4:
        return "P1"
    if total == 3:
        return "P2"
    if total == 2:
        return "P3"
    return "P4"


@dataclass(frozen=True, slots=True)
class RatingReason:
    """Why a score has its rating: ``kind`` is ``band`` (the band of the overall score stands),
    ``capped`` (findings made it worse: ``count`` findings of the worst ``severity`` present,
    ``None`` when none is known) or ``not_rated``; ``rating`` is the final rating."""

    kind: str
    rating: str
    severity: str | None = None
    count: int = 0


SEVERITY_ORDER = ("critical", "major", "minor", "observation")


def rating_reason(
    *, band: str | None, final: str | None, floor: str | None, counts: Mapping[str, int]
) -> RatingReason:
    """The reason of a final rating from the rating trace (``band``, ``floor``, ``final``) and
    the number of findings per severity of the same score. Without a trace (``band`` and
    ``floor`` unknown) the band is taken to stand."""
    if not final or final not in RATING_RANK:
        return RatingReason("not_rated", final or "not_rated")
    if not floor or not band or final == band:
        return RatingReason("band", final)
    worst = next((s for s in SEVERITY_ORDER if counts.get(s)), None)
    return RatingReason("capped", final, worst, counts.get(worst, 0) if worst else 0)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, on the last day of the month when the month
    is shorter (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_assessment_due(
    accepted_on: datetime.date | None, priority: str, months: Mapping[str, int]
) -> datetime.date | None:
    """When a supplier's next assessment is due: the date its latest audit was accepted plus
    the re-assessment interval of its priority (``months``: P1..P4 -> months); ``None`` when
    it was never assessed. The score expires the day after (``score_expired``)."""
    if accepted_on is None:
        return None
    return add_months(accepted_on, months[priority])


def score_expired(due: datetime.date | None, today: datetime.date) -> bool:
    """A score has expired once its next assessment due date (``next_assessment_due``) has
    passed."""
    return due is not None and due < today
