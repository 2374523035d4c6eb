"""Properties of the scorer over random answers (hypothesis)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.engine import AnswerValue, SupplierProfile, score

from .builders import LEVEL_POINTS, LEVELS, build, finding, question

QUESTIONS = [
    question("M1", category="management"),
    question("M2", "single_choice", "management", visible_if='M1 == "yes"'),
    question("E1", "single_choice", choices=("full", "partial", "planned", "none")),
    question("E2", "number", allow_na=True),
    question("E3", visible_if='supplier.size_class != "micro"'),
    question("V1", "multi_choice", "environment"),
    question("V2", category="environment", visible_if='V1 != null && "c" in V1'),
    question("K1", "single_choice", "market", allow_na=True),
    question("C1", "number", "community", visible_if="E2 != null && E2 > 3"),
    question("T1", "text", "community"),
]
RULES = build(
    QUESTIONS,
    {
        "M1": {"weight": 1, "points": {"yes": 1, "no": 0}},
        "M2": {"weight": 2, "points": LEVEL_POINTS},
        "E1": {"weight": 3, "points": {"full": 3, "partial": 2, "planned": 1}},
        "E2": {"weight": 1.5, "bands": [{"max": 0, "points": 1}, {"max": 10, "points": 0.4},
                                        {"points": 0}]},
        "E3": {"weight": 1, "points": {"yes": 1, "no": 0}},
        "V1": {"weight": 2, "points": {"a": 0.5, "b": 0.5, "c": 1}, "cap": 1.5},
        "V2": {"weight": 1, "points": {"yes": 1, "no": 0}},
        "K1": {"weight": 7, "points": LEVEL_POINTS},
        "C1": {"weight": 1, "bands": [{"max": 5, "points": 2}, {"max": 7, "points": 1},
                                      {"points": 0}]},
    },
    findings=[
        finding("F_E1", 'E1 == "none"', severity="critical"),
        finding("F_E2", "E2 > 12", severity="minor"),
        finding("F_V", '"none" in V1', severity="observation", category="environment"),
    ],
    categories={"management": 15, "employee": 30, "environment": 25.5, "market": 20,
                "community": 9.5},
)  # fmt: skip
BY_CODE = {q.code: q for q in QUESTIONS}
# Questions no condition reads: changing their answers cannot change what is visible.
INDEPENDENT_CHOICES = ["M2", "E1", "K1"]


def _value(code: str) -> st.SearchStrategy:
    q = BY_CODE[code]
    if q.type == "yes_no":
        return st.sampled_from(["yes", "no"])
    if q.type == "single_choice":
        return st.sampled_from(q.choices)
    if q.type == "multi_choice":
        return st.lists(st.sampled_from(q.choices), max_size=4)
    if q.type == "number":
        return st.one_of(
            st.integers(-5, 20),
            st.decimals(-5, 20, places=2, allow_nan=False, allow_infinity=False),
        )
    return st.text(max_size=5)


def _answer(code: str) -> st.SearchStrategy:
    options = [st.builds(AnswerValue, _value(code)), st.just(AnswerValue(None))]
    if BY_CODE[code].allow_na:
        options.append(st.just(AnswerValue(None, not_applicable=True)))
    return st.one_of(*options)


answer_sets = st.fixed_dictionaries({}, optional={q.code: _answer(q.code) for q in QUESTIONS})
suppliers = st.builds(
    SupplierProfile,
    st.sampled_from(["micro", "small", "medium", "large"]),
    st.sampled_from(["CN", "VN"]),
    st.just("C13"),
)


def _half_up(value: Fraction) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 60
        return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def reference_overall(answers: dict, supplier: SupplierProfile) -> Decimal | None:
    """DESIGN 6.1-6.3 straight from the rule set spec, with Fractions."""
    visible = RULES.questionnaire.visible_codes(answers, supplier)
    spec = RULES.spec
    sums: dict[str, list[Fraction]] = {}
    for rule in spec.scores:
        q = BY_CODE[rule.question]
        answer = answers.get(q.code)
        if q.code not in visible or (answer is not None and answer.not_applicable):
            continue
        value = None if answer is None else answer.value
        if q.type == "number":
            maximum = max(Fraction(b.points) for b in rule.bands)
            got = Fraction(0)
            if value is not None:
                got = next(
                    Fraction(b.points) for b in rule.bands if b.max is None or value <= b.max
                )
        elif q.type == "multi_choice":
            total = sum(Fraction(p) for p in rule.points.values())
            maximum = min(total, Fraction(rule.cap)) if rule.cap is not None else total
            got = sum((Fraction(rule.points.get(v, 0)) for v in set(value or ())), Fraction(0))
            got = min(got, Fraction(rule.cap)) if rule.cap is not None else got
        else:
            maximum = max(Fraction(p) for p in rule.points.values())
            got = Fraction(rule.points.get(value, 0)) if value is not None else Fraction(0)
        acc = sums.setdefault(q.category, [Fraction(0), Fraction(0)])
        acc[0] += Fraction(rule.weight) * got / maximum
        acc[1] += Fraction(rule.weight)
    if not sums:
        return None
    total = sum(Fraction(spec.categories[c]) * 100 * ws / w for c, (ws, w) in sums.items())
    return _half_up(total / sum(Fraction(spec.categories[c]) for c in sums))


@settings(max_examples=300, deadline=None)
@given(answer_sets, suppliers)
def test_overall_is_exact_bounded_and_deterministic(answers, supplier):
    result = score(RULES, answers, supplier)

    assert result.overall == reference_overall(answers, supplier)
    assert result.overall is None or Decimal(0) <= result.overall <= Decimal(100)
    assert all(c is None or Decimal(0) <= c <= Decimal(100) for c in result.categories.values())
    assert (result.overall is None) == (result.rating == "not_rated")
    assert score(RULES, dict(answers), supplier) == result


@settings(max_examples=300, deadline=None)
@given(answer_sets, suppliers, st.sampled_from(INDEPENDENT_CHOICES), st.data())
def test_a_higher_scoring_choice_never_lowers_its_category(answers, supplier, code, data):
    points = dict(RULES.spec.scores[[r.question for r in RULES.spec.scores].index(code)].points)
    low, high = sorted(
        [data.draw(st.sampled_from(LEVELS)), data.draw(st.sampled_from(LEVELS))],
        key=lambda v: points.get(v, 0),
    )
    category = BY_CODE[code].category

    before = score(RULES, answers | {code: AnswerValue(low)}, supplier)
    after = score(RULES, answers | {code: AnswerValue(high)}, supplier)

    if before.categories[category] is not None:
        assert after.categories[category] >= before.categories[category]


@settings(max_examples=300, deadline=None)
@given(answer_sets, suppliers)
def test_trace_sums_reproduce_category_and_overall_scores(answers, supplier):
    result = score(RULES, answers, supplier)
    trace = result.trace

    with localcontext() as ctx:
        ctx.prec = 60
        for name, sums in trace["categories"].items():
            included = [
                t for t in trace["questions"].values()
                if t["category"] == name and t["excluded"] is None
            ]  # fmt: skip
            assert Decimal(sums["weight_sum"]) == sum(Decimal(t["weight"]) for t in included)
            if not included:
                assert result.categories[name] is None
                continue
            weighted = sum(Decimal(t["weight"]) * Decimal(t["q"]) for t in included)
            assert abs(weighted - Decimal(sums["weighted_sum"])) < Decimal("1e-30")
            recomputed = 100 * Decimal(sums["weighted_sum"]) / Decimal(sums["weight_sum"])
            assert recomputed.quantize(Decimal("0.1"), ROUND_HALF_UP) == result.categories[name]

        overall = trace["overall"]
        if result.overall is None:
            assert overall["unrounded"] is None
            return
        rated = [n for n, v in result.categories.items() if v is not None]
        weights = {n: Decimal(str(w)) for n, w in RULES.spec.categories.items()}
        assert Decimal(overall["weight_sum"]) == sum(weights[n] for n in rated)
        weighted = sum(weights[n] * Decimal(trace["categories"][n]["score"]) for n in rated)
        assert abs(weighted - Decimal(overall["weighted_sum"])) < Decimal("1e-30")
        recomputed = Decimal(overall["weighted_sum"]) / Decimal(overall["weight_sum"])
        assert recomputed.quantize(Decimal("0.1"), ROUND_HALF_UP) == result.overall
        assert Decimal(overall["score"]) == result.overall
