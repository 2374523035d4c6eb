"""How the register workbook is packaged: its table sheets' hyperlinks and the zip compression.

**Links.** xlsxwriter keeps a parsed ``Url`` object per linked cell until the workbook closes
(about 0.45 kB each), then writes each ``<hyperlink>`` and each relationship through attribute
lists and escaping regexes. A register of 10,000 suppliers has about 70,000 links: 30 MB held
for the whole export and more than a second at close. ``SheetLinks`` keeps a link as three
integers (row, column, page id) in arrays, with the address of each linked column split once
around the id, and writes the sheet's ``<hyperlinks>`` and its relationships file as the same
XML xlsxwriter writes (``tests/register/test_xlsx_rows.py`` compares them byte for byte).

**Compression.** xlsxwriter zips at zlib's default level (6). The sheet XML of a large register
is highly repetitive; at level 4 zlib compresses the 100 MB of a 10,000-supplier register in
0.7 s instead of 1.6 s, for a file 8 % larger (11.3 MB instead of 10.5 MB; levels 1 to 3 are
no faster here and 14 to 25 % larger). It stays an ordinary deflated zip.

This relies on internals of the pinned XlsxWriter (pyproject.toml): ``Worksheet.
_write_hyperlinks``, ``rel_count``, the ``external_*_links`` lists, ``Workbook._get_packager``,
``Packager._write_worksheet_rels_files`` and ``_filename``, and the ``ZipFile`` name in
``xlsxwriter.workbook``.
"""

from __future__ import annotations

import threading
import zipfile
from array import array
from collections.abc import Iterator
from typing import Any

import xlsxwriter.workbook
from xlsxwriter.packager import Packager
from xlsxwriter.url import Url, UrlTypes
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet
from xlsxwriter.xmlwriter import XMLwriter

# zlib level of the register workbook (see the module docstring).
ZIP_LEVEL = 4
# A number no page id reaches, put in place of the id to split a parsed address around it.
_MARKER = 987654321987
_HYPERLINK_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
)
_LINKS_PER_WRITE = 4096
_zip_level = threading.local()


class _LevelledZipFile(zipfile.ZipFile):
    """A ``ZipFile`` at the level set by ``RegisterWorkbook`` in this thread (zlib's default
    for any other workbook of the process)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", getattr(_zip_level, "value", None))
        super().__init__(*args, **kwargs)


xlsxwriter.workbook.ZipFile = _LevelledZipFile


class RegisterWorkbook(Workbook):
    """An xlsxwriter ``Workbook`` zipped at ``ZIP_LEVEL`` whose sheets may carry ``SheetLinks``."""

    def _store_workbook(self) -> None:
        _zip_level.value = ZIP_LEVEL
        try:
            super()._store_workbook()
        finally:
            _zip_level.value = None

    def _get_packager(self) -> Packager:
        return _Packager()


class _Packager(Packager):
    def _write_worksheet_rels_files(self) -> None:
        """xlsxwriter's relationship files, then those of the sheets whose links are
        ``SheetLinks`` (which have no other relationship, so xlsxwriter wrote none for them)."""
        super()._write_worksheet_rels_files()
        sheets = [ws for ws in self.workbook.worksheets() if not ws.is_chartsheet]
        for index, ws in enumerate(sheets, start=1):
            links = getattr(ws, "sheet_links", None)
            if links is not None and len(links):
                links.write_rels(self._filename(f"xl/worksheets/_rels/sheet{index}.xml.rels"))


class SheetLinks:
    """The hyperlinks of a table sheet: each one a cell (row, column) and the id of its page."""

    def __init__(self, ws: Worksheet) -> None:
        self.ws = ws
        self.rows = array("l")
        self.cols = array("l")
        self.ids = array("q")
        # Per column: the relationship target and the ``location`` (an anchor, or none) as the
        # escaped text around the id.
        self.parts: dict[int, tuple[list[str], list[str] | None]] = {}
        ws.sheet_links = self
        ws._write_hyperlinks = self.write_xml

    def __len__(self) -> int:
        return len(self.ids)

    def column(self, col: int, before: str, after: str) -> None:
        """Links of column ``col`` go to ``before + id + after`` (an external address)."""
        url = Url(f"{before}{_MARKER}{after}")
        if url._link_type != UrlTypes.URL or url._tip or url._is_object_link:
            raise ValueError(f"not a plain web address: {before}<id>{after}")
        escape = XMLwriter()._escape_attributes
        target = escape(url._target()).split(str(_MARKER))
        anchor = escape(url._anchor).split(str(_MARKER)) if url._anchor else None
        if len(target) != 2 or (anchor is not None and len(anchor) > 2):
            raise ValueError(f"the id is not a part of its own in {before}<id>{after}")
        self.parts[col] = (target, anchor)

    def add(self, row: int, col: int, page_id: int) -> None:
        """A link on the cell of sheet row ``row`` (from 0, the header's) and column ``col``
        (declared by ``column``), added in row order, then column order within a row."""
        self.rows.append(row)
        self.cols.append(col)
        self.ids.append(page_id)

    def write_xml(self) -> None:
        """The sheet's ``<hyperlinks>`` element, in place of xlsxwriter's."""
        if not len(self):
            return
        ws, names = self.ws, {c: xl_col_to_name(c) for c in self.parts}
        first = ws.rel_count + 1
        ws.fh.write("<hyperlinks>")
        for start, stop in _chunks(len(self)):
            ws.fh.write(
                "".join(
                    f'<hyperlink ref="{names[c]}{r + 1}" r:id="rId{first + i}"'
                    f"{self._location(c, page_id)}/>"
                    for i, r, c, page_id in zip(
                        range(start, stop),
                        self.rows[start:stop],
                        self.cols[start:stop],
                        self.ids[start:stop],
                        strict=True,
                    )
                )
            )
        ws.fh.write("</hyperlinks>")
        ws.rel_count += len(self)

    def _location(self, col: int, page_id: int) -> str:
        anchor = self.parts[col][1]
        return "" if anchor is None else f' location="{str(page_id).join(anchor)}"'

    def write_rels(self, path: str) -> None:
        """The sheet's relationships file: one external hyperlink per link, ``rId1`` first."""
        ws = self.ws
        others = (
            ws.external_drawing_links,
            ws.external_vml_links,
            ws.external_background_links,
            ws.external_table_links,
            ws.external_comment_links,
        )
        if any(others):
            raise ValueError("a sheet with compact links can have no other relationship")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(_RELS_HEAD)
            for chunk in self._relationships():
                fh.write(chunk)
            fh.write("</Relationships>")

    def _relationships(self) -> Iterator[str]:
        for start, stop in _chunks(len(self)):
            yield "".join(
                f'<Relationship Id="rId{i + 1}" Type="{_HYPERLINK_TYPE}" '
                f'Target="{str(page_id).join(self.parts[c][0])}" TargetMode="External"/>'
                for i, c, page_id in zip(
                    range(start, stop), self.cols[start:stop], self.ids[start:stop], strict=True
                )
            )


def _chunks(total: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, _LINKS_PER_WRITE):
        yield start, min(total, start + _LINKS_PER_WRITE)
