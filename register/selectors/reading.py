"""Reading query rows into pandas frames, shared by the register's selectors."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db.models import QuerySet, TextField
from django.db.models.fields.json import KT, KeyTextTransform
from django.db.models.functions import Cast

from ..columns import CATEGORIES

_READ_CHUNK = 2000


def read_frame(rows: QuerySet, columns: list[str]) -> pd.DataFrame:
    """A frame of the ``values_list`` rows of ``rows``, read ``_READ_CHUNK`` rows at a time
    (a server-side cursor on PostgreSQL) into one list per column. Equal strings are kept once:
    the database hands each row its own copy of a title, code or status, and for a register
    with a few hundred thousand findings those copies are most of the memory."""
    data: list[list[Any]] = [[] for _ in columns]
    seen: dict[str, str] = {}
    for row in rows.iterator(chunk_size=_READ_CHUNK):
        for values, value in zip(data, row, strict=True):
            if type(value) is str:
                value = seen.setdefault(value, value)
            values.append(value)
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
