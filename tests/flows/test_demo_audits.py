"""The demo data: audits in every state through the services, answers in both languages."""

from __future__ import annotations

import pathlib

import yaml

from audits.models import Answer, Audit
from flows.demo.audits import DEMO_TITLE, seed_audits
from tests.factories import make_version

LIBRARY = (
    pathlib.Path(__file__).resolve().parents[2] / "questionnaires" / "library" / "sme-csr-core.yaml"
)


def test_seed_audits_covers_every_state_and_is_idempotent(world, capsys):
    world.s1_respondent.preferred_language = "zh-Hans"
    world.s1_respondent.save(update_fields=["preferred_language"])
    make_version(yaml.safe_load(LIBRARY.read_text(encoding="utf-8")))

    created = seed_audits(None)

    states = set(Audit.objects.filter(title=DEMO_TITLE).values_list("status", flat=True))
    assert states == set(Audit.Status.values)
    assert len(created) == 14  # both buyers
    texts = Answer.objects.filter(question__type="text").values_list("value", flat=True)
    assert any("废水" in t or "工时" in t or "村委会" in t for t in texts)
    assert any("wastewater" in t or "hours" in t or "village" in t for t in texts)
    assert Audit.objects.filter(title=DEMO_TITLE).overdue().exists()
    assert seed_audits(None) == []


def test_seed_audits_without_the_library_says_so(world, capsys):
    assert seed_audits(None) == []
    assert "load the library" in capsys.readouterr().out
