"""Risk register writers: XLSX (xlsxwriter, constant memory), CSV and JSON. No Django.

Why not ``DataFrame.to_excel``: with xlsxwriter's ``constant_memory`` it silently drops cells
written out of row order, and without it the whole sheet is held in memory (and openpyxl is
several times slower). So every sheet is streamed here row by row, each row complete before the
next: the table sheets' rows as sheet XML made once per distinct value of a column
(``xlsx_rows``), with formats created once per workbook and chosen per value before the rows.

Safety: the workbook never converts strings to formulas, URLs or numbers; every piece of user
text is written as a text cell (shared or escaped inline string, never a formula or rich text);
text that Excel would take as a formula when the cell is edited (leading ``= + - @``, tab, CR)
carries a ``quote_prefix`` format. The CSV applies
``safe_text`` (OWASP CSV injection) to text columns.
"""

from .cells import safe_text
from .csv_json import iter_csv, iter_json, to_json, write_csv
from .xlsx import write_xlsx

__all__ = ["iter_csv", "iter_json", "safe_text", "to_json", "write_csv", "write_xlsx"]
