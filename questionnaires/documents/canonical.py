"""Canonical document helpers: its questions, its engine spec, its content hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from scoring.engine import QuestionnaireSpec, QuestionSpec

from .schema import EVIDENCE_LEVELS, QUESTION_TYPES


def iter_questions(doc: Mapping):
    for section in doc.get("sections", []):
        yield from section.get("questions", [])


def spec_from_document(doc: Mapping, *, unique: bool = False) -> QuestionnaireSpec:
    """The engine's ``QuestionnaireSpec`` of a canonical document.

    ``unique`` keeps only the first question of a duplicated code (while validating, duplicates
    are reported separately and must not hide condition problems).
    """
    seen: set[str] = set()
    questions = []
    for q in iter_questions(doc):
        if unique:
            if not q["code"] or q["code"] in seen:
                continue
            seen.add(q["code"])
        questions.append(
            QuestionSpec(
                code=q["code"],
                type=q["type"] if q["type"] in QUESTION_TYPES else "text",
                category=q["category"],
                choices=tuple(c["value"] for c in q.get("choices", ())),
                visible_if=q.get("visible_if", ""),
                required=q.get("required", False),
                allow_na=q.get("allow_na", False),
                evidence=q["evidence"] if q["evidence"] in EVIDENCE_LEVELS else "none",
            )
        )
    return QuestionnaireSpec(
        code=doc.get("code", ""), version=int(doc.get("version", 1)), questions=tuple(questions)
    )


def document_hash(doc: Mapping) -> str:
    """sha256 of a canonical document's content; the version number does not count, so the
    same content loaded twice hashes the same."""
    content = {k: v for k, v in doc.items() if k != "version"}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def same_content(a: Mapping, b: Mapping) -> bool:
    return document_hash(a) == document_hash(b)
