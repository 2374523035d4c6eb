"""The register workbook: its table sheets, streamed row by row (see the package docstring)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import IO, Any

import numpy as np
import pandas as pd
from xlsxwriter.format import Format
from xlsxwriter.sharedstrings import SharedStringTable
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..columns import (
    ACTION_COLUMNS,
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    LINK_ID_KEYS,
    REGISTER_COLUMNS,
    SHEET_NAMES,
    Column,
    Labels,
    Links,
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
from .xlsx_marks import (
    _highlight_cells,
    _highlight_overdue_rows,
    _score_colour_scales,
    freeze_header_and_name,
    print_setup,
)
from .xlsx_package import RegisterWorkbook, SheetLinks
from .xlsx_rows import CellXml, SheetRows, bool_xml, distinct_xml, number_xml, text_xml
from .xlsx_summary import _write_heat_map, _write_method, _write_summary


class _Progress:
    """Turns rows written into whole percentages and reports each new one at most once. Each
    of the four table sheets is a quarter of the bar, shared by its rows: a detail table may be
    read only when its sheet is written, so the total is not known before."""

    def __init__(self, callback: Callable[[int], None] | None) -> None:
        self.sheets_done = 0
        self.rows = 1
        self.done = 0
        self.last = -1
        self.callback = callback

    def sheet(self, rows: int) -> None:
        """The next table sheet starts; it has ``rows`` rows."""
        self.rows, self.done = max(rows, 1), 0

    def advance(self, rows: int) -> None:
        self.done += rows
        self._at(self.sheets_done + self.done / self.rows)

    def sheet_done(self) -> None:
        self.sheets_done += 1
        self._at(self.sheets_done)

    def _at(self, sheets: float) -> None:
        # 99 at most until the file is closed: zipping the sheets is real work too.
        self.report(min(99, int(sheets * 100) // len(_SHEETS)))

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
    links: Links | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the register workbook (Summary, Heat map, Register, Findings, Corrective actions,
    History, Method).

    ``target`` is a path or a binary file object (left open). Headers, sheet names and labels
    follow ``language`` (``en`` / ``zh-Hans``). Coded cells (``Column.codes``: ratings,
    severities, statuses, size class, category, industry, yes / no) show the words of ``labels``
    (``register.labels.register_labels`` in the same language), their colours still chosen by
    the code; without ``labels`` they hold the codes (booleans as TRUE / FALSE). With ``links``
    (``register.links.portal_links``) the cells of a ``Column.link`` link to the portal page of
    their supplier, audit or corrective action (at most Excel's 65,530 links per sheet). ``generated_at`` may be aware: the
    Summary shows its wall-clock time and UTC offset, the document's ``created`` property is UTC.
    ``progress`` receives increasing whole percentages, ending with 100 once the file is complete.
    A detail table read only when asked for (``RegisterTables.detail``) is read just before its
    sheet is written and released after it: the workbook holds one detail table at a time.
    Raises ``ValueError`` when a table exceeds Excel's row limit: before writing anything for a
    table in memory, before writing its sheet for a table read then.
    """
    for frame in (tables.register, tables.findings, tables.actions, tables.history):
        _check_row_limit(frame)
    tracker = _Progress(progress)
    tracker.report(0)
    wb = RegisterWorkbook(target, _WORKBOOK_OPTIONS)
    created = generated_at
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    wb.set_properties(
        {"title": title, "company": buyer_name, "author": "Fairlink", "created": created}
    )
    fm = _Formats(wb)
    _write_summary(wb, fm, tables, title, buyer_name, generated_at, language, labels or {})
    _write_heat_map(wb, fm, tables, language, labels or {})
    _write_tables(wb, fm, tables, language, labels or {}, links or {}, tracker)
    _write_method(wb, fm, tables, language, labels or {})
    wb.close()
    tracker.report(100)


def _check_row_limit(frame: pd.DataFrame) -> None:
    # xlsxwriter silently drops rows past Excel's sheet limit; refuse instead of truncating.
    if len(frame) > _EXCEL_MAX_DATA_ROWS:
        raise ValueError(
            f"{len(frame)} rows exceed Excel's {_EXCEL_MAX_DATA_ROWS} rows per sheet; "
            "export CSV or JSON, or narrow the filters"
        )


_SHEETS = (
    ("register", REGISTER_COLUMNS),
    ("findings", FINDING_COLUMNS),
    ("actions", ACTION_COLUMNS),
    ("history", HISTORY_COLUMNS),
)


def _write_tables(
    wb: Workbook,
    fm: _Formats,
    tables: RegisterTables,
    language: str,
    labels: Labels,
    links: Links,
    tracker: _Progress,
) -> None:
    """The Register, Findings, Corrective actions and History sheets, with highlights; a detail
    table read only when asked for is read here, just before its sheet."""
    for key, columns in _SHEETS:
        frame = tables.register if key == "register" else tables.detail(key)
        _check_row_limit(frame)
        tracker.sheet(len(frame))
        ws = _write_table(
            wb,
            fm,
            label(SHEET_NAMES, key, language),
            frame,
            columns,
            language,
            labels,
            links,
            tracker,
        )
        if key == "register":
            _highlight_cells(ws, fm, columns, len(frame), labels)
        elif key == "actions":
            _highlight_overdue_rows(ws, fm, columns, len(frame), labels)
        tracker.sheet_done()


def _column_width(header: str, kind: str, values: Sequence[Any]) -> float:
    content = _KIND_WIDTH.get(kind, 0)
    if kind in _TEXT_KINDS and values:
        step = max(1, len(values) // _WIDTH_SAMPLE)
        content = max((_display_width(v) for v in values[::step] if v is not None), default=0)
    head = min(_display_width(header), _HEADER_WIDTH_MAX)
    return float(min(_WIDTH_MAX, max(_WIDTH_MIN, content, head) + 2))


def _numbers(series: pd.Series, kind: str) -> np.ndarray:
    """A number column as float64 with NaN for no cell, kept as an array (a list of Python
    floats for a whole sheet would add tens of MB to the peak): ``xlsx_rows`` takes a few
    hundred rows at a time. Dates become Excel serial numbers in one vectorised subtraction;
    the date number format makes Excel show them as dates."""
    if kind in ("date", "datetime"):
        series = (series - _EXCEL_EPOCH) / _ONE_DAY
    return series.to_numpy(dtype="float64", na_value=np.nan)


# Per column: its index, its values (one per row) and the cell XML of each distinct value.
_Plan = tuple[int, list[Any] | np.ndarray, dict[Any, str | None]]
_NUMBER_KINDS = frozenset({"int", "score", "delta", "date", "datetime"})


def _plan_columns(
    frame: pd.DataFrame,
    columns: Sequence[Column],
    fm: _Formats,
    language: str,
    labels: Labels,
    linked: frozenset[int],
    strings: SharedStringTable,
) -> tuple[list[_Plan], list[float]]:
    """Per column the values and the XML of each distinct value's cell (``xlsx_rows``), so
    the rows are written without any per-cell decision; and the column widths.

    A coded column with words in ``labels`` keeps its codes as values and is written as their
    words, the format still chosen by the code (the rating colours; the alert format of a true
    overdue-critical flag). A ``linked`` column's plain cells get the link style."""
    plans: list[_Plan] = []
    widths: list[float] = []
    for c, col in enumerate(columns):
        kind = col.kind
        series = frame[col.key]
        words = labels.get(col.codes) if col.codes is not None else None
        values: list[Any] | np.ndarray
        if words is None and kind in _NUMBER_KINDS:
            values = _numbers(series, kind)
        else:
            values = column_values(series)
        plain = fm.link if c in linked else None
        shown: Sequence[Any] = values if isinstance(values, list) else []
        cell: CellXml
        if words is not None:
            cell = _worded(col, words, fm, plain, strings)
            shown = _sampled_words(column_values(series), words)
            kind = "text"  # the width of the words, not of the code
        elif kind in _TEXT_KINDS:
            cell = _text_cell(fm.value.get(kind, {}), fm, plain, strings)
        elif kind in ("date", "datetime"):
            cell = number_xml(fm.kind[kind] or plain)
        elif kind == "bool":
            cell = bool_xml(plain)
        else:  # int, score, delta
            cell = number_xml(fm.kind.get(kind) or plain)
        plans.append((c, values, distinct_xml(values, cell)))
        widths.append(_column_width(col.header(language), kind, shown))
    return plans, widths


def _sampled_words(values: list[Any], words: Mapping[Any, str]) -> list[str | None]:
    """The words of every few codes (the rows ``_column_width`` samples), to size a column."""
    step = max(1, len(values) // _WIDTH_SAMPLE)
    return [None if v is None else words.get(v, str(v)) for v in values[::step]]


def _text_cell(
    by_value: Mapping[Any, Format], fm: _Formats, plain: Format | None, strings: SharedStringTable
) -> CellXml:
    """Text cells: "" is a blank cell; a text Excel would take as a formula is quoted; a
    coloured enumeration (rating, priority, severity) gets its value's colour."""

    def cell(text: str, uses: int) -> str | None:
        if not text:
            return None
        fmt = fm.quoted if text[0] in _UNSAFE_LEAD else by_value.get(text, plain)
        return text_xml(text, fmt, strings, uses)

    return cell


def _worded(
    col: Column,
    words: Mapping[Any, str],
    fm: _Formats,
    plain: Format | None,
    strings: SharedStringTable,
) -> CellXml:
    """A coded column as its words (a code without a word as it is), each cell's format chosen
    by the code: the colour of a rating or severity, red bold for a true overdue-critical flag,
    the quote prefix for a word Excel would take as a formula."""
    by_code: Mapping[Any, Format] = fm.value.get(col.kind, {})
    if col.key == "overdue_critical":
        by_code = {True: fm.alert}

    def cell(code: Any, uses: int) -> str | None:
        text = words.get(code, str(code))
        if not text:
            return None
        fmt = fm.quoted if text[0] in _UNSAFE_LEAD else by_code.get(code, plain)
        return text_xml(text, fmt, strings, uses)

    return cell


def _write_table(
    wb: Workbook,
    fm: _Formats,
    name: str,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    language: str,
    labels: Labels,
    links: Links,
    tracker: _Progress,
) -> Worksheet:
    """Stream one table sheet: header row, frozen panes, autofilter, fitted widths, score
    colour scales. Rows go out strictly in order, each complete before the next, as
    ``constant_memory`` requires."""
    ws = wb.add_worksheet(name)
    sheet_links = SheetLinks(ws)
    linked = _plan_links(frame, columns, links, sheet_links)
    plans, widths = _plan_columns(
        frame, columns, fm, language, labels, frozenset(c for c, _ in linked), ws.str_table
    )
    n = len(frame)
    _write_header(ws, fm, columns, widths, language)
    ws.autofilter(0, 0, n, len(columns) - 1)
    rows = SheetRows(ws, n, len(columns))
    for start in range(0, n, _PROGRESS_EVERY):
        stop = min(n, start + _PROGRESS_EVERY)
        rows.write(start, stop, plans)
        for r in range(start, stop):
            for c, ids in linked:
                if ids[r] is not None and len(sheet_links) < _MAX_LINKS:
                    sheet_links.add(r + 1, c, ids[r])
        tracker.advance(stop - start)
    _score_colour_scales(ws, columns, n)
    return ws


_MAX_LINKS = 65_530  # Excel's limit of hyperlinks per worksheet
_Link = tuple[int, list[Any]]


def _plan_links(
    frame: pd.DataFrame, columns: Sequence[Column], links: Links, sheet_links: SheetLinks
) -> list[_Link]:
    """Per linked column: its index and the page id of each row; the text around the id goes
    to ``sheet_links``. The cell keeps its own value (a number stays a number): only the
    hyperlink is added."""
    linked: list[_Link] = []
    for c, col in enumerate(columns):
        if col.link is None or col.link not in links:
            continue
        key = LINK_ID_KEYS[col.link] or col.key
        if key not in frame.columns:
            continue
        ids = [None if v is None else int(v) for v in column_values(frame[key])]
        sheet_links.column(c, *links[col.link])
        linked.append((c, ids))
    return linked


def _write_header(
    ws: Worksheet,
    fm: _Formats,
    columns: Sequence[Column],
    widths: Sequence[float],
    language: str,
) -> None:
    """Column widths, the header row (as tall as its longest wrapped header, three lines at
    most), the frozen panes (header and supplier name) and the print setup."""
    header_lines = 1
    for c, (width, col) in enumerate(zip(widths, columns, strict=True)):
        ws.set_column(c, c, width)
        header_lines = max(
            header_lines, min(3, math.ceil(_display_width(col.header(language)) / (width - 1)))
        )
    ws.set_row(0, 15 * header_lines)
    for c, col in enumerate(columns):
        ws.write_string(0, c, col.header(language), fm.header)
    freeze_header_and_name(ws, columns)
    print_setup(ws, table=True, wide=len(columns) > 20)
