"""The 403, 404 and 500 pages: styled, in the reader's language, with the navigation and a way
back; API paths answer the same errors in JSON."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import include, path

from portal.views import errors
from tests.factories import signed_in


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("boom/", _boom), path("api/v1/boom/", _boom), path("", include("backend.urls"))]
handler500 = "portal.views.errors.server_error"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "link"),
    [("en", "Page not found", "Go to the start page"), ("zh-hans", "页面不存在", "返回首页")],
)
def test_unknown_page_is_a_404_page_in_the_readers_language(world, language, title, link):
    response = signed_in(world.a_officer).get(f"/b/no-such-page/?lang={language}")
    body = response.content.decode()
    assert response.status_code == 404
    assert title in body
    assert link in body
    assert 'href="/"' in body
    assert "<nav aria-label=" in body, "the navigation is there, so the user can go on"


@pytest.mark.django_db
def test_another_partys_page_is_the_same_404_page(world):
    """A supplier opening a buyer page sees the page that an unknown address shows: nothing
    tells it that the page exists."""
    response = signed_in(world.s1_admin).get("/b/audits/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "reason"),
    [
        ("en", "Not allowed", "Your role does not allow this page."),
        ("zh-hans", "无权访问", "您的角色无权访问此页面。"),
    ],
)
def test_forbidden_page_names_the_reason(world, language, title, reason):
    response = signed_in(world.a_reviewer).get(f"/b/audits/new/?lang={language}")
    body = response.content.decode()
    assert response.status_code == 403
    assert title in body
    assert reason in body
    assert 'href="/"' in body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"), [("en", "Something went wrong"), ("zh-hans", "出错了")]
)
def test_server_error_page_in_the_readers_language(settings, language, title):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get("/boom/")
    body = response.content.decode()
    assert response.status_code == 500
    assert title in body
    assert 'href="/"' in body
    assert "boom" not in body, "the exception is never shown to the user"


@pytest.mark.django_db
def test_server_error_page_falls_back_when_the_page_cannot_render(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__

    def broken(name):
        raise RuntimeError("template engine down")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong / 出错了" in response.content.decode()


@pytest.mark.django_db
def test_api_errors_stay_json(settings, world):
    client = signed_in(world.a_officer)
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}

    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Server error. The error has been recorded.",
        "code": "server_error",
    }
