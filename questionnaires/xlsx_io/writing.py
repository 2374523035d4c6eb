"""Writing a canonical questionnaire document as a workbook (xlsxwriter)."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter

from .layout import (
    CHOICE_COLUMNS,
    CHOICES,
    SECTION_COLUMNS,
    SECTIONS,
    SETTINGS,
    SETTINGS_COLUMNS,
    SURVEY,
    SURVEY_COLUMNS,
)


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
