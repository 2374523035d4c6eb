"""Inherent risk and risk priority (DESIGN section 6, item 7): pure functions, no database.

``inherent`` is the higher of the country and the industry level. The register's priority is
``rank(rating) + rank(inherent)``: P1 if >= 4, P2 if 3, P3 if 2, else P4.
"""

from __future__ import annotations

RISK_LEVELS = ("low", "medium", "high")
RATING_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
#: A supplier without an accepted audit ("not yet assessed") ranks like a high rating.
NOT_ASSESSED_RANK = 2
INHERENT_RANK = {"low": 0, "medium": 1, "high": 2}
#: A supplier whose country and industry are both missing from the reference tables. DESIGN
#: does not say; the middle of the scale neither hides nor inflates such a supplier.
UNKNOWN_INHERENT_RANK = 1
PRIORITIES = ("P1", "P2", "P3", "P4")


def higher_level(*levels: str | None) -> str | None:
    """The highest of the given risk levels (``None`` entries ignored); ``None`` if none."""
    known = [level for level in levels if level in INHERENT_RANK]
    if not known:
        return None
    return max(known, key=INHERENT_RANK.__getitem__)


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
