"""Self-checks of the shipped questionnaire and rule-set library (plain pytest, no Django).

Run: .venv/bin/pytest tests/library -q -p no:django --noconftest
"""

from __future__ import annotations

import re
from pathlib import Path

import cel
import pytest
import yaml

from scoring import engine

ROOT = Path(__file__).resolve().parents[2]
QUESTIONNAIRES = {
    "sme-csr-core": ROOT / "questionnaires" / "library" / "sme-csr-core.yaml",
    "sme-csr-quick": ROOT / "questionnaires" / "library" / "sme-csr-quick.yaml",
}
RULESETS = {
    "sme-csr-core": ROOT / "rulesets" / "library" / "sme-csr-core-rules.yaml",
    "sme-csr-quick": ROOT / "rulesets" / "library" / "sme-csr-quick-rules.yaml",
}
LANGS = ("en", "zh-Hans")
TYPES = {"yes_no", "single_choice", "multi_choice", "number", "text", "date"}
SCORED_TYPES = {"yes_no", "single_choice", "multi_choice", "number"}
CATEGORIES = {"management", "employee", "environment", "market", "community"}
EVIDENCE = {"none", "optional", "required"}
SEVERITIES = {"critical", "major", "minor", "observation"}
CODE_RE = re.compile(r"^[A-Z]+_[0-9]{2}$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
QUESTION_KEYS = {
    "code",
    "type",
    "text",
    "help",
    "choices",
    "required",
    "allow_na",
    "evidence",
    "visible_if",
    "category",
    "refs",
    "min",
    "max",
    "integer",
    "unit",
    "max_length",
}


def load(path: Path) -> dict:
    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def questions(doc: dict) -> list[dict]:
    return [q for section in doc["sections"] for q in section["questions"]]


def choice_values(q: dict) -> list:
    if q["type"] == "yes_no":
        return ["yes", "no"]
    return [c["value"] for c in q.get("choices", [])]


# Program.variables() also lists variables bound by comprehension macros (`COM_03.exists(v, ...)`).
_MACRO_BOUND = re.compile(
    r"\.\s*(?:all|exists_one|exists|map|filter)\s*\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,"
)


def cel_names(expr: str) -> set[str]:
    """The top-level names an expression reads (question codes, ``supplier``)."""
    return set(cel.compile(expr).variables()) - set(_MACRO_BOUND.findall(expr))


def assert_bilingual(value, where: str) -> None:
    assert isinstance(value, dict), f"{where}: expected {{en, zh-Hans}}, got {value!r}"
    assert set(value) == set(LANGS), f"{where}: languages {sorted(value)}"
    for lang in LANGS:
        assert isinstance(value[lang], str) and value[lang].strip(), f"{where}: empty {lang}"
    assert CJK_RE.search(value["zh-Hans"]), f"{where}: zh-Hans text has no Chinese characters"


@pytest.fixture(scope="module", params=sorted(QUESTIONNAIRES))
def pair(request):
    code = request.param
    return code, load(QUESTIONNAIRES[code]), load(RULESETS[code])


# --------------------------------------------------------------------------- visibility helper


def visible_codes(doc: dict, supplier: dict, answers: dict | None = None) -> set[str]:
    """Evaluate every visible_if in dependency order with hidden questions seen as null."""
    answers = answers or {}
    qs = {q["code"]: q for q in questions(doc)}
    programs = {c: cel.compile(q["visible_if"]) for c, q in qs.items() if q.get("visible_if")}
    deps = {c: (cel_names(qs[c]["visible_if"]) & set(qs)) for c in programs}
    visible: dict[str, bool] = {}

    def resolve(code: str, stack: tuple = ()) -> bool:
        if code in visible:
            return visible[code]
        assert code not in stack, f"visibility cycle: {(*stack, code)}"
        if code not in programs:
            visible[code] = True
            return True
        for dep in sorted(deps[code]):
            resolve(dep, (*stack, code))
        ctx = cel.Context()
        for other in qs:
            value = answers.get(other) if visible.get(other, False) else None
            ctx.add_variable(other, value)
        ctx.add_variable("supplier", supplier)
        try:
            result = programs[code].execute(ctx) is True
        except Exception:  # a runtime error (e.g. `x in null`) counts as false
            result = False
        visible[code] = result
        return result

    for code in qs:
        resolve(code)
    return {c for c, v in visible.items() if v}


SUPPLIER = {"country": "CN", "industry": "13"}


# --------------------------------------------------------------------------- questionnaires


def test_question_counts():
    core = questions(load(QUESTIONNAIRES["sme-csr-core"]))
    quick = questions(load(QUESTIONNAIRES["sme-csr-quick"]))
    assert len(core) >= 45
    assert 10 <= len(quick) <= 15
    assert {q["category"] for q in core} == CATEGORIES


def test_header(pair):
    code, doc, _ = pair
    assert doc["code"] == code
    assert isinstance(doc["version"], int)
    assert doc["languages"] == list(LANGS)
    assert_bilingual(doc["title"], f"{code}.title")
    assert_bilingual(doc["description"], f"{code}.description")
    section_codes = [s["code"] for s in doc["sections"]]
    assert len(section_codes) == len(set(section_codes))
    for section in doc["sections"]:
        assert_bilingual(section["title"], f"{code}.{section['code']}.title")
        assert section["questions"], section["code"]


def test_questions_well_formed(pair):
    code, doc, _ = pair
    codes = [q["code"] for q in questions(doc)]
    assert len(codes) == len(set(codes)), "duplicate question codes"
    for q in questions(doc):
        where = f"{code}.{q['code']}"
        assert CODE_RE.match(q["code"]), where
        assert set(q) <= QUESTION_KEYS, f"{where}: unknown keys {set(q) - QUESTION_KEYS}"
        assert q["type"] in TYPES, where
        assert q["category"] in CATEGORIES, where
        assert q["evidence"] in EVIDENCE, where
        assert isinstance(q["required"], bool) and isinstance(q["allow_na"], bool), where
        assert_bilingual(q["text"], f"{where}.text")
        assert_bilingual(q["help"], f"{where}.help")
        refs = q["refs"]
        assert refs and all(isinstance(r, str) and r.strip() for r in refs), where
        assert any(r.startswith("China SME CSR Guide: ") for r in refs), where
        assert any(re.match(r"GB/T 36000 / ISO 26000: [67](\.\d+)+$", r) for r in refs), where
        for r in refs:
            assert re.match(
                r"^(China SME CSR Guide: .+|GB/T 36000 / ISO 26000: [67](\.\d+)+|UNGC P([1-9]|10)|RBA Code of Conduct: [A-E]\d{1,2})$",
                r,
            ), f"{where}: ref {r!r}"
        if q["type"] in ("single_choice", "multi_choice"):
            values = [c["value"] for c in q["choices"]]
            assert len(values) >= 2 and len(values) == len(set(values)), where
            for c in q["choices"]:
                assert isinstance(c["value"], str) and c["value"], (
                    f"{where}: value {c['value']!r} (quote yes/no!)"
                )
                assert_bilingual(c["label"], f"{where}.{c['value']}")
        else:
            assert "choices" not in q, f"{where}: choices only for choice questions"
        if q["type"] == "number":
            assert isinstance(q["min"], (int, float)) and isinstance(q["max"], (int, float)), where
            assert q["min"] < q["max"], where
            assert isinstance(q["integer"], bool), where
            assert_bilingual(q["unit"], f"{where}.unit")
        else:
            assert not {"min", "max", "integer", "unit"} & set(q), where
        if q["type"] == "text":
            assert isinstance(q["max_length"], int) and q["max_length"] > 0, where
        else:
            assert "max_length" not in q, where


def test_visible_if_compiles_and_names_known_codes(pair):
    _code, doc, _ = pair
    known = {q["code"] for q in questions(doc)}
    order = [q["code"] for q in questions(doc)]
    for q in questions(doc):
        if "visible_if" not in q:
            continue
        expr = q["visible_if"]
        assert isinstance(expr, str) and expr.strip(), q["code"]
        names = cel_names(expr)
        assert names <= known | {"supplier"}, (
            f"{q['code']}: unknown names {names - known - {'supplier'}}"
        )
        assert q["code"] not in names, f"{q['code']} refers to itself"
        for dep in names & known:  # follow-ups come after the question they depend on
            assert order.index(dep) < order.index(q["code"]), f"{q['code']} before {dep}"


def test_core_conditionals_and_evidence():
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    qs = questions(doc)
    assert sum(1 for q in qs if q.get("visible_if")) >= 8
    answer_conditionals = [
        q for q in qs if q.get("visible_if") and cel_names(q["visible_if"]) - {"supplier"}
    ]
    assert len(answer_conditionals) >= 8
    required_evidence = [q["code"] for q in qs if q["evidence"] == "required"]
    assert 3 <= len(required_evidence) <= 6
    # a micro enterprise must be able to provide required evidence: no size condition on them
    micro_visible = visible_codes(doc, {**SUPPLIER, "size_class": "micro"})
    assert set(required_evidence) <= micro_visible


def test_quick_has_few_conditionals():
    qs = questions(load(QUESTIONNAIRES["sme-csr-quick"]))
    assert sum(1 for q in qs if q.get("visible_if")) <= 2


def test_quick_questions_are_core_questions():
    core = {q["code"]: q for q in questions(load(QUESTIONNAIRES["sme-csr-core"]))}
    for q in questions(load(QUESTIONNAIRES["sme-csr-quick"])):
        c = core[q["code"]]
        assert (q["type"], q["text"], q.get("choices"), q["category"]) == (
            c["type"],
            c["text"],
            c.get("choices"),
            c["category"],
        )


# --------------------------------------------------------------------------- proportionality


def test_micro_sees_at_most_25_questions():
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    shown = visible_codes(doc, {**SUPPLIER, "size_class": "micro"})
    assert len(shown) <= 25, len(shown)
    # every category still has something to score for a micro enterprise
    cats = {
        q["category"] for q in questions(doc) if q["code"] in shown and q["type"] in SCORED_TYPES
    }
    assert cats == CATEGORIES


@pytest.mark.parametrize("size_class", ["medium", "large"])
def test_medium_and_large_lose_no_question_to_size(size_class):
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    shown = visible_codes(doc, {**SUPPLIER, "size_class": size_class})
    for q in questions(doc):
        expr = q.get("visible_if")
        if expr and cel_names(expr) <= {"supplier"}:
            assert q["code"] in shown, f"{q['code']} hidden for {size_class}"
    unconditional = {q["code"] for q in questions(doc) if not q.get("visible_if")}
    assert unconditional <= shown


def test_size_conditions_only_on_micro():
    """Size never hides a question from small, medium or large, whatever the answers."""
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    for size in ("small", "medium", "large"):
        ctx = cel.Context()
        ctx.add_variable("supplier", {**SUPPLIER, "size_class": size})
        for q in questions(doc):
            expr = q.get("visible_if")
            if expr and cel_names(expr) == {"supplier"}:
                assert cel.compile(expr).execute(ctx) is True, (size, q["code"])


def test_follow_ups_appear_after_answers():
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    medium = {**SUPPLIER, "size_class": "medium"}
    answers = {
        "MGT_04": "yes",
        "MGT_08": "yes",
        "EMP_02": 17,
        "EMP_09": 55,
        "HS_08": "separate",
        "ENV_02": "treated_onsite",
        "ENV_04": "treated",
        "ENV_06": "licensed",
        "ENV_08": "partial",
        "COM_03": ["donations", "volunteering"],
    }
    shown = visible_codes(doc, medium, answers)
    assert shown == {q["code"] for q in questions(doc)}
    # hiding cascades: for micro, ENV_04 is hidden so ENV_05 stays hidden even with an answer
    micro = visible_codes(
        doc, {**SUPPLIER, "size_class": "micro"}, {**answers, "ENV_04": "treated"}
    )
    assert "ENV_04" not in micro and "ENV_05" not in micro
    assert "HS_09" in micro and "EMP_03" in micro
    # no follow-up for the answers that do not need one
    calm = visible_codes(
        doc, medium, {"EMP_02": 25, "EMP_09": 40, "HS_08": "none", "COM_03": ["none"]}
    )
    assert not {"EMP_03", "EMP_12", "HS_09", "HS_10", "COM_04"} & calm


# --------------------------------------------------------------------------- rule sets


def test_ruleset_header(pair):
    code, _, rules = pair
    assert rules["code"] == f"{code}-rules"
    assert rules["version"] == 1
    assert rules["questionnaire"] == code
    assert_bilingual(rules["title"], f"{code}-rules.title")
    assert set(rules["categories"]) == CATEGORIES
    assert sum(rules["categories"].values()) == 100
    assert all(w > 0 for w in rules["categories"].values())
    assert rules["sla_days"] == {"critical": 30, "major": 90, "minor": 180}
    assert rules["rating"]["bands"] == [
        {"min": 80, "rating": "low"},
        {"min": 60, "rating": "medium"},
        {"min": 40, "rating": "high"},
        {"min": 0, "rating": "critical"},
    ]
    assert rules["rating"]["severity_floor"] == {"critical": "high", "major": "medium"}


def test_every_scored_question_has_a_valid_rule(pair):
    _code, doc, rules = pair
    qs = {q["code"]: q for q in questions(doc)}
    scores = rules["scores"]
    scored = {c for c, q in qs.items() if q["type"] in SCORED_TYPES}
    assert set(scores) == scored, (sorted(scored - set(scores)), sorted(set(scores) - scored))
    for qcode, rule in scores.items():
        q = qs[qcode]
        assert isinstance(rule["weight"], int) and 1 <= rule["weight"] <= 3, qcode
        if q["type"] == "number":
            assert set(rule) == {"weight", "bands"}, qcode
            bands = rule["bands"]
            assert len(bands) >= 2, qcode
            maxes = [b["max"] for b in bands[:-1]]
            assert all("max" in b for b in bands[:-1]) and "max" not in bands[-1], qcode
            assert maxes == sorted(maxes) and len(set(maxes)) == len(maxes), qcode
            assert all(b["points"] >= 0 for b in bands) and max(b["points"] for b in bands) > 0, (
                qcode
            )
        else:
            points = rule["points"]
            assert set(points) == set(choice_values(q)), (
                f"{qcode}: {sorted(points)} vs {choice_values(q)}"
            )
            assert all(isinstance(v, (int, float)) and v >= 0 for v in points.values()), qcode
            assert max(points.values()) > 0, qcode
            if q["type"] == "multi_choice":
                assert set(rule) == {"weight", "points", "cap"} and rule["cap"] > 0, qcode
            else:
                assert set(rule) == {"weight", "points"}, qcode


def test_findings(pair):
    code, doc, rules = pair
    known = {q["code"] for q in questions(doc)}
    findings = rules["findings"]
    codes = [f["code"] for f in findings]
    assert len(codes) == len(set(codes))
    minimum = 12 if code == "sme-csr-core" else 4
    assert len(findings) >= minimum
    assert sum(1 for f in findings if f["severity"] == "critical") >= 4
    for f in findings:
        where = f"{code}-rules.{f['code']}"
        assert re.match(r"^F_[A-Z0-9_]+$", f["code"]), where
        assert f["severity"] in SEVERITIES, where
        assert f["category"] in CATEGORIES, where
        assert_bilingual(f["title"], f"{where}.title")
        assert_bilingual(f["guidance"], f"{where}.guidance")
        if "due_days" in f:
            assert isinstance(f["due_days"], int) and f["due_days"] > 0, where
        names = cel_names(f["when"])
        assert names and names <= known | {"supplier"}, f"{where}: {names - known}"
        # robust to null: with nothing answered no finding fires and nothing raises
        ctx = cel.Context()
        for qcode in known:
            ctx.add_variable(qcode, None)
        ctx.add_variable("supplier", {**SUPPLIER, "size_class": "medium"})
        assert cel.compile(f["when"]).execute(ctx) is False, where


def test_critical_topics_covered():
    rules = load(RULESETS["sme-csr-core"])
    critical = {f["code"] for f in rules["findings"] if f["severity"] == "critical"}
    assert {
        "F_EMP_CHILD_LABOUR",
        "F_EMP_ID_RETENTION",
        "F_EMP_DEPOSITS_FEES",
        "F_HS_BLOCKED_EXITS",
        "F_ENV_UNTREATED_WASTEWATER",
        "F_MKT_BRIBERY",
    } <= critical


def _fires(rules: dict, answers: dict, known: set[str]) -> set[str]:
    ctx = cel.Context()
    for qcode in known:
        ctx.add_variable(qcode, answers.get(qcode))
    ctx.add_variable("supplier", {**SUPPLIER, "size_class": "small"})
    fired = set()
    for f in rules["findings"]:
        try:
            if cel.compile(f["when"]).execute(ctx) is True:
                fired.add(f["code"])
        except Exception:
            pass
    return fired


def test_every_finding_is_reachable(pair):
    """Each finding fires for some single answer to one of the questions it names."""
    _, doc, rules = pair
    qs = {q["code"]: q for q in questions(doc)}
    candidates = {
        c: (
            choice_values(q)
            if q["type"] in ("yes_no", "single_choice")
            else [[v] for v in choice_values(q)]
            if q["type"] == "multi_choice"
            else [q["min"], q["max"], 0, 1, 15, 17, 61, 99]
            if q["type"] == "number"
            else ["x"]
        )
        for c, q in qs.items()
    }
    for f in rules["findings"]:
        names = cel_names(f["when"]) & set(qs)
        reached = any(
            f["code"] in _fires(rules, {n: v}, set(qs)) for n in names for v in candidates[n]
        )
        assert reached, f["code"]


def test_good_answers_raise_no_finding_and_bad_ones_do():
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    rules = load(RULESETS["sme-csr-core"])
    qs = {q["code"]: q for q in questions(doc)}
    best = {}
    for c, rule in rules["scores"].items():
        if "bands" in rule:
            top = max(rule["bands"], key=lambda b: b["points"])
            best[c] = top.get("max", 100 if c == "EMP_13" else 30)
        elif qs[c]["type"] == "multi_choice":
            best[c] = [v for v, p in rule["points"].items() if p > 0]
        else:
            best[c] = max(rule["points"], key=rule["points"].get)
    best["EMP_02"] = 25
    assert _fires(rules, best, set(qs)) == set()
    bad = {
        "EMP_02": 14,
        "EMP_04": "yes",
        "ENV_02": "untreated",
        "MKT_02": "improper",
        "HS_02": "no",
    }
    assert {
        "F_EMP_CHILD_LABOUR",
        "F_EMP_ID_RETENTION",
        "F_ENV_UNTREATED_WASTEWATER",
        "F_MKT_BRIBERY",
        "F_HS_BLOCKED_EXITS",
    } <= _fires(rules, bad, set(qs))


def test_yes_no_literals_survive_yaml():
    """Unquoted yes/no would load as booleans; make sure no boolean slipped into values or keys."""
    for path in list(QUESTIONNAIRES.values()) + list(RULESETS.values()):
        doc = load(path)

        def walk(node, trail, path=path):
            if isinstance(node, dict):
                for k, v in node.items():
                    assert not isinstance(k, bool), f"{path.name}: boolean key at {trail}"
                    if k in ("required", "allow_na", "integer"):
                        continue
                    assert not isinstance(v, bool), f"{path.name}: boolean value at {trail}/{k}"
                    walk(v, f"{trail}/{k}", path)
            elif isinstance(node, list):
                for i, v in enumerate(node):
                    assert not isinstance(v, bool), f"{path.name}: boolean at {trail}[{i}]"
                    walk(v, f"{trail}[{i}]", path)

        walk(doc, "")


# --------------------------------------------------------------------------- engine round-trip


def _engine():
    return engine


@pytest.mark.parametrize("code", sorted(QUESTIONNAIRES))
def test_engine_accepts_library(code):
    """The questionnaire and its rule set (bilingual title included) load in the Django-free engine."""
    engine = _engine()
    doc = load(QUESTIONNAIRES[code])
    spec = engine.questionnaire_spec_from_doc(doc)
    compiled = engine.compile_questionnaire(spec)
    rules_doc = load(RULESETS[code])
    ruleset = engine.parse_ruleset(rules_doc, spec)

    assert set(compiled.questions) == {q["code"] for q in questions(doc)}
    assert {rule.question for rule in ruleset.scores} == set(rules_doc["scores"])
    assert [finding.code for finding in ruleset.findings] == [
        f["code"] for f in rules_doc["findings"]
    ]


def test_engine_visibility_and_scores_agree():
    """The engine sees the same proportionality, and best answers score 100 with no finding."""
    engine = _engine()
    doc = load(QUESTIONNAIRES["sme-csr-core"])
    spec = engine.questionnaire_spec_from_doc(doc)
    compiled = engine.compile_questionnaire(spec)
    for size in ("micro", "small", "medium", "large"):
        supplier = {**SUPPLIER, "size_class": size}
        profile = engine.SupplierProfile(size_class=size, country="CN", industry="13")
        assert set(compiled.visible_codes({}, profile)) == visible_codes(doc, supplier), size
    rules_doc = load(RULESETS["sme-csr-core"])
    ruleset = engine.compile_ruleset(engine.parse_ruleset(rules_doc, spec), compiled)
    answers = {}
    for q in questions(doc):
        rule = rules_doc["scores"].get(q["code"])
        if rule is None:
            value = "2025-01-15" if q["type"] == "date" else "n/a" if q["type"] == "text" else None
        elif "bands" in rule:
            value = {"EMP_02": 30, "EMP_09": 40, "EMP_13": 100, "HS_03": 2, "HS_07": 0}[q["code"]]
        elif q["type"] == "multi_choice":
            value = [v for v, p in rule["points"].items() if p > 0]
        else:
            value = max(rule["points"], key=rule["points"].get)
        answers[q["code"]] = engine.AnswerValue(value=value)
    answers["HS_08"] = engine.AnswerValue(value="separate")
    result = engine.score(ruleset, answers, engine.SupplierProfile("medium", "CN", "13"))
    assert str(result.overall) == "100.0" and result.rating == "low" and not result.findings
