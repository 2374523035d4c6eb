"""XLSX import and export of questionnaire documents, for people who author in Excel.

The workbook follows XLSForm's layout: a ``survey`` sheet with one row per question, a
``choices`` sheet with one row per answer choice, plus ``sections`` and ``settings``. Texts take
one column per language (``text::en``, ``text::zh-Hans``). The column list is documented in
docs/questionnaires.md ("Authoring in Excel"). Reading goes through pandas (openpyxl engine),
writing through xlsxwriter.

Problems are located by sheet, row, question code and field, e.g.
``survey!row 7 (EMP_05) field text[zh-Hans]``.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from typing import Any

import pandas as pd
import xlsxwriter

from .documents import DocumentError, Locator, Problem, parse_document

SURVEY, CHOICES, SECTIONS, SETTINGS = "survey", "choices", "sections", "settings"

# Columns of each sheet; "*::lang" columns repeat per language of the questionnaire.
SURVEY_COLUMNS = (
    "section",
    "code",
    "type",
    "text::*",
    "help::*",
    "required",
    "allow_na",
    "evidence",
    "category",
    "visible_if",
    "refs",
    "min",
    "max",
    "integer",
    "unit::*",
    "max_length",
)
CHOICE_COLUMNS = ("question", "value", "label::*")
SECTION_COLUMNS = ("code", "title::*")
SETTINGS_COLUMNS = ("code", "version", "languages", "title::*", "description::*")

BOOLEAN_FIELDS = ("required", "allow_na", "integer")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否"})

_LANG_COLUMN = re.compile(r"^([a-z_]+)(?:::|\[)([A-Za-z-]+)\]?$")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


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
    out = []
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
        match = _LANG_COLUMN.match(name)
        if name in plain or (match and match[1] in per_language):
            continue
        problems.append(Problem(f"{sheet}!row 1 field {name}", f"unknown column '{name}'"))


def _texts(row: dict[str, Any], field: str) -> dict[str, Any] | None:
    texts = {}
    for column, value in row.items():
        match = _LANG_COLUMN.match(column)
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
    try:
        # keep_default_na=False: "None", "NA" and "null" are legitimate labels, not blanks.
        sheets = pd.read_excel(
            io.BytesIO(content),
            sheet_name=None,
            engine="openpyxl",
            dtype=object,
            keep_default_na=False,
        )
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        raise DocumentError([Problem("file", f"not a readable XLSX workbook ({exc})")]) from None

    problems: list[Problem] = []
    for name in (SURVEY, CHOICES, SECTIONS, SETTINGS):
        if name not in sheets and name != CHOICES:
            problems.append(Problem(f"{name}!", f"missing sheet '{name}'"))
    if problems:
        raise DocumentError(problems)
    empty = pd.DataFrame(columns=["question", "value"])
    for name, allowed in (
        (SURVEY, SURVEY_COLUMNS),
        (CHOICES, CHOICE_COLUMNS),
        (SECTIONS, SECTION_COLUMNS),
        (SETTINGS, SETTINGS_COLUMNS),
    ):
        _check_columns(name, sheets.get(name, empty), allowed, problems)

    locator = XlsxLocator()
    settings_rows = _rows(sheets[SETTINGS])
    settings = settings_rows[0][1] if settings_rows else {}
    if settings_rows:
        locator.settings_row = settings_rows[0][0]
    languages = settings.get("languages")
    doc: dict[str, Any] = {
        "code": settings.get("code"),
        "version": settings.get("version") if settings.get("version") is not None else 1,
        "languages": [p.strip() for p in re.split(r"[,;\s]+", str(languages)) if p.strip()]
        if languages is not None
        else None,
        "title": _texts(settings, "title"),
        "description": _texts(settings, "description"),
        "sections": [],
    }

    sections: dict[str, dict[str, Any]] = {}
    for row_number, row in _rows(sheets[SECTIONS]):
        code = row.get("code")
        key = str(code) if code is not None else f"#row{row_number}"
        if key in sections:
            problems.append(
                Problem(f"{SECTIONS}!row {row_number} ({key}) field code", "duplicate section code")
            )
            continue
        locator.section_rows[len(doc["sections"])] = row_number
        sections[key] = {"code": code, "title": _texts(row, "title"), "questions": []}
        doc["sections"].append(sections[key])

    choices_by_question: dict[str, list[tuple[int, dict]]] = {}
    for row_number, row in _rows(sheets.get(CHOICES, empty)):
        question = row.get("question")
        if question is None:
            problems.append(Problem(f"{CHOICES}!row {row_number} field question", "required"))
            continue
        choice = {"value": row.get("value"), "label": _texts(row, "label")}
        choices_by_question.setdefault(str(question), []).append((row_number, choice))

    positions: dict[int, int] = {}  # id(section) -> index
    for index, section in enumerate(doc["sections"]):
        positions[id(section)] = index
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
                int(max_length)
                if isinstance(max_length, str) and max_length.isdigit()
                else max_length
            )
        for field in ("text", "help", "unit"):
            texts = _texts(row, field)
            if texts:
                item[field] = texts
        if row.get("refs") is not None:
            item["refs"] = _split_refs(row["refs"])
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


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


def _columns(spec: tuple[str, ...], languages: list[str]) -> list[str]:
    out: list[str] = []
    for column in spec:
        if column.endswith("::*"):
            out.extend(f"{column[:-3]}::{lang}" for lang in languages)
        else:
            out.append(column)
    return out


def _value(record: dict[str, Any], column: str) -> Any:
    if "::" in column:
        field, lang = column.split("::", 1)
        return (record.get(field) or {}).get(lang)
    return record.get(column)


# What a spreadsheet reads as the start of a formula (OWASP CSV injection).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def write_xlsx(doc: dict) -> bytes:
    """A canonical document as an XLSX workbook (survey, choices, sections, settings)."""
    languages = doc["languages"]
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    quoted = workbook.add_format({"quote_prefix": True, "text_wrap": True, "valign": "top"})

    def sheet(name: str, columns: list[str], records: list[dict[str, Any]]) -> None:
        ws = workbook.add_worksheet(name)
        for col, title in enumerate(columns):
            ws.write_string(0, col, title, header)
            wide = title.split("::")[0] in ("text", "help", "label", "title", "description")
            ws.set_column(col, col, 48 if wide else 14, wrap if wide else None)
        ws.freeze_panes(1, 0)
        for row, record in enumerate(records, start=1):
            for col, column in enumerate(columns):
                value = _value(record, column)
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(row, col, value)
                elif isinstance(value, int | float):
                    ws.write_number(row, col, value)
                else:
                    text = "; ".join(map(str, value)) if isinstance(value, list) else str(value)
                    # Text that a spreadsheet would take for a formula keeps Excel's hidden quote
                    # prefix (a style, so the cell's value and the round trip are unchanged).
                    unsafe = text[:1] in FORMULA_LEADS
                    ws.write_string(row, col, text, quoted if unsafe else None)

    survey, choices = [], []
    for section in doc["sections"]:
        for q in section["questions"]:
            survey.append({**q, "section": section["code"]})
            for choice in q.get("choices", []):
                choices.append({"question": q["code"], **choice})
    sheet(SURVEY, _columns(SURVEY_COLUMNS, languages), survey)
    sheet(CHOICES, _columns(CHOICE_COLUMNS, languages), choices)
    sheet(SECTIONS, _columns(SECTION_COLUMNS, languages), doc["sections"])
    settings = {**doc, "languages": ", ".join(languages)}
    sheet(SETTINGS, _columns(SETTINGS_COLUMNS, languages), [settings])
    workbook.close()
    return buffer.getvalue()
