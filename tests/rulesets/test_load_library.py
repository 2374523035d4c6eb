"""`manage.py load_library`: the questionnaires and the rule sets that score them."""

from __future__ import annotations

import io

from django.core.management import call_command

from rulesets.models import RuleSet


def test_load_library_publishes_the_library_rule_sets_once(db):
    out = io.StringIO()
    call_command("load_library", stdout=out)
    call_command("load_library", stdout=io.StringIO())

    library = RuleSet.objects.filter(owner=None, status=RuleSet.Status.PUBLISHED)
    assert sorted(library.values_list("code", flat=True)) == [
        "sme-csr-core-rules",
        "sme-csr-quick-rules",
    ]
    assert "sme-csr-core-rules.yaml: sme-csr-core-rules version 1" in out.getvalue()
