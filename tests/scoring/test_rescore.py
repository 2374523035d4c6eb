"""Re-scoring with a newer rule set version adds a score and keeps the old one."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from audits.models import Audit
from backend.errors import Conflict
from scoring.models import Finding, Score
from scoring.services import audit_rescore, rescore_bulk, score_audit
from tests.factories import load_doc, make_ruleset

from .conftest import make_audit

pytestmark = pytest.mark.django_db


@pytest.fixture
def ruleset_v2(version):
    doc = load_doc("mini-rules.yaml")
    doc["version"] = 2
    doc["categories"] = {"management": 50, "employee": 25, "environment": 25}
    return make_ruleset(doc)


def test_audit_rescore_adds_a_score_and_keeps_the_old(world, version, ruleset, ruleset_v2):
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    first = score_audit(audit=audit, final=True)

    second = audit_rescore(audit=audit, ruleset=ruleset_v2, actor=world.a_admin)

    assert first.overall == Decimal("60.0")
    # (50 * 100 + 25 * 50 + 25 * 50) / 100
    assert second.overall == Decimal("75.0")
    assert second.final is True
    assert second.ruleset == ruleset_v2
    assert list(Score.objects.filter(audit=audit).order_by("pk")) == [first, second]
    assert Finding.objects.filter(audit=audit, score=second).count() == 0


def test_rescore_refuses_a_draft_or_an_open_audit(world, version, ruleset):
    draft = make_ruleset(dict(load_doc("mini-rules.yaml"), version=3), status="draft")
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    with pytest.raises(Conflict):
        audit_rescore(audit=audit, ruleset=draft)
    open_audit = make_audit(world, version, ruleset, status=Audit.Status.IN_PROGRESS)
    with pytest.raises(Conflict):
        audit_rescore(audit=open_audit, ruleset=ruleset)


def test_rescore_refuses_a_rule_set_of_another_questionnaire(world, version, ruleset):
    other = make_ruleset(dict(load_doc("mini-rules.yaml"), code="x", questionnaire="other"))
    audit = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)

    with pytest.raises(ValidationError) as exc:
        audit_rescore(audit=audit, ruleset=other)
    assert "ruleset" in exc.value.message_dict


def test_rescore_bulk_scores_accepted_audits_once(world, version, ruleset, ruleset_v2):
    accepted = [make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED) for _ in range(5)]
    make_audit(world, version, ruleset, status=Audit.Status.SUBMITTED)

    result = rescore_bulk(ruleset=ruleset_v2, batch_size=2)
    again = rescore_bulk(ruleset=ruleset_v2, batch_size=2)

    assert (result.scored, result.skipped) == (5, 0)
    assert again.scored == 0
    scores = Score.objects.filter(ruleset=ruleset_v2)
    assert sorted(scores.values_list("audit_id", flat=True)) == [a.pk for a in accepted]
    assert set(scores.values_list("overall", flat=True)) == {Decimal("75.0")}
    assert scores.first().trace["overall"]["score"] == "75.0"


def test_rescore_bulk_of_a_buyer_rule_set_stays_with_that_buyer(world, version, ruleset):
    own = make_ruleset(dict(load_doc("mini-rules.yaml"), code="acme"), owner=world.buyer_a)
    mine = make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED, buyer=world.buyer_b)

    result = rescore_bulk(ruleset=own)

    assert result.scored == 1
    assert Score.objects.get(ruleset=own).audit == mine


def test_rescore_command(world, version, ruleset, ruleset_v2):
    make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED)
    out = StringIO()

    call_command("rescore", "--ruleset", "mini-csr-rules@2", stdout=out)

    report = json.loads(out.getvalue())
    assert report["scored"] == 1
    assert report["ruleset"] == "mini-csr-rules@2"


def test_rescore_command_rejects_unknown_rule_set(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rescore", "--ruleset", "nope@1")
    with pytest.raises(CommandError):
        call_command("rescore", "--ruleset", "nope")


def test_rescore_parts_share_the_audits_without_overlap(world, version, ruleset, ruleset_v2):
    audits = [make_audit(world, version, ruleset, status=Audit.Status.ACCEPTED) for _ in range(5)]

    first = rescore_bulk(ruleset=ruleset_v2, part=(0, 2))
    second = rescore_bulk(ruleset=ruleset_v2, part=(1, 2))

    scored = sorted(Score.objects.filter(ruleset=ruleset_v2).values_list("audit_id", flat=True))
    assert scored == sorted(a.pk for a in audits)
    assert first.scored == len([a for a in audits if a.pk % 2 == 0])
    assert first.scored + second.scored == 5


def test_rescore_command_rejects_a_bad_part(ruleset_v2):
    with pytest.raises(CommandError, match="--part"):
        call_command("rescore", "--ruleset", "mini-csr-rules@2", "--part", "2/2")
