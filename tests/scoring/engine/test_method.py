"""DESIGN section 6, rule by rule, with hand-computed expectations (arithmetic in comments)."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from scoring.engine import score

from .builders import LEVEL_POINTS, MICRO, NA, SMALL, answers, build, finding, question

LEVEL_RULE = {"weight": 1, "points": LEVEL_POINTS}


# --- Rule 1: question score q = points / max_points --------------------------------------------


def test_single_choice_scores_points_of_chosen_value_over_largest_points():
    rules = build(
        [question("EMP_05", "single_choice", choices=("yes", "partial", "no"))],
        {"EMP_05": {"weight": 2, "points": {"yes": 1, "partial": 0.5, "no": 0}}},
    )

    result = score(rules, answers(EMP_05="partial"), SMALL)

    # q = 0.5 / 1; employee = 100 * (2 * 0.5) / 2 = 50
    assert result.categories["employee"] == Decimal("50.0")
    assert result.overall == Decimal("50.0")
    assert result.trace["questions"]["EMP_05"]["q"] == "0.5"
    assert result.trace["questions"]["EMP_05"]["max_points"] == "1"


def test_max_points_is_the_largest_points_value_not_the_first():
    rules = build(
        [question("MGT_01", "single_choice", "management", choices=("a", "b", "c"))],
        {"MGT_01": {"weight": 1, "points": {"a": 2, "b": 4, "c": 1}}},
    )

    result = score(rules, answers(MGT_01="a"), SMALL)

    # q = 2 / max(2, 4, 1) = 0.5 -> 50.0
    assert result.categories["management"] == Decimal("50.0")


def test_choice_without_points_entry_scores_zero():
    rules = build(
        [question("EMP_01", "single_choice")],
        {"EMP_01": {"weight": 1, "points": {"full": 1, "partial": 0.5}}},
    )

    result = score(rules, answers(EMP_01="none"), SMALL)

    # "none" has no points entry: q = 0 / 1 -> 0.0
    assert result.overall == Decimal("0.0")
    assert result.trace["questions"]["EMP_01"]["points"] == "0"


def test_yes_no_answers_are_the_strings_yes_and_no():
    rules = build(
        [question("EMP_01"), question("EMP_02")],
        {"EMP_01": {"weight": 1, "points": {"yes": 1, "no": 0}},
         "EMP_02": {"weight": 3, "points": {"yes": 1, "no": 0}}},
    )  # fmt: skip

    result = score(rules, answers(EMP_01="yes", EMP_02="no"), SMALL)

    # 100 * (1 * 1 + 3 * 0) / (1 + 3) = 25
    assert result.overall == Decimal("25.0")


def test_multi_choice_sums_chosen_points_capped_and_max_is_min_of_cap_and_total():
    rules = build(
        [question("MKT_02", "multi_choice", "market")],
        {"MKT_02": {"weight": 1, "points": {"a": 0.5, "b": 0.5, "c": 1}, "cap": 1}},
    )

    # max_points = min(cap 1, 0.5 + 0.5 + 1 = 2) = 1
    only_a = score(rules, answers(MKT_02=["a"]), SMALL)  # 0.5 / 1
    a_and_c = score(rules, answers(MKT_02=["c", "a"]), SMALL)  # min(1.5, 1) / 1
    nothing = score(rules, answers(MKT_02=[]), SMALL)  # answered, nothing chosen: 0 / 1

    assert only_a.categories["market"] == Decimal("50.0")
    assert a_and_c.categories["market"] == Decimal("100.0")
    assert a_and_c.trace["questions"]["MKT_02"]["points"] == "1"
    assert nothing.categories["market"] == Decimal("0.0")
    assert nothing.trace["questions"]["MKT_02"]["unanswered"] is False


def test_multi_choice_without_cap_has_max_of_all_points():
    rules = build(
        [question("MKT_02", "multi_choice", "market")],
        {"MKT_02": {"weight": 1, "points": {"a": 0.5, "b": 0.5, "c": 1}}},
    )

    result = score(rules, answers(MKT_02=["a", "c", "a"]), SMALL)

    # chosen {a, c} (a twice counts once): 0.5 + 1 = 1.5; max = 2; q = 0.75 -> 75.0
    assert result.overall == Decimal("75.0")


def test_number_takes_first_band_whose_max_the_answer_does_not_exceed():
    rules = build(
        [question("ENV_03", "number", "environment")],
        {"ENV_03": {"weight": 1,
                    "bands": [{"max": 0, "points": 1}, {"max": 3, "points": 0.5}, {"points": 0}]}},
    )  # fmt: skip

    def env(value: object) -> Decimal | None:
        return score(rules, answers(ENV_03=value), SMALL).categories["environment"]

    assert env(-1) == Decimal("100.0")  # -1 <= 0: 1 / 1
    assert env(0) == Decimal("100.0")  # 0 <= 0 (not exceeded)
    assert env(2.5) == Decimal("50.0")  # 2.5 <= 3: 0.5 / 1
    assert env(3) == Decimal("50.0")  # 3 <= 3
    assert env(Decimal("3.0001")) == Decimal("0.0")  # exceeds 3: the last band takes the rest
    assert env("40") == Decimal("0.0")  # numbers stored as JSON strings still compare


def test_number_max_points_is_the_largest_band_points():
    rules = build(
        [question("ENV_03", "number", "environment")],
        {"ENV_03": {"weight": 1, "bands": [{"max": 10, "points": 1}, {"points": 4}]}},
    )

    result = score(rules, answers(ENV_03=5), SMALL)

    # 5 <= 10: 1 point; max_points = max(1, 4) = 4; q = 0.25 -> 25.0
    assert result.overall == Decimal("25.0")
    assert result.trace["questions"]["ENV_03"]["q"] == "0.25"


def test_hidden_and_na_scored_questions_are_excluded_unanswered_visible_score_zero():
    rules = build(
        [
            question("EMP_01"),
            question("EMP_02", visible_if='supplier.size_class != "micro"'),
            question("EMP_03", allow_na=True),
            question("EMP_04"),
        ],
        {code: {"weight": 1, "points": {"yes": 1, "no": 0}}
         for code in ("EMP_01", "EMP_02", "EMP_03", "EMP_04")},
    )  # fmt: skip
    given = answers(EMP_01="yes", EMP_02="no", EMP_03=NA)  # EMP_04 left unanswered

    micro = score(rules, given, MICRO)
    small = score(rules, given, SMALL)

    # micro: EMP_02 hidden, EMP_03 N/A -> 100 * (1 + 0) / 2 = 50
    assert micro.overall == Decimal("50.0")
    assert micro.trace["questions"]["EMP_02"]["excluded"] == "hidden"
    assert micro.trace["questions"]["EMP_03"]["excluded"] == "not_applicable"
    assert micro.trace["questions"]["EMP_04"]["unanswered"] is True
    # small: EMP_02 visible -> 100 * (1 + 0 + 0) / 3 = 33.33
    assert small.overall == Decimal("33.3")


# --- Rule 2: category score ---------------------------------------------------------------------


def test_category_score_is_weighted_mean_and_empty_category_is_null():
    rules = build(
        [
            question("EMP_01", "single_choice"),
            question("EMP_02", "single_choice"),
            question("EMP_03", "single_choice"),
            question("COM_01", "yes_no", "community", visible_if="EMP_01 == \"none\""),
        ],
        {"EMP_01": {"weight": 2, "points": LEVEL_POINTS},
         "EMP_02": {"weight": 1, "points": LEVEL_POINTS},
         "EMP_03": {"weight": 3, "points": LEVEL_POINTS},
         "COM_01": {"weight": 1, "points": {"yes": 1}}},
    )  # fmt: skip

    result = score(rules, answers(EMP_01="full", EMP_02="partial", EMP_03="none"), SMALL)

    # 100 * (2 * 1 + 1 * 0.5 + 3 * 0) / (2 + 1 + 3) = 250 / 6 = 41.666.. -> 41.7
    assert result.categories["employee"] == Decimal("41.7")
    # community: its only question is hidden; management etc.: no question at all
    assert result.categories["community"] is None
    assert result.categories["management"] is None
    assert set(result.categories) == {"management", "employee", "environment", "market",
                                      "community"}  # fmt: skip
    assert result.trace["categories"]["employee"] == {
        "weighted_sum": "2.5", "weight_sum": "6",
        "score": "41.66666666666666666666666666666666666667"}  # fmt: skip


# --- Rule 3: overall score, rounding at the end -----------------------------------------------


def test_overall_is_weighted_mean_of_non_null_categories():
    rules = build(
        [question("EMP_01", "single_choice"), question("ENV_01", "single_choice", "environment")],
        {"EMP_01": {"weight": 1, "points": {"full": 3, "partial": 2, "planned": 1}},
         "ENV_01": LEVEL_RULE},
    )  # fmt: skip

    result = score(rules, answers(EMP_01="planned", ENV_01="partial"), SMALL)

    # employee = 100 * 1/3 = 33.33..; environment = 50
    # overall = (30 * 33.33.. + 25 * 50) / (30 + 25) = (1000 + 1250) / 55 = 40.909.. -> 40.9
    assert result.overall == Decimal("40.9")
    assert result.trace["overall"]["weight_sum"] == "55"
    assert result.trace["overall"]["weighted_sum"] == "2250"


def test_overall_uses_unrounded_categories():
    rules = build(
        [question("EMP_01", "single_choice"), question("ENV_01", "single_choice", "environment")],
        {"EMP_01": {"weight": 1, "points": {"full": 3, "partial": 2, "planned": 1}},
         "ENV_01": LEVEL_RULE},
        categories={"employee": 1, "environment": 1},
    )  # fmt: skip

    result = score(rules, answers(EMP_01="partial", ENV_01="partial"), SMALL)

    # employee = 100 * 2/3 = 66.66.. (shown 66.7); environment = 50.0
    # from unrounded: (66.66.. + 50) / 2 = 58.33.. -> 58.3
    # rounding categories first would give (66.7 + 50) / 2 = 58.35 -> 58.4
    assert result.categories["employee"] == Decimal("66.7")
    assert result.overall == Decimal("58.3")


def test_half_up_rounding_where_float_round_goes_down():
    rules = build(
        [
            question("MGT_01", "single_choice", "management"),
            question("EMP_01", "single_choice"),
            question("ENV_01", "single_choice", "environment"),
            question("ENV_02", "single_choice", "environment"),
        ],
        {"MGT_01": LEVEL_RULE, "EMP_01": LEVEL_RULE, "ENV_01": LEVEL_RULE, "ENV_02": LEVEL_RULE},
    )

    result = score(
        rules, answers(MGT_01="planned", EMP_01="partial", ENV_01="planned", ENV_02="none"), SMALL
    )

    # management 25, employee 50, environment 100 * (0.25 + 0) / 2 = 12.5 (shown 12.5)
    # overall = (15 * 25 + 30 * 50 + 25 * 12.5) / 70 = 2187.5 / 70 = 31.25 exactly -> 31.3
    # (float: round(2187.5 / 70, 1) == 31.2)
    assert round(2187.5 / 70, 1) == 31.2
    assert result.overall == Decimal("31.3")
    assert result.trace["overall"]["unrounded"] == "31.25"


def test_half_up_rounding_of_a_category():
    rules = build(
        [
            question("ENV_01", "single_choice", "environment"),
            question("ENV_02", category="environment"),
        ],
        {"ENV_01": LEVEL_RULE, "ENV_02": {"weight": 7, "points": {"yes": 1, "no": 0}}},
    )

    result = score(rules, answers(ENV_01="partial", ENV_02="no"), SMALL)

    # 100 * (1 * 0.5 + 7 * 0) / 8 = 6.25 exactly -> 6.3 (round(6.25, 1) == 6.2 in float)
    assert result.categories["environment"] == Decimal("6.3")
    assert result.overall == Decimal("6.3")


def test_all_categories_null_gives_no_overall_and_not_rated():
    rules = build(
        [question("EMP_01", allow_na=True)],
        {"EMP_01": {"weight": 1, "points": {"yes": 1}}},
        findings=[finding("F_1", "EMP_01 == null", severity="critical")],
    )

    result = score(rules, answers(EMP_01=NA), SMALL)

    assert result.overall is None
    assert result.rating == "not_rated"
    assert result.trace["overall"]["unrounded"] is None
    assert [f.code for f in result.findings] == ["F_1"]


# --- Rule 4: rating and severity floor ----------------------------------------------------------


def _rating_rules(findings: list | None = None):
    return build(
        [question("EMP_01", "number"), question("EMP_02"), question("EMP_03")],
        {"EMP_01": {"weight": 1, "bands": [{"max": 0, "points": 0}, {"max": 1, "points": 1},
                                           {"max": 2, "points": 2}, {"points": 2000}]}},
        findings=findings,
    )  # fmt: skip


def test_rating_uses_the_rounded_score():
    rules = build(
        [question("EMP_01", "single_choice", choices=("a", "b"))],
        {"EMP_01": {"weight": 1, "points": {"a": 1599, "b": 2000}}},
    )

    result = score(rules, answers(EMP_01="a"), SMALL)

    # 100 * 1599 / 2000 = 79.95 -> 80.0, and 80.0 >= 80 -> low (79.95 alone would be medium)
    assert result.overall == Decimal("80.0")
    assert result.rating == "low"
    assert result.trace["rating"] == {"band": "low", "floor": None, "final": "low"}


def test_rating_bands():
    rules = _rating_rules()

    def rating(value: int) -> tuple[Decimal | None, str]:
        result = score(rules, answers(EMP_01=value), SMALL)
        return result.overall, result.rating

    assert rating(3) == (Decimal("100.0"), "low")  # 2000 / 2000
    assert rating(2) == (Decimal("0.1"), "critical")  # 2 / 2000 = 0.1 %
    assert rating(0) == (Decimal("0.0"), "critical")


def test_severity_floor_caps_the_rating_at_the_worst_findings_floor():
    rules = _rating_rules(
        [
            finding("F_MAJOR", 'EMP_02 == "no"', severity="major"),
            finding("F_CRIT", 'EMP_03 == "no"', severity="critical"),
            finding("F_MINOR", 'EMP_02 == "no"', severity="minor"),
        ]
    )

    major = score(rules, answers(EMP_01=3, EMP_02="no"), SMALL)
    both = score(rules, answers(EMP_01=3, EMP_02="no", EMP_03="no"), SMALL)
    clean = score(rules, answers(EMP_01=3), SMALL)
    worse_than_floor = score(rules, answers(EMP_01=0, EMP_02="no"), SMALL)

    # score 100.0 is "low"; a major finding floors it at medium, a critical one at high
    assert (major.rating, major.trace["rating"]["floor"]) == ("medium", "medium")
    assert (both.rating, both.trace["rating"]["floor"]) == ("high", "high")
    assert clean.rating == "low"
    # the floor never improves a rating: 0.0 stays critical
    assert worse_than_floor.rating == "critical"


# --- Rule 5: findings ---------------------------------------------------------------------------


def test_findings_fire_with_due_dates_from_sla_or_due_days_and_observations_have_none():
    rules = build(
        [question("EMP_05", "single_choice", choices=("yes", "partial", "no")),
         question("ENV_03", "number", "environment")],
        {"EMP_05": {"weight": 2, "points": {"yes": 1, "partial": 0.5, "no": 0}}},
        findings=[
            finding("F_CHILD", 'EMP_05 == "no"', severity="critical"),
            finding("F_FAST", 'EMP_05 == "no"', severity="major", due_days=14),
            finding("F_OBS", "ENV_03 > 3", severity="observation", category="environment"),
            finding("F_NOT", 'EMP_05 == "yes"', severity="minor"),
        ],
    )  # fmt: skip

    result = score(
        rules, answers(EMP_05="no", ENV_03=4.5), SMALL, accepted_on=datetime.date(2024, 1, 31)
    )

    by_code = {f.code: f for f in result.findings}
    assert list(by_code) == ["F_CHILD", "F_FAST", "F_OBS"]
    assert by_code["F_CHILD"].due_days == 30  # sla_days[critical]
    assert by_code["F_CHILD"].due_date == datetime.date(2024, 3, 1)  # 2024-01-31 + 30 days
    assert by_code["F_FAST"].due_days == 14
    assert by_code["F_FAST"].due_date == datetime.date(2024, 2, 14)
    assert (by_code["F_OBS"].due_days, by_code["F_OBS"].due_date) == (None, None)
    assert dict(by_code["F_OBS"].values) == {"ENV_03": 4.5}
    assert by_code["F_CHILD"].title["en"] == "F_CHILD"
    assert by_code["F_CHILD"].severity == "critical"
    assert by_code["F_CHILD"].category == "employee"


def test_findings_without_acceptance_date_have_no_due_date():
    rules = build(
        [question("EMP_05")], {}, findings=[finding("F_1", 'EMP_05 == "no"', severity="minor")]
    )

    result = score(rules, answers(EMP_05="no"), SMALL)

    assert (result.findings[0].due_days, result.findings[0].due_date) == (180, None)


def test_findings_see_hidden_na_and_unanswered_questions_as_null():
    rules = build(
        [question("EMP_04"), question("EMP_05", visible_if='EMP_04 == "yes"'),
         question("EMP_06", "number")],
        {},
        findings=[
            finding("F_EQ", 'EMP_05 == "no"'),
            finding("F_NULL", "EMP_05 == null"),
            finding("F_ERR", "EMP_06 > 3"),  # null > 3 is an error: does not fire
            finding("F_SUPPLIER", 'supplier.country == "CN" && EMP_06 == null'),
        ],
    )  # fmt: skip

    result = score(rules, answers(EMP_04="no", EMP_05="no"), SMALL)

    assert [f.code for f in result.findings] == ["F_NULL", "F_SUPPLIER"]
    assert dict(result.findings[0].values) == {"EMP_05": None}
    assert dict(result.findings[1].values) == {
        "EMP_06": None,
        "supplier": {"size_class": "small", "country": "CN", "industry": "C13"},
    }


# --- Rule 6: trace ------------------------------------------------------------------------------


def test_trace_explains_every_scored_question_category_and_finding_and_is_json():
    rules = build(
        [question("EMP_04"), question("EMP_05", "single_choice", visible_if='EMP_04 == "yes"'),
         question("ENV_03", "number", "environment"), question("MKT_01", "text", "market")],
        {"EMP_04": {"weight": 1, "points": {"yes": 1, "no": 0}},
         "EMP_05": {"weight": 2, "points": LEVEL_POINTS},
         "ENV_03": {"weight": 1.5, "bands": [{"max": 3, "points": 1}, {"points": 0}]}},
        findings=[finding("F_ENV", "ENV_03 > 3", category="environment")],
    )  # fmt: skip

    result = score(rules, answers(EMP_04="no", EMP_05="full", ENV_03=7), SMALL)

    trace = json.loads(json.dumps(result.trace))  # JSON as stored
    assert trace["questions"] == {
        "EMP_04": {"answer": "no", "points": "0", "max_points": "1", "q": "0", "weight": "1",
                   "category": "employee", "excluded": None, "unanswered": False},
        "EMP_05": {"answer": "full", "points": None, "max_points": "1", "q": None, "weight": "2",
                   "category": "employee", "excluded": "hidden", "unanswered": False},
        "ENV_03": {"answer": 7, "points": "0", "max_points": "1", "q": "0", "weight": "1.5",
                   "category": "environment", "excluded": None, "unanswered": False},
    }  # fmt: skip
    assert trace["categories"]["employee"] == {
        "weighted_sum": "0", "weight_sum": "1", "score": "0"}  # fmt: skip
    assert trace["categories"]["market"] == {"weighted_sum": "0", "weight_sum": "0", "score": None}
    assert trace["overall"] == {"weighted_sum": "0", "weight_sum": "55", "unrounded": "0",
                                "score": "0.0"}  # fmt: skip
    assert trace["rating"] == {"band": "critical", "floor": "medium", "final": "critical"}
    assert trace["findings"] == [
        {"code": "F_ENV", "severity": "major", "when": "ENV_03 > 3", "values": {"ENV_03": 7}}
    ]
