"""DESIGN 6.7: inherent risk is the higher level; priority = rank(rating) + rank(inherent)."""

import pytest

from scoring import risk


@pytest.mark.parametrize(
    ("rating", "inherent", "expected"),
    [
        ("critical", "high", "P1"),  # 3 + 2
        ("critical", "medium", "P1"),  # 3 + 1
        ("high", "high", "P1"),  # 2 + 2
        ("critical", "low", "P2"),  # 3 + 0
        ("high", "medium", "P2"),  # 2 + 1
        ("medium", "high", "P2"),  # 1 + 2
        ("high", "low", "P3"),
        ("medium", "medium", "P3"),
        ("low", "high", "P3"),
        ("medium", "low", "P4"),
        ("low", "medium", "P4"),
        ("low", "low", "P4"),
        (None, "high", "P1"),  # not yet assessed ranks 2
        ("not_rated", "medium", "P2"),
        (None, "low", "P3"),
    ],
)
def test_priority_follows_the_published_table(rating, inherent, expected):
    assert risk.priority(rating, inherent) == expected


def test_inherent_risk_is_the_higher_of_country_and_industry():
    assert risk.higher_level("low", "high") == "high"
    assert risk.higher_level("medium", "low") == "medium"
    assert risk.higher_level(None, "medium") == "medium"
    assert risk.higher_level(None, None) is None


def test_unknown_inherent_risk_counts_as_medium():
    assert risk.inherent_rank(None) == 1
    assert risk.priority("high", None) == "P2"


def test_rating_reason_is_the_band_unless_findings_capped_it():
    counts = {"critical": 0, "major": 2, "minor": 1}
    assert risk.rating_reason(band="low", final="low", floor=None, counts=counts) == (
        risk.RatingReason("band", "low")
    )
    capped = risk.rating_reason(band="low", final="medium", floor="medium", counts=counts)
    assert capped == risk.RatingReason("capped", "medium", "major", 2)
    # A floor no worse than the band leaves the band standing.
    assert risk.rating_reason(band="high", final="high", floor="medium", counts=counts).kind == (
        "band"
    )
    unknown = risk.rating_reason(band="low", final="high", floor="high", counts={})
    assert (unknown.kind, unknown.severity) == ("capped", None)
    assert risk.rating_reason(band=None, final="not_rated", floor=None, counts={}).kind == (
        "not_rated"
    )
    # Without a trace the band is taken to stand.
    assert risk.rating_reason(band=None, final="high", floor=None, counts={}).kind == "band"
