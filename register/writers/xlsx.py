"""The register workbook: its table sheets, streamed row by row (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..columns import (
    ACTION_COLUMNS,
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    REGISTER_COLUMNS,
    SHEET_NAMES,
    Column,
    Labels,
    label,
)
from ..tables import RegisterTables, column_values
from .cells import (
    _EXCEL_EPOCH,
    _EXCEL_MAX_DATA_ROWS,
    _HEADER_WIDTH_MAX,
    _KIND_WIDTH,
    _ONE_DAY,
    _PROGRESS_EVERY,
    _TEXT_KINDS,
    _UNSAFE_LEAD,
    _WIDTH_MAX,
    _WIDTH_MIN,
    _WIDTH_SAMPLE,
    _WORKBOOK_OPTIONS,
    _display_width,
    _Formats,
)
from .xlsx_summary import _write_heat_map, _write_method, _write_summary


class _Progress:
    """Turns rows written into whole percentages and reports each new one at most once."""

    def __init__(self, total_rows: int, callback: Callable[[int], None] | None) -> None:
        self.total = max(total_rows, 1)
        self.done = 0
        self.last = -1
        self.callback = callback

    def advance(self, rows: int) -> None:
        self.done += rows
        # 99 at most until the file is closed: zipping the sheets is real work too.
        self.report(min(99, self.done * 100 // self.total))

    def report(self, percent: int) -> None:
        if self.callback is not None and percent > self.last:
            self.last = percent
            self.callback(percent)


def write_xlsx(
    tables: RegisterTables,
    target: IO[bytes] | str,
    *,
    title: str,
    buyer_name: str,
    generated_at: datetime,
    language: str = "en",
    labels: Labels | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the register workbook (Summary, Heat map, Register, Findings, Corrective actions,
    History, Method).

    ``target`` is a path or a binary file object (left open). Headers, sheet names and labels
    follow ``language`` (``en`` / ``zh-Hans``). Coded cells (``Column.codes``: ratings,
    severities, statuses, size class, category, industry, yes / no) show the words of ``labels``
    (``register.labels.register_labels`` in the same language), their colours still chosen by
    the code; without ``labels`` they hold the codes (booleans as TRUE / FALSE). ``generated_at`` may be aware: the
    Summary shows its wall-clock time and UTC offset, the document's ``created`` property is UTC.
    ``progress`` receives increasing whole percentages, ending with 100 once the file is complete.
    Raises ``ValueError`` (before writing anything) when a table exceeds Excel's row limit.
    """
    _check_row_limits(tables)
    rows = sum(len(t) for t in (tables.register, tables.findings, tables.actions, tables.history))
    tracker = _Progress(rows, progress)
    tracker.report(0)
    wb = xlsxwriter.Workbook(target, _WORKBOOK_OPTIONS)
    created = generated_at
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    wb.set_properties(
        {"title": title, "company": buyer_name, "author": "Fairlink", "created": created}
    )
    fm = _Formats(wb)
    _write_summary(wb, fm, tables, title, buyer_name, generated_at, language, labels or {})
    _write_heat_map(wb, fm, tables, language, labels or {})
    _write_tables(wb, fm, tables, language, labels or {}, tracker)
    _write_method(wb, fm, tables, language, labels or {})
    wb.close()
    tracker.report(100)


def _check_row_limits(tables: RegisterTables) -> None:
    for frame in (tables.register, tables.findings, tables.actions, tables.history):
        # xlsxwriter silently drops rows past Excel's sheet limit; refuse instead of truncating.
        if len(frame) > _EXCEL_MAX_DATA_ROWS:
            raise ValueError(
                f"{len(frame)} rows exceed Excel's {_EXCEL_MAX_DATA_ROWS} rows per sheet; "
                "export CSV or JSON, or narrow the filters"
            )


def _write_tables(
    wb: Workbook,
    fm: _Formats,
    tables: RegisterTables,
    language: str,
    labels: Labels,
    tracker: _Progress,
) -> None:
    """The Register, Findings, Corrective actions and History sheets, with highlights."""
    register = _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "register", language),
        tables.register,
        REGISTER_COLUMNS,
        language,
        labels,
        tracker,
    )
    _highlight_cells(register, fm, REGISTER_COLUMNS, len(tables.register), labels)
    _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "findings", language),
        tables.findings,
        FINDING_COLUMNS,
        language,
        labels,
        tracker,
    )
    actions = _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "actions", language),
        tables.actions,
        ACTION_COLUMNS,
        language,
        labels,
        tracker,
    )
    _highlight_overdue_rows(actions, fm, ACTION_COLUMNS, len(tables.actions), labels)
    _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "history", language),
        tables.history,
        HISTORY_COLUMNS,
        language,
        labels,
        tracker,
    )


def _column_width(header: str, kind: str, values: Sequence[Any]) -> float:
    content = _KIND_WIDTH.get(kind, 0)
    if kind in _TEXT_KINDS and values:
        step = max(1, len(values) // _WIDTH_SAMPLE)
        content = max((_display_width(v) for v in values[::step] if v is not None), default=0)
    head = min(_display_width(header), _HEADER_WIDTH_MAX)
    return float(min(_WIDTH_MAX, max(_WIDTH_MIN, content, head) + 2))


def _excel_serials(series: pd.Series) -> list[float | None]:
    """Dates as Excel serial numbers: one vectorised subtraction instead of a per-cell
    ``write_datetime`` conversion; the date number format makes Excel show them as dates."""
    serial = (series - _EXCEL_EPOCH) / _ONE_DAY
    return column_values(serial.astype("float64"))


_Plan = tuple[int, Callable[..., Any], list[Any], list[Format | None]]


def _plan_columns(
    ws: Worksheet,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    fm: _Formats,
    language: str,
    labels: Labels,
) -> tuple[list[_Plan], list[float]]:
    """Per column: the bound xlsxwriter method, the Python values (None = no cell) and one
    format per row, so the row loop does no type dispatch of its own.

    The methods are xlsxwriter's undecorated ``_write_string`` / ``_write_number`` /
    ``_write_boolean`` (what its own ``write`` dispatches to): the public ones first try to
    parse the row as A1 notation, about a tenth of the time of a register with a million cells.
    XlsxWriter is pinned in pyproject.toml; the writer tests cover every kind of cell.

    A coded column with words in ``labels`` is written as those words, its format still chosen
    by the code (the rating colours; the alert format of a true overdue-critical flag)."""
    plans: list[_Plan] = []
    widths: list[float] = []
    n = len(frame)
    for c, col in enumerate(columns):
        kind = col.kind
        series = frame[col.key]
        values: list[Any]
        fmts: list[Format | None]
        words = labels.get(col.codes) if col.codes is not None else None
        if words is not None:
            values, fmts = _worded(column_values(series), col, words, fm)
            write = ws._write_string
            kind = "text"  # the width of the words, not of the code
        elif kind in _TEXT_KINDS:
            values = [v or None for v in column_values(series)]  # "" is a blank cell
            by_value = fm.value.get(kind, {})
            quoted = fm.quoted
            fmts = [
                None if v is None else quoted if v[0] in _UNSAFE_LEAD else by_value.get(v)
                for v in values
            ]
            write = ws._write_string
        elif kind in ("date", "datetime"):
            values = _excel_serials(series)
            fmts = [fm.kind[kind]] * n
            write = ws._write_number
        elif kind == "bool":
            values = column_values(series)
            fmts = [None] * n
            write = ws._write_boolean
        else:  # int, score, delta
            values = column_values(series)
            fmts = [fm.kind.get(kind)] * n
            write = ws._write_number
        plans.append((c, write, values, fmts))
        widths.append(_column_width(col.header(language), kind, values))
    return plans, widths


def _worded(
    codes: list[Any], col: Column, words: Mapping[Any, str], fm: _Formats
) -> tuple[list[str | None], list[Format | None]]:
    """A coded column as its words (a code without a word as it is), each cell's format chosen
    by the code: the colour of a rating or severity, red bold for a true overdue-critical flag,
    the quote prefix for a word Excel would take as a formula."""
    by_code: Mapping[Any, Format] = fm.value.get(col.kind, {})
    if col.key == "overdue_critical":
        by_code = {True: fm.alert}
    values = [None if v is None else words.get(v, str(v)) or None for v in codes]
    fmts = [
        None if t is None else fm.quoted if t[0] in _UNSAFE_LEAD else by_code.get(v)
        for v, t in zip(codes, values, strict=True)
    ]
    return values, fmts


def _write_table(
    wb: Workbook,
    fm: _Formats,
    name: str,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    language: str,
    labels: Labels,
    tracker: _Progress,
) -> Worksheet:
    """Stream one table sheet: header row, frozen panes, autofilter, fitted widths, score
    colour scales. Rows go out strictly in order, each complete before the next, as
    ``constant_memory`` requires."""
    ws = wb.add_worksheet(name)
    plans, widths = _plan_columns(ws, frame, columns, fm, language, labels)
    n = len(frame)
    _write_header(ws, fm, columns, widths, language)
    ws.autofilter(0, 0, n, len(columns) - 1)
    for start in range(0, n, _PROGRESS_EVERY):
        stop = min(n, start + _PROGRESS_EVERY)
        for r in range(start, stop):
            row = r + 1
            for c, write, values, fmts in plans:
                v = values[r]
                if v is not None:
                    write(row, c, v, fmts[r])
        tracker.advance(stop - start)
    _score_colour_scales(ws, columns, n)
    return ws


def _write_header(
    ws: Worksheet,
    fm: _Formats,
    columns: Sequence[Column],
    widths: Sequence[float],
    language: str,
) -> None:
    """Column widths, the header row (as tall as its longest wrapped header, three lines at
    most) and the frozen pane below it."""
    header_lines = 1
    for c, (width, col) in enumerate(zip(widths, columns, strict=True)):
        ws.set_column(c, c, width)
        header_lines = max(
            header_lines, min(3, math.ceil(_display_width(col.header(language)) / (width - 1)))
        )
    ws.set_row(0, 15 * header_lines)
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header(language), fm.header)
    ws.freeze_panes(1, 0)


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
