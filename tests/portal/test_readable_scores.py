"""Scores a reader understands: rounded numbers, answers as labels, questions never asked kept
apart, a sentence when findings capped the rating, one decimal everywhere, the method a click
away."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from portal.templatetags.portal_tags import readable, score
from portal.views.buyer_score_panel import rating_reason
from tests.factories import make_ruleset, make_version, signed_in

from .buyer_helpers import accepted_audit


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("82.69230769230769230769230769230769230769", "82.69"),
        ("9034.50205", "9034.5"),
        (1, "1"),
        ("0.50", "0.5"),
        (None, ""),
        ("iso9001", "iso9001"),
    ],
)
def test_trace_numbers_are_rounded_for_reading(value, text):
    assert readable(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [("90.3000000000000", "90.3"), (75, "75.0"), ("76.95", "77.0"), (None, "—")]
)
def test_scores_show_one_decimal(value, text):
    assert score(value) == text


def test_a_capped_rating_says_why():
    trace = {
        "rating": {"band": "medium", "floor": "high", "final": "high"},
        "findings": [
            {"code": "A", "severity": "critical"},
            {"code": "B", "severity": "critical"},
            {"code": "C", "severity": "major"},
        ],
    }
    with translation.override("en"):
        assert rating_reason(trace) == "Capped at High risk: 2 critical findings."
    with translation.override("zh-hans"):
        assert rating_reason(trace) == "因 2 项严重发现项，评级上限为高风险。"
    trace["rating"] = {"band": "high", "floor": "high", "final": "high"}
    assert rating_reason(trace) == "", "no sentence when the band stands"


@pytest.mark.django_db
def test_review_page_of_a_micro_supplier_keeps_never_asked_questions_apart(world):
    audit = accepted_audit(world, version=make_version(), ruleset=make_ruleset(), supplier=world.s2)
    body = signed_in(world.a_officer).get(f"/b/audits/{audit.pk}/").content.decode()
    not_asked = body[body.index('id="not-asked"') :]
    not_asked = not_asked[: not_asked.index("</details>")]
    # EMP_03 shows only when EMP_02 is "yes"; this supplier answered "no".
    assert "EMP_03" in not_asked, "a question the supplier never saw is listed apart"
    asked = body[body.index('id="h-score"') : body.index('id="not-asked"')]
    assert "EMP_03" not in asked
    assert "['" not in body, "no answer is shown as a Python list"
    assert "/method/" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("en", "Question score"), ("zh-Hans", "问题得分")])
def test_the_published_method_page(client, language, text):
    response = client.get(f"/method/?lang={language}")
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.django_db
def test_the_answers_of_a_micro_supplier_never_call_a_question_it_was_not_asked_unanswered(world):
    world.s2.size_class = "micro"
    world.s2.save(update_fields=["size_class"])
    audit = accepted_audit(world, version=make_version(), ruleset=make_ruleset(), supplier=world.s2)
    body = signed_in(world.a_officer).get(f"/b/audits/{audit.pk}/").content.decode()
    answers = body[body.index('id="h-answers"') : body.index('id="h-history"')]
    for code in ("EMP_03", "ENV_02"):  # hidden by EMP_02 "no" and by the micro size
        assert not re.search(rf'<div class="question"[^>]*>\s*<p><strong>{code}</strong>', answers)
        assert re.search(
            rf'<details class="not-asked-answers">.*<strong>{code}</strong>', answers, re.S
        )
    assert re.search(r'<div class="question"[^>]*>\s*<p><strong>ENV_03</strong>', answers)
