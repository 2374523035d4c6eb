"""Highlights of the register workbook's table sheets: score colour scales, overdue counts
and flags in red, overdue corrective actions shaded, and the links to the portal's pages."""

from __future__ import annotations

from collections.abc import Sequence

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from ..columns import Column, Labels
from .cells import _Formats

_SCORE_SCALE = {
    "type": "3_color_scale",
    "min_type": "num",
    "min_value": 0,
    "mid_type": "num",
    "mid_value": 60,
    "max_type": "num",
    "max_value": 100,
    "min_color": "#F8696B",
    "mid_color": "#FFEB84",
    "max_color": "#63BE7B",
}


def _score_colour_scales(ws: Worksheet, columns: Sequence[Column], n: int) -> None:
    """A red-amber-green colour scale on every score column of ``n`` data rows."""
    if not n:
        return
    for c, col in enumerate(columns):
        if col.kind == "score":
            ws.conditional_format(1, c, n, c, dict(_SCORE_SCALE))


def _col_letter(c: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(c)


def _true_test(labels: Labels) -> str:
    """What a true flag cell equals in a formula: TRUE, or the quoted word for "yes"."""
    yes = labels.get("bool", {}).get(True)
    return "TRUE" if yes is None else '"' + yes.replace('"', '""') + '"'


def _highlight_cells(
    ws: Worksheet, fm: _Formats, columns: Sequence[Column], n: int, labels: Labels
) -> None:
    """Register: overdue counts above zero and a true overdue-critical flag in red bold. Only
    those cells, because a whole-row fill would hide the rating / priority colours. A flag
    written as a word got its format in ``_plan_columns``; only a TRUE / FALSE one needs a
    conditional format."""
    if not n:
        return
    keys = [c.key for c in columns]
    c = keys.index("overdue_actions")
    ws.conditional_format(
        1, c, n, c, {"type": "cell", "criteria": ">", "value": 0, "format": fm.alert}
    )
    c = keys.index("overdue_critical")
    if "bool" in labels:
        return
    ws.conditional_format(
        1, c, n, c, {"type": "formula", "criteria": f"={_col_letter(c)}2=TRUE", "format": fm.alert}
    )


def _highlight_overdue_rows(
    ws: Worksheet, fm: _Formats, columns: Sequence[Column], n: int, labels: Labels
) -> None:
    """Corrective actions: fill the whole row of an overdue action, except the severity cell,
    whose own colour a conditional fill would otherwise hide."""
    if not n:
        return
    keys = [c.key for c in columns]
    flag = _col_letter(keys.index("overdue"))
    skip = keys.index("severity")
    ranges = []
    for first, last in ((0, skip - 1), (skip + 1, len(columns) - 1)):
        if first <= last:
            ranges.append(f"{_col_letter(first)}2:{_col_letter(last)}{n + 1}")
    ws.conditional_format(
        1,
        0,
        n,
        len(columns) - 1,
        {
            "type": "formula",
            "criteria": f"=${flag}2={_true_test(labels)}",
            "format": fm.overdue_row,
            "multi_range": " ".join(ranges),
        },
    )


_A3, _A4 = 8, 9  # xlsxwriter paper sizes


def print_setup(ws: Worksheet, *, table: bool, wide: bool = False) -> None:
    """Landscape, one page wide (A3 for a ``wide`` sheet), the sheet name and page number in
    the footer; a ``table`` repeats its header row on every page, a small sheet (Summary, Heat
    map) is fitted on one page so its charts are never cut."""
    ws.set_landscape()
    ws.set_paper(_A3 if wide else _A4)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&L&A&R&P / &N")
    ws.fit_to_pages(1, 0 if table else 1)
    if table:
        ws.repeat_rows(0)


def freeze_header_and_name(ws: Worksheet, columns: Sequence[Column]) -> None:
    """Freeze the header row and every column up to the supplier name (when there is one)."""
    keys = [c.key for c in columns]
    ws.freeze_panes(1, keys.index("supplier_name") + 1 if "supplier_name" in keys else 0)
