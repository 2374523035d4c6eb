"""Plain-text mail is not HTML-escaped: an apostrophe arrives as an apostrophe."""

from __future__ import annotations

import datetime

from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organization
from tests.factories import make_ruleset, make_version


def test_invitation_mail_keeps_apostrophes_and_angle_brackets(
    world, api, django_capture_on_commit_callbacks
):
    Organization.objects.filter(pk=world.s1.pk).update(name="O'Neill & Sons <Shenzhen>")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.s1_admin).post(
            f"/api/v1/organizations/{world.s1.pk}/members/",
            {"email": "li@oneill.example", "full_name": "Li O'Brien", "role": "respondent"},
        )
    assert response.status_code == 201, response.json()
    [message] = mail.outbox
    assert "Hello Li O'Brien," in message.body
    assert "O'Neill & Sons <Shenzhen>" in message.body
    assert "O'Neill & Sons <Shenzhen>" in message.subject
    assert "&#x27;" not in message.body + message.subject
    assert "&amp;" not in message.body


def test_audit_mail_keeps_the_buyers_apostrophe(world, api, django_capture_on_commit_callbacks):
    Organization.objects.filter(pk=world.buyer_a.pk).update(name="Marks & Spencer's")
    version, ruleset = make_version(), make_ruleset()
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.a_officer).post(
            "/api/v1/audits/",
            {
                "supplier": world.s1.pk,
                "questionnaire_version": version.pk,
                "ruleset": ruleset.pk,
                "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
            },
        )
    assert response.status_code == 201, response.content
    [message] = [m for m in mail.outbox if world.s1_admin.email in m.to]
    assert "Marks & Spencer's asks" in message.body
    assert "&#x27;" not in message.body and "&amp;" not in message.body


def test_html_templates_are_still_escaped():
    html = render_to_string("portal/login.html", {"form": None, "next": "<script>'x'</script>"})
    assert "<script>" not in html
    assert "&lt;script&gt;&#x27;x&#x27;&lt;/script&gt;" in html
