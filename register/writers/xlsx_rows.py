"""The data rows of the register workbook's table sheets, written as sheet XML.

A register of 10,000 suppliers has more than two million cells, and xlsxwriter's per-cell work
was most of the export: each cell checked, stored as a tuple, then turned into XML through
attribute lists, regexes and a class-name dispatch, one cell at a time. Here a column's cell
XML is made once per distinct value (a rating word, a date, a supplier's name on each of its
findings) and each row goes out as one string, placed into the worksheet's row data file
after the header row (``constant_memory`` mode).

The cells are those xlsxwriter writes, with two differences that make the file smaller (and
the zip compression, now the largest part of the work, shorter): text goes to the workbook's
shared strings, as xlsxwriter does without ``constant_memory`` (a text xlsxwriter would take
as rich text, ``<r>...</r>``, stays an escaped inline string), and a number is written in the
shorter of xlsxwriter's 16 significant digits and Python's round-trip form (``86.4``, not
``86.40000000000001``). ``tests/register/test_xlsx_rows.py`` reads both back and compares.

This uses worksheet internals of the pinned XlsxWriter (pyproject.toml): the row data file
(``fh`` in ``constant_memory`` mode), ``previous_row``, ``_check_dimensions``,
``_write_single_row``, ``str_table`` and
``Format._get_xf_index``. A text longer than Excel's 32,767 characters is cut.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import Any

import numpy as np
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# The XML after a cell's reference (``<c r="B7"``) for a value of its column and the number of
# cells with that value; None: no cell.
CellXml = Callable[[Any, int], str | None]
# A column's values: Python objects, or float64 numbers with NaN for no cell.
Values = Sequence[Hashable] | np.ndarray

_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_EDGE_SPACE = re.compile(r"^\s|\s$")
_EXCEL_STRING_MAX = 32_767  # UTF-16 code units per cell
# Rows made into XML at a time: a few hundred rows of a fifty-column sheet are a few MB of
# strings; the whole progress step (4,096 rows) at once would add tens of MB to the peak.
_ROWS_PER_WRITE = 256


def _style(fmt: Format | None) -> str:
    return f' s="{fmt._get_xf_index()}"' if fmt is not None else ""


def number_xml(fmt: Format | None) -> CellXml:
    """Number cells in ``fmt`` (dates are numbers with a date format)."""
    style = _style(fmt)
    return lambda number, _uses: f"{style}><v>{_number(number)}</v></c>"


def _number(number: float) -> str:
    digits = f"{number:.16G}"
    if type(number) is float:
        exact = repr(number)
        return exact if len(exact) < len(digits) else digits
    return digits


def bool_xml(fmt: Format | None) -> CellXml:
    """TRUE / FALSE cells in ``fmt``."""
    style = _style(fmt)
    return lambda flag, _uses: f'{style} t="b"><v>{1 if flag else 0}</v></c>'


def text_xml(text: str, fmt: Format | None, strings: SharedStringTable, uses: int) -> str:
    """A text cell of ``uses`` cells with that text: an index into the shared strings (written
    and escaped by xlsxwriter), or an inline string for a text xlsxwriter would copy into the
    XML as rich text."""
    if len(text) > _EXCEL_STRING_MAX // 2:
        text = _cut(text)
    if text.startswith("<r>") and text.endswith("</r>"):
        return _inline_xml(text, fmt)
    index = strings._get_shared_string_index(text)
    strings.count += uses - 1  # the count of cells, not of distinct texts
    return f'{_style(fmt)} t="s"><v>{index}</v></c>'


def _inline_xml(text: str, fmt: Format | None) -> str:
    """An inline string cell. Control characters become Excel's ``_xHHHH_`` escapes (a
    literal ``_xHHHH_`` is escaped in turn), then the XML characters are escaped; leading or
    trailing white space is kept."""
    if "_x" in text:
        text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    if not text.isprintable():
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if _EDGE_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'{_style(fmt)} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _cut(text: str) -> str:
    encoded = text.encode("utf-16-le")
    if len(encoded) <= 2 * _EXCEL_STRING_MAX:
        return text
    return encoded[: 2 * _EXCEL_STRING_MAX].decode("utf-16-le", errors="ignore")


class SheetRows:
    """The data rows ``1..n_rows`` of a table sheet whose header (row 0) was written through
    xlsxwriter, and nothing else: created after the header, before any data row."""

    def __init__(self, ws: Worksheet, n_rows: int, n_cols: int) -> None:
        if n_rows:
            ws._check_dimensions(n_rows, n_cols - 1)
        # Writes the header row to the row data file; the rows after it are ours (xlsxwriter
        # would refuse to write into them now, and has nothing left to write at the end).
        ws._write_single_row(n_rows + 1)
        self.ws = ws
        self.cell_open = [f'<c r="{xl_col_to_name(c)}' for c in range(n_cols)]

    def write(
        self,
        start: int,
        stop: int,
        columns: Sequence[tuple[int, Values, dict[Hashable, str | None]]],
    ) -> None:
        """Rows ``start..stop - 1`` of the table, below the header: per column its index, its
        values and the cell XML of each distinct value."""
        for first in range(start, stop, _ROWS_PER_WRITE):
            self._write(first, min(stop, first + _ROWS_PER_WRITE), columns)

    def _write(
        self,
        start: int,
        stop: int,
        columns: Sequence[tuple[int, Values, dict[Hashable, str | None]]],
    ) -> None:
        numbers = [str(r + 2) for r in range(start, stop)]  # Excel counts from 1, header first
        cells = []
        for c, values, xml in columns:
            cell_open, get = self.cell_open[c], xml.get
            # A NaN of an array's list is no key of ``xml``: no cell, like None.
            chunk = values[start:stop]
            if isinstance(chunk, np.ndarray):
                chunk = chunk.tolist()
            cells.append(
                [
                    f'{cell_open}{row}"{tail}' if (tail := get(value)) else ""
                    for row, value in zip(numbers, chunk, strict=True)
                ]
            )
        self.ws.fh.write(
            "".join(
                [
                    f'<row r="{row}">{"".join(row_cells)}</row>'
                    for row, row_cells in zip(numbers, zip(*cells, strict=True), strict=True)
                ]
            )
        )


def distinct_xml(values: Values, cell: CellXml) -> dict[Hashable, str | None]:
    """The cell XML of each distinct value of a column: a list (``None`` is never a cell) or
    a float64 array (NaN is never a cell; the count of uses is left out, numbers need none)."""
    if isinstance(values, np.ndarray):
        return {v: cell(v, 0) for v in np.unique(values[~np.isnan(values)]).tolist()}
    return {v: cell(v, uses) for v, uses in Counter(values).items() if v is not None}
