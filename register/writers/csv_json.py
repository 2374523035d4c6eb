"""The register as CSV (the Register table) and as JSON (every table)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

import numpy as np
import pandas as pd

from ..columns import (
    ACTION_COLUMNS,
    FINDING_COLUMNS,
    HISTORY_COLUMNS,
    JOIN_KEY,
    REGISTER_COLUMNS,
    Column,
    Labels,
)
from ..tables import RegisterTables, column_values
from .cells import _TEXT_KINDS, safe_text

# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------


def _column_words(
    columns: Sequence[Column], labels: Labels | None
) -> list[Mapping[Any, str] | None]:
    """Per column, the words of its code list in ``labels`` (None: write the value itself)."""
    return [
        labels.get(c.codes) if labels is not None and c.codes is not None else None for c in columns
    ]


# Rows per chunk of a streamed CSV or JSON table: the memory of one chunk, not of the table.
_CHUNK_ROWS = 2048
# Rows per frame of a detail table read for the JSON: a few MB, and enough rows that pandas'
# work per frame (normalising each column, the history's sort) stays small next to the rows'.
_READ_ROWS = 10_000


def _csv_column(series: pd.Series, kind: str, words: Mapping[Any, str] | None) -> list[str]:
    """One register column as CSV text; empty string for missing values; coded values as
    their ``words`` when given (a code without a word stays as it is)."""
    if words is not None:
        return ["" if v is None else safe_text(words.get(v, str(v))) for v in column_values(series)]
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


def iter_csv(
    tables: RegisterTables, *, language: str = "en", labels: Labels | None = None
) -> Iterator[bytes]:
    """The Register table as CSV, in UTF-8 chunks of a few thousand rows: a byte-order mark
    (so Excel shows Chinese), headers in ``language``, text neutralised with ``safe_text``,
    dates ISO, scores with one decimal. Coded columns (``Column.codes``: ratings, size class,
    industry, yes / no) show the words of ``labels`` (see ``register.labels``); without
    ``labels`` the codes, booleans ``true`` / ``false``."""
    words = _column_words(REGISTER_COLUMNS, labels)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header(language) for c in REGISTER_COLUMNS])
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    frame = tables.register
    for start in range(0, len(frame), _CHUNK_ROWS):
        chunk = frame.iloc[start : start + _CHUNK_ROWS]
        cols = [
            _csv_column(chunk[c.key], c.kind, w)
            for c, w in zip(REGISTER_COLUMNS, words, strict=True)
        ]
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(zip(*cols, strict=True))
        yield buffer.getvalue().encode("utf-8")


def write_csv(
    tables: RegisterTables,
    target: IO[str] | IO[bytes],
    *,
    language: str = "en",
    labels: Labels | None = None,
) -> None:
    """Write the Register table as CSV (``iter_csv``) to ``target``: a text stream (opened as
    UTF-8 with ``newline=""``) or anything with a ``write(bytes)`` (binary file,
    ``HttpResponse``); it is written in chunks and left open."""
    text_mode = isinstance(target, io.TextIOBase)
    out: IO[Any] = target
    for chunk in iter_csv(tables, language=language, labels=labels):
        out.write(chunk.decode("utf-8") if text_mode else chunk)


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


def _records(frames: Iterable[pd.DataFrame], columns: Sequence[Column]) -> Iterator[dict[str, Any]]:
    """The rows of ``frames`` as JSON objects, converted a chunk of rows at a time."""
    keys = [JOIN_KEY, *(c.key for c in columns)]
    for frame in frames:
        yield from _frame_records(frame, columns, keys)


def _frame_records(
    frame: pd.DataFrame, columns: Sequence[Column], keys: list[str]
) -> Iterator[dict[str, Any]]:
    for start in range(0, len(frame), _CHUNK_ROWS):
        chunk = frame.iloc[start : start + _CHUNK_ROWS]
        cols = [_json_key_column(chunk[JOIN_KEY])]
        cols += [_json_column(chunk[c.key], c.kind) for c in columns]
        for row in zip(*cols, strict=True):
            yield dict(zip(keys, row, strict=True))


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


_TABLES = (
    ("register", REGISTER_COLUMNS),
    ("findings", FINDING_COLUMNS),
    ("actions", ACTION_COLUMNS),
    ("history", HISTORY_COLUMNS),
)


def _table(tables: RegisterTables, key: str) -> Iterator[pd.DataFrame]:
    """The register, or a detail table: when it is read only when asked for, read now, a
    frame of ``_READ_ROWS`` rows at a time."""
    if key == "register":
        yield tables.register
    else:
        yield from tables.detail_frames(key, size=_READ_ROWS)


def _dumps(value: Any) -> str:
    # The API's JSON: compact, UTF-8 rather than escapes, no NaN (DRF's JSONRenderer).
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def to_json(tables: RegisterTables) -> dict[str, Any]:
    """The register as plain JSON types: ``{"summary", "register", "findings", "actions",
    "history", "method"}``. Table rows are objects keyed by column key plus ``supplier_id``; missing
    values are ``null``; dates ``YYYY-MM-DD``, datetimes ``YYYY-MM-DDTHH:MM:SS`` (naive, as in
    the tables); codes (ratings, severities, statuses) are not translated. Holds every row:
    for large registers use ``iter_json``."""
    body: dict[str, Any] = {"summary": _jsonable(tables.summary)}
    for key, columns in _TABLES:
        body[key] = list(_records(_table(tables, key), columns))
    body["method"] = _jsonable(tables.method)
    return body


def iter_json(tables: RegisterTables, *, head: Mapping[str, Any] | None = None) -> Iterator[bytes]:
    """The JSON document of ``to_json``, preceded by the keys of ``head`` (the API's buyer,
    generated_at and filters), as UTF-8 chunks of a few thousand rows: the same document, and
    never more than one chunk of rows in memory as text."""
    parts = [f"{_dumps(key)}:{_dumps(_jsonable(value))}" for key, value in (head or {}).items()]
    parts.append(f'"summary":{_dumps(_jsonable(tables.summary))}')
    yield ("{" + ",".join(parts)).encode("utf-8")
    for key, columns in _TABLES:
        yield f',"{key}":['.encode()
        rows: list[str] = []
        sep = ""  # a comma once a chunk of rows went out
        for record in _records(_table(tables, key), columns):
            rows.append(_dumps(record))
            if len(rows) >= _CHUNK_ROWS:
                yield (sep + ",".join(rows)).encode("utf-8")
                rows, sep = [], ","
        yield ((sep + ",".join(rows)) if rows else "").encode("utf-8") + b"]"
    yield f',"method":{_dumps(_jsonable(tables.method))}}}'.encode()
