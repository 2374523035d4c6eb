"""Answer validation per question type, batch atomicity, clearing, N/A and status moves."""

from __future__ import annotations

import pytest

from audits.models import Answer, Audit
from audits.services.audits import answers_save


def patch(api, user, audit, answers):
    return api(user).patch(f"/api/v1/audits/{audit.pk}/answers/", {"answers": answers})


BAD = [
    ("EMP_01", "maybe", "Choose one of: yes, partial, no."),
    ("MGT_01", True, "Choose one of: yes, no."),
    ("ENV_01", ["energy", "gold"], "Unknown choice gold; choose from: energy, water, waste."),
    ("ENV_01", "energy", "Choose a list of values."),
    ("EMP_03", 2.5, "Enter a whole number."),
    ("EMP_03", 0, "Enter a number of at least 1."),
    ("EMP_04", 101, "Enter a number of at most 100."),
    ("EMP_04", "lots", "Enter a number."),
    ("ENV_03", "2024-02-30", "Enter a date as YYYY-MM-DD."),
    ("ENV_02", "x" * 501, "Enter at most 500 characters (this has 501)."),
]


@pytest.mark.parametrize(("code", "value", "message"), BAD)
def test_bad_values_are_rejected_with_a_message(world, api, issue, code, value, message):
    audit = issue()
    r = patch(api, world.s1_admin, audit, [{"question": code, "value": value}])
    assert r.status_code == 400
    assert r.json()["errors"] == {code: [message]}


def test_na_only_where_allowed(world, api, issue):
    audit = issue()
    r = patch(api, world.s1_admin, audit, [{"question": "EMP_04", "not_applicable": True}])
    assert r.status_code == 400
    assert "cannot be answered" in r.json()["errors"]["EMP_04"][0]
    r = patch(api, world.s1_admin, audit, [{"question": "ENV_01", "not_applicable": True}])
    assert r.status_code == 200
    answer = Answer.objects.get(audit=audit, question__code="ENV_01")
    assert answer.not_applicable and answer.value is None


def test_a_bad_batch_saves_nothing_and_names_each_question(world, api, issue):
    audit = issue()
    r = patch(
        api,
        world.s1_admin,
        audit,
        [
            {"question": "EMP_01", "value": "yes"},
            {"question": "EMP_04", "value": -1},
            {"question": "NOPE", "value": "x"},
        ],
    )
    assert r.status_code == 400
    assert set(r.json()["errors"]) == {"EMP_04", "NOPE"}
    assert not Answer.objects.filter(audit=audit).exists()
    assert Audit.objects.get(pk=audit.pk).status == "sent"


def test_good_values_are_normalised(world, issue):
    audit = issue()
    answers_save(
        audit=audit,
        answers=[
            {"question": "ENV_01", "value": ["waste", "energy", "waste"]},
            {"question": "EMP_04", "value": "42.0"},
            {"question": "ENV_03", "value": "2025-03-01"},
            {"question": "ENV_02", "value": "  Dyeing wastewater  "},
        ],
        actor=world.s1_admin,
    )
    values = dict(Answer.objects.filter(audit=audit).values_list("question__code", "value"))
    assert values == {
        "ENV_01": ["energy", "waste"],
        "EMP_04": 42,
        "ENV_03": "2025-03-01",
        "ENV_02": "Dyeing wastewater",
    }


def test_first_save_starts_the_audit_and_a_null_value_clears(world, issue):
    audit = issue()
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "yes"}], actor=None)
    audit.refresh_from_db()
    assert audit.status == "in_progress"
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": None}], actor=None)
    assert not Answer.objects.filter(audit=audit).exists()
    assert audit.events.filter(verb="audit.started").count() == 1


def test_same_question_last_write_wins(world, issue):
    audit = issue()
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "yes"}], actor=None)
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "no"}], actor=None)
    assert Answer.objects.get(audit=audit, question__code="EMP_01").value == "no"


def test_get_answers_lists_visibility_and_what_is_missing(world, api, issue):
    audit = issue(supplier=world.s2)  # micro: ENV_02 hidden
    r = api(world.s2_admin).get(f"/api/v1/audits/{audit.pk}/answers/")
    assert r.status_code == 200
    body = r.json()
    assert "ENV_02" not in body["visible"] and "EMP_03" not in body["visible"]
    assert set(body["missing"]) == {"MGT_01", "EMP_01", "EMP_02", "EMP_04"}


def test_empty_batch_is_refused(world, api, issue):
    r = patch(api, world.s1_admin, issue(), [])
    assert r.status_code == 400


def test_unknown_body_fields_are_a_400_and_save_nothing(world, api, issue):
    audit = issue()
    r = api(world.s1_admin).patch(
        f"/api/v1/audits/{audit.pk}/answers/",
        {"answers": [{"question": "EMP_01", "value": "yes"}], "submit": True},
        format="json",
    )
    assert r.status_code == 400
    assert list(r.json()["errors"]) == ["submit"]
    assert not Answer.objects.filter(audit=audit).exists()


def test_unknown_keys_in_an_answer_are_a_400_and_save_nothing(world, api, issue):
    audit = issue()
    r = api(world.s1_admin).patch(
        f"/api/v1/audits/{audit.pk}/answers/",
        {"answers": [{"question": "EMP_01", "value": "yes", "vaule": "no"}]},
        format="json",
    )
    assert r.status_code == 400
    assert "vaule" in str(r.json()["errors"])
    assert not Answer.objects.filter(audit=audit).exists()


def test_the_answer_rows_are_what_the_answer_serializer_makes(world, api, issue):
    """The API builds its answer rows directly (``answer_rows``); each must be exactly what
    ``AnswerSerializer`` makes of the answer, by a person or by the system."""
    from audits.selectors.audits import answers_for
    from audits.serializers.audits import AnswerSerializer

    audit = issue()
    answers_save(audit=audit, answers=[{"question": "EMP_01", "value": "no"}], actor=None)
    world.s1_admin.full_name = ""  # the name falls back to the email
    world.s1_admin.save(update_fields=["full_name"])
    body = patch(
        api,
        world.s1_admin,
        audit,
        [{"question": "ENV_01", "value": ["energy", "water"]}, {"question": "EMP_04", "value": 7}],
    ).json()

    expected = AnswerSerializer(answers_for(audit), many=True).data
    assert body["answers"] == [dict(row) for row in expected]
    assert {row["question"] for row in body["answers"]} == {"EMP_01", "ENV_01", "EMP_04"}
    assert {row["updated_by"]["name"] for row in body["answers"] if row["updated_by"]} == {
        world.s1_admin.email
    }
