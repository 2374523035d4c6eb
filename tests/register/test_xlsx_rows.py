"""The register's table rows are written as sheet XML directly (``register.writers.xlsx_rows``):
the sheet must be the one xlsxwriter writes for the same cells through its own methods, byte for
byte, so an XlsxWriter upgrade that changes its cells or the internals used fails here."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import xlsxwriter
from xlsxwriter.url import Url
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from register.writers.xlsx_rows import SheetRows, bool_xml, distinct_xml, number_xml, text_xml

TEXTS = [
    "Acme Textiles",
    "深圳市绿叶电子有限公司",
    " leading space",
    "trailing tab\t",
    "line\nbreak",
    'quotes " & <tags> > here',
    "_x0041_ literal escape",
    "bell \x07 and \x1f",
    "non-character \ufffe\uffff",
    "=HYPERLINK(1)",
    None,
    "Acme Textiles",
]
NUMBERS = [1, 72.5, 45672.0, 45672.34375, -2.5, 0, 1e17, 123456789012, None, 0.1 + 0.2, 7, 3]
FLAGS = [True, False, None, True, False, True, None, False, True, True, False, False]
SITE = "https://fairlink.example/b/suppliers/"


def _sheet(fill: Callable[[Workbook, Worksheet], None]) -> dict[str, bytes]:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_urls": False})
    ws = wb.add_worksheet()
    header = wb.add_format({"bold": True})
    header._get_xf_index()
    ws.set_row(0, 30)
    for c, title in enumerate(["Text", "Number", "Flag"]):
        ws.write_string(0, c, title, header)
    fill(wb, ws)
    wb.close()
    with zipfile.ZipFile(out) as zf:
        return {name: zf.read(name) for name in zf.namelist() if "worksheets" in name}


def _formats(wb: Workbook):
    quoted, score = wb.add_format({"quote_prefix": True}), wb.add_format({"num_format": "0.0"})
    # Style numbers are handed out on first use; the same ones on both sides.
    for fmt in (quoted, score):
        fmt._get_xf_index()
    return quoted, score


def _through_xlsxwriter(wb: Workbook, ws: Worksheet) -> None:
    quoted, score = _formats(wb)
    ws.ignore_write_string = True
    for r, (text, number, flag) in enumerate(zip(TEXTS, NUMBERS, FLAGS, strict=True), start=1):
        if text is not None:
            ws.write_string(r, 0, text, quoted if text.startswith("=") else None)
            ws.write_url(r, 0, Url(f"{SITE}{r}/"))
        if number is not None:
            ws.write_number(r, 1, number, score)
        if flag is not None:
            ws.write_boolean(r, 2, flag)


def _through_sheet_rows(wb: Workbook, ws: Worksheet) -> None:
    quoted, score = _formats(wb)
    rows = SheetRows(ws, len(TEXTS), 3)
    columns = [
        (0, TEXTS, distinct_xml(TEXTS, lambda t: text_xml(t, quoted if t[0] == "=" else None))),
        (1, NUMBERS, distinct_xml(NUMBERS, number_xml(score))),
        (2, FLAGS, distinct_xml(FLAGS, bool_xml(None))),
    ]
    rows.write(0, 5, columns)
    rows.write(5, len(TEXTS), columns)
    for r, text in enumerate(TEXTS, start=1):
        if text is not None:
            rows.link(r, 0, Url(f"{SITE}{r}/"))


def test_sheet_rows_write_the_sheet_xlsxwriter_writes():
    ours = _sheet(_through_sheet_rows)

    assert ours == _sheet(_through_xlsxwriter)
    sheet = ours["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:C13"/>' in sheet
    assert sheet.count("<row ") == len(TEXTS) + 1
    assert "_x005F_x0041_ literal escape" in sheet and "bell _x0007_ and _x001F_" in sheet
    assert "&lt;tags&gt;" in sheet and "<hyperlink " in sheet


def test_a_table_without_rows_keeps_its_header_only():
    sheet = _sheet(lambda wb, ws: SheetRows(ws, 0, 3))["xl/worksheets/sheet1.xml"].decode()

    assert '<dimension ref="A1:C1"/>' in sheet
    assert sheet.count("<row ") == 1 and "Text" in sheet
