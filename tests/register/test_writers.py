"""Risk register writers: read the outputs back and check what a buyer would see.

No database; the readable words of the codes come from Django's catalogue
(``register.labels.register_labels``), so Django's settings are needed.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone

import openpyxl
import pandas as pd
import pytest
from xlsxwriter.utility import xl_col_to_name

from register.columns import ACTION_COLUMNS, FINDING_COLUMNS, REGISTER_COLUMNS
from register.labels import register_labels
from register.tables import build_tables
from register.writers import safe_text, to_json, write_csv, write_xlsx

from .helpers import SHEETS_EN

HYPERLINK = '=HYPERLINK("http://x","y")'
CHINESE = "深圳市绿叶电子有限公司"
GENERATED = datetime(2025, 3, 4, 9, 30, tzinfo=timezone(timedelta(hours=8)))
METHOD = {
    "ruleset": "sme-csr-core-rules@1",
    "categories": {
        "management": 15,
        "employee": 30,
        "environment": 25,
        "market": 20,
        "community": 10,
    },
    "rating_bands": [
        {"min": 80, "rating": "low"},
        {"min": 60, "rating": "medium"},
        {"min": 40, "rating": "high"},
        {"min": 0, "rating": "critical"},
    ],
    "severity_floor": {"critical": "high", "major": "medium"},
    "sla_days": {"critical": 30, "major": 90, "minor": 180},
}


def register_row(supplier_id: int, name: str, **overrides: object) -> dict[str, object]:
    row: dict[str, object] = {
        "supplier_id": supplier_id,
        "buyer_ref": f"S-{supplier_id:03d}",
        "supplier_name": name,
        "legal_id": f"9144030000000000{supplier_id:02d}",
        "country": "CN",
        "country_code": "CN",
        "industry": "C39",
        "industry_code": "C39",
        "size_class": "small",
        "criticality": "high",
        "category": "electronics",
        "inherent_risk": "medium",
        "last_audit_accepted_at": date(2025, 1, 15),
        "latest_audit_id": 100 + supplier_id,
        "questionnaire": "sme-csr-core@1",
        "shared": False,
        "ruleset": "sme-csr-core-rules@1",
        "overall_score": 72.5,
        "score_management": 80.0,
        "score_employee": 65.0,
        "score_environment": 70.0,
        "score_market": 90.0,
        "score_community": 50.0,
        "rating": "medium",
        "rating_band": "medium",
        "rating_reason": "Score band: Medium risk",
        "priority": "P3",
        "priority_note": None,
        "next_assessment_due": date(2027, 1, 15),
        "expired": False,
        "audit_status": None,
        "audit_due_date": None,
        "audit_days_overdue": None,
        "open_findings_critical": 0,
        "open_findings_major": 1,
        "open_findings_minor": 2,
        "open_findings_observation": 1,
        "open_actions": 3,
        "overdue_actions": 1,
        "overdue_critical": False,
        "next_due_date": date(2025, 4, 15),
        "score_delta": -2.5,
        "previous_overall_score": 75.0,
        "previous_rating": "medium",
        "delta_management": 5.0,
        "delta_employee": -10.0,
        "delta_environment": 0.0,
        "delta_market": None,
        "delta_community": 2.5,
    }
    row.update(overrides)
    return row


@pytest.fixture
def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    register = pd.DataFrame(
        [
            register_row(
                1,
                "Acme Textiles",
                industry="14",
                industry_code="14",
                audit_status="in_progress",
                audit_due_date=date(2025, 3, 1),
                audit_days_overdue=3,
            ),
            register_row(
                2,
                HYPERLINK,
                country="VN",
                country_code="VN",
                rating="critical",
                priority="P1",
                inherent_risk="high",
                overall_score=35.0,
                open_findings_critical=2,
                overdue_critical=True,
                category="apparel",
                criticality="medium",
            ),
            register_row(
                3,
                "+1-2",
                rating="low",
                rating_band="low",
                priority="P4",
                overall_score=85.0,
                inherent_risk="unknown",
                priority_note="inherent_unknown",
            ),
            register_row(
                4,
                CHINESE,
                rating=None,
                priority="P2",
                overall_score=None,
                last_audit_accepted_at=None,
                latest_audit_id=None,
                questionnaire=None,
                ruleset=None,
                rating_band=None,
                rating_reason=None,
                next_assessment_due=None,
                previous_overall_score=None,
                previous_rating=None,
                delta_management=None,
                delta_employee=None,
                delta_environment=None,
                delta_community=None,
                score_management=None,
                score_employee=None,
                score_environment=None,
                score_market=None,
                score_community=None,
                score_delta=None,
                open_findings_major=0,
                open_findings_minor=0,
                open_findings_observation=0,
                open_actions=0,
                overdue_actions=0,
                next_due_date=None,
            ),
        ]
    )
    findings = pd.DataFrame(
        [
            {
                "supplier_id": sid,
                "supplier_name": name,
                "audit_id": 100 + sid,
                "accepted_at": date(2025, 1, 15),
                "rule_code": code,
                "severity": sev,
                "category": "employee",
                "title": title,
                "action_status": "plan_submitted" if sid == 1 else "open",
                "due_date": date(2025, 2, 14),
            }
            for sid, name, code, sev, title in [
                (1, "Acme Textiles", "F_EMP_HOURS", "major", "Excessive overtime"),
                (2, HYPERLINK, "F_EMP_CHILD_LABOUR", "critical", "-no age checks"),
                (3, "+1-2", "F_ENV_WASTE", "minor", "Waste log missing"),
            ]
        ]
    )
    actions = pd.DataFrame(
        [
            {
                "supplier_id": sid,
                "supplier_name": name,
                "action_id": 500 + sid,
                "audit_id": 100 + sid,
                "finding_code": code,
                "severity": sev,
                "status": status,
                "due_date": date(2025, 2, 14),
                "overdue": overdue,
                "days_overdue": days,
                "owner": owner,
                "updated_at": datetime(2025, 2, 1, 8, 15, tzinfo=UTC),
            }
            for sid, name, code, sev, status, overdue, days, owner in [
                (1, "Acme Textiles", "F_EMP_HOURS", "major", "plan_submitted", False, 0, "Li Wei"),
                (2, HYPERLINK, "F_EMP_CHILD_LABOUR", "critical", "open", True, 18, "@owner"),
                (3, "+1-2", "F_ENV_WASTE", "minor", "verified", False, 0, "王芳"),
            ]
        ]
    )
    return register, findings, actions


@pytest.fixture
def tables(frames):
    register, findings, actions = frames
    return build_tables(register, findings, actions, METHOD, filters={})


def workbook_bytes(tables, **kwargs) -> bytes:
    """The workbook as the services write it: ``labels`` in the workbook's language unless
    given (``labels=None``: the codes)."""
    out = io.BytesIO()
    options = {
        "title": "Risk register Q1",
        "buyer_name": "Contoso Retail",
        "generated_at": GENERATED,
    }
    options.update(kwargs)
    if "labels" not in options:
        options["labels"] = register_labels(str(options.get("language", "en")))
    write_xlsx(tables, out, **options)
    return out.getvalue()


def load(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def row_of(ws, name: str) -> dict[str, object]:
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = {h: c for h, c in zip(headers, row, strict=True)}
        if values["Supplier"].value == name:
            return values
    raise AssertionError(f"{name} not in {ws.title}")


# --- XLSX ----------------------------------------------------------------------------------


def test_workbook_has_the_five_sheets_with_english_headers(tables):
    wb = load(workbook_bytes(tables))

    assert wb.sheetnames == SHEETS_EN
    assert [c.value for c in wb["Register"][1]] == [c.en for c in REGISTER_COLUMNS]
    assert [c.value for c in wb["Findings"][1]] == [c.en for c in FINDING_COLUMNS]
    assert [c.value for c in wb["Corrective actions"][1]] == [c.en for c in ACTION_COLUMNS]
    assert [c.value for c in wb["Method"][1]] == ["Section", "Item", "Value"]


def test_register_row_values_types_and_formats(tables):
    ws = load(workbook_bytes(tables))["Register"]
    acme = row_of(ws, "Acme Textiles")

    assert acme["Buyer ref"].value == "S-001"
    assert acme["Overall score"].value == 72.5
    assert acme["Overall score"].number_format == "0.0"
    assert acme["Employees score"].value == 65.0
    assert acme["Last audit accepted"].value == datetime(2025, 1, 15)
    assert acme["Last audit accepted"].number_format == "yyyy-mm-dd"
    assert acme["Rating"].value == "Medium risk"
    assert acme["Inherent risk"].value == "Medium risk"
    assert acme["Size"].value == "Small"
    assert acme["Criticality"].value == "High"
    assert acme["Rule set"].value == "sme-csr-core-rules@1"
    assert acme["Industry"].value == "Manufacture of wearing apparel"
    assert acme["Priority"].value == "P3"
    assert acme["Open findings: minor"].value == 2
    assert acme["Overdue critical action"].value == "No"
    assert acme["Change since previous audit"].value == -2.5
    # The unassessed supplier: no score cells, rating filled in as not_rated.
    unrated = row_of(ws, CHINESE)
    assert unrated["Overall score"].value is None
    assert unrated["Rating"].value == "Not rated"
    # A true overdue-critical flag is "Yes" in red bold (chosen by the value, no formula).
    flagged = row_of(ws, HYPERLINK)["Overdue critical action"]
    assert flagged.value == "Yes"
    assert flagged.font.b is True and flagged.font.color.rgb == "FFC00000"
    assert acme["Overdue critical action"].font.b is not True


def test_rating_cells_are_coloured_by_level(tables):
    ws = load(workbook_bytes(tables))["Register"]

    def fill(name: str) -> str:
        return row_of(ws, name)["Rating"].fill.fgColor.rgb

    assert fill("+1-2") == "FFC6EFCE"  # low: green
    assert fill("Acme Textiles") == "FFFFEB9C"  # medium: amber
    assert fill(HYPERLINK) == "FFFF9999"  # critical: red
    assert fill(CHINESE) == "FFD9D9D9"  # not rated: grey


def test_tables_have_frozen_header_and_autofilter(tables):
    wb = load(workbook_bytes(tables))

    # Frozen: the header row and the columns up to the supplier name (B in the Register).
    for name, rows, cols, frozen in [
        ("Register", 4, len(REGISTER_COLUMNS), "C2"),
        ("Findings", 3, len(FINDING_COLUMNS), "B2"),
        ("Corrective actions", 3, len(ACTION_COLUMNS), "B2"),
    ]:
        ws = wb[name]
        assert ws.freeze_panes == frozen
        last = openpyxl.utils.get_column_letter(cols)
        assert ws.auto_filter.ref == f"A1:{last}{rows + 1}"
        assert ws.max_row == rows + 1
        assert ws["A1"].font.b is True


def test_sheets_print_landscape_one_page_wide_with_the_header_repeated(tables):
    wb = load(workbook_bytes(tables))

    for name in ("Register", "Findings", "Corrective actions", "History", "Method"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape", name
        # 1 is the default and is left out of the file (read back as None); 0: as many pages
        # tall as needed.
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows == "$1:$1", name
    assert wb["Register"].page_setup.paperSize == 8  # A3: fifty columns
    assert wb["Findings"].page_setup.paperSize == 9
    for name in ("Summary", "Heat map"):  # on one page, charts included
        ws = wb[name]
        assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight or 1) == (1, 1), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
    assert "&A" in wb["Register"].oddFooter.left.text


def test_column_widths_fit_content_and_count_cjk_double(frames):
    register, findings, actions = frames
    only_chinese = build_tables(
        register, findings, actions, METHOD, filters={"rating": ["not_rated"]}
    )

    ws = load(workbook_bytes(only_chinese))["Register"]

    # 11 Chinese characters count as 22, plus 2 of padding (xlsxwriter adds its own fraction).
    assert 24 <= ws.column_dimensions["B"].width < 25
    # Long headers wrap instead of widening a column of small numbers.
    assert ws.column_dimensions["U"].width < 21
    assert ws.row_dimensions[1].height >= 30


def test_injection_names_are_plain_text_in_xlsx(tables):
    wb = load(workbook_bytes(tables))

    for sheet in ("Register", "Findings", "Corrective actions"):
        ws = wb[sheet]
        for name in (HYPERLINK, "+1-2"):
            cell = row_of(ws, name)["Supplier"]
            assert cell.data_type == "s"
            assert cell.value == name
            assert cell.quotePrefix is True
    owner = row_of(wb["Corrective actions"], HYPERLINK)["Responsible"]
    assert owner.value == "@owner"
    assert owner.data_type == "s"
    assert owner.quotePrefix is True
    assert row_of(wb["Register"], "Acme Textiles")["Supplier"].quotePrefix is False


def test_workbook_never_contains_a_formula_cell(tables):
    data = workbook_bytes(tables)

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
        assert sheets
        for name in sheets:
            assert b"<f>" not in zf.read(name)


def test_overdue_actions_are_highlighted_and_scores_have_a_colour_scale(tables):
    wb = load(workbook_bytes(tables))

    actions = wb["Corrective actions"].conditional_formatting
    rules = [(str(cf.sqref), rule) for cf in actions for rule in cf.rules]
    assert any(r.type == "expression" and r.formula == ['$H2="Yes"'] for _, r in rules)
    register = wb["Register"].conditional_formatting
    scales = [str(cf.sqref) for cf in register for r in cf.rules if r.type == "colorScale"]
    overall = xl_col_to_name([c.key for c in REGISTER_COLUMNS].index("overall_score"))
    assert f"{overall}2:{overall}5" in scales
    assert len(scales) == 7  # overall, five categories and the previous overall


def test_summary_shows_title_buyer_time_and_figures(tables):
    data = workbook_bytes(tables)
    wb = load(data)
    ws = wb["Summary"]

    assert ws["A1"].value == "Risk register Q1"
    assert (ws["A2"].value, ws["B2"].value) == ("Buyer", "Contoso Retail")
    assert ws["B3"].value == datetime(2025, 3, 4, 9, 30)
    assert ws["C3"].value == "UTC+08:00"
    figures = {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(6, ws.max_row + 1)}
    assert figures["Suppliers"] == 4
    assert figures["Assessed suppliers"] == 3
    assert figures["Open findings: critical"] == 2
    assert figures["Overdue critical actions"] == 1
    assert figures["Critical risk"] == 1  # by-rating table
    assert figures["Not rated"] == 1
    assert figures["P1"] == 1
    assert figures["Employees"] == 65.0  # average category score
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        core = zf.read("docProps/core.xml").decode()
        app = zf.read("docProps/app.xml").decode()
    assert len(charts) == 2
    assert "<dc:title>Risk register Q1</dc:title>" in core
    assert "2025-03-04T01:30:00Z" in core  # created, in UTC
    assert "<Company>Contoso Retail</Company>" in app
    assert wb.properties.title == "Risk register Q1"


def test_headers_and_sheet_names_follow_chinese(tables):
    wb = load(workbook_bytes(tables, language="zh-Hans"))

    assert wb.sheetnames == [
        "汇总",
        "风险热力图",
        "风险登记册",
        "发现项",
        "整改措施",
        "历史记录",
        "评分方法",
    ]
    assert [c.value for c in wb["风险登记册"][1]] == [c.zh for c in REGISTER_COLUMNS]
    assert wb["汇总"]["A2"].value == "采购方"


def test_empty_register_still_gives_a_valid_workbook():
    empty = build_tables(pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), {}, filters={})
    progress: list[int] = []

    wb = load(workbook_bytes(empty, progress=progress.append))

    ws = wb["Register"]
    assert ws.max_row == 1
    assert [c.value for c in ws[1]] == [c.en for c in REGISTER_COLUMNS]
    assert ws.freeze_panes == "C2"
    assert wb["Summary"]["B6"].value == 0
    assert progress[0] == 0 and progress[-1] == 100


def test_progress_is_reported_in_increasing_percentages(tables):
    progress: list[int] = []

    workbook_bytes(tables, progress=progress.append)

    assert progress == sorted(set(progress))
    assert progress[0] == 0 and progress[-1] == 100


def test_method_sheet_explains_in_plain_words_then_lists_the_rule_set(tables, settings):
    settings.SITE_URL = "https://fairlink.example/"
    ws = load(workbook_bytes(tables))["Method"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]

    about = {item: text for section, item, text in rows if section == "In plain words"}
    assert list(about) == ["Score", "Rating", "Inherent risk", "Priority", "Expiry", "Full method"]
    assert "weighted mean of the category scores" in about["Score"]
    assert "36 for P4" in about["Expiry"]
    assert about["Full method"] == "The full method: https://fairlink.example/method/"
    assert ("Rule set", None, "sme-csr-core-rules@1") in rows
    assert ("Category weight", "Employees", 30) in rows
    assert ("Rating band (minimum score)", "Medium risk", 60) in rows
    assert ("Severity floor", "Critical", "High risk") in rows
    assert ("Corrective action SLA (days)", "Minor", 180) in rows
    assert rows[-1][0] == "Priority" and "P1 if >= 4" in rows[-1][2]


def test_chinese_method_sheet_is_in_chinese(tables):
    ws = load(workbook_bytes(tables, language="zh-Hans"))["评分方法"]
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=2)]

    about = {item: text for section, item, text in rows if section == "简要说明"}
    assert set(about) == {"得分", "风险评级", "固有风险", "优先级", "有效期", "完整方法"}
    assert all(not text.isascii() for text in about.values())
    assert ("类别权重", "员工责任", 30) in rows
    assert ("严重程度评级下限", "严重", "高风险") in rows


# --- CSV -----------------------------------------------------------------------------------


def test_safe_text_prefixes_formula_starters_only():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("+1-2") == "'+1-2"
    assert safe_text("-5") == "'-5"
    assert safe_text("@sum") == "'@sum"
    assert safe_text("\tx") == "'\tx"
    assert safe_text("\rx") == "'\rx"
    assert safe_text("Acme = good") == "Acme = good"
    assert safe_text("") == ""


def test_csv_has_bom_safe_text_and_chinese_to_binary_target(tables):
    out = io.BytesIO()

    write_csv(tables, out, labels=register_labels("en"))

    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [c.en for c in REGISTER_COLUMNS]
    names = [r[1] for r in rows[1:]]
    assert "'" + HYPERLINK in names
    assert "'+1-2" in names
    assert CHINESE in names
    acme = next(r for r in rows if r[1] == "Acme Textiles")
    record = dict(zip(rows[0], acme, strict=True))
    assert record["Overall score"] == "72.5"
    assert record["Last audit accepted"] == "2025-01-15"
    assert record["Change since previous audit"] == "-2.5"  # numbers are not prefixed
    assert record["Overdue critical action"] == "No"
    assert record["Rating"] == "Medium risk"
    assert record["Size"] == "Small"


def test_csv_to_text_target_in_chinese(tables):
    out = io.StringIO()

    write_csv(tables, out, language="zh-Hans", labels=register_labels("zh-Hans"))

    text = out.getvalue()
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == [c.zh for c in REGISTER_COLUMNS]
    assert len(rows) == 5


# --- Readable values ---------------------------------------------------------------------------

# Codes a reader must not meet in the Chinese workbook or CSV (the examples and more).
RAW_CODES = {
    "not_rated",
    "plan_submitted",
    "small",
    "employee",
    "True",
    "False",
    "true",
    "false",
    "open",
    "verified",
    "low",
    "medium",
    "high",
    "critical",
    "major",
    "minor",
    "14",
}


def test_chinese_workbook_shows_words_not_codes(tables):
    wb = load(workbook_bytes(tables, language="zh-Hans"))

    # The code columns are there for programs: the only place a code may stand.
    code_columns = {c.zh for c in REGISTER_COLUMNS if c.key.endswith("_code")}
    assert code_columns == {"国家/地区代码", "行业代码"}
    for name in ("汇总", "风险热力图", "风险登记册", "发现项", "整改措施", "历史记录", "评分方法"):
        header = [c.value for c in wb[name][1]]
        for row in wb[name].iter_rows(min_row=2, values_only=True):
            for head, value in zip(header, row, strict=False):
                assert not isinstance(value, bool), (name, row)
                assert head in code_columns or str(value) not in RAW_CODES, (name, head, value)
    register = {c.value: c for c in wb["风险登记册"][1]}
    rows = list(wb["风险登记册"].iter_rows(min_row=2, values_only=True))
    header = [c for c in register]
    acme = dict(zip(header, next(r for r in rows if r[1] == "Acme Textiles"), strict=True))
    assert acme["风险评级"] == "中风险"
    assert acme["企业规模"] == "小型"
    assert acme["行业"] == "服装的制造"
    assert acme["存在逾期严重整改"] == "否"
    unrated = dict(zip(header, next(r for r in rows if r[1] == CHINESE), strict=True))
    assert unrated["风险评级"] == "未评级"
    findings = list(wb["发现项"].iter_rows(values_only=True))
    assert ("员工", "计划已提交") in {(r[5], r[7]) for r in findings}
    actions = list(wb["整改措施"].iter_rows(values_only=True))
    assert {r[5] for r in actions[1:]} == {"计划已提交", "待处理", "已验证"}
    assert {r[7] for r in actions[1:]} == {"是", "否"}
    # The Chinese yes-word drives the overdue row highlight.
    rules = [r for cf in wb["整改措施"].conditional_formatting for r in cf.rules]
    assert any(r.formula == ['$H2="是"'] for r in rules)


def test_chinese_csv_shows_words_not_codes(tables):
    out = io.BytesIO()

    write_csv(tables, out, language="zh-Hans", labels=register_labels("zh-Hans"))

    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))
    codes = {i for i, c in enumerate(REGISTER_COLUMNS) if c.key.endswith("_code")}
    for row in rows[1:]:
        assert not RAW_CODES & {v for i, v in enumerate(row) if i not in codes}, row
    record = dict(zip(rows[0], next(r for r in rows if r[1] == "Acme Textiles"), strict=True))
    assert (record["风险评级"], record["固有风险"]) == ("中风险", "中风险")
    assert (record["企业规模"], record["行业"]) == ("小型", "服装的制造")
    assert record["存在逾期严重整改"] == "否"
    flagged = dict(zip(rows[0], next(r for r in rows if r[1] == "'" + HYPERLINK), strict=True))
    assert (flagged["风险评级"], flagged["存在逾期严重整改"]) == ("极高风险", "是")


def test_json_keeps_the_codes(tables):
    data = to_json(tables)

    acme = next(r for r in data["register"] if r["supplier_name"] == "Acme Textiles")
    assert (acme["rating"], acme["size_class"], acme["industry"]) == ("medium", "small", "14")
    assert acme["overdue_critical"] is False
    assert data["findings"][0]["category"] == "employee"
    assert {a["status"] for a in data["actions"]} == {"plan_submitted", "open", "verified"}


def test_without_labels_the_writers_keep_the_codes(tables):
    ws = load(workbook_bytes(tables, labels=None))["Register"]
    assert row_of(ws, "Acme Textiles")["Rating"].value == "medium"
    assert row_of(ws, "Acme Textiles")["Overdue critical action"].value is False
    out = io.BytesIO()
    write_csv(tables, out)
    assert b",medium,medium,Score band: Medium risk,P3," in out.getvalue()
    assert b",false," in out.getvalue()


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_xlsx_csv_and_json_agree_through_the_words_of_the_codes(tables, language):
    """Every Register cell: the XLSX and CSV hold the word of the JSON's code (or the value)."""
    labels = register_labels(language)
    ws = load(workbook_bytes(tables, language=language)).worksheets[2]
    xlsx_rows = list(ws.iter_rows(min_row=2, values_only=True))
    out = io.BytesIO()
    write_csv(tables, out, language=language, labels=labels)
    csv_rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"))))[1:]
    json_rows = to_json(tables)["register"]
    assert len(xlsx_rows) == len(csv_rows) == len(json_rows) == 4
    coded = 0
    for xrow, crow, jrow in zip(xlsx_rows, csv_rows, json_rows, strict=True):
        for i, col in enumerate(REGISTER_COLUMNS):
            code = jrow[col.key]
            if col.codes is None:
                if col.kind == "text" and code is not None:
                    assert xrow[i] == code and crow[i] == safe_text(code)
                continue
            if code is None:
                assert xrow[i] is None and crow[i] == "", col.key
                continue
            word = labels[col.codes].get(code, code)
            assert xrow[i] == word, (col.key, code)
            assert crow[i] == safe_text(word), (col.key, code)
            coded += 1
    # Every row: country, industry, size, criticality, inherent risk, rating, expired, overdue
    # critical, shared; three score bands and previous ratings, one priority note, one audit in
    # progress.
    assert coded == 4 * 9 + 3 + 3 + 1 + 1


# --- build_tables filters --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "allowed", "expected"),
    [
        ("rating", ["critical", "not_rated"], {2, 4}),
        ("priority", ["P1", "P4"], {2, 3}),
        ("country", ["VN"], {2}),
        ("category", ["apparel"], {2}),
        ("criticality", ["medium"], {2}),
        ("rating", "low", {3}),
        ("rating", [], {1, 2, 3, 4}),
        ("rating", None, {1, 2, 3, 4}),
    ],
)
def test_each_filter_narrows_register_findings_and_actions(frames, key, allowed, expected):
    register, findings, actions = frames

    tables = build_tables(register, findings, actions, METHOD, filters={key: allowed})

    assert set(tables.register["supplier_id"]) == expected
    assert set(tables.findings["supplier_id"]) <= expected
    assert set(tables.actions["supplier_id"]) <= expected
    assert tables.summary["suppliers"] == len(expected)


def test_filters_combine_and_summary_follows(frames):
    register, findings, actions = frames

    tables = build_tables(
        register, findings, actions, METHOD, filters={"country": ["CN"], "priority": ["P3", "P4"]}
    )

    assert list(tables.register["supplier_name"]) == ["Acme Textiles", "+1-2"]
    assert set(tables.findings["rule_code"]) == {"F_EMP_HOURS", "F_ENV_WASTE"}
    assert tables.summary["by_rating"] == {
        "low": 1,
        "medium": 1,
        "high": 0,
        "critical": 0,
        "not_rated": 0,
    }
    assert tables.summary["overdue_critical_actions"] == 0


def test_unknown_filter_and_missing_column_are_rejected(frames):
    register, findings, actions = frames

    with pytest.raises(ValueError, match="unknown register filter"):
        build_tables(register, findings, actions, METHOD, filters={"ratings": ["low"]})
    with pytest.raises(ValueError, match="score_delta"):
        build_tables(register.drop(columns="score_delta"), findings, actions, METHOD, filters={})


def test_register_is_sorted_by_priority(tables):
    assert list(tables.register["priority"]) == ["P1", "P2", "P3", "P4"]


# --- JSON ----------------------------------------------------------------------------------


def test_json_shape_and_values(tables):
    data = to_json(tables)

    assert set(data) == {"summary", "register", "findings", "actions", "history", "method"}
    json.dumps(data)  # plain JSON types only
    first = data["register"][0]
    assert set(first) == {"supplier_id"} | {c.key for c in REGISTER_COLUMNS}
    acme = next(r for r in data["register"] if r["supplier_name"] == "Acme Textiles")
    assert acme["supplier_id"] == 1
    assert acme["last_audit_accepted_at"] == "2025-01-15"
    assert acme["overall_score"] == 72.5
    assert acme["open_actions"] == 3
    assert acme["overdue_critical"] is False
    unrated = next(r for r in data["register"] if r["supplier_id"] == 4)
    assert unrated["overall_score"] is None
    assert unrated["next_due_date"] is None
    assert unrated["rating"] == "not_rated"
    assert data["findings"][0]["audit_id"] == 101
    assert data["actions"][0]["updated_at"] == "2025-02-01T08:15:00"
    assert set(data["actions"][0]) == {"supplier_id"} | {c.key for c in ACTION_COLUMNS}
    assert data["summary"]["suppliers"] == 4
    assert data["summary"]["average_scores"]["employee"] == 65.0
    assert data["method"]["sla_days"]["critical"] == 30


def test_large_register_keeps_every_cell_in_order():
    """constant_memory drops cells written out of row order; every row must come back whole."""
    n = 6000
    register = pd.DataFrame(
        [
            register_row(
                i,
                f"Supplier {i:05d}" if i % 7 else f"供应商{i:05d}",
                overall_score=float(i % 1000) / 10,
                open_actions=i % 9,
            )
            for i in range(1, n + 1)
        ]
    )
    findings = pd.DataFrame(
        {
            "supplier_id": [1 + i % n for i in range(2 * n)],
            "supplier_name": "x",
            "audit_id": list(range(2 * n)),
            "accepted_at": date(2025, 1, 15),
            "rule_code": "F_X",
            "severity": "minor",
            "category": "employee",
            "title": "t",
            "action_status": "open",
            "due_date": date(2025, 2, 14),
        }
    )
    tables = build_tables(register, findings, pd.DataFrame(), {}, filters={})
    progress: list[int] = []

    wb = openpyxl.load_workbook(
        io.BytesIO(workbook_bytes(tables, progress=progress.append)), read_only=True
    )

    rows = list(wb["Register"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == n
    at = {c.key: i for i, c in enumerate(REGISTER_COLUMNS)}
    by_ref = {row[at["buyer_ref"]]: row for row in rows}
    assert by_ref["S-4321"][at["supplier_name"]] == "Supplier 04321"
    assert by_ref["S-4321"][at["overall_score"]] == 32.1
    assert by_ref["S-4319"][at["supplier_name"]] == "供应商04319"
    assert sum(row[at["open_actions"]] for row in rows) == sum(i % 9 for i in range(1, n + 1))
    assert all(len(row) == len(REGISTER_COLUMNS) and row[1] for row in rows)
    finding_ids = [row[1] for row in wb["Findings"].iter_rows(min_row=2, values_only=True)]
    assert finding_ids == list(range(2 * n))
    assert len(progress) > 3 and progress[-1] == 100
