"""Risk register export (DESIGN section 7): column definitions, pandas assembly and the
XLSX / CSV / JSON writers. Django-free; the database side builds the input DataFrames."""

from .columns import (
    ACTION_COLUMNS,
    FINDING_COLUMNS,
    JOIN_KEY,
    METHOD_COLUMNS,
    REGISTER_COLUMNS,
    Column,
)
from .tables import FILTER_KEYS, RegisterTables, build_tables
from .writers import safe_text, to_json, write_csv, write_xlsx

__all__ = [
    "ACTION_COLUMNS",
    "FILTER_KEYS",
    "FINDING_COLUMNS",
    "JOIN_KEY",
    "METHOD_COLUMNS",
    "REGISTER_COLUMNS",
    "Column",
    "RegisterTables",
    "build_tables",
    "safe_text",
    "to_json",
    "write_csv",
    "write_xlsx",
]
