"""Inserting many rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Why not ``bulk_create`` on PostgreSQL: since Django 5.2 it sends a batch as one array per
column (``INSERT ... SELECT * FROM UNNEST(...)``), and psycopg quotes the elements of an array in
Python, character class by character class; for rows carrying a few kB of JSON each that quoting
is most of the time of a bulk re-score. ``COPY`` sends the rows in PostgreSQL's text format,
formatted by psycopg's C code, and is the fastest way PostgreSQL has to load rows.

``insert_rows`` goes one step further for the hottest path (a bulk re-score): it takes plain
tuples instead of model instances, so that neither ``Model.__init__`` nor each field's
``get_db_prep_save`` runs per row, and encodes JSON columns with one compact encoder.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone


def bulk_insert(model: type[models.Model], objs: Sequence[Any], *, batch_size: int = 1000) -> None:
    """Insert ``objs`` (unsaved instances of ``model``) and set their primary keys.

    On PostgreSQL: the ids are taken from the table's sequence in one query, then the rows go
    in by ``COPY`` (fields with ``auto_now`` / ``auto_now_add`` are set to now, as ``save``
    would). Elsewhere: ``bulk_create``. Runs in the caller's transaction; no signals are sent
    (as with ``bulk_create``)."""
    if not objs:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    fields = list(meta.concrete_fields)
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                setattr(obj, field.attname, now)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(objs)],
        )
        for obj, (value,) in zip(objs, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, value)
        columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for obj in objs:
                copy.write_row(
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                )
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


# Compact and without the ASCII escapes: the column stores the same JSON value either way.
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def insert_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> list[int]:
    """Insert ``rows`` (one value per field named in ``columns``, by attribute name: ``audit_id``
    for a foreign key) and return their new primary keys, in the order of ``rows``.

    Values go in as the database driver takes them (numbers, strings, ``Decimal``, aware
    datetimes, ``None``); JSON fields take plain JSON data, encoded here. Fields not named get
    their default (computed once for the call), or now for ``auto_now`` / ``auto_now_add``.
    On PostgreSQL the ids come from the table's sequence and the rows go in by ``COPY``;
    elsewhere through ``bulk_create``. Runs in the caller's transaction; no signals."""
    if not rows:
        return []
    meta = model._meta
    pk = meta.pk
    assert pk is not None
    named = [meta.get_field(name) for name in columns]
    attnames = [field.attname for field in named]  # type: ignore[union-attr]
    rest = [f for f in meta.concrete_fields if f.attname not in attnames and f is not pk]
    if connection.vendor != "postgresql":
        objs = [model(**dict(zip(attnames, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objs)
        return [obj.pk for obj in objs]
    now = timezone.now()
    defaults = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_db_prep_save(f.get_default(), connection)
        for f in rest
    ]
    json_at = [i for i, field in enumerate(named) if isinstance(field, models.JSONField)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, pk.column, len(rows)],
        )
        ids = [value for (value,) in cursor.fetchall()]
        quote = connection.ops.quote_name
        fields = [pk, *named, *rest]
        columns_sql = ", ".join(quote(str(f.column)) for f in fields)  # type: ignore[union-attr]
        table = quote(meta.db_table)
        with cursor.copy(f"COPY {table} ({columns_sql}) FROM STDIN") as copy:
            for pk_value, row in zip(ids, rows, strict=True):
                values = list(row)
                for i in json_at:
                    if values[i] is not None:
                        values[i] = _encode_json(values[i])
                copy.write_row((pk_value, *values, *defaults))
    return ids
