"""Reading query rows into pandas frames, shared by the register's selectors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pandas as pd
from django.db.models import QuerySet, TextField
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast

from ..columns import CATEGORIES

_READ_CHUNK = 2000


def read_frame(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    """A frame of the ``values_list`` rows of ``rows``, read ``_READ_CHUNK`` rows at a time
    (a server-side cursor on PostgreSQL) into one list per column (``read_frames``)."""
    return next(read_frames(rows, columns))


def read_frames(
    rows: QuerySet, columns: list[str], *, size: int | None = None, group: str | None = None
) -> Iterator[pd.DataFrame]:
    """The ``values_list`` rows of ``rows`` as frames of ``size`` rows or a few more (one frame
    when None; at least one, maybe empty), read ``_READ_CHUNK`` rows at a time (a server-side
    cursor on PostgreSQL) into one list per column. With ``group`` (a column), a frame ends
    only where the value of that column changes: rows ordered by it stay together. Equal
    strings are kept once per frame: the database hands each row its own copy of a title, code
    or status, and for a register with a few hundred thousand findings those copies are most of
    the memory."""
    at = None if group is None else columns.index(group)
    data: list[list[Any]] = [[] for _ in columns]
    seen: dict[str, str] = {}
    last: Any = None
    for row in rows.iterator(chunk_size=_READ_CHUNK):
        if size is not None and len(data[0]) >= size and (at is None or row[at] != last):
            yield _frame(data, columns)
            data, seen = [[] for _ in columns], {}
        for values, value in zip(data, row, strict=True):
            if type(value) is str:
                value = seen.setdefault(value, value)
            values.append(value)
        last = None if at is None else row[at]
    yield _frame(data, columns)


def _frame(data: list[list[Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(dict(zip(columns, data, strict=True)), columns=columns)


def floats(series: pd.Series) -> pd.Series:
    """Decimal / numeric strings / None -> float64 with NaN. The text ``null`` is None too: a
    JSON null taken out of a JSON column as text (``category_columns``) on SQLite."""
    return pd.to_numeric(
        pd.Series([None if v is None or v == "null" else float(v) for v in series], dtype=object),
        errors="coerce",
    ).astype("float64")


def as_text(field: str) -> Cast:
    """A date-time column read as its text (ISO 8601 with the UTC offset on PostgreSQL; UTC
    without an offset on SQLite), for ``local``: the database driver's and Django's conversion
    to an aware ``datetime`` runs in Python for every row, about a second per 100,000 rows,
    where pandas parses the text in one vectorised step."""
    return Cast(field, output_field=TextField())


def local(series: pd.Series, tz, *, date_only: bool) -> pd.Series:
    """Date-times as ISO 8601 text (``as_text``; no offset: UTC) or aware datetimes, or None
    -> naive wall-clock times in ``tz`` (dates when asked)."""
    parsed = pd.to_datetime(series, utc=True, errors="coerce", format="ISO8601")
    local = parsed.dt.tz_convert(tz).dt.tz_localize(None)
    return local.dt.normalize() if date_only else local


def category_columns() -> dict[str, KeyTextTransform]:
    """Each category's score of a ``Score`` as a column of its own (``cat_<category>``; for
    ``floats``), taken out of the ``categories`` JSON by the database: decoded in Python, the
    JSON of every score read became a dict kept until the frames were built (about 20 MB for
    the 20,000 scores of a register of 10,000 suppliers)."""
    return {f"cat_{cat}": KT(f"categories__{cat}") for cat in CATEGORIES}
