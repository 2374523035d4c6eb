"""The workbook's layout, shared by reading and writing: sheet names, the columns of each sheet
(documented in docs/questionnaires.md, "Authoring in Excel") and the words read as booleans."""

from __future__ import annotations

import re

SURVEY, CHOICES, SECTIONS, SETTINGS = "survey", "choices", "sections", "settings"

# Columns of each sheet; "*::lang" columns repeat per language of the questionnaire.
SURVEY_COLUMNS = (
    "section",
    "code",
    "type",
    "text::*",
    "help::*",
    "required",
    "allow_na",
    "evidence",
    "category",
    "visible_if",
    "refs",
    "min",
    "max",
    "integer",
    "unit::*",
    "max_length",
)
CHOICE_COLUMNS = ("question", "value", "label::*")
SECTION_COLUMNS = ("code", "title::*")
SETTINGS_COLUMNS = ("code", "version", "languages", "title::*", "description::*")

BOOLEAN_FIELDS = ("required", "allow_na", "integer")
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "x", "是"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "否"})

LANG_COLUMN = re.compile(r"^([a-z_]+)(?:::|\[)([A-Za-z-]+)\]?$")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
