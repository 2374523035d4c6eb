"""Cells of the register workbook: formats created once per workbook, display widths, and
the quote-prefix rule that keeps user text from being read as a formula (OWASP)."""

from __future__ import annotations

import math
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..columns import RATINGS

# Leading characters that make Excel / LibreOffice treat a cell as a formula (OWASP).
_UNSAFE_LEAD = frozenset("=+-@\t\r")

_WORKBOOK_OPTIONS: dict[str, Any] = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}

# Fill / font colours of the coloured enumerations (Excel's "good / neutral / bad" family).
_GREEN = ("#C6EFCE", "#006100")
_AMBER = ("#FFEB9C", "#9C5700")
_ORANGE = ("#F8CBAD", "#833C0B")
_RED = ("#FF9999", "#9C0006")
_GREY = ("#D9D9D9", "#404040")
_VALUE_COLOURS: dict[str, dict[str, tuple[str, str]]] = {
    "rating": {
        "low": _GREEN,
        "medium": _AMBER,
        "high": _ORANGE,
        "critical": _RED,
        "not_rated": _GREY,
    },
    "priority": {"P1": _RED, "P2": _ORANGE, "P3": _AMBER, "P4": _GREEN},
    "severity": {"critical": _RED, "major": _ORANGE, "minor": _AMBER, "observation": _GREY},
}
_RATING_CHART_COLOURS = {r: _VALUE_COLOURS["rating"][r][0] for r in RATINGS}

_NUM_FORMATS = {
    "score": "0.0",
    "delta": "+0.0;-0.0;0.0",
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
}
# Display widths (characters) of non-text kinds, so their columns need no sampling.
_KIND_WIDTH = {"int": 6, "score": 6, "delta": 6, "date": 10, "datetime": 16, "bool": 6}
_TEXT_KINDS = frozenset({"text", "rating", "priority", "severity"})

_WIDTH_SAMPLE = 200  # rows sampled per text column to size it
_WIDTH_MIN, _WIDTH_MAX = 6, 50
_HEADER_WIDTH_MAX = 18  # longer headers wrap instead of widening the column
_PROGRESS_EVERY = 4096  # rows between progress callbacks
_EXCEL_MAX_DATA_ROWS = 1_048_575  # 1,048,576 rows per sheet, one of them the header

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_ONE_DAY = pd.Timedelta(days=1)
_EXCEL_EPOCH_ORDINAL = date(1899, 12, 30).toordinal()


def safe_text(value: str) -> str:
    """Neutralise CSV injection (OWASP): prefix ``'`` when ``value`` starts with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return; return any other value unchanged."""
    if value and value[0] in _UNSAFE_LEAD:
        return "'" + value
    return value


class _Formats:
    """Every format of one workbook, created once (xlsxwriter dedupes, but creation is slow)."""

    def __init__(self, wb: Workbook) -> None:
        self.header = wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "text_wrap": True,
                "border": 1,
                "valign": "top",
            }
        )
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.label = wb.add_format({"bold": True})
        self.quoted = wb.add_format({"quote_prefix": True})
        self.kind: dict[str, Format | None] = {
            kind: wb.add_format({"num_format": nf}) for kind, nf in _NUM_FORMATS.items()
        }
        self.value: dict[str, dict[str, Format]] = {
            kind: {
                value: wb.add_format({"bg_color": bg, "font_color": fg, "align": "center"})
                for value, (bg, fg) in colours.items()
            }
            for kind, colours in _VALUE_COLOURS.items()
        }
        self.overdue_row = wb.add_format({"bg_color": "#FFE1E1"})
        self.link = wb.add_format({"font_color": "#0563C1", "underline": 1})
        self.alert = wb.add_format({"bold": True, "font_color": "#C00000"})


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    # East Asian wide / full-width characters take two columns in Excel's default fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _safe_string(
    ws: Worksheet, row: int, col: int, text: str, fm: _Formats, fmt: Format | None = None
) -> None:
    if text:
        ws.write_string(row, col, text, fm.quoted if text[0] in _UNSAFE_LEAD else fmt)


def _write_value(ws: Worksheet, row: int, col: int, value: Any, fm: _Formats) -> None:
    """A single cell of the small sheets (Summary, Method): numbers stay numbers, everything
    else is text through the same quote-prefix rule as the tables."""
    if value is None:
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal) and not (
        isinstance(value, float) and not math.isfinite(value)
    ):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value)
    else:
        _safe_string(ws, row, col, str(value), fm)
