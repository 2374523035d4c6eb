"""Versioning, library loading, visibility and language fallback of questionnaire versions."""

from __future__ import annotations

import copy
import shutil

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from activity.models import ActivityEvent
from backend.errors import Conflict
from questionnaires.documents import parse_document
from questionnaires.models import Question, Questionnaire, QuestionnaireVersion
from questionnaires.render import render_version
from questionnaires.services import (
    library_load,
    question_update,
    questionnaire_import,
    version_new_draft,
    version_publish,
    version_retire,
    version_update_draft,
)
from questionnaires.spec import compiled_for_version, supplier_profile
from questionnaires.storage import document_from_version
from scoring.engine import SupplierProfile
from tests.factories import DATA, load_doc, make_buyer, make_supplier

LIBRARY = DATA.parent.parent / "questionnaires" / "library"
Status = QuestionnaireVersion.Status


@pytest.fixture
def buyer(db):
    return make_buyer()


def mini_doc() -> dict:
    return parse_document(load_doc("mini.yaml"))


def test_import_creates_a_draft_and_publish_makes_it_immutable(buyer):
    version = questionnaire_import(document=mini_doc(), owner=buyer)
    assert version.status == Status.DRAFT
    assert version.questions.count() == 8

    version = version_publish(version=version)

    assert version.status == Status.PUBLISHED and version.published_at is not None
    with pytest.raises(Conflict):
        version_update_draft(version=version, document=mini_doc())
    with pytest.raises(Conflict):
        question_update(version=version, code="EMP_01", changes={"required": False})
    assert ActivityEvent.objects.filter(
        verb="questionnaire.published", organization=buyer, data__version_id=version.pk
    ).exists()


def test_publishing_twice_is_a_conflict(buyer):
    version = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)

    with pytest.raises(Conflict):
        version_publish(version=version)


def test_new_version_copies_a_published_version_into_a_draft(buyer):
    v1 = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)

    v2 = version_new_draft(version=v1)

    assert (v2.number, v2.status) == (2, Status.DRAFT)
    assert {**document_from_version(v2), "version": 1} == document_from_version(v1)
    with pytest.raises(Conflict):
        version_new_draft(version=v1)  # one draft at a time


def test_editing_a_draft_question_keeps_the_published_version(buyer):
    v1 = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)
    v2 = version_new_draft(version=v1)

    question_update(
        version=v2, code="EMP_02", changes={"text": {"en": "Dormitory?", "zh-Hans": "宿舍？"}}
    )

    assert Question.objects.get(version=v2, code="EMP_02").text["en"] == "Dormitory?"
    assert Question.objects.get(version=v1, code="EMP_02").text["en"] != "Dormitory?"


def test_invalid_draft_edit_is_located_and_saves_nothing(buyer):
    draft = questionnaire_import(document=mini_doc(), owner=buyer)

    with pytest.raises(ValidationError) as caught:
        question_update(version=draft, code="EMP_03", changes={"min": 50})

    assert "sections[1].questions[2] (EMP_03) field min" in caught.value.message_dict
    assert Question.objects.get(version=draft, code="EMP_03").min_value == 1


def test_retired_version_is_kept_for_existing_audits_but_not_published(buyer):
    version = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)

    version_retire(version=version)

    version.refresh_from_db()
    assert version.status == Status.RETIRED and version.retired_at is not None
    assert version.questions.count() == 8
    with pytest.raises(Conflict):
        version_retire(version=version)


def test_reimporting_into_an_open_draft_replaces_its_content(buyer):
    questionnaire_import(document=mini_doc(), owner=buyer)
    doc = mini_doc()
    doc["sections"][2]["questions"].pop()

    version = questionnaire_import(document=doc, owner=buyer)

    assert version.number == 1
    assert version.questions.count() == 7


def test_load_library_twice_creates_no_duplicate(db):
    call_command("load_library", "--skip-rules")
    versions = QuestionnaireVersion.objects.count()
    questions = Question.objects.count()

    call_command("load_library", "--skip-rules")

    assert QuestionnaireVersion.objects.count() == versions
    assert Question.objects.count() == questions
    assert set(Questionnaire.objects.filter(owner=None).values_list("code", flat=True)) >= {
        "sme-csr-core",
        "sme-csr-quick",
    }


def test_a_changed_library_file_becomes_a_new_published_version(db, tmp_path):
    shutil.copy(DATA / "mini.yaml", tmp_path / "mini.yaml")
    library_load(directory=tmp_path)
    text = (tmp_path / "mini.yaml").read_text(encoding="utf-8")
    (tmp_path / "mini.yaml").write_text(
        text.replace("Mini CSR check", "Mini CSR check (2nd edition)"), encoding="utf-8"
    )

    results = library_load(directory=tmp_path)

    assert [(r.number, r.created) for r in results] == [(2, True)]
    versions = dict(
        QuestionnaireVersion.objects.filter(questionnaire__code="mini-csr").values_list(
            "number", "status"
        )
    )
    assert versions == {1: Status.RETIRED, 2: Status.PUBLISHED}


def test_an_invalid_library_file_loads_nothing(db, tmp_path):
    shutil.copy(DATA / "mini.yaml", tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("code: broken\nlanguages: [en]\n", encoding="utf-8")

    with pytest.raises(ValidationError) as caught:
        library_load(directory=tmp_path)

    assert any(key.startswith("b.yaml: ") for key in caught.value.message_dict)
    assert not Questionnaire.objects.exists()


@pytest.mark.parametrize(
    ("size_class", "visible"),
    [("micro", False), ("small", True), ("medium", True), ("large", True)],
)
def test_size_conditional_question_is_visible_by_size_class(buyer, size_class, visible):
    version = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)
    supplier = make_supplier(size_class=size_class)

    codes = compiled_for_version(version).visible_codes({}, supplier_profile(supplier))

    assert ("ENV_02" in codes) is visible
    assert "EMP_03" not in codes  # follows an unanswered question


def test_core_library_shows_at_most_25_questions_to_a_micro_enterprise(db):
    library_load()
    version = QuestionnaireVersion.objects.get(
        questionnaire__code="sme-csr-core", questionnaire__owner=None, status=Status.PUBLISHED
    )
    compiled = compiled_for_version(version)

    micro = compiled.visible_codes({}, SupplierProfile("micro", "CN", "13"))

    assert len(compiled.codes) >= 45
    assert len(micro) <= 25


def test_compiled_version_is_cached_and_a_draft_edit_recompiles(buyer):
    draft = questionnaire_import(document=mini_doc(), owner=buyer)
    first = compiled_for_version(draft)
    assert compiled_for_version(QuestionnaireVersion.objects.get(pk=draft.pk)) is first

    question_update(version=draft, code="ENV_03", changes={"visible_if": 'EMP_02 == "no"'})

    again = compiled_for_version(QuestionnaireVersion.objects.get(pk=draft.pk))
    assert again is not first
    assert "ENV_03" in again.conditions


def test_supplier_profile_exposes_size_country_and_industry(db):
    supplier = make_supplier(size_class="medium", country="VN", industry="14")

    assert supplier_profile(supplier) == SupplierProfile("medium", "VN", "14")


def test_render_falls_back_to_the_first_language_when_a_text_is_missing(buyer):
    version = questionnaire_import(document=mini_doc(), owner=buyer, publish=True)
    Question.objects.filter(version=version, code="EMP_02").update(
        text={"en": "Do you provide a dormitory?"}
    )

    zh = render_version(version, "zh-CN")
    en = render_version(version, "en")

    questions = {q["code"]: q for s in zh["sections"] for q in s["questions"]}
    assert zh["language"] == "zh-Hans"
    assert questions["EMP_01"]["text"] == "是否核查每位新员工的年龄？"
    assert questions["EMP_02"]["text"] == "Do you provide a dormitory?"
    assert questions["EMP_01"]["choices"][1] == {"value": "partial", "label": "有时"}
    assert en["sections"][0]["title"] == "Management"


def test_render_falls_back_to_the_versions_first_language_not_english(buyer):
    doc = copy.deepcopy(load_doc("mini.yaml"))
    doc["languages"] = ["zh-Hans", "en"]
    version = questionnaire_import(document=parse_document(doc), owner=buyer)
    version.sections.filter(code="MGT").update(title={"zh-Hans": "责任管理"})

    rendered = render_version(version, "en")

    assert rendered["sections"][0]["title"] == "责任管理"
