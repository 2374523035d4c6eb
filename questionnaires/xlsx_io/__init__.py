"""XLSX import and export of questionnaire documents, for people who author in Excel.

The workbook follows XLSForm's layout: a ``survey`` sheet with one row per question, a
``choices`` sheet with one row per answer choice, plus ``sections`` and ``settings``. Texts take
one column per language (``text::en``, ``text::zh-Hans``). The column list is documented in
docs/questionnaires.md ("Authoring in Excel"). Reading goes through pandas (openpyxl engine),
writing through xlsxwriter.

Problems are located by sheet, row, question code and field, e.g.
``survey!row 7 (EMP_05) field text[zh-Hans]``.
"""

from .layout import XLSX_CONTENT_TYPE
from .reading import read_xlsx
from .writing import write_xlsx

__all__ = ["XLSX_CONTENT_TYPE", "read_xlsx", "write_xlsx"]
