"""The buyer's questionnaires and a preview of any version as a supplier of a given size sees it,
in either language, before issuing: the questions asked, the conditional ones appearing as they
would while answering (the page posts the answers back and shows what applies; nothing is
saved), and how many questions each size class is asked."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.languages import pick, to_content_language
from accounts.models import Organization
from audits.answers import AnswerError, clean_answer
from questionnaires.models import Question, QuestionnaireVersion
from questionnaires.render import rendered_version
from questionnaires.selectors import questionnaire_list, version_get_for
from questionnaires.spec import compiled_for_version, questions_for_version
from scoring.engine import AnswerValue, SupplierProfile

from ..http import PortalRequest
from ._helpers import content_language
from .buyer import buyer_page, require_org_perm

ISSUE = "accounts.issue_audits"
SIZES = Organization.SizeClass
# The profile a preview scores visibility with besides the size: a typical supplier of the
# programme. Conditions on the country or the industry show as for a Chinese manufacturer.
PREVIEW_COUNTRY = "CN"
PREVIEW_INDUSTRY = "14"


class PreviewForm(forms.Form):
    size = forms.ChoiceField(label=_("Supplier size"), choices=SIZES.choices, initial="small")
    lang = forms.ChoiceField(
        label=_("Questionnaire language"),
        choices=[("en", "English"), ("zh-Hans", "简体中文")],
        required=False,
    )


@buyer_page
def questionnaires(request: PortalRequest) -> HttpResponse:
    """The library and the buyer's own templates, each version with its preview links."""
    require_org_perm(request, ISSUE)
    lang = content_language(request)
    rows = [
        {
            "questionnaire": q,
            "title": pick(q.title, lang, []) or q.code,
            "versions": [v for v in q.versions.all() if v.status != "retired"],
        }
        for q in questionnaire_list(user=request.user)
        if q.owner_id in (None, request.organization.pk)
    ]
    return render(
        request, "portal/buyer/questionnaires.html", {"rows": rows, "sizes": SIZES.choices}
    )


def _posted_answers(
    version: QuestionnaireVersion, data
) -> tuple[dict[str, AnswerValue], dict[str, str], dict[str, Any]]:
    """The answers typed into the preview, cleaned as the real page cleans them: ``(answers,
    errors by code, raw values by code)``; a value that does not fit is shown with its message
    and counts as unanswered."""
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    raw: dict[str, Any] = {}
    for code, question in questions_for_version(version).items():
        values = data.getlist(f"a-{code}")
        if question.type == Question.Type.MULTI_CHOICE:
            value: Any = [v for v in values if v]
        else:
            value = values[0] if values else ""
        if not value:
            continue
        raw[code] = value
        try:
            cleaned = clean_answer(question, value)
        except AnswerError as exc:
            errors[code] = str(exc)
            continue
        if cleaned is not None:
            answers[code] = AnswerValue(value=cleaned, not_applicable=False)
    return answers, errors, raw


def _profile(size: str) -> SupplierProfile:
    return SupplierProfile(size_class=size, country=PREVIEW_COUNTRY, industry=PREVIEW_INDUSTRY)


def _sections(rendered: dict, visible: frozenset, errors: dict, raw: dict) -> list[dict]:
    sections = []
    for section in rendered["sections"]:
        items = []
        for q in section["questions"]:
            value = raw.get(q["code"])
            chosen = {str(v) for v in value} if isinstance(value, list) else {str(value)}
            items.append(
                {
                    "q": q,
                    "visible": q["code"] in visible,
                    "value": "" if value is None or isinstance(value, list) else value,
                    "chosen": chosen,
                    "error": errors.get(q["code"]),
                }
            )
        asked = sum(1 for i in items if i["visible"])
        sections.append({"title": section["title"], "items": items, "asked": asked})
    return sections


@buyer_page
@require_http_methods(["GET", "POST"])
def questionnaire_preview(request: PortalRequest, questionnaire_id: int, number: int):
    """A version as a supplier of ``?size=`` sees it in ``?lang=``; a POST of the typed answers
    shows the questions they make apply (nothing is stored)."""
    require_org_perm(request, ISSUE)
    version = version_get_for(user=request.user, questionnaire_id=questionnaire_id, number=number)
    form = PreviewForm(request.GET or {"size": "small"})
    if not form.is_valid():
        return render(
            request, "portal/buyer/questionnaire_preview.html", {"form": form}, status=400
        )
    size = form.cleaned_data["size"]
    lang = to_content_language(form.cleaned_data["lang"] or content_language(request))
    rendered = rendered_version(version, lang)
    compiled = compiled_for_version(version)
    answers, errors, raw = (
        _posted_answers(version, request.POST) if request.method == "POST" else ({}, {}, {})
    )
    visible = compiled.visible_codes(answers, _profile(size))
    per_size = [
        {"size": label, "code": code, "asked": len(compiled.visible_codes({}, _profile(code)))}
        for code, label in SIZES.choices
    ]
    context = {
        "form": form,
        "version": version,
        "rendered": rendered,
        "size": size,
        "size_label": SIZES(size).label,
        "lang": lang,
        "sections": _sections(rendered, visible, errors, raw),
        "asked": len(visible),
        "total": len(compiled.codes),
        "per_size": per_size,
    }
    return render(request, "portal/buyer/questionnaire_preview.html", context)
