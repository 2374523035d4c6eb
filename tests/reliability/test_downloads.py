"""Download names come from data (codes, names); the Content-Disposition header is built by
Django from a name stripped of control characters, so a code with quotes, CR or LF can neither
break the header nor add one. Codes are validated as slugs on input; these rows bypass that,
as old or hand-edited data would."""

from __future__ import annotations

import pytest
from django.http import HttpResponse

from backend.downloads import attachment, safe_filename
from questionnaires.models import Questionnaire
from rulesets.models import RuleSet

EVIL = 'evil"; filename="x.exe\r\nSet-Cookie: session=stolen\n'


def _header_is_safe(value: str) -> None:
    assert "\r" not in value and "\n" not in value
    assert "Set-Cookie" not in value.split(";")[0]
    assert value.startswith("attachment; filename=")
    # the quote of the code is escaped inside the one quoted name
    assert '\\"' in value
    assert value.count('filename="') == 1


def test_a_ruleset_code_with_quotes_and_newlines_gives_a_safe_header(world, api, ruleset):
    RuleSet.objects.filter(pk=ruleset.pk).update(code=EVIL)
    for fmt in ("yaml",):
        r = api(world.a_admin).get(f"/api/v1/rulesets/{ruleset.pk}/export/?format={fmt}")
        assert r.status_code == 200, r.content
        _header_is_safe(r["Content-Disposition"])
        assert "Set-Cookie" not in r.headers


def test_a_questionnaire_code_with_quotes_and_newlines_gives_a_safe_header(world, api, version):
    Questionnaire.objects.filter(pk=version.questionnaire_id).update(code=EVIL)
    for fmt in ("yaml", "xlsx"):
        r = api(world.a_admin).get(
            f"/api/v1/questionnaires/{version.questionnaire_id}/versions/{version.number}"
            f"/export/?format={fmt}"
        )
        assert r.status_code == 200, r.content
        _header_is_safe(r["Content-Disposition"])
        assert r["Content-Disposition"].endswith(f'.{fmt}"')


def test_a_buyer_name_with_newlines_gives_a_safe_register_header(world, api):
    world.buyer_a.name = 'Acme "Retail"\r\nX-Evil: 1'
    world.buyer_a.save(update_fields=["name"])
    r = api(world.a_admin).get("/api/v1/risk-register/?format=csv")
    assert r.status_code == 200, r.content
    value = r["Content-Disposition"]
    assert "\r" not in value and "\n" not in value and "X-Evil" not in r.headers
    assert value.startswith('attachment; filename="fairlink-risk-register-acme-retail-')


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("plain.yaml", 'attachment; filename="plain.yaml"'),
        ('a"b.yaml', 'attachment; filename="a\\"b.yaml"'),
        ("a\r\nb.yaml", 'attachment; filename="ab.yaml"'),
        ("../../etc/passwd", 'attachment; filename="....etcpasswd"'),
        ("问卷.yaml", "attachment; filename*=utf-8''%E9%97%AE%E5%8D%B7.yaml"),
        ("\r\n", 'attachment; filename="download"'),
    ],
)
def test_attachment_headers_are_built_by_django(name, header):
    assert attachment(HttpResponse(), name)["Content-Disposition"] == header
    assert "\n" not in safe_filename(name)
