"""The register workbook's small sheets: Summary (figures and two charts) and Method."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ..columns import (
    CATEGORIES,
    CATEGORY_LABELS,
    DEFAULT_PRIORITY_FORMULA,
    INHERENT_LEVELS,
    LABELS,
    METHOD_COLUMNS,
    METHOD_SECTIONS,
    METHOD_TOPICS,
    PRIORITIES,
    RATINGS,
    SHEET_NAMES,
    SUMMARY_FIGURES,
    Labels,
    label,
)
from ..tables import RegisterTables
from .cells import (
    _EXCEL_EPOCH_ORDINAL,
    _RATING_CHART_COLOURS,
    _WIDTH_MAX,
    _display_width,
    _Formats,
    _safe_string,
    _write_value,
)
from .xlsx_marks import print_setup


def _write_summary(
    wb: Workbook,
    fm: _Formats,
    tables: RegisterTables,
    title: str,
    buyer_name: str,
    generated_at: datetime,
    language: str,
    labels: Labels,
) -> None:
    """Summary: title block, headline figures, then the small tables the two charts plot
    (ratings as the words of ``labels`` when it has them).
    Rows are written top to bottom (constant_memory); charts only reference cell ranges."""
    name = label(SHEET_NAMES, "summary", language)
    ws = wb.add_worksheet(name)
    print_setup(ws, table=False)
    summary = tables.summary
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 18)
    ws.set_column(2, 2, 12)
    _summary_header(ws, fm, title, buyer_name, generated_at, language)

    row = 4
    ws.write_string(row, 0, label(LABELS, "figure", language), fm.header)
    ws.write_string(row, 1, label(LABELS, "value", language), fm.header)
    for key in SUMMARY_FIGURES:
        row += 1
        ws.write_string(row, 0, label(SUMMARY_FIGURES, key, language))
        ws.write_number(row, 1, summary[key])

    by_rating = summary["by_rating"]
    ratings = _small_table(
        ws,
        fm,
        language,
        row,
        ("by_rating_title", "rating", "suppliers"),
        [(labels.get("rating", {}).get(r, r), by_rating[r]) for r in RATINGS],
    )
    by_priority = summary["by_priority"]
    priorities = _small_table(
        ws,
        fm,
        language,
        ratings[1],
        ("by_priority_title", "priority", "suppliers"),
        [(p, by_priority[p]) for p in PRIORITIES],
    )
    averages = summary["average_scores"]
    scores = _small_table(
        ws,
        fm,
        language,
        priorities[1],
        ("avg_scores_title", "category", "average_score"),
        [(label(CATEGORY_LABELS, cat, language), averages[cat]) for cat in CATEGORIES],
        fm.kind["score"],
    )
    counts = list(by_rating.values())
    _summary_charts(wb, ws, name, language, (ratings, scores), counts)


def _summary_header(
    ws: Worksheet,
    fm: _Formats,
    title: str,
    buyer_name: str,
    generated_at: datetime,
    language: str,
) -> None:
    """Title, buyer, and when the register was generated (wall clock and UTC offset)."""
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


def _small_table(
    ws: Worksheet,
    fm: _Formats,
    language: str,
    after: int,
    keys: tuple[str, str, str],
    items: Sequence[tuple[str, Any]],
    value_format: Format | None = None,
) -> tuple[int, int]:
    """A two-column table of the Summary below row ``after``, with the labels of ``keys``
    (title, first and second column); returns its first and last data rows."""
    title_key, head_key, value_key = keys
    row = after + 2
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


def _summary_charts(
    wb: Workbook,
    ws: Worksheet,
    name: str,
    language: str,
    tables: tuple[tuple[int, int], tuple[int, int]],
    counts: Sequence[int],
) -> None:
    """Suppliers by rating (columns) and average category scores (bars), plotted from the
    rows of their small tables."""
    (r0, r1), (a0, a1) = tables
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
    # Whole suppliers: integer steps, not 0.2 / 0.4 ... when the counts are small.
    chart.set_y_axis({"min": 0, "major_unit": max(1, math.ceil(max(counts, default=0) / 5))})
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


def _write_heat_map(
    wb: Workbook, fm: _Formats, tables: RegisterTables, language: str, labels: Labels
) -> None:
    """Heat map: suppliers counted by inherent risk (rows) and rating (columns), with row
    and column totals, the counts shaded from white to red."""
    ws = wb.add_worksheet(label(SHEET_NAMES, "heat_map", language))
    print_setup(ws, table=False)
    heat = tables.summary["heat_map"]
    ws.set_column(0, 0, 22)
    ws.set_column(1, len(RATINGS) + 1, 14)
    ws.set_row(0, 20)
    ws.write_string(0, 0, label(LABELS, "heat_map_title", language), fm.label)
    headers = [
        label(LABELS, "inherent_risk", language),
        *(labels.get("rating", {}).get(r, r) for r in RATINGS),
        label(LABELS, "total", language),
    ]
    for c, text in enumerate(headers):
        ws.write_string(2, c, text, fm.header)
    for r, level in enumerate(INHERENT_LEVELS, start=3):
        ws.write_string(r, 0, labels.get("inherent", {}).get(level, level), fm.label)
        for c, rating in enumerate(RATINGS, start=1):
            ws.write_number(r, c, heat[level][rating])
        ws.write_number(r, len(RATINGS) + 1, sum(heat[level].values()), fm.label)
    last = 3 + len(INHERENT_LEVELS)
    ws.write_string(last, 0, label(LABELS, "total", language), fm.label)
    for c, rating in enumerate(RATINGS, start=1):
        ws.write_number(last, c, sum(heat[level][rating] for level in INHERENT_LEVELS), fm.label)
    ws.write_number(last, len(RATINGS) + 1, tables.summary["suppliers"], fm.label)
    ws.conditional_format(
        3,
        1,
        last - 1,
        len(RATINGS),
        {"type": "2_color_scale", "min_color": "#FFFFFF", "max_color": "#F8696B"},
    )


def _wall_clock_serial(moment: datetime) -> float:
    """Excel serial of the wall-clock time of ``moment`` (its own zone, if any)."""
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return moment.toordinal() - _EXCEL_EPOCH_ORDINAL + seconds / 86400.0


# Which code list gives the words of a Method row's item and value, per section.
_METHOD_WORDS: dict[str, tuple[str | None, str | None]] = {
    "rating_bands": ("rating", None),
    "severity_floor": ("severity", "rating"),
    "sla_days": ("severity", None),
}


def _method_rows(
    tables: RegisterTables, language: str, labels: Labels
) -> list[tuple[str, str, Any]]:
    """The Method sheet's rows: the plain-words explanation (``labels["method_text"]``), then
    the settings of the rule set(s), their codes as words of the reader's language."""
    rows: list[tuple[str, str, Any]] = [
        (label(METHOD_SECTIONS, "about", language), label(METHOD_TOPICS, topic, language), text)
        for topic, text in labels.get("method_text", {}).items()
    ]
    for section, item, value in tables.method_rows:
        if section == "priority_formula" and value is None:
            value = DEFAULT_PRIORITY_FORMULA[1 if language == "zh-Hans" else 0]
        item_words, value_words = _METHOD_WORDS.get(section, (None, None))
        if section == "categories" and item in CATEGORY_LABELS:
            item = label(CATEGORY_LABELS, item, language)
        elif item_words is not None:
            item = labels.get(item_words, {}).get(item, item)
        if value_words is not None:
            value = labels.get(value_words, {}).get(value, value)
        rows.append((label(METHOD_SECTIONS, section, language), item, value))
    return rows


_METHOD_TEXT_WIDTH = 80  # the Value column: longer text wraps


def _write_method(
    wb: Workbook, fm: _Formats, tables: RegisterTables, language: str, labels: Labels
) -> None:
    """Method: how a score, rating and priority are made in plain words and where the full
    method is, then the rule set, category weights, rating bands, severity floors, SLA days and
    the priority formula actually used for this register, as one filterable table."""
    ws = wb.add_worksheet(label(SHEET_NAMES, "method", language))
    rows = _method_rows(tables, language, labels)
    widths = [
        max(_display_width(c.header(language)), *(_display_width(str(r[i])) for r in rows), 4)
        for i, c in enumerate(METHOD_COLUMNS)
    ]
    for c, width in enumerate(widths):
        ws.set_column(c, c, min(width + 2, _METHOD_TEXT_WIDTH if c == 2 else _WIDTH_MAX))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for c, col in enumerate(METHOD_COLUMNS):
        ws.write_string(0, c, col.header(language), fm.header)
    ws.freeze_panes(1, 0)
    print_setup(ws, table=True)
    ws.autofilter(0, 0, len(rows), len(METHOD_COLUMNS) - 1)
    for r, (section, item, value) in enumerate(rows, start=1):
        ws.write_string(r, 0, section)
        _safe_string(ws, r, 1, item, fm)
        if isinstance(value, str) and _display_width(value) > _METHOD_TEXT_WIDTH:
            # Set the height: LibreOffice does not grow a row for wrapped text on opening.
            lines = math.ceil(_display_width(value) / (_METHOD_TEXT_WIDTH - 4))
            ws.set_row(r, 15 * lines)
            _safe_string(ws, r, 2, value, fm, wrap)
        else:
            _write_value(ws, r, 2, value, fm)
