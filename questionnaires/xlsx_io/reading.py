"""Reading a questionnaire workbook into a canonical document (pandas with openpyxl), with
each problem located by sheet, row, question code and field."""

from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Any

import pandas as pd

from questionnaires.documents import DocumentError, Locator, Problem, parse_document

from .layout import (
    BOOLEAN_FIELDS,
    CHOICE_COLUMNS,
    CHOICES,
    FALSE_WORDS,
    LANG_COLUMN,
    SECTION_COLUMNS,
    SECTIONS,
    SETTINGS,
    SETTINGS_COLUMNS,
    SURVEY,
    SURVEY_COLUMNS,
    TRUE_WORDS,
)


class XlsxLocator(Locator):
    """Names sheets and spreadsheet rows (row 1 is the header)."""

    def __init__(self) -> None:
        self.settings_row = 2
        self.section_rows: dict[int, int] = {}
        self.question_rows: dict[tuple[int, int], int] = {}
        self.choice_rows: dict[tuple[int, int, int], int] = {}

    def top(self, field: str) -> str:
        return f"{SETTINGS}!row {self.settings_row} field {field}"

    def section(self, s: int, code: str | None, field: str) -> str:
        row = self.section_rows.get(s)
        return f"{SECTIONS}!row {row if row else '?'}{_code(code)} field {field}"

    def question(self, s: int, q: int, code: str | None, field: str) -> str:
        row = self.question_rows.get((s, q))
        return f"{SURVEY}!row {row if row else '?'}{_code(code)} field {field}"

    def choice(self, s: int, q: int, c: int, code: str | None, field: str) -> str:
        row = self.choice_rows.get((s, q, c))
        return f"{CHOICES}!row {row if row else '?'}{_code(code)} field {field}"


def _code(code: str | None) -> str:
    return f" ({code})" if code else ""


def _cell(value: Any) -> Any:
    """A cell as a plain value: None for empty, stripped strings, ints for integral floats."""
    if value is None:
        return None
    if isinstance(value, float):
        if math.isnan(value):
            return None
        return int(value) if value.is_integer() else value
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if hasattr(value, "isoformat"):  # a date typed into a text cell
        return value.isoformat()[:10]
    return value


def _boolean(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value  # parse_document reports it at the right cell


def _rows(frame: pd.DataFrame) -> list[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, {column: value}) for every non-blank row."""
    out: list[tuple[int, dict[str, Any]]] = []
    columns = [str(c).strip() for c in frame.columns]
    for index, values in enumerate(frame.itertuples(index=False, name=None)):
        row = {col: _cell(v) for col, v in zip(columns, values, strict=True)}
        if any(v is not None for v in row.values()):
            out.append((index + 2, row))
    return out


def _check_columns(sheet: str, frame: pd.DataFrame, allowed, problems: list[Problem]) -> None:
    plain = {c for c in allowed if not c.endswith("::*")}
    per_language = {c[:-3] for c in allowed if c.endswith("::*")}
    for column in frame.columns:
        name = str(column).strip()
        if name.startswith("Unnamed:"):
            continue
        match = LANG_COLUMN.match(name)
        if name in plain or (match and match[1] in per_language):
            continue
        problems.append(Problem(f"{sheet}!row 1 field {name}", f"unknown column '{name}'"))


def _texts(row: dict[str, Any], field: str) -> dict[str, Any] | None:
    texts = {}
    for column, value in row.items():
        match = LANG_COLUMN.match(column)
        if match and match[1] == field and value is not None:
            texts[match[2]] = str(value)
    return texts or None


def _split_refs(value: Any) -> list[str]:
    if value is None:
        return []
    return [part.strip() for part in re.split(r"[;\n]", str(value)) if part.strip()]


def read_xlsx(content: bytes) -> dict:
    """Parse an XLSX workbook into a canonical document; ``DocumentError`` lists every problem
    located by sheet, row, question code and field."""
    sheets = _read_sheets(content)
    problems = _check_sheets(sheets)
    locator = XlsxLocator()
    doc = _settings_doc(sheets, locator)
    sections = _read_sections(sheets, doc, locator, problems)
    choices_by_question = _read_choices(sheets, problems)
    used_choices = _read_survey(sheets, sections, choices_by_question, doc, locator, problems)
    for question, rows in choices_by_question.items():
        if question not in used_choices:
            for row_number, _choice in rows:
                problems.append(
                    Problem(
                        f"{CHOICES}!row {row_number} ({question}) field question",
                        f"unknown question '{question}' (not on the survey sheet)",
                    )
                )
    try:
        parsed = parse_document(doc, locator=locator)
    except DocumentError as exc:
        raise DocumentError(problems + exc.problems) from None
    if problems:
        raise DocumentError(problems)
    return parsed


def _read_sheets(content: bytes) -> dict[str, pd.DataFrame]:
    try:
        # keep_default_na=False: "None", "NA" and "null" are legitimate labels, not blanks.
        return pd.read_excel(
            io.BytesIO(content),
            sheet_name=None,
            engine="openpyxl",
            dtype=object,
            keep_default_na=False,
        )
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise DocumentError([Problem("file", f"not a readable XLSX workbook ({exc})")]) from None


def _sheet(sheets: dict[str, pd.DataFrame], name: str) -> pd.DataFrame:
    """A sheet; the optional choices sheet reads as empty when it is missing."""
    if name == CHOICES and name not in sheets:
        return pd.DataFrame(columns=["question", "value"])
    return sheets[name]


def _check_sheets(sheets: dict[str, pd.DataFrame]) -> list[Problem]:
    """Raise ``DocumentError`` for missing sheets; return the unknown columns' problems."""
    problems: list[Problem] = []
    for name in (SURVEY, CHOICES, SECTIONS, SETTINGS):
        if name not in sheets and name != CHOICES:
            problems.append(Problem(f"{name}!", f"missing sheet '{name}'"))
    if problems:
        raise DocumentError(problems)
    for name, allowed in (
        (SURVEY, SURVEY_COLUMNS),
        (CHOICES, CHOICE_COLUMNS),
        (SECTIONS, SECTION_COLUMNS),
        (SETTINGS, SETTINGS_COLUMNS),
    ):
        _check_columns(name, _sheet(sheets, name), allowed, problems)
    return problems


def _settings_doc(sheets: dict[str, pd.DataFrame], locator: XlsxLocator) -> dict[str, Any]:
    """The document's top-level fields from the first row of the settings sheet."""
    settings_rows = _rows(sheets[SETTINGS])
    settings = settings_rows[0][1] if settings_rows else {}
    if settings_rows:
        locator.settings_row = settings_rows[0][0]
    languages = settings.get("languages")
    return {
        "code": settings.get("code"),
        "version": settings.get("version") if settings.get("version") is not None else 1,
        "languages": [p.strip() for p in re.split(r"[,;\s]+", str(languages)) if p.strip()]
        if languages is not None
        else None,
        "title": _texts(settings, "title"),
        "description": _texts(settings, "description"),
        "sections": [],
    }


def _read_sections(
    sheets: dict[str, pd.DataFrame],
    doc: dict[str, Any],
    locator: XlsxLocator,
    problems: list[Problem],
) -> dict[str, dict]:
    """Append the sections to ``doc``; return them by code."""
    sections: dict[str, dict] = {}
    for row_number, row in _rows(sheets[SECTIONS]):
        code = row.get("code")
        key = str(code) if code is not None else f"#row{row_number}"
        if key in sections:
            problems.append(
                Problem(f"{SECTIONS}!row {row_number} ({key}) field code", "duplicate section code")
            )
            continue
        locator.section_rows[len(doc["sections"])] = row_number
        section: dict[str, Any] = {"code": code, "title": _texts(row, "title"), "questions": []}
        sections[key] = section
        doc["sections"].append(section)
    return sections


def _read_choices(
    sheets: dict[str, pd.DataFrame], problems: list[Problem]
) -> dict[str, list[tuple[int, dict]]]:
    """The choices by question code, each with its row number."""
    choices_by_question: dict[str, list[tuple[int, dict]]] = {}
    for row_number, row in _rows(_sheet(sheets, CHOICES)):
        question = row.get("question")
        if question is None:
            problems.append(Problem(f"{CHOICES}!row {row_number} field question", "required"))
            continue
        choice = {"value": row.get("value"), "label": _texts(row, "label")}
        choices_by_question.setdefault(str(question), []).append((row_number, choice))
    return choices_by_question


def _read_survey(
    sheets: dict[str, pd.DataFrame],
    sections: dict[str, dict],
    choices_by_question: dict[str, list[tuple[int, dict]]],
    doc: dict[str, Any],
    locator: XlsxLocator,
    problems: list[Problem],
) -> set[str]:
    """Add each survey row to its section, with its choices; return the codes whose choices
    were used."""
    positions = {id(section): index for index, section in enumerate(doc["sections"])}
    used_choices: set[str] = set()
    for row_number, row in _rows(sheets[SURVEY]):
        code = row.get("code")
        section_code = row.get("section")
        section = sections.get(str(section_code)) if section_code is not None else None
        where = f"{SURVEY}!row {row_number}{_code(str(code) if code else None)} field section"
        if section_code is None:
            problems.append(Problem(where, "required"))
            continue
        if section is None:
            problems.append(Problem(where, f"unknown section '{section_code}' (not on the sheet)"))
            continue
        item = _survey_item(row)
        s_index = positions[id(section)]
        q_index = len(section["questions"])
        locator.question_rows[(s_index, q_index)] = row_number
        if code is not None and str(code) in choices_by_question:
            used_choices.add(str(code))
            item["choices"] = []
            for c_index, (choice_row, choice) in enumerate(choices_by_question[str(code)]):
                locator.choice_rows[(s_index, q_index, c_index)] = choice_row
                item["choices"].append(choice)
        section["questions"].append(item)
    return used_choices


def _survey_item(row: dict[str, Any]) -> dict[str, Any]:
    """A question of the document from its survey row (without its choices)."""
    item: dict[str, Any] = {}
    for field in ("code", "type", "evidence", "category", "visible_if", "min", "max"):
        if row.get(field) is not None:
            item[field] = row[field]
    if isinstance(item.get("code"), int | float):
        item["code"] = str(item["code"])
    for field in BOOLEAN_FIELDS:
        if row.get(field) is not None:
            item[field] = _boolean(row[field])
    if row.get("max_length") is not None:
        max_length = row["max_length"]
        item["max_length"] = (
            int(max_length) if isinstance(max_length, str) and max_length.isdigit() else max_length
        )
    for field in ("text", "help", "unit"):
        texts = _texts(row, field)
        if texts:
            item[field] = texts
    if row.get("refs") is not None:
        item["refs"] = _split_refs(row["refs"])
    return item
