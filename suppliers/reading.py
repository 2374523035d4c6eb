"""Reading an uploaded supplier list (CSV or XLSX) into a table of strings, for
``suppliers.imports``: the size limit, the format by extension checked on the content, and the
encodings Excel writes."""

from __future__ import annotations

import csv
import io

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"


def _max_bytes() -> int:
    return getattr(settings, "FAIRLINK_IMPORT_MAX_BYTES", 5 * 1024 * 1024)


def read_table(file) -> pd.DataFrame:
    """Read an uploaded CSV or XLSX into a DataFrame of strings (legal ids keep leading
    zeros; blanks are ""). The format is decided by the extension and checked on the content."""
    name = (getattr(file, "name", "") or "").lower()
    raw = file.read()
    if len(raw) > _max_bytes():
        raise ValidationError(
            {"file": _("The file is larger than %(mb)d MB.") % {"mb": _max_bytes() // 2**20}}
        )
    if not raw:
        raise ValidationError({"file": _("The file is empty.")})
    is_zip = raw.startswith(XLSX_MAGIC)
    if name.endswith(".xlsx"):
        if not is_zip:
            raise ValidationError({"file": _("This .xlsx file is not an Excel workbook.")})
        try:
            frame = pd.read_excel(
                io.BytesIO(raw), engine="openpyxl", dtype=str, keep_default_na=False
            )
        except (ValueError, KeyError, OSError) as exc:
            raise ValidationError({"file": _("The workbook cannot be read: %s") % exc}) from exc
    elif name.endswith(".csv"):
        if is_zip or b"\x00" in raw:
            raise ValidationError({"file": _("This .csv file is not a text file.")})
        text = _decode(raw)
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
            sep = dialect.delimiter
        except csv.Error:
            sep = ","
        try:
            frame = pd.read_csv(
                io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skip_blank_lines=True
            )
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ValidationError({"file": _("The CSV file cannot be read: %s") % exc}) from exc
    else:
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    return frame


def _decode(raw: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GB18030; everything else should be UTF-8.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationError({"file": _("Save the CSV file as UTF-8.")})
