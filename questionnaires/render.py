"""A questionnaire version in one language, for the API and the portal."""

from __future__ import annotations

from collections import OrderedDict

from accounts.languages import pick, to_content_language
from questionnaires.models import Question, QuestionnaireVersion
from questionnaires.spec import kept_for_version, version_cache

from .documents import plain_number

_rendered: OrderedDict[tuple, dict] = version_cache()


def rendered_version(version: QuestionnaireVersion, lang: str | None) -> dict:
    """``render_version``, kept for the life of the process (``kept_for_version``): for pages
    that show the questionnaire on every request. Shared: read it, never change it."""
    lang = to_content_language(lang)
    return kept_for_version(_rendered, version, lambda: render_version(version, lang), lang)


def render_version(version: QuestionnaireVersion, lang: str | None) -> dict:
    """Sections and questions of ``version`` with every text in ``lang``; a missing text falls
    back to the version's languages in order (its first language first). Two queries."""
    lang = to_content_language(lang)
    order = list(version.languages)

    def t(texts) -> str:
        return pick(texts, lang, order)

    sections = list(version.sections.order_by("position"))
    by_section: dict[int, list[dict]] = {s.pk: [] for s in sections}
    questions = Question.objects.filter(version=version).order_by("section__position", "position")
    for q in questions:
        item = {
            "code": q.code,
            "type": q.type,
            "text": t(q.text),
            "help": t(q.help),
            "required": q.required,
            "allow_na": q.allow_na,
            "evidence": q.evidence,
            "visible_if": q.visible_if,
            "category": q.category,
            "refs": list(q.refs or []),
        }
        if q.type == Question.Type.YES_NO:
            item["choices"] = [
                {"value": "yes", "label": _yes_no(lang, "yes")},
                {"value": "no", "label": _yes_no(lang, "no")},
            ]
        elif q.type in (Question.Type.SINGLE_CHOICE, Question.Type.MULTI_CHOICE):
            item["choices"] = [
                {"value": c["value"], "label": t(c.get("label"))} for c in q.choices or ()
            ]
        elif q.type == Question.Type.NUMBER:
            item.update(
                min=plain_number(q.min_value),
                max=plain_number(q.max_value),
                integer=q.integer,
                unit=t(q.unit),
            )
        elif q.type == Question.Type.TEXT:
            item["max_length"] = q.max_length
        by_section.setdefault(q.section_id, []).append(item)
    return {
        "id": version.pk,
        "questionnaire": version.questionnaire.code,
        "number": version.number,
        "status": version.status,
        "languages": order,
        "language": lang,
        "title": t(version.title),
        "description": t(version.description),
        "published_at": version.published_at.isoformat() if version.published_at else None,
        "sections": [
            {"code": s.code, "title": t(s.title), "questions": by_section.get(s.pk, [])}
            for s in sections
        ],
    }


_YES_NO = {
    "en": {"yes": "Yes", "no": "No"},
    "zh-Hans": {"yes": "是", "no": "否"},
}


def _yes_no(lang: str, value: str) -> str:
    return _YES_NO.get(lang, _YES_NO["en"])[value]
