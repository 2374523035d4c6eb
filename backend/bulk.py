"""Inserting many rows fast: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Why not ``bulk_create`` on PostgreSQL: since Django 5.2 it sends a batch as one array per
column (``INSERT ... SELECT * FROM UNNEST(...)``), and psycopg quotes the elements of an array in
Python, character class by character class; for rows carrying a few kB of JSON each that quoting
is most of the time of a bulk re-score. ``COPY`` sends the rows in PostgreSQL's text format,
formatted by psycopg's C code, and is the fastest way PostgreSQL has to load rows.
"""

from __future__ import annotations

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
