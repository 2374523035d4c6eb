"""Questionnaire documents: parse and validate a template dict (DESIGN section 5) into its
canonical form, collecting every problem with its location.

The canonical document is the one shape every path goes through (YAML and XLSX import, draft
edits, export, ``load_library``): plain dicts, lists, strings, ints and floats, every key present
that the question type uses, nothing else. Two documents describe the same version exactly when
their canonical forms are equal, which is what ``document_hash`` relies on.

Structural checks (keys, types, choices, numbers, translations for every declared language,
duplicate codes) are done here; conditions (``visible_if`` syntax, unknown codes, cycles) are
checked by the scoring engine, and its findings are reported at the same locations.
"""

from .canonical import document_hash, iter_questions, same_content, spec_from_document
from .parsing import parse_document
from .problems import DocumentError, Locator, Problem
from .schema import (
    ALL_QUESTION_KEYS,
    CATEGORIES,
    CEL_RESERVED,
    CHOICE_TYPES,
    COMMON_KEYS,
    EVIDENCE_LEVELS,
    QUESTION_CODE,
    QUESTION_TYPES,
    QUESTIONNAIRE_CODE,
    SECTION_CODE,
    SECTION_KEYS,
    TOP_KEYS,
    TYPE_KEYS,
    choice_value,
    plain_number,
)

__all__ = [
    "ALL_QUESTION_KEYS",
    "CATEGORIES",
    "CEL_RESERVED",
    "CHOICE_TYPES",
    "COMMON_KEYS",
    "EVIDENCE_LEVELS",
    "QUESTIONNAIRE_CODE",
    "QUESTION_CODE",
    "QUESTION_TYPES",
    "SECTION_CODE",
    "SECTION_KEYS",
    "TOP_KEYS",
    "TYPE_KEYS",
    "DocumentError",
    "Locator",
    "Problem",
    "choice_value",
    "document_hash",
    "iter_questions",
    "parse_document",
    "plain_number",
    "same_content",
    "spec_from_document",
]
