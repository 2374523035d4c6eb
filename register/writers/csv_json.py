"""The register as CSV (the Register table) and as JSON (every table)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any, BinaryIO, TextIO

import numpy as np
import pandas as pd

from ..columns import ACTION_COLUMNS, FINDING_COLUMNS, JOIN_KEY, REGISTER_COLUMNS, Column
from ..tables import RegisterTables, column_values
from .cells import _TEXT_KINDS, safe_text

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


def write_csv(tables: RegisterTables, target: TextIO | BinaryIO, *, language: str = "en") -> None:
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
