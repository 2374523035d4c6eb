"""The questionnaire API: catalogue, detail in the caller's language, imports, versions, export,
and the tenant rules."""

from __future__ import annotations

import datetime
import io

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from audits.models import Audit
from audits.permissions import grant_audit_to_organizations
from questionnaires.documents import parse_document
from questionnaires.models import Question, Questionnaire, QuestionnaireVersion
from questionnaires.services import questionnaire_import
from questionnaires.xlsx_io import read_xlsx, write_xlsx
from questionnaires.yaml_io import read_yaml
from tests.factories import DATA, load_doc, make_version

BASE = "/api/v1/questionnaires/"
MINI = (DATA / "mini.yaml").read_bytes()


def upload(name: str, content: bytes, **extra) -> dict:
    return {"file": SimpleUploadedFile(name, content), **extra}


def own(world, status="published"):
    version = questionnaire_import(
        document=parse_document(load_doc("mini.yaml")), owner=world.buyer_a
    )
    if status == "published":
        from questionnaires.services import version_publish

        version = version_publish(version=version)
    return version


def vurl(version, suffix=""):
    return f"{BASE}{version.questionnaire_id}/versions/{version.number}/{suffix}"


# --- catalogue -------------------------------------------------------------------------------


def test_buyer_lists_the_library_and_own_templates_but_not_another_buyers(world, api):
    library = make_version()
    mine = own(world)
    theirs = questionnaire_import(
        document=parse_document({**load_doc("mini.yaml"), "code": "blue-only"}),
        owner=world.buyer_b,
    )

    response = api(world.a_officer).get(BASE)

    assert response.status_code == 200
    ids = {item["id"] for item in response.json()["results"]}
    assert ids == {library.questionnaire_id, mine.questionnaire_id}
    assert theirs.questionnaire_id not in ids


@pytest.mark.parametrize("user", ["s1_admin", "s2_respondent", "a_reviewer"])
def test_suppliers_and_reviewers_cannot_list_templates(world, api, user):
    make_version()

    response = api(getattr(world, user)).get(BASE)

    assert response.status_code == 403


def test_list_query_count_does_not_grow_with_templates(world, api, django_assert_max_num_queries):
    client = api(world.a_admin)
    make_version()
    with django_assert_max_num_queries(12):
        assert len(client.get(BASE).json()["results"]) == 1
    for n in range(6):
        questionnaire_import(
            document=parse_document({**load_doc("mini.yaml"), "code": f"t-{n}"}),
            owner=world.buyer_a,
        )
    with django_assert_max_num_queries(12):
        assert len(client.get(BASE).json()["results"]) == 7


# --- detail and language ---------------------------------------------------------------------


def test_detail_renders_in_the_accept_language(world, api):
    version = make_version()
    client = api(world.a_officer)

    zh = client.get(f"{BASE}{version.questionnaire_id}/", HTTP_ACCEPT_LANGUAGE="zh-CN").json()
    en = client.get(f"{BASE}{version.questionnaire_id}/?lang=en").json()

    assert zh["current"]["title"] == "简易社会责任检查"
    assert zh["current"]["sections"][1]["questions"][0]["text"] == "是否核查每位新员工的年龄？"
    assert en["current"]["sections"][0]["title"] == "Management"
    assert [v["number"] for v in en["versions"]] == [1]


def test_version_detail_falls_back_to_the_first_language(world, api):
    version = make_version()
    Question.objects.filter(version=version, code="EMP_02").update(text={"en": "Dormitory?"})

    body = api(world.a_officer).get(vurl(version) + "?lang=zh-Hans").json()

    texts = {q["code"]: q["text"] for s in body["sections"] for q in s["questions"]}
    assert texts["EMP_02"] == "Dormitory?"
    assert texts["EMP_01"] == "是否核查每位新员工的年龄？"


def test_another_buyers_template_is_404(world, api):
    version = own(world)

    client = api(world.b_admin)

    assert client.get(f"{BASE}{version.questionnaire_id}/").status_code == 404
    assert client.get(vurl(version)).status_code == 404
    assert client.get(vurl(version, "export/") + "?format=yaml").status_code == 404
    assert client.post(vurl(version, "retire/")).status_code == 404


def test_supplier_reads_a_version_only_through_its_audit(world, api):
    version = make_version()
    audit = Audit.objects.create(
        buyer=world.buyer_a,
        supplier=world.s1,
        questionnaire_version=version,
        status=Audit.Status.SENT,
        due_date=datetime.date(2030, 1, 1),
    )
    grant_audit_to_organizations(audit)

    seen = api(world.s1_admin).get(vurl(version))
    not_seen = api(world.s2_admin).get(vurl(version))

    assert seen.status_code == 200 and seen.json()["number"] == 1
    assert not_seen.status_code == 404
    assert api(world.s1_admin).get(f"{BASE}{version.questionnaire_id}/").status_code == 404


# --- import ----------------------------------------------------------------------------------


def test_admin_imports_yaml_as_a_draft(world, api):
    response = api(world.a_admin).post(
        f"{BASE}import/", upload("mini.yaml", MINI), format="multipart"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["number"], body["questionnaire"]) == ("draft", 1, "mini-csr")
    assert Questionnaire.objects.get(code="mini-csr").owner == world.buyer_a


def test_admin_imports_xlsx_and_publishes(world, api):
    content = write_xlsx(read_yaml(MINI))

    response = api(world.a_admin).post(
        f"{BASE}import/", upload("mini.xlsx", content, publish="true"), format="multipart"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "published"
    assert QuestionnaireVersion.objects.get(pk=response.json()["id"]).questions.count() == 8


def test_invalid_yaml_import_is_a_located_400_and_saves_nothing(world, api):
    doc = load_doc("mini.yaml")
    doc["sections"][1]["questions"][1]["code"] = "EMP_01"
    doc["sections"][1]["questions"][2]["min"] = 30
    content = yaml.safe_dump(doc, allow_unicode=True).encode()

    response = api(world.a_admin).post(
        f"{BASE}import/", upload("bad.yaml", content), format="multipart"
    )

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "sections[1].questions[1] (EMP_01) field code" in errors
    assert errors["sections[1].questions[2] (EMP_03) field min"] == [
        "min (30) is greater than max (20)"
    ]
    assert not Questionnaire.objects.exists()


def test_invalid_xlsx_import_is_a_located_400_and_saves_nothing(world, api):
    doc = read_yaml(MINI)
    doc["sections"][1]["questions"][0]["text"] = {"en": "Age check?", "zh-Hans": ""}
    content = write_xlsx({**doc})

    response = api(world.a_admin).post(
        f"{BASE}import/", upload("bad.xlsx", content), format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["errors"]["survey!row 3 (EMP_01) field text[zh-Hans]"] == [
        "missing translation for 'zh-Hans'"
    ]
    assert not Questionnaire.objects.exists()


def test_import_needs_a_known_format(world, api):
    response = api(world.a_admin).post(
        f"{BASE}import/", upload("mini.txt", MINI), format="multipart"
    )

    assert response.status_code == 400
    assert "format" in response.json()["errors"]


@pytest.mark.parametrize("user", ["a_officer", "s1_admin"])
def test_only_buyer_admins_import(world, api, user):
    response = api(getattr(world, user)).post(
        f"{BASE}import/", upload("mini.yaml", MINI), format="multipart"
    )

    assert response.status_code == 403
    assert not Questionnaire.objects.exists()


def test_create_from_a_json_document(world, api):
    response = api(world.a_admin).post(BASE, {"document": load_doc("mini.yaml")}, format="json")

    assert response.status_code == 201
    assert response.json()["status"] == "draft"


# --- versions --------------------------------------------------------------------------------


def test_editing_a_published_version_is_409(world, api):
    version = own(world)
    client = api(world.a_admin)

    put = client.put(vurl(version), {"document": load_doc("mini.yaml")}, format="json")
    patch = client.patch(vurl(version, "questions/EMP_02/"), {"required": False}, format="json")

    assert put.status_code == 409 and put.json()["code"] == "version_immutable"
    assert patch.status_code == 409
    assert Question.objects.get(version=version, code="EMP_02").required is True


def test_draft_lifecycle_edit_publish_new_version_retire(world, api):
    version = own(world, status="draft")
    client = api(world.a_admin)

    edited = client.patch(
        vurl(version, "questions/EMP_02/"),
        {"text": {"en": "Dormitory for workers?", "zh-Hans": "是否提供宿舍？"}},
        format="json",
    )
    assert edited.status_code == 200
    assert client.post(vurl(version, "publish/")).json()["status"] == "published"
    assert client.post(vurl(version, "publish/")).status_code == 409
    draft = client.post(vurl(version, "new-version/"))
    assert draft.status_code == 201 and draft.json()["number"] == 2
    assert client.post(vurl(version, "new-version/")).status_code == 409
    retired = client.post(vurl(version, "retire/"))
    assert retired.json()["status"] == "retired"
    listed = client.get(f"{BASE}{version.questionnaire_id}/versions/").json()
    assert [(v["number"], v["status"]) for v in listed] == [(2, "draft"), (1, "retired")]


def test_bad_draft_edit_is_400_with_location(world, api):
    version = own(world, status="draft")

    response = api(world.a_admin).patch(
        vurl(version, "questions/ENV_02/"), {"visible_if": 'EMP_99 == "yes"'}, format="json"
    )

    assert response.status_code == 400
    message = response.json()["errors"]["sections[2].questions[1] (ENV_02) field visible_if"][0]
    assert "unknown name 'EMP_99'" in message


def test_officer_cannot_publish_and_library_is_read_only(world, api):
    version = own(world, status="draft")
    library = make_version()

    assert api(world.a_officer).post(vurl(version, "publish/")).status_code == 403
    assert api(world.a_admin).post(vurl(library, "retire/")).status_code == 403


# --- export ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_export_then_import_gives_the_same_version(world, api, fmt):
    version = own(world)
    client = api(world.a_admin)

    exported = client.get(vurl(version, "export/") + f"?format={fmt}")
    assert exported.status_code == 200
    assert exported["Content-Disposition"].endswith(f'mini-csr-v1.{fmt}"')
    new = client.post(f"{BASE}import/", upload(f"x.{fmt}", exported.content), format="multipart")

    assert new.status_code == 201
    again = QuestionnaireVersion.objects.get(pk=new.json()["id"])
    assert again.number == 2
    assert again.source_hash == version.source_hash


def test_export_unknown_format_is_400(world, api):
    version = own(world)

    response = api(world.a_admin).get(vurl(version, "export/") + "?format=pdf")

    assert response.status_code == 400


def test_exported_xlsx_reads_back(world, api):
    version = make_version()

    content = api(world.a_officer).get(vurl(version, "export/") + "?format=xlsx").content

    assert read_xlsx(io.BytesIO(content).getvalue())["code"] == "mini-csr"
