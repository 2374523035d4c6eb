"""The register's table rows are written as sheet XML directly (``register.writers.xlsx_rows``):
read back, the sheet must be the one xlsxwriter writes for the same cells through its own
methods (values, types, styles, links, dimensions), so an XlsxWriter upgrade that changes the
internals used fails here."""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Callable

import numpy as np
import openpyxl
import pytest
import xlsxwriter
from xlsxwriter.url import Url
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from register.writers import xlsx_package, xlsx_rows

RICH = "<r><t>rich</t></r>"
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
    RICH,
    None,
    "Acme Textiles",
]
NUMBERS = [1, 72.5, 45672.0, 45672.34375, -2.5, 0, 1e17, 123456789012, None, 0.1 + 0.2, 86.4, 7, 3]
FLAGS = [True, False, None, True, False, True, None, False, True, True, False, False, True]
SITE = "https://fairlink.example/b/suppliers/"


def _workbook(
    fill: Callable[[Workbook, Worksheet], None],
    *,
    constant_memory: bool = True,
    workbook: type[Workbook] = xlsxwriter.Workbook,
) -> bytes:
    out = io.BytesIO()
    wb = workbook(out, {"constant_memory": constant_memory, "strings_to_urls": False})
    ws = wb.add_worksheet()
    header = wb.add_format({"bold": True})
    header._get_xf_index()
    ws.set_row(0, 30)
    for c, title in enumerate(["Text", "Number", "Flag"]):
        ws.write_string(0, c, title, header)
    fill(wb, ws)
    wb.close()
    return out.getvalue()


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read("xl/worksheets/sheet1.xml").decode()


def _cells(data: bytes) -> tuple[list[tuple], str, float]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.number_format,
            cell.quotePrefix,
            cell.font.b,
            None if cell.hyperlink is None else cell.hyperlink.target,
        )
        for row in ws.iter_rows()
        for cell in row
    ]
    return cells, ws.dimensions, ws.row_dimensions[1].height


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
    rows = xlsx_rows.SheetRows(ws, len(TEXTS), 3)
    # Number columns are float64 arrays, NaN for no cell.
    numbers = np.array([np.nan if n is None else n for n in NUMBERS], dtype="float64")

    def text(value: str, uses: int) -> str:
        return xlsx_rows.text_xml(value, quoted if value[0] == "=" else None, ws.str_table, uses)

    columns = [
        (0, TEXTS, xlsx_rows.distinct_xml(TEXTS, text)),
        (1, numbers, xlsx_rows.distinct_xml(numbers, xlsx_rows.number_xml(score))),
        (2, FLAGS, xlsx_rows.distinct_xml(FLAGS, xlsx_rows.bool_xml(None))),
    ]
    links = xlsx_package.SheetLinks(ws)
    links.column(0, SITE, "/")
    rows.write(0, 5, columns)
    rows.write(5, len(TEXTS), columns)
    for r, text in enumerate(TEXTS, start=1):
        if text is not None:
            links.add(r, 0, r)


def test_sheet_rows_read_back_as_the_cells_xlsxwriter_writes():
    ours = _workbook(_through_sheet_rows, workbook=xlsx_package.RegisterWorkbook)

    # Text in shared strings, as xlsxwriter writes it without constant_memory (openpyxl reads
    # an inline string's _xHHHH_ escapes without undoing them).
    expected = _cells(_workbook(_through_xlsxwriter, constant_memory=False))
    # Except that the text xlsxwriter takes for rich text ("rich") is kept as it is.
    rich = f"A{TEXTS.index(RICH) + 2}"
    cells, *sheet = expected
    assert _cells(ours) == ([(c[0], RICH, *c[2:]) if c[0] == rich else c for c in cells], *sheet)
    sheet = _sheet_xml(ours)
    assert '<dimension ref="A1:C14"/>' in sheet
    assert sheet.count("<row ") == len(TEXTS) + 1
    # Text is shared (the repeated name once), numbers in their short exact form.
    with zipfile.ZipFile(io.BytesIO(ours)) as zf:
        shared = zf.read("xl/sharedStrings.xml").decode()
    assert '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="11"' in (
        shared
    )
    assert shared.count("Acme Textiles") == 1
    assert "_x005F_x0041_ literal escape" in shared and "bell _x0007_ and _x001F_" in shared
    assert "<v>86.4</v>" in sheet and "<v>0.3</v>" in sheet and "<v>45672</v>" in sheet
    # What xlsxwriter would copy into the XML as rich text stays an escaped inline string.
    assert "<t>&lt;r&gt;&lt;t&gt;rich&lt;/t&gt;&lt;/r&gt;</t>" in sheet


def test_a_table_without_rows_keeps_its_header_only():
    sheet = _sheet_xml(_workbook(lambda wb, ws: xlsx_rows.SheetRows(ws, 0, 3)))

    assert '<dimension ref="A1:C1"/>' in sheet
    assert sheet.count("<row ") == 1 and "Text" in sheet


ADDRESSES = [
    ("https://fairlink.example/b/actions/", "/"),
    ("https://fairlink.example/a b/%41/?x=1&y=<2>", "/#top"),  # escaped, and anchored
    ("https://fairlink.example/b/audits/", "/#audit-"),
]


def _links_through_xlsxwriter(wb: Workbook, ws: Worksheet) -> None:
    for r in range(1, 6):
        for c, (before, after) in enumerate(ADDRESSES):
            if (r + c) % 4:
                ws.write_url(r, c, Url(f"{before}{r * 1000 + c}{after}"))


def _links_through_sheet_links(wb: Workbook, ws: Worksheet) -> None:
    links = xlsx_package.SheetLinks(ws)
    for c, (before, after) in enumerate(ADDRESSES):
        links.column(c, before, after)
    for r in range(1, 6):
        for c in range(len(ADDRESSES)):
            if (r + c) % 4:
                ws.write_number(r, c, r * 1000 + c)
                links.add(r, c, r * 1000 + c)


def _links_xml(data: bytes) -> tuple[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        rels = zf.read("xl/worksheets/_rels/sheet1.xml.rels").decode()
    return sheet[sheet.index("<hyperlinks>") : sheet.index("</hyperlinks>")], rels


def test_sheet_links_are_the_xml_xlsxwriter_writes():
    ours = _workbook(_links_through_sheet_links, workbook=xlsx_package.RegisterWorkbook)
    theirs = _workbook(_links_through_xlsxwriter)

    assert _links_xml(ours) == _links_xml(theirs)
    hyperlinks, rels = _links_xml(ours)
    assert hyperlinks.count("<hyperlink ") == rels.count("<Relationship Id") == 12
    assert 'location="top"' in hyperlinks and "&amp;y=&lt;2&gt;" in rels


def test_sheet_links_refuse_an_address_they_cannot_split():
    wb = xlsx_package.RegisterWorkbook(io.BytesIO())
    links = xlsx_package.SheetLinks(wb.add_worksheet())

    for before, after in [("internal:Sheet2!A", ""), ("https://x.example/", "/987654321987/")]:
        with pytest.raises(ValueError):
            links.column(0, before, after)


def test_the_register_workbook_is_zipped_at_its_level_and_others_at_the_default():
    def fill(wb: Workbook, ws: Worksheet) -> None:
        for r in range(1, 2000):
            ws.write_number(r, 0, r)

    for workbook, level in [
        (xlsx_package.RegisterWorkbook, xlsx_package.ZIP_LEVEL),
        (xlsxwriter.Workbook, zlib.Z_DEFAULT_COMPRESSION),
    ]:
        with zipfile.ZipFile(io.BytesIO(_workbook(fill, workbook=workbook))) as zf:
            info = zf.getinfo("xl/worksheets/sheet1.xml")
            deflate = zlib.compressobj(level, zlib.DEFLATED, -15)
            expected = deflate.compress(zf.read(info)) + deflate.flush()
        assert info.compress_type == zipfile.ZIP_DEFLATED
        assert info.compress_size == len(expected)
