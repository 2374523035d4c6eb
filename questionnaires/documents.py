"""Questionnaire documents: parse and validate a template dict (DESIGN section 5) into its
canonical form, collecting every problem with its location.

The canonical document is the one shape every path goes through (YAML and XLSX import, draft
edits, export, ``load_library``): plain dicts, lists, strings, ints and floats, every key present
that the question type uses, nothing else. Two documents describe the same version exactly when
their canonical forms are equal, which is what ``document_hash`` relies on.

Structural checks (keys, types, choices, numbers, translations for every declared language,
duplicate codes) are done here; conditions (``visible_if`` syntax, unknown codes, cycles) are
checked by the scoring engine, and its findings are reported at the same locations.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from accounts.languages import CONTENT_LANGUAGES
from questionnaires.models import Category
from scoring.engine import QuestionnaireSpec, QuestionSpec, SpecError, compile_questionnaire

QUESTION_TYPES = ("yes_no", "single_choice", "multi_choice", "number", "text", "date")
CHOICE_TYPES = ("single_choice", "multi_choice")
EVIDENCE_LEVELS = ("none", "optional", "required")
CATEGORIES = tuple(Category.values)

TOP_KEYS = ("code", "version", "languages", "title", "description", "sections")
SECTION_KEYS = ("code", "title", "questions")
COMMON_KEYS = (
    "code",
    "type",
    "text",
    "help",
    "required",
    "allow_na",
    "evidence",
    "visible_if",
    "category",
    "refs",
)
# Keys a question of each type may carry besides the common ones.
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "yes_no": (),
    "single_choice": ("choices",),
    "multi_choice": ("choices",),
    "number": ("min", "max", "integer", "unit"),
    "text": ("max_length",),
    "date": (),
}
ALL_QUESTION_KEYS = frozenset(COMMON_KEYS).union(*TYPE_KEYS.values())

QUESTIONNAIRE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
SECTION_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
# Question codes are CEL variables, so they must be identifiers.
QUESTION_CODE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,31}$")
CEL_RESERVED = frozenset(
    {
        "supplier",
        "true",
        "false",
        "null",
        "in",
        "as",
        "break",
        "const",
        "continue",
        "else",
        "for",
        "function",
        "if",
        "import",
        "let",
        "loop",
        "package",
        "namespace",
        "return",
        "var",
        "void",
        "while",
    }
)


# ---------------------------------------------------------------------------------------------
# Problems and where they are
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a document: ``location`` (e.g. ``sections[1].questions[4] (EMP_05) field
    choices``) and the human ``message``."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class DocumentError(ValueError):
    """An invalid questionnaire document; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems) or "invalid document")

    def as_validation_error(self) -> ValidationError:
        """The 400 answer: one entry per location with its messages, in document order."""
        errors: dict[str, list[str]] = {}
        for problem in self.problems:
            errors.setdefault(problem.location, []).append(problem.message)
        return ValidationError({k: [ValidationError(m) for m in v] for k, v in errors.items()})


class Locator:
    """Turns a position in the document into a location string (YAML paths by default).

    The XLSX reader subclasses it to name sheets and rows instead.
    """

    def top(self, field: str) -> str:
        return f"field {field}"

    def section(self, s: int, code: str | None, field: str) -> str:
        return f"sections[{s}]{_code(code)} field {field}"

    def question(self, s: int, q: int, code: str | None, field: str) -> str:
        return f"sections[{s}].questions[{q}]{_code(code)} field {field}"

    def choice(self, s: int, q: int, c: int, code: str | None, field: str) -> str:
        return f"sections[{s}].questions[{q}]{_code(code)} field choices[{c}].{field}"


def _code(code: str | None) -> str:
    return f" ({code})" if code else ""


# ---------------------------------------------------------------------------------------------
# Value helpers
# ---------------------------------------------------------------------------------------------


def choice_value(value: object) -> str | None:
    """A choice value as a string; YAML 1.1 reads unquoted yes / no as booleans, undo that."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def plain_number(value: object) -> int | float | None:
    """A number as int when integral, else float; None for anything that is not a number."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None
    if not number.is_finite():
        return None
    if number == number.to_integral_value():
        return int(number)
    return float(number)


class _Checker:
    def __init__(self, locator: Locator) -> None:
        self.locator = locator
        self.problems: list[Problem] = []
        self.languages: list[str] = []

    def add(self, location: str, message: str) -> None:
        self.problems.append(Problem(location, message))

    def texts(self, raw: object, where, field: str, *, required: bool) -> dict[str, str]:
        """A per-language text: every declared language present and non-empty.

        ``where(field)`` builds the location. A plain string counts as the first language.
        """
        if raw is None or raw == "" or raw == {}:
            if required:
                self.add(where(field), "required")
            return {}
        if isinstance(raw, str):
            raw = {self.languages[0]: raw} if self.languages else {}
        if not isinstance(raw, Mapping):
            self.add(where(field), "expected a text per language, e.g. {en: ..., zh-Hans: ...}")
            return {}
        out: dict[str, str] = {}
        for lang, text in raw.items():
            if lang not in self.languages:
                self.add(
                    where(f"{field}[{lang}]"),
                    f"language '{lang}' is not declared in languages ({', '.join(self.languages)})",
                )
                continue
            if text is not None and not isinstance(text, str | int | float):
                self.add(where(f"{field}[{lang}]"), "expected a text")
                continue
            if text is not None and str(text).strip():
                out[lang] = str(text).strip()
        for lang in self.languages:
            if lang not in out:
                self.add(where(f"{field}[{lang}]"), f"missing translation for '{lang}'")
        return {lang: out[lang] for lang in self.languages if lang in out}

    def boolean(self, raw: object, where, field: str, default: bool = False) -> bool:
        if raw is None:
            return default
        if isinstance(raw, bool):
            return raw
        self.add(where(field), "expected true or false")
        return default

    def unknown_keys(self, item: Mapping, allowed, where) -> None:
        for key in item:
            if key not in allowed:
                self.add(where(str(key)), f"unknown key '{key}'")


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


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

    languages = raw.get("languages")
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

    q_type = item.get("type")
    if q_type not in QUESTION_TYPES:
        check.add(
            where("type"),
            f"unknown type '{q_type}' (expected one of {', '.join(QUESTION_TYPES)})"
            if q_type
            else f"required (one of {', '.join(QUESTION_TYPES)})",
        )
        q_type = None
    else:
        for key in item:
            if key in ALL_QUESTION_KEYS and key not in COMMON_KEYS and key not in TYPE_KEYS[q_type]:
                check.add(where(key), f"'{key}' does not apply to a {q_type} question")

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
    refs = item.get("refs") or []
    if isinstance(refs, str):
        refs = [refs]
    if not isinstance(refs, list) or not all(isinstance(r, str | int | float) for r in refs):
        check.add(where("refs"), "expected a list of references")
        refs = []

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
        "refs": [str(r).strip() for r in refs if str(r).strip()],
    }
    if q_type in CHOICE_TYPES:
        question["choices"] = _parse_choices(check, item.get("choices"), s_index, q_index, code)
        if not question["choices"]:
            check.add(where("choices"), f"a {q_type} question needs choices")
    elif q_type == "number":
        _parse_number(check, item, question, where)
    elif q_type == "text":
        max_length = item.get("max_length")
        if max_length is not None and (
            isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
        ):
            check.add(where("max_length"), "expected a positive integer")
            max_length = None
        question["max_length"] = max_length
    return question


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


# ---------------------------------------------------------------------------------------------
# Canonical document helpers
# ---------------------------------------------------------------------------------------------


def iter_questions(doc: Mapping):
    for section in doc.get("sections", []):
        yield from section.get("questions", [])


def spec_from_document(doc: Mapping, *, unique: bool = False) -> QuestionnaireSpec:
    """The engine's ``QuestionnaireSpec`` of a canonical document.

    ``unique`` keeps only the first question of a duplicated code (while validating, duplicates
    are reported separately and must not hide condition problems).
    """
    seen: set[str] = set()
    questions = []
    for q in iter_questions(doc):
        if unique:
            if not q["code"] or q["code"] in seen:
                continue
            seen.add(q["code"])
        questions.append(
            QuestionSpec(
                code=q["code"],
                type=q["type"] if q["type"] in QUESTION_TYPES else "text",
                category=q["category"],
                choices=tuple(c["value"] for c in q.get("choices", ())),
                visible_if=q.get("visible_if", ""),
                required=q.get("required", False),
                allow_na=q.get("allow_na", False),
                evidence=q["evidence"] if q["evidence"] in EVIDENCE_LEVELS else "none",
            )
        )
    return QuestionnaireSpec(
        code=doc.get("code", ""), version=int(doc.get("version", 1)), questions=tuple(questions)
    )


def document_hash(doc: Mapping) -> str:
    """sha256 of a canonical document's content; the version number does not count, so the
    same content loaded twice hashes the same."""
    content = {k: v for k, v in doc.items() if k != "version"}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def same_content(a: Mapping, b: Mapping) -> bool:
    return document_hash(a) == document_hash(b)
