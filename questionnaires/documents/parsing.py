"""Parsing and validating a template dict into its canonical document."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.languages import CONTENT_LANGUAGES
from scoring.engine import SpecError, compile_questionnaire

from .canonical import spec_from_document
from .problems import DocumentError, Locator, Problem, _Checker
from .schema import (
    ALL_QUESTION_KEYS,
    CATEGORIES,
    CEL_RESERVED,
    CHOICE_TYPES,
    COMMON_KEYS,
    EVIDENCE_LEVELS,
    QUESTION_CODE,
    QUESTION_TYPES,
    QUESTIONNAIRE_CODE,
    SECTION_CODE,
    SECTION_KEYS,
    TOP_KEYS,
    TYPE_KEYS,
    choice_value,
    plain_number,
)


def parse_document(raw: Any, *, locator: Locator | None = None) -> dict:
    """Validate a template dict and return its canonical document.

    Raises ``DocumentError`` listing every problem, located with ``locator`` (YAML paths such as
    ``sections[1].questions[4] (EMP_05) field choices`` by default).
    """
    check = _Checker(locator or Locator())
    loc = check.locator
    if not isinstance(raw, Mapping):
        raise DocumentError([Problem(loc.top("document"), "expected a mapping")])
    check.unknown_keys(raw, TOP_KEYS, loc.top)

    code = raw.get("code")
    if not isinstance(code, str) or not QUESTIONNAIRE_CODE.match(code):
        check.add(
            loc.top("code"),
            "required: lower-case letters, digits, '-' and '_', at most 64 characters",
        )
        code = str(code or "")
    version = raw.get("version", 1)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        check.add(loc.top("version"), "expected a positive integer")
        version = 1

    clean_languages = _parse_languages(check, raw.get("languages"))
    check.languages = clean_languages

    doc: dict[str, Any] = {
        "code": code,
        "version": version,
        "languages": clean_languages,
        "title": check.texts(raw.get("title"), loc.top, "title", required=True),
        "description": check.texts(raw.get("description"), loc.top, "description", required=False),
        "sections": [],
    }

    sections = raw.get("sections")
    if not isinstance(sections, list) or not sections:
        check.add(loc.top("sections"), "expected a non-empty list of sections")
        sections = []

    section_codes: set[str] = set()
    question_codes: dict[str, str] = {}  # code -> location of its first use
    places: dict[str, tuple[int, int]] = {}
    for s_index, section in enumerate(sections):
        doc["sections"].append(
            _parse_section(check, section, s_index, section_codes, question_codes, places)
        )

    _check_conditions(check, doc, places)
    if check.problems:
        raise DocumentError(check.problems)
    return doc


def _parse_languages(check: _Checker, languages: object) -> list[str]:
    """The declared content languages, each supported and listed once."""
    loc = check.locator
    if not isinstance(languages, list) or not languages:
        check.add(loc.top("languages"), "expected a non-empty list, e.g. [en, zh-Hans]")
        languages = []
    clean_languages: list[str] = []
    for lang in languages:
        if lang not in CONTENT_LANGUAGES:
            check.add(
                loc.top("languages"),
                f"unsupported language '{lang}' (supported: {', '.join(CONTENT_LANGUAGES)})",
            )
        elif lang in clean_languages:
            check.add(loc.top("languages"), f"language '{lang}' is listed twice")
        else:
            clean_languages.append(lang)
    return clean_languages


def _parse_section(check, section, s_index, section_codes, question_codes, places) -> dict:
    loc = check.locator
    if not isinstance(section, Mapping):
        check.add(loc.section(s_index, None, "section"), "expected a mapping")
        return {"code": "", "title": {}, "questions": []}
    s_code = section.get("code")
    s_code = str(s_code) if s_code is not None else ""

    def where(field: str) -> str:
        return loc.section(s_index, s_code or None, field)

    check.unknown_keys(section, SECTION_KEYS, where)
    if not SECTION_CODE.match(s_code):
        check.add(where("code"), "required: letters, digits, '-' and '_', at most 32 characters")
    elif s_code in section_codes:
        check.add(where("code"), f"duplicate section code '{s_code}'")
    section_codes.add(s_code)
    out = {
        "code": s_code,
        "title": check.texts(section.get("title"), where, "title", required=True),
        "questions": [],
    }
    questions = section.get("questions")
    if not isinstance(questions, list) or not questions:
        check.add(where("questions"), "expected a non-empty list of questions")
        questions = []
    for q_index, item in enumerate(questions):
        question = _parse_question(check, item, s_index, q_index, question_codes)
        if question is not None:
            places.setdefault(question["code"], (s_index, q_index))
            out["questions"].append(question)
    return out


def _parse_question(check, item, s_index, q_index, question_codes) -> dict | None:
    loc = check.locator
    if not isinstance(item, Mapping):
        check.add(loc.question(s_index, q_index, None, "question"), "expected a mapping")
        return None
    code = item.get("code")
    code = str(code).strip() if code is not None else ""

    def where(field: str) -> str:
        return loc.question(s_index, q_index, code or None, field)

    check.unknown_keys(item, ALL_QUESTION_KEYS, where)
    _check_question_code(check, code, where, question_codes)
    q_type = _question_type(check, item, where)
    category = item.get("category")
    if category not in CATEGORIES:
        check.add(
            where("category"),
            f"unknown category '{category}' (expected one of {', '.join(CATEGORIES)})"
            if category
            else f"required (one of {', '.join(CATEGORIES)})",
        )
    evidence = item.get("evidence", "none")
    if evidence is None:
        evidence = "none"
    if evidence not in EVIDENCE_LEVELS:
        check.add(
            where("evidence"),
            f"unknown evidence level '{evidence}' (expected none, optional or required)",
        )
    visible_if = item.get("visible_if") or ""
    if not isinstance(visible_if, str):
        check.add(where("visible_if"), "expected an expression string")
        visible_if = ""
    refs = _parse_refs(check, item.get("refs"), where)
    question: dict[str, Any] = {
        "code": code,
        "type": q_type or str(item.get("type") or ""),
        "text": check.texts(item.get("text"), where, "text", required=True),
        "help": check.texts(item.get("help"), where, "help", required=False),
        "required": check.boolean(item.get("required"), where, "required"),
        "allow_na": check.boolean(item.get("allow_na"), where, "allow_na"),
        "evidence": evidence,
        "visible_if": visible_if.strip(),
        "category": category or "",
        "refs": refs,
    }
    if q_type in CHOICE_TYPES:
        question["choices"] = _parse_choices(check, item.get("choices"), s_index, q_index, code)
        if not question["choices"]:
            check.add(where("choices"), f"a {q_type} question needs choices")
    elif q_type == "number":
        _parse_number(check, item, question, where)
    elif q_type == "text":
        question["max_length"] = _parse_max_length(check, item.get("max_length"), where)
    return question


def _check_question_code(check: _Checker, code: str, where, question_codes: dict) -> None:
    """A question code is an identifier, not a reserved name, and used once (its first place
    goes into ``question_codes``)."""
    if not code:
        check.add(where("code"), "required")
    elif not QUESTION_CODE.match(code):
        check.add(
            where("code"),
            "must start with a letter or '_' and hold only letters, digits and '_' "
            "(at most 32 characters)",
        )
    elif code in CEL_RESERVED:
        check.add(where("code"), f"'{code}' is a reserved name")
    elif code in question_codes:
        check.add(where("code"), f"duplicate question code (first used at {question_codes[code]})")
    else:
        question_codes[code] = where("code").rsplit(" field ", 1)[0]


def _question_type(check: _Checker, item: Mapping, where) -> str | None:
    """The question's type (None when unknown), with no key of another type."""
    q_type = item.get("type")
    if q_type not in QUESTION_TYPES:
        check.add(
            where("type"),
            f"unknown type '{q_type}' (expected one of {', '.join(QUESTION_TYPES)})"
            if q_type
            else f"required (one of {', '.join(QUESTION_TYPES)})",
        )
        return None
    for key in item:
        if key in ALL_QUESTION_KEYS and key not in COMMON_KEYS and key not in TYPE_KEYS[q_type]:
            check.add(where(key), f"'{key}' does not apply to a {q_type} question")
    return q_type


def _parse_refs(check: _Checker, raw: object, where) -> list[str]:
    """References (a string or a list of them), stripped, empty ones dropped."""
    refs = raw or []
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not all(isinstance(r, str | int | float) for r in refs):
        check.add(where("refs"), "expected a list of references")
        refs = []
    return [str(r).strip() for r in refs if str(r).strip()]


def _parse_max_length(check: _Checker, max_length: object, where) -> int | None:
    if max_length is not None and (
        isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
    ):
        check.add(where("max_length"), "expected a positive integer")
        return None
    return max_length


def _parse_choices(check, raw, s_index, q_index, code) -> list[dict]:
    loc = check.locator
    if raw is None:
        return []
    if not isinstance(raw, list):
        check.add(loc.question(s_index, q_index, code or None, "choices"), "expected a list")
        return []
    out: list[dict] = []
    seen: set[str] = set()
    for c_index, choice in enumerate(raw):

        def where(field: str, c_index=c_index) -> str:
            return loc.choice(s_index, q_index, c_index, code or None, field)

        if not isinstance(choice, Mapping):
            check.add(where("value"), "expected {value: ..., label: {...}}")
            continue
        check.unknown_keys(choice, ("value", "label"), where)
        value = choice_value(choice.get("value"))
        if value is None:
            check.add(where("value"), "required")
        elif value in seen:
            check.add(where("value"), f"duplicate choice value '{value}'")
        seen.add(value or "")
        out.append(
            {
                "value": value or "",
                "label": check.texts(choice.get("label"), where, "label", required=True),
            }
        )
    return out


def _parse_number(check, item, question, where) -> None:
    bounds = {}
    for key in ("min", "max"):
        raw = item.get(key)
        number = plain_number(raw)
        if raw is not None and raw != "" and number is None:
            check.add(where(key), "expected a number")
        bounds[key] = number
    if bounds["min"] is not None and bounds["max"] is not None and bounds["min"] > bounds["max"]:
        check.add(where("min"), f"min ({bounds['min']}) is greater than max ({bounds['max']})")
    question["min"] = bounds["min"]
    question["max"] = bounds["max"]
    question["integer"] = check.boolean(item.get("integer"), where, "integer")
    question["unit"] = check.texts(item.get("unit"), where, "unit", required=False)


def _check_conditions(check: _Checker, doc: dict, places: dict[str, tuple[int, int]]) -> None:
    """Let the engine compile every ``visible_if``: syntax, unknown codes, self-reference and
    cycles, reported at the question's location."""
    try:
        compile_questionnaire(spec_from_document(doc, unique=True))
    except SpecError as exc:
        for error in exc.errors:
            if error.field != "visible_if":
                continue  # structural problems are reported above, in the author's terms
            s_index, q_index = places.get(error.location, (0, 0))
            check.add(
                check.locator.question(s_index, q_index, error.location, "visible_if"),
                error.message,
            )
