"""Prefill: the supplier's own answers from its latest submitted audit of the same
questionnaire code, whichever buyer; never visible to another buyer."""

from __future__ import annotations

import copy

from audits.models import Answer
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from flows.services import audit_submit
from tests.factories import load_doc, make_version

from .conftest import COMPLETE, PDF_BYTES, upload


def _submit_for(world, issue, actor, extra=()):
    audit = issue(actor=actor)
    answers_save(audit=audit, answers=[*COMPLETE, *extra], actor=world.s1_admin)
    evidence_upload(
        audit=audit, question_code="MGT_01", file=upload("p.pdf", PDF_BYTES), actor=world.s1_admin
    )
    return audit_submit(audit=audit, actor=world.s1_admin)


def test_prefill_copies_from_another_buyers_audit_and_reports_misfits(world, api, issue):
    _submit_for(world, issue, world.b_officer, extra=[{"question": "ENV_02", "value": "Dye"}])
    # a new version of the same questionnaire: EMP_04 now at most 40, ENV_03 removed
    doc = copy.deepcopy(load_doc("mini.yaml"))
    doc["sections"][1]["questions"][3]["max"] = 40
    doc["sections"][2]["questions"] = doc["sections"][2]["questions"][:2]
    v2 = make_version(doc)
    target = issue(actor=world.a_officer, questionnaire_version=v2)
    answers_save(audit=target, answers=[{"question": "EMP_01", "value": "no"}], actor=None)

    r = api(world.s1_admin).post(f"/api/v1/audits/{target.pk}/prefill/")
    assert r.status_code == 200, r.content
    body = r.json()
    assert sorted(body["copied"]) == ["EMP_02", "ENV_02", "MGT_01"]
    assert set(body["skipped"]) == {"EMP_01", "EMP_04"}
    assert "at most 40" in body["skipped"]["EMP_04"]
    assert "buyer" not in str(body["source"])
    values = dict(Answer.objects.filter(audit=target).values_list("question__code", "value"))
    assert values == {"EMP_01": "no", "EMP_02": "no", "ENV_02": "Dye", "MGT_01": "yes"}


def test_prefill_without_a_source_copies_nothing(world, api, issue):
    target = issue()
    r = api(world.s1_admin).post(f"/api/v1/audits/{target.pk}/prefill/")
    assert r.json() == {"source": None, "copied": [], "skipped": {}}


def test_buyers_cannot_reach_other_buyers_audits_through_prefill(world, api, issue):
    source = _submit_for(world, issue, world.b_officer)
    target = issue(actor=world.a_officer)
    assert api(world.a_officer).post(f"/api/v1/audits/{target.pk}/prefill/").status_code == 403
    assert api(world.a_officer).get(f"/api/v1/audits/{source.pk}/answers/").status_code == 404


def test_prefill_on_a_submitted_audit_is_a_conflict(world, api, issue):
    audit = _submit_for(world, issue, world.a_officer)
    assert api(world.s1_admin).post(f"/api/v1/audits/{audit.pk}/prefill/").status_code == 409


def test_the_receiving_buyer_never_learns_the_source_audit(world, api, issue):
    _submit_for(world, issue, world.b_officer)
    target = issue(actor=world.a_officer)
    assert api(world.s1_admin).post(f"/api/v1/audits/{target.pk}/prefill/").status_code == 200

    events = api(world.a_officer).get(f"/api/v1/audits/{target.pk}/events/").json()
    rows = events["results"] if isinstance(events, dict) else events
    prefilled = [e for e in rows if e["verb"] == "answers.prefilled"]

    assert len(prefilled) == 1
    data = prefilled[0]["data"]
    assert set(data) == {"source_version", "copied"}
    assert data["copied"] and "source_audit" not in str(events)
