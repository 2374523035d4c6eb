"""Canonical documents <-> database rows of a questionnaire version.

``document_from_version`` is the exact inverse of ``write_version_content`` for a validated
document, which is what makes export -> import and "new version" copies faithful.
"""

from __future__ import annotations

from typing import Any

from questionnaires.models import Question, QuestionnaireVersion, Section

from .documents import CHOICE_TYPES, plain_number


def document_from_version(version: QuestionnaireVersion) -> dict:
    """The canonical document of a stored version (two queries)."""
    sections = list(version.sections.order_by("position"))
    by_section: dict[int, list[dict]] = {s.pk: [] for s in sections}
    questions = Question.objects.filter(version=version).order_by("section__position", "position")
    for q in questions:
        by_section.setdefault(q.section_id, []).append(question_document(q))
    return {
        "code": version.questionnaire.code,
        "version": version.number,
        "languages": list(version.languages),
        "title": dict(version.title),
        "description": dict(version.description or {}),
        "sections": [
            {"code": s.code, "title": dict(s.title), "questions": by_section[s.pk]}
            for s in sections
        ],
    }


def question_document(q: Question) -> dict:
    out: dict[str, Any] = {
        "code": q.code,
        "type": q.type,
        "text": dict(q.text),
        "help": dict(q.help or {}),
        "required": q.required,
        "allow_na": q.allow_na,
        "evidence": q.evidence,
        "visible_if": q.visible_if,
        "category": q.category,
        "refs": list(q.refs or []),
    }
    if q.type in CHOICE_TYPES:
        out["choices"] = [
            {"value": c["value"], "label": dict(c.get("label") or {})} for c in q.choices
        ]
    elif q.type == "number":
        out["min"] = plain_number(q.min_value)
        out["max"] = plain_number(q.max_value)
        out["integer"] = q.integer
        out["unit"] = dict(q.unit or {})
    elif q.type == "text":
        out["max_length"] = q.max_length
    return out


def write_version_content(version: QuestionnaireVersion, doc: dict) -> None:
    """Replace the sections and questions of ``version`` by those of the canonical ``doc``.

    The caller checks that the version may change (drafts only) and holds the transaction.
    """
    version.questions.all().delete()
    version.sections.all().delete()
    sections = Section.objects.bulk_create(
        [
            Section(version=version, code=s["code"], position=pos, title=s["title"])
            for pos, s in enumerate(doc["sections"])
        ]
    )
    rows = []
    for section, s in zip(sections, doc["sections"], strict=True):
        for pos, q in enumerate(s["questions"]):
            rows.append(
                Question(
                    version=version,
                    section=section,
                    position=pos,
                    code=q["code"],
                    type=q["type"],
                    text=q["text"],
                    help=q.get("help", {}),
                    choices=q.get("choices", []),
                    required=q["required"],
                    allow_na=q["allow_na"],
                    evidence=q["evidence"],
                    visible_if=q.get("visible_if", ""),
                    category=q["category"],
                    refs=q.get("refs", []),
                    min_value=q.get("min"),
                    max_value=q.get("max"),
                    integer=q.get("integer", False),
                    unit=q.get("unit", {}),
                    max_length=q.get("max_length"),
                )
            )
    Question.objects.bulk_create(rows)
