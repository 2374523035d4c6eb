"""The files a buyer downloads: read them back as a buyer's spreadsheet program would."""

from __future__ import annotations

import csv
import io

import openpyxl

from suppliers.models import SupplierRelationship

from .conftest import CHINESE, HYPERLINK, PLUS
from .helpers import SHEETS_EN

URL = "/api/v1/risk-register/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(response):
    return openpyxl.load_workbook(io.BytesIO(response.content))


def register_sheet_rows(ws):
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return header, {
        r[header.index("Supplier")]: dict(zip(header, r, strict=True)) for r in rows[1:]
    }


def test_xlsx_sheets_headers_and_values_of_a_known_supplier(reg, api):
    response = api(reg.world.a_admin).get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="fairlink-risk-register-acme-retail-')
    assert disposition.endswith('.xlsx"')

    wb = workbook(response)
    assert wb.sheetnames == SHEETS_EN
    ws = wb["Register"]
    header, rows = register_sheet_rows(ws)
    assert header[:3] == ("Buyer ref", "Supplier", "Legal ID")
    assert "Overdue critical action" in header
    s1 = rows[reg.world.s1.name]
    assert s1["Overall score"] == 72.5
    assert s1["Rating"] == "Medium risk"
    assert s1["Priority"] == "P2"
    assert s1["Change since previous audit"] == 17.5
    assert s1["Overdue critical action"] == "Yes"
    assert s1["Last audit accepted"].date().isoformat() == "2025-01-15"
    assert len(rows) == 5

    rating_col = header.index("Rating") + 1
    s1_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 2).value == reg.world.s1.name)
    rating_cell = ws.cell(s1_row, rating_col)
    assert rating_cell.fill.fgColor.rgb.endswith("FFEB9C")  # amber for medium
    score_cell = ws.cell(s1_row, header.index("Overall score") + 1)
    assert score_cell.number_format == "0.0"
    assert ws.freeze_panes == "C2"  # the header row and the supplier name
    assert ws.auto_filter.ref.startswith("A1:")
    assert ws.auto_filter.ref.endswith("6")  # header + five suppliers

    findings = list(wb["Findings"].iter_rows(values_only=True))
    assert len(findings) == 1 + 5
    method = [r for r in wb["Method"].iter_rows(values_only=True)]
    assert ("Rule set", None, "mini-csr-rules@1") in method


def test_formula_like_names_come_back_as_plain_text_in_xlsx(reg, api, settings):
    settings.SITE_URL = "https://fairlink.example"
    wb = workbook(api(reg.world.a_admin).get(URL, {"format": "xlsx"}))
    ws = wb["Register"]
    cells = {ws.cell(r, 2).value: ws.cell(r, 2) for r in range(2, ws.max_row + 1)}
    for name, supplier in ((HYPERLINK, reg.s3), (PLUS, reg.s4)):
        cell = cells[name]
        assert cell.data_type == "s"
        assert cell.value == name
        # The only link is to the supplier's portal page, never to the text of the name.
        rel = SupplierRelationship.objects.get(buyer=reg.world.buyer_a, supplier=supplier)
        assert cell.hyperlink.target == f"https://fairlink.example/b/suppliers/{rel.pk}/"
    assert CHINESE in cells


def test_csv_neutralises_formulas_and_keeps_chinese(reg, api):
    response = api(reg.world.a_admin).get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].endswith('.csv"')
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    names = [r[header.index("Supplier")] for r in rows[1:]]
    assert "'" + HYPERLINK in names
    assert "'" + PLUS in names
    assert CHINESE in names
    assert not any(n.startswith(("=", "+", "-", "@")) for n in names)


def test_csv_headers_follow_the_language(reg, api):
    response = api(reg.world.a_admin).get(URL, {"format": "csv", "lang": "zh-Hans"})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header[1] == "供应商"


def test_xlsx_in_chinese(reg, api):
    wb = workbook(api(reg.world.a_admin).get(URL, {"format": "xlsx", "lang": "zh-Hans"}))
    assert wb.sheetnames[2] == "风险登记册"


def test_chinese_files_show_words_and_json_keeps_codes(reg, api):
    """The same supplier through the API: words in the Chinese XLSX and CSV, codes in JSON."""
    client = api(reg.world.a_admin)
    body = client.get(URL, {"format": "json", "lang": "zh-Hans"}).json()
    s1 = next(r for r in body["register"] if r["supplier_name"] == reg.world.s1.name)
    assert (s1["rating"], s1["overdue_critical"]) == ("medium", True)

    ws = workbook(client.get(URL, {"format": "xlsx", "lang": "zh-Hans"}))["风险登记册"]
    rows = list(ws.iter_rows(values_only=True))
    row = dict(zip(rows[0], next(r for r in rows if r[1] == reg.world.s1.name), strict=True))
    assert (row["风险评级"], row["存在逾期严重整改"]) == ("中风险", "是")

    raw = client.get(URL, {"format": "csv", "lang": "zh-Hans"}).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(raw)))
    line = dict(zip(lines[0], next(r for r in lines if r[1] == reg.world.s1.name), strict=True))
    assert (line["风险评级"], line["存在逾期严重整改"]) == ("中风险", "是")
    assert "not_rated" not in raw and "True" not in raw and "true" not in raw
