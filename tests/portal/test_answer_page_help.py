"""The supplier answer page tells the supplier what it needs before and while answering: the
questionnaire's introduction, the file limits before an upload, when each answer was saved, one
progress figure on every page, and an expired session that loses nothing."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from audits.models import Answer
from audits.services.audits import answers_save
from tests.factories import PASSWORD, make_version

from .supplier_helpers import issue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def audit(world):
    return issue(world, make_version(), respondents=[world.s1_respondent])


def page_url(audit, section=None):
    url = reverse("portal:supplier_audit", args=[audit.pk])
    return f"{url}?section={section}" if section else url


def answer_url(audit, code):
    return reverse("portal:supplier_answer", args=[audit.pk, code])


def text_of(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------------------------------------
# Introduction, file limits, saved at
# ---------------------------------------------------------------------------------------------


def test_the_introduction_opens_the_first_section_and_folds_on_the_others(client, world, audit):
    client.force_login(world.s1_respondent)
    first = text_of(client.get(page_url(audit)))
    assert re.search(r'<details class="card intro" id="introduction" open>', first)
    assert "A small questionnaire for tests." in first
    later = text_of(client.get(page_url(audit, "EMP")))
    assert '<details class="card intro" id="introduction">' in later


def test_the_introduction_is_in_the_readers_language(client, world, audit):
    world.s1_respondent.preferred_language = "zh-Hans"
    world.s1_respondent.save(update_fields=["preferred_language"])
    client.force_login(world.s1_respondent)
    body = text_of(client.get(page_url(audit)))
    assert "用于测试的小问卷。" in body and "关于本问卷" in body


def test_the_file_limit_and_types_are_shown_before_an_upload(client, world, audit, settings):
    settings.FAIRLINK_EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
    client.force_login(world.s1_respondent)
    body = text_of(client.get(page_url(audit)))
    assert re.search(r"PDF, PNG, JPEG, DOCX or XLSX, at most 5\.0.MB", body)
    assert f'data-max-bytes="{5 * 1024 * 1024}"' in body
    # The upload starts when the file is chosen: the form posts on change.
    assert re.search(r'<form method="post" class="upload"[^>]*hx-trigger="change"', body)


def test_a_saved_answer_says_at_what_time(client, world, audit, settings):
    client.force_login(world.s1_respondent)
    response = client.post(answer_url(audit, "MGT_01"), {"value": "yes"}, **HTMX)
    assert response.status_code == 200
    assert re.search(r"Saved at \d{2}:\d{2}", text_of(response))


def test_a_failed_save_has_a_message_for_the_browser_to_show(client, world, audit):
    client.force_login(world.s1_respondent)
    body = text_of(client.get(page_url(audit)))
    assert 'data-save-failed="Not saved: the server could not be reached.' in body


# ---------------------------------------------------------------------------------------------
# One progress rule
# ---------------------------------------------------------------------------------------------


def test_dashboard_and_answer_page_count_a_missing_required_file_alike(client, world, audit):
    # MGT_01 requires evidence: answered without the file it is not done on either page.
    answers_save(
        audit=audit,
        answers=[{"question": "MGT_01", "value": "yes"}, {"question": "EMP_01", "value": "yes"}],
        actor=world.s1_respondent,
    )
    client.force_login(world.s1_respondent)
    dashboard = text_of(client.get(reverse("portal:supplier_dashboard")))
    page = text_of(client.get(page_url(audit)))
    on_dashboard = re.search(r"(\d+) of (\d+) answered", dashboard)
    on_page = re.search(r"(\d+) of (\d+) questions answered", page)
    assert on_dashboard and on_page
    assert on_dashboard.groups() == on_page.groups()
    assert on_page.group(1) == "1"


# ---------------------------------------------------------------------------------------------
# Session expiry
# ---------------------------------------------------------------------------------------------


def _expired_htmx_save(client, audit, code, value, *, language="zh-hans"):
    current = "http://testserver" + page_url(audit, "MGT")
    return client.post(
        answer_url(audit, code),
        {"value": value},
        HTTP_HX_CURRENT_URL=current,
        HTTP_X_FAIRLINK_LANGUAGE=language,
        **HTMX,
    )


def test_an_htmx_save_after_expiry_sends_the_browser_to_login_in_its_language(client, audit):
    response = _expired_htmx_save(client, audit, "MGT_01", "yes")
    assert response.status_code == 200
    assert response.content == b""  # nothing is swapped into the question
    target = urlsplit(response["HX-Redirect"])
    query = parse_qs(target.query)
    assert target.path == reverse("portal:login")
    assert query["next"] == [page_url(audit, "MGT")]
    assert query["lang"] == ["zh-Hans"]
    login_page = client.get(response["HX-Redirect"])
    assert "登录" in text_of(login_page)
    assert not Answer.objects.filter(audit=audit).exists()


def test_the_answer_posted_after_expiry_is_saved_once_signed_in(client, world, audit):
    response = _expired_htmx_save(client, audit, "MGT_01", "yes")
    login = client.post(
        response["HX-Redirect"],
        {"username": world.s1_respondent.email, "password": PASSWORD},
    )
    assert login.status_code == 302 and login["Location"] == page_url(audit, "MGT")
    back = client.get(login["Location"], follow=True)
    assert Answer.objects.get(audit=audit, question__code="MGT_01").value == "yes"
    assert "your answer to MGT_01 was saved after you signed in" in text_of(back)
    # Kept once: a second visit saves nothing again and says nothing.
    again = text_of(client.get(page_url(audit, "MGT")))
    assert "was saved after you signed in" not in again


def test_an_answer_kept_over_expiry_that_is_invalid_is_reported_not_lost_silently(
    client, world, audit
):
    response = _expired_htmx_save(client, audit, "EMP_04", "many", language="en")
    client.post(
        response["HX-Redirect"], {"username": world.s1_respondent.email, "password": PASSWORD}
    )
    back = text_of(client.get(page_url(audit, "MGT"), follow=True))
    assert "Your answer to EMP_04 was not saved:" in back
    assert "Please enter it again." in back
    assert not Answer.objects.filter(audit=audit, question__code="EMP_04").exists()


def test_an_answer_kept_over_expiry_is_not_saved_for_a_user_who_may_not_answer(
    client, world, audit
):
    # Another supplier's user signs in on that browser: the audit is not theirs (404) and
    # nothing is written.
    response = _expired_htmx_save(client, audit, "MGT_01", "yes")
    client.post(response["HX-Redirect"], {"username": world.s2_admin.email, "password": PASSWORD})
    assert client.get(page_url(audit, "MGT")).status_code == 404
    assert not Answer.objects.filter(audit=audit).exists()


def test_a_plain_post_after_expiry_returns_to_the_page_it_came_from(client, audit):
    response = client.post(
        answer_url(audit, "MGT_01"),
        {"value": "yes"},
        HTTP_REFERER="http://testserver" + page_url(audit, "MGT"),
    )
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [page_url(audit, "MGT")]


def test_a_foreign_referer_is_not_a_place_to_return_to(client, audit):
    response = client.post(
        answer_url(audit, "MGT_01"), {"value": "yes"}, HTTP_REFERER="https://evil.example/x"
    )
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["next"] == [reverse("portal:home")]


def test_an_expired_htmx_get_also_goes_to_login(client, audit):
    response = client.get(page_url(audit), **HTMX)
    assert response.status_code == 200 and "HX-Redirect" in response
