"""/api/v1/rulesets/: list, detail, import (validation located by code), export, publish."""

import copy

import pytest
import yaml

from rulesets.models import RuleSet
from tests.factories import load_doc, make_ruleset

pytestmark = pytest.mark.django_db

URL = "/api/v1/rulesets/"


@pytest.fixture
def doc():
    d = load_doc("mini-rules.yaml")
    d["code"] = "acme-rules"
    return d


def test_list_shows_library_and_own_rule_sets(world, api, version, ruleset):
    own = make_ruleset(dict(load_doc("mini-rules.yaml"), code="acme"), owner=world.buyer_a)
    make_ruleset(dict(load_doc("mini-rules.yaml"), code="blue"), owner=world.buyer_b)

    response = api(world.a_officer).get(URL)

    assert response.status_code == 200
    rows = {r["code"]: r for r in response.json()["results"]}
    assert set(rows) == {"mini-csr-rules", "acme"}
    assert rows["mini-csr-rules"]["library"] is True
    assert rows[own.code]["title"] == "Mini CSR rules"


def test_supplier_sees_no_rule_sets(world, api, ruleset):
    assert api(world.s1_admin).get(URL).json()["count"] == 0


def test_detail_of_another_buyers_rule_set_is_404(world, api, version):
    other = make_ruleset(owner=world.buyer_b)

    assert api(world.a_admin).get(f"{URL}{other.pk}/").status_code == 404
    assert api(world.b_admin).get(f"{URL}{other.pk}/").json()["document"]["code"] == (
        "mini-csr-rules"
    )


def test_list_query_count_is_flat(world, api, version, django_assert_max_num_queries):
    client = api(world.a_admin)
    make_ruleset(owner=world.buyer_a)
    with django_assert_max_num_queries(10) as small:
        client.get(URL)
    for n in range(2, 8):
        make_ruleset(dict(load_doc("mini-rules.yaml"), version=n), owner=world.buyer_a)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(URL).json()["count"] == 7


def test_import_creates_a_draft_and_is_idempotent(world, api, version, doc):
    client = api(world.a_admin)

    created = client.post(URL + "import/", {"document": doc}, format="json")
    again = client.post(URL + "import/", {"document": doc}, format="json")

    assert created.status_code == 201
    body = created.json()
    assert body["status"] == "draft"
    assert body["owner"] == world.buyer_a.pk
    assert body["document"]["title"] == doc["title"]
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert RuleSet.objects.filter(code="acme-rules").count() == 1


def test_import_same_version_with_other_content_is_400(world, api, version, doc):
    client = api(world.a_admin)
    client.post(URL + "import/", {"document": doc}, format="json")
    doc["categories"]["employee"] = 60

    response = client.post(URL + "import/", {"document": doc}, format="json")

    assert response.status_code == 400
    assert "version exists" in response.json()["errors"]["version"][0]


def test_import_yaml_text_and_file(world, api, version, doc):
    client = api(world.a_admin)
    text = yaml.safe_dump(doc, allow_unicode=True)

    as_text = client.post(URL + "import/", {"yaml": text, "publish": True}, format="json")
    doc["version"] = 2
    upload = yaml.safe_dump(doc, allow_unicode=True).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    as_file = client.post(
        URL + "import/",
        {"file": SimpleUploadedFile("rules.yaml", upload, "application/yaml")},
        format="multipart",
    )

    assert as_text.status_code == 201
    assert as_text.json()["status"] == "published"
    assert as_file.status_code == 201
    assert as_file.json()["version"] == 2


@pytest.mark.parametrize(
    ("change", "location", "fragment"),
    [
        (
            lambda d: d["scores"].update({"XYZ_99": {"weight": 1, "points": {"yes": 1}}}),
            "XYZ_99",
            "",
        ),
        (lambda d: d["scores"]["EMP_01"]["points"].update({"maybe": 1}), "EMP_01", "points: "),
        (lambda d: d["categories"].pop("environment"), "ENV_01", ""),
        (
            lambda d: d["scores"]["EMP_04"].update(
                {"bands": [{"max": 60, "points": 1}, {"max": 48, "points": 0.5}, {"points": 0}]}
            ),
            "EMP_04",
            "bands: ",
        ),
        (lambda d: d["findings"][0].update({"when": 'EMP_01 == "no" &&'}), "F_AGE_CHECK", "when: "),
        (
            lambda d: d["rating"].update(
                {"bands": [{"min": 40, "rating": "high"}, {"min": 80, "rating": "low"}]}
            ),
            "rating",
            "bands: ",
        ),
        (
            lambda d: d.update(
                {"equivalences": [{"certificate": "iso14001", "answers": {"EMP_01": "maybe"}}]}
            ),
            "equivalences[0]",
            "answers: EMP_01: ",
        ),
        (
            lambda d: d.update({"equivalences": [{"certificate": "sa8000", "waives": ["XYZ"]}]}),
            "equivalences[0]",
            "waives: unknown question",
        ),
    ],
    ids=[
        "unknown-question",
        "unknown-choice",
        "category-without-weight",
        "bands-order",
        "bad-when",
        "rating-order",
        "equivalence-value-not-a-choice",
        "equivalence-unknown-question",
    ],
)
def test_import_rejects_with_located_errors_and_saves_nothing(
    world, api, version, doc, change, location, fragment
):
    change(doc)

    response = api(world.a_admin).post(URL + "import/", {"document": doc}, format="json")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert location in errors, errors
    assert errors[location][0].startswith(fragment)
    assert not RuleSet.objects.filter(code="acme-rules").exists()


def test_import_for_an_unknown_questionnaire_is_400(world, api, version, doc):
    doc["questionnaire"] = "nope"

    response = api(world.a_admin).post(URL + "import/", {"document": doc}, format="json")

    assert response.status_code == 400
    assert "questionnaire" in response.json()["errors"]["ruleset"][0]


def test_import_without_a_document_is_400(world, api):
    response = api(world.a_admin).post(URL + "import/", {}, format="json")

    assert response.status_code == 400
    assert "document" in response.json()["errors"]


def test_import_invalid_yaml_is_400(world, api, version):
    response = api(world.a_admin).post(URL + "import/", {"yaml": "code: [1"}, format="json")

    assert response.status_code == 400
    assert "yaml" in response.json()["errors"]


def test_officer_and_supplier_cannot_import(world, api, version, doc):
    for user in (world.a_officer, world.s1_admin):
        response = api(user).post(URL + "import/", {"document": doc}, format="json")
        assert response.status_code == 403


def test_export_yaml_round_trips(world, api, version, doc):
    client = api(world.a_admin)
    ruleset_id = client.post(URL + "import/", {"document": doc}, format="json").json()["id"]

    response = client.get(f"{URL}{ruleset_id}/export/?format=yaml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    exported = yaml.safe_load(response.content.decode())
    assert exported["scores"]["EMP_01"]["points"] == {"yes": 1, "partial": 0.5, "no": 0}
    again = client.post(URL + "import/", {"yaml": response.content.decode()}, format="json")
    assert again.status_code == 200
    assert again.json()["id"] == ruleset_id


def test_export_json_and_404_for_other_buyer(world, api, version, doc):
    ruleset_id = (
        api(world.a_admin).post(URL + "import/", {"document": doc}, format="json").json()["id"]
    )

    assert api(world.a_officer).get(f"{URL}{ruleset_id}/export/?format=json").json()["code"] == (
        "acme-rules"
    )
    assert api(world.b_admin).get(f"{URL}{ruleset_id}/export/?format=yaml").status_code == 404


def test_publish_by_admin_then_409(world, api, version, doc):
    client = api(world.a_admin)
    ruleset_id = client.post(URL + "import/", {"document": doc}, format="json").json()["id"]

    published = client.post(f"{URL}{ruleset_id}/publish/")
    again = client.post(f"{URL}{ruleset_id}/publish/")

    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["published_at"]
    assert again.status_code == 409


def test_publish_forbidden_for_officer_library_and_other_buyer(world, api, version, doc, ruleset):
    ruleset_id = (
        api(world.a_admin).post(URL + "import/", {"document": doc}, format="json").json()["id"]
    )

    assert api(world.a_officer).post(f"{URL}{ruleset_id}/publish/").status_code == 403
    assert api(world.a_admin).post(f"{URL}{ruleset.pk}/publish/").status_code == 403
    assert api(world.b_admin).post(f"{URL}{ruleset_id}/publish/").status_code == 404


def test_import_keeps_nothing_of_a_failed_document(world, api, version, doc):
    bad = copy.deepcopy(doc)
    bad["findings"][1]["severity"] = "terrible"

    response = api(world.a_admin).post(URL + "import/", {"document": bad}, format="json")

    assert response.status_code == 400
    assert response.json()["errors"]["F_HOURS"][0].startswith("severity: ")
