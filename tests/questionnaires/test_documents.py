"""Template documents: YAML / XLSX round trips and every invalid-file case, located."""

from __future__ import annotations

import copy
import io

import openpyxl
import pandas as pd
import pytest
import yaml

from questionnaires.documents import DocumentError, document_hash, parse_document
from questionnaires.xlsx_io import read_xlsx, write_xlsx
from questionnaires.yaml_io import read_yaml, write_yaml
from tests.factories import DATA, load_doc

LIBRARY = DATA.parent.parent / "questionnaires" / "library"


def problems(raw) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        parse_document(raw)
    return {p.location: p.message for p in caught.value.problems}


def mini() -> dict:
    return copy.deepcopy(load_doc("mini.yaml"))


@pytest.mark.parametrize("path", [DATA / "mini.yaml", *sorted(LIBRARY.glob("*.yaml"))])
def test_yaml_export_then_import_gives_the_same_document(path):
    doc = read_yaml(path.read_bytes())

    again = read_yaml(write_yaml(doc))

    assert again == doc
    assert document_hash(again) == document_hash(doc)


@pytest.mark.parametrize("path", [DATA / "mini.yaml", *sorted(LIBRARY.glob("*.yaml"))])
def test_xlsx_export_then_import_gives_the_same_document(path):
    doc = read_yaml(path.read_bytes())

    again = read_xlsx(write_xlsx(doc))

    assert again == doc


def test_xlsx_has_survey_and_choices_sheets_with_a_column_per_language():
    sheets = pd.read_excel(
        io.BytesIO(write_xlsx(read_yaml((DATA / "mini.yaml").read_bytes()))),
        sheet_name=None,
        engine="openpyxl",
    )

    assert list(sheets)[:2] == ["survey", "choices"]
    survey = sheets["survey"]
    assert len(survey) == 8  # one row per question
    assert {"text::en", "text::zh-Hans", "help::en", "help::zh-Hans"} <= set(survey.columns)
    assert list(sheets["choices"]["question"]).count("EMP_01") == 3


def test_canonical_document_fills_defaults_and_unquotes_yaml_booleans():
    raw = mini()
    raw["sections"][1]["questions"][0]["choices"][0]["value"] = True  # unquoted yes

    doc = parse_document(raw)

    emp_01 = doc["sections"][1]["questions"][0]
    assert emp_01["choices"][0]["value"] == "yes"
    assert doc["sections"][0]["questions"][0]["visible_if"] == ""
    assert doc["sections"][1]["questions"][2]["min"] == 1


def test_duplicate_question_code_is_located():
    raw = mini()
    raw["sections"][1]["questions"][1]["code"] = "EMP_01"

    found = problems(raw)

    assert "duplicate question code" in found["sections[1].questions[1] (EMP_01) field code"]


def test_choice_question_without_choices_is_located():
    raw = mini()
    del raw["sections"][1]["questions"][0]["choices"]

    found = problems(raw)

    assert found["sections[1].questions[0] (EMP_01) field choices"] == (
        "a single_choice question needs choices"
    )


def test_min_greater_than_max_is_located():
    raw = mini()
    raw["sections"][1]["questions"][2]["min"] = 30

    found = problems(raw)

    assert found["sections[1].questions[2] (EMP_03) field min"] == (
        "min (30) is greater than max (20)"
    )


def test_unknown_type_is_located():
    raw = mini()
    raw["sections"][1]["questions"][3]["type"] = "slider"

    found = problems(raw)

    assert found["sections[1].questions[3] (EMP_04) field type"].startswith("unknown type 'slider'")


def test_missing_translation_for_a_declared_language_is_located():
    raw = mini()
    del raw["sections"][2]["questions"][0]["text"]["zh-Hans"]
    del raw["sections"][1]["questions"][0]["choices"][1]["label"]["en"]

    found = problems(raw)

    assert found["sections[2].questions[0] (ENV_01) field text[zh-Hans]"] == (
        "missing translation for 'zh-Hans'"
    )
    assert found["sections[1].questions[0] (EMP_01) field choices[1].label[en]"] == (
        "missing translation for 'en'"
    )


def test_expression_naming_an_unknown_code_is_located():
    raw = mini()
    raw["sections"][1]["questions"][2]["visible_if"] = 'EMP_99 == "yes"'

    found = problems(raw)

    assert "unknown name 'EMP_99'" in found["sections[1].questions[2] (EMP_03) field visible_if"]


def test_expression_syntax_error_and_cycle_are_located():
    raw = mini()
    raw["sections"][1]["questions"][1]["visible_if"] = "EMP_03 > 2"  # EMP_03 reads EMP_02
    raw["sections"][2]["questions"][2]["visible_if"] = "ENV_01 =="

    found = problems(raw)

    assert "circular visibility" in found["sections[1].questions[1] (EMP_02) field visible_if"]
    assert found["sections[2].questions[2] (ENV_03) field visible_if"].startswith("syntax error")


def test_every_problem_is_reported_at_once():
    raw = mini()
    raw["sections"][1]["questions"][1]["code"] = "EMP_01"
    raw["sections"][1]["questions"][3]["type"] = "slider"
    raw["sections"][2]["questions"][0]["evidence"] = "maybe"
    raw["sections"][2]["questions"][1]["category"] = "finance"
    raw["sections"][2]["questions"][2]["colour"] = "red"

    found = problems(raw)

    assert len(found) >= 5
    assert "unknown key 'colour'" in found["sections[2].questions[2] (ENV_03) field colour"]
    assert "unknown category 'finance'" in found["sections[2].questions[1] (ENV_02) field category"]


def test_invalid_yaml_text_names_the_line():
    with pytest.raises(DocumentError) as caught:
        read_yaml(b"code: x\nsections: [\n")

    assert caught.value.problems[0].location.startswith("line ")


def _workbook_with(edit) -> bytes:
    sheets = pd.read_excel(
        io.BytesIO(write_xlsx(read_yaml((DATA / "mini.yaml").read_bytes()))),
        sheet_name=None,
        engine="openpyxl",
        dtype=object,
        keep_default_na=False,
    )
    edit(sheets)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def xlsx_problems(content: bytes) -> dict[str, str]:
    with pytest.raises(DocumentError) as caught:
        read_xlsx(content)
    return {p.location: p.message for p in caught.value.problems}


def test_xlsx_problems_name_sheet_row_code_and_field():
    def edit(sheets):
        survey = sheets["survey"]
        survey.loc[survey["code"] == "EMP_04", "text::zh-Hans"] = ""  # row 6
        survey.loc[survey["code"] == "EMP_03", "min"] = 50  # row 5
        survey.loc[survey["code"] == "EMP_02", "code"] = "EMP_01"  # row 4
        survey.loc[survey["code"] == "ENV_02", "visible_if"] = "NOPE > 1"  # row 8
        choices = sheets["choices"]
        choices.loc[1, "label::en"] = ""  # row 3: EMP_01 "partial"

    found = xlsx_problems(_workbook_with(edit))

    assert found["survey!row 6 (EMP_04) field text[zh-Hans]"] == (
        "missing translation for 'zh-Hans'"
    )
    assert found["survey!row 5 (EMP_03) field min"] == "min (50) is greater than max (20)"
    assert "duplicate question code" in found["survey!row 4 (EMP_01) field code"]
    assert "unknown name 'NOPE'" in found["survey!row 8 (ENV_02) field visible_if"]
    assert found["choices!row 3 (EMP_01) field label[en]"] == "missing translation for 'en'"


def test_xlsx_choice_for_an_unknown_question_and_a_missing_sheet_are_located():
    def edit(sheets):
        sheets["choices"].loc[0, "question"] = "EMP_77"

    found = xlsx_problems(_workbook_with(edit))
    assert "unknown question 'EMP_77'" in found["choices!row 2 (EMP_77) field question"]

    def drop(sheets):
        del sheets["sections"]

    assert xlsx_problems(_workbook_with(drop)) == {"sections!": "missing sheet 'sections'"}


def test_xlsx_accepts_yes_no_words_for_booleans():
    def edit(sheets):
        sheets["survey"]["required"] = sheets["survey"]["required"].map(
            lambda v: "yes" if v is True else "no"
        )

    doc = read_xlsx(_workbook_with(edit))

    assert doc == read_yaml((DATA / "mini.yaml").read_bytes())


def test_a_file_that_is_not_a_workbook_is_a_located_problem():
    found = xlsx_problems(b"not a zip")

    assert list(found) == ["file"]


def test_yaml_dump_keeps_yes_and_no_quoted():
    text = write_yaml(read_yaml((DATA / "mini.yaml").read_bytes()))

    assert yaml.safe_load(text)["sections"][1]["questions"][0]["choices"][0]["value"] == "yes"


def test_xlsx_export_quote_prefixes_text_a_spreadsheet_would_run_and_round_trips():
    doc = mini()
    question = doc["sections"][0]["questions"][0]
    question["text"]["en"] = '=HYPERLINK("http://evil.example","click")'
    question["help"]["en"] = "+1-2 and more"
    content = write_xlsx(parse_document(doc))

    sheet = openpyxl.load_workbook(io.BytesIO(content))["survey"]
    header = [cell.value for cell in sheet[1]]
    text = sheet.cell(row=2, column=header.index("text::en") + 1)
    help_text = sheet.cell(row=2, column=header.index("help::en") + 1)
    plain = sheet.cell(row=2, column=header.index("code") + 1)

    assert text.data_type == "s" and text.value == question["text"]["en"]
    assert text.quotePrefix and help_text.quotePrefix and not plain.quotePrefix
    assert read_xlsx(content) == parse_document(doc)
