"""Risk register writers: XLSX (xlsxwriter, constant memory), CSV and JSON. No Django.

Why not ``DataFrame.to_excel``: with xlsxwriter's ``constant_memory`` it silently drops cells
written out of row order, and without it the whole sheet is held in memory (and openpyxl is
several times slower). So every sheet is streamed here row by row, each row complete before the
next, with formats created once per workbook and chosen per column (or per value for coloured
enumerations) before the row loop, so the loop itself only indexes lists and calls xlsxwriter.

Safety: the workbook never converts strings to formulas, URLs or numbers; every piece of user
text goes through ``write_string``; text that Excel would take as a formula when the cell is
edited (leading ``= + - @``, tab, CR) carries a ``quote_prefix`` format. The CSV applies
``safe_text`` (OWASP CSV injection) to text columns.
"""

from __future__ import annotations

import csv
import io
import math
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .columns import (
    ACTION_COLUMNS,
    CATEGORIES,
    CATEGORY_LABELS,
    DEFAULT_PRIORITY_FORMULA,
    FINDING_COLUMNS,
    JOIN_KEY,
    LABELS,
    METHOD_COLUMNS,
    METHOD_SECTIONS,
    PRIORITIES,
    RATINGS,
    REGISTER_COLUMNS,
    SHEET_NAMES,
    SUMMARY_FIGURES,
    Column,
    label,
)
from .tables import RegisterTables, column_values

__all__ = ["safe_text", "to_json", "write_csv", "write_xlsx"]

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


# --------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------


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
        self.alert = wb.add_format({"bold": True, "font_color": "#C00000"})


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
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the register workbook (Summary, Register, Findings, Corrective actions, Method).

    ``target`` is a path or a binary file object (left open). Headers, sheet names and labels
    follow ``language`` (``en`` / ``zh-Hans``); cell values are the codes of the tables (ratings,
    statuses) so that they match the CSV, JSON and API filters. ``generated_at`` may be aware: the
    Summary shows its wall-clock time and UTC offset, the document's ``created`` property is UTC.
    ``progress`` receives increasing whole percentages, ending with 100 once the file is complete.
    Raises ``ValueError`` (before writing anything) when a table exceeds Excel's row limit.
    """
    for frame in (tables.register, tables.findings, tables.actions):
        # xlsxwriter silently drops rows past Excel's sheet limit; refuse instead of truncating.
        if len(frame) > _EXCEL_MAX_DATA_ROWS:
            raise ValueError(
                f"{len(frame)} rows exceed Excel's {_EXCEL_MAX_DATA_ROWS} rows per sheet; "
                "export CSV or JSON, or narrow the filters"
            )
    tracker = _Progress(len(tables.register) + len(tables.findings) + len(tables.actions), progress)
    tracker.report(0)
    wb = xlsxwriter.Workbook(target, _WORKBOOK_OPTIONS)
    created = generated_at
    if created.tzinfo is not None:
        created = created.astimezone(UTC).replace(tzinfo=None)
    wb.set_properties(
        {"title": title, "company": buyer_name, "author": "Fairlink", "created": created}
    )
    fm = _Formats(wb)

    _write_summary(wb, fm, tables, title, buyer_name, generated_at, language)
    register = _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "register", language),
        tables.register,
        REGISTER_COLUMNS,
        language,
        tracker,
    )
    _highlight_cells(register, fm, REGISTER_COLUMNS, len(tables.register))
    _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "findings", language),
        tables.findings,
        FINDING_COLUMNS,
        language,
        tracker,
    )
    actions = _write_table(
        wb,
        fm,
        label(SHEET_NAMES, "actions", language),
        tables.actions,
        ACTION_COLUMNS,
        language,
        tracker,
    )
    _highlight_overdue_rows(actions, fm, ACTION_COLUMNS, len(tables.actions))
    _write_method(wb, fm, tables, language)
    wb.close()
    tracker.report(100)


def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    # East Asian wide / full-width characters take two columns in Excel's default fonts.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


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
    ws: Worksheet, frame: pd.DataFrame, columns: Sequence[Column], fm: _Formats, language: str
) -> tuple[list[_Plan], list[float]]:
    """Per column: the bound xlsxwriter method, the Python values (None = no cell) and one
    format per row, so the row loop does no type dispatch of its own."""
    plans: list[_Plan] = []
    widths: list[float] = []
    n = len(frame)
    for c, col in enumerate(columns):
        kind = col.kind
        series = frame[col.key]
        fmts: list[Format | None]
        if kind in _TEXT_KINDS:
            values = [v or None for v in column_values(series)]  # "" is a blank cell
            # Looked up with None too (a blank cell), which has no format.
            by_value: Mapping[Any, Format] = fm.value.get(kind, {})
            quoted = fm.quoted
            fmts = [
                quoted if v is not None and v[0] in _UNSAFE_LEAD else by_value.get(v)
                for v in values
            ]
            write = ws.write_string
        elif kind in ("date", "datetime"):
            values = _excel_serials(series)
            fmts = [fm.kind[kind]] * n
            write = ws.write_number
        elif kind == "bool":
            values = column_values(series)
            fmts = [None] * n
            write = ws.write_boolean
        else:  # int, score, delta
            values = column_values(series)
            fmts = [fm.kind.get(kind)] * n
            write = ws.write_number
        plans.append((c, write, values, fmts))
        widths.append(_column_width(col.header(language), kind, values))
    return plans, widths


def _write_table(
    wb: Workbook,
    fm: _Formats,
    name: str,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    language: str,
    tracker: _Progress,
) -> Worksheet:
    """Stream one table sheet: header row, frozen panes, autofilter, fitted widths, score
    colour scales. Rows go out strictly in order, each complete before the next, as
    ``constant_memory`` requires."""
    ws = wb.add_worksheet(name)
    plans, widths = _plan_columns(ws, frame, columns, fm, language)
    n = len(frame)
    last_col = len(columns) - 1

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
    ws.autofilter(0, 0, n, last_col)

    for start in range(0, n, _PROGRESS_EVERY):
        stop = min(n, start + _PROGRESS_EVERY)
        for r in range(start, stop):
            row = r + 1
            for c, write, values, fmts in plans:
                v = values[r]
                if v is not None:
                    write(row, c, v, fmts[r])
        tracker.advance(stop - start)

    if n:
        for c, col in enumerate(columns):
            if col.kind == "score":
                ws.conditional_format(
                    1,
                    c,
                    n,
                    c,
                    {
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
                    },
                )
    return ws


def _col_letter(c: int) -> str:
    return xlsxwriter.utility.xl_col_to_name(c)


def _highlight_cells(ws: Worksheet, fm: _Formats, columns: Sequence[Column], n: int) -> None:
    """Register: overdue counts above zero and a TRUE overdue-critical flag in red bold. Only
    those cells, because a whole-row fill would hide the rating / priority colours."""
    if not n:
        return
    keys = [c.key for c in columns]
    c = keys.index("overdue_actions")
    ws.conditional_format(
        1, c, n, c, {"type": "cell", "criteria": ">", "value": 0, "format": fm.alert}
    )
    c = keys.index("overdue_critical")
    ws.conditional_format(
        1, c, n, c, {"type": "formula", "criteria": f"={_col_letter(c)}2=TRUE", "format": fm.alert}
    )


def _highlight_overdue_rows(ws: Worksheet, fm: _Formats, columns: Sequence[Column], n: int) -> None:
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
            "criteria": f"=${flag}2=TRUE",
            "format": fm.overdue_row,
            "multi_range": " ".join(ranges),
        },
    )


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


def _write_summary(
    wb: Workbook,
    fm: _Formats,
    tables: RegisterTables,
    title: str,
    buyer_name: str,
    generated_at: datetime,
    language: str,
) -> None:
    """Summary: title block, headline figures, then the small tables the two charts plot.
    Rows are written top to bottom (constant_memory); charts only reference cell ranges."""
    name = label(SHEET_NAMES, "summary", language)
    ws = wb.add_worksheet(name)
    summary = tables.summary
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 12)

    ws.set_row(0, 24)
    _safe_string(ws, 0, 0, title, fm, fm.title)
    ws.write_string(1, 0, label(LABELS, "buyer", language), fm.label)
    _safe_string(ws, 1, 1, buyer_name, fm)
    ws.write_string(2, 0, label(LABELS, "generated_at", language), fm.label)
    ws.write_number(2, 1, _wall_clock_serial(generated_at), fm.kind["datetime"])
    offset = generated_at.utcoffset()
    if offset is not None:
        minutes = int(offset.total_seconds() // 60)
        sign = "+" if minutes >= 0 else "-"
        ws.write_string(2, 2, f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}")

    row = 4
    ws.write_string(row, 0, label(LABELS, "figure", language), fm.header)
    ws.write_string(row, 1, label(LABELS, "value", language), fm.header)
    for key in SUMMARY_FIGURES:
        row += 1
        ws.write_string(row, 0, label(SUMMARY_FIGURES, key, language))
        ws.write_number(row, 1, summary[key])

    def small_table(
        title_key: str,
        head_key: str,
        value_key: str,
        items: Sequence[tuple[str, Any]],
        value_format: Format | None = None,
    ) -> tuple[int, int]:
        nonlocal row
        row += 2
        ws.write_string(row, 0, label(LABELS, title_key, language), fm.label)
        row += 1
        ws.write_string(row, 0, label(LABELS, head_key, language), fm.header)
        ws.write_string(row, 1, label(LABELS, value_key, language), fm.header)
        first = row + 1
        for text, value in items:
            row += 1
            ws.write_string(row, 0, text)
            if value is not None:
                ws.write_number(row, 1, value, value_format)
        return first, row

    by_rating = summary["by_rating"]
    r0, r1 = small_table(
        "by_rating_title", "rating", "suppliers", [(r, by_rating[r]) for r in RATINGS]
    )
    by_priority = summary["by_priority"]
    small_table(
        "by_priority_title", "priority", "suppliers", [(p, by_priority[p]) for p in PRIORITIES]
    )
    averages = summary["average_scores"]
    a0, a1 = small_table(
        "avg_scores_title",
        "category",
        "average_score",
        [(label(CATEGORY_LABELS, cat, language), averages[cat]) for cat in CATEGORIES],
        fm.kind["score"],
    )

    chart = wb.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": label(LABELS, "suppliers", language),
            "categories": [name, r0, 0, r1, 0],
            "values": [name, r0, 1, r1, 1],
            "points": [{"fill": {"color": _RATING_CHART_COLOURS[r]}} for r in RATINGS],
            "data_labels": {"value": True},
        }
    )
    chart.set_title({"name": label(LABELS, "by_rating_title", language)})
    chart.set_legend({"none": True})
    ws.insert_chart(0, 4, chart, {"x_scale": 1.1, "y_scale": 1.0})

    bars = wb.add_chart({"type": "bar"})
    bars.add_series(
        {
            "name": label(LABELS, "average_score", language),
            "categories": [name, a0, 0, a1, 0],
            "values": [name, a0, 1, a1, 1],
            "fill": {"color": "#5B9BD5"},
            "data_labels": {"value": True, "num_format": "0.0"},
        }
    )
    bars.set_title({"name": label(LABELS, "avg_scores_title", language)})
    bars.set_x_axis({"min": 0, "max": 100})
    bars.set_legend({"none": True})
    ws.insert_chart(16, 4, bars, {"x_scale": 1.1, "y_scale": 1.0})


def _wall_clock_serial(moment: datetime) -> float:
    """Excel serial of the wall-clock time of ``moment`` (its own zone, if any)."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return moment.toordinal() - _EXCEL_EPOCH_ORDINAL + seconds / 86400.0


def _write_method(wb: Workbook, fm: _Formats, tables: RegisterTables, language: str) -> None:
    """Method: the rule set, category weights, rating bands, severity floors, SLA days and the
    priority formula actually used for this register, as one filterable table."""
    ws = wb.add_worksheet(label(SHEET_NAMES, "method", language))
    rows = []
    for section, item, value in tables.method_rows:
        if section == "priority_formula" and value is None:
            value = DEFAULT_PRIORITY_FORMULA[1 if language == "zh-Hans" else 0]
        rows.append((label(METHOD_SECTIONS, section, language), item, value))
    widths = [
        max(_display_width(c.header(language)), *(_display_width(str(r[i])) for r in rows), 4)
        for i, c in enumerate(METHOD_COLUMNS)
    ]
    for c, width in enumerate(widths):
        ws.set_column(c, c, min(width + 2, 60 if c == 2 else _WIDTH_MAX))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for c, col in enumerate(METHOD_COLUMNS):
        ws.write_string(0, c, col.header(language), fm.header)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, len(rows), len(METHOD_COLUMNS) - 1)
    for r, (section, item, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, section)
        _safe_string(ws, r, 1, item, fm)
        if isinstance(value, str) and len(value) > 60:
            _safe_string(ws, r, 2, value, fm, wrap)
        else:
            _write_value(ws, r, 2, value, fm)


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

_CSV_CHUNK_ROWS = 2048


def _csv_column(series: pd.Series, kind: str) -> list[str]:
    """One register column as CSV text; empty string for missing values."""
    if kind in _TEXT_KINDS:
        return ["" if v is None else safe_text(v) for v in column_values(series)]
    if kind in ("date", "datetime"):
        text = series.dt.strftime("%Y-%m-%d" if kind == "date" else "%Y-%m-%d %H:%M:%S")
        return [v or "" for v in column_values(text)]
    if kind in ("score", "delta"):
        return ["" if v is None else f"{v:.1f}" for v in column_values(series)]
    if kind == "bool":
        return ["" if v is None else ("true" if v else "false") for v in column_values(series)]
    return ["" if v is None else str(v) for v in column_values(series)]


def write_csv(tables: RegisterTables, target: IO[str] | IO[bytes], *, language: str = "en") -> None:
    """Write the Register table as CSV: UTF-8 with a byte-order mark (so Excel shows Chinese),
    headers in ``language``, text neutralised with ``safe_text``, dates ISO, scores with one
    decimal, booleans ``true`` / ``false``.

    ``target`` may be a text stream (it should be opened with ``newline=""``; the BOM is written
    as U+FEFF and encoded by the stream, so open it as UTF-8) or anything with a ``write(bytes)``
    (binary file, ``HttpResponse``); it is written in chunks and left open.
    """
    text_mode = isinstance(target, io.TextIOBase)
    out: IO[Any] = target

    def emit(chunk: str) -> None:
        out.write(chunk if text_mode else chunk.encode("utf-8"))

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header(language) for c in REGISTER_COLUMNS])
    emit("\ufeff" + buffer.getvalue())
    cols = [_csv_column(tables.register[c.key], c.kind) for c in REGISTER_COLUMNS]
    rows = list(zip(*cols, strict=True)) if cols else []
    for start in range(0, len(rows), _CSV_CHUNK_ROWS):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows[start : start + _CSV_CHUNK_ROWS])
        emit(buffer.getvalue())


# --------------------------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------------------------


def _json_column(series: pd.Series, kind: str) -> list[Any]:
    if kind == "date":
        return column_values(series.dt.strftime("%Y-%m-%d"))
    if kind == "datetime":
        return column_values(series.dt.strftime("%Y-%m-%dT%H:%M:%S"))
    return column_values(series)


def _json_key_column(series: pd.Series) -> list[Any]:
    return [
        v if v is None or isinstance(v, int | str) else _jsonable(v) for v in column_values(series)
    ]


def _records(frame: pd.DataFrame, columns: Sequence[Column]) -> list[dict[str, Any]]:
    keys = [JOIN_KEY, *(c.key for c in columns)]
    cols = [_json_key_column(frame[JOIN_KEY])]
    cols += [_json_column(frame[c.key], c.kind) for c in columns]
    return [dict(zip(keys, row, strict=True)) for row in zip(*cols, strict=True)]


def _jsonable(value: Any) -> Any:
    """Plain JSON types: mappings and sequences recursively, Decimal / numpy numbers as
    float or int, dates ISO, NaN as None, anything else as its text."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return _jsonable(float(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def to_json(tables: RegisterTables) -> dict[str, Any]:
    """The register as plain JSON types: ``{"summary", "register", "findings", "actions",
    "method"}``. Table rows are objects keyed by column key plus ``supplier_id``; missing
    values are ``null``; dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DDTHH:MM:SS`` (naive, as in
    the tables); codes (ratings, severities, statuses) are not translated."""
    return {
        "summary": _jsonable(tables.summary),
        "register": _records(tables.register, REGISTER_COLUMNS),
        "findings": _records(tables.findings, FINDING_COLUMNS),
        "actions": _records(tables.actions, ACTION_COLUMNS),
        "method": _jsonable(tables.method),
    }
