"""Fixtures shared by the whole suite.

A "world" is two buyers and two suppliers, supplier ``s1`` shared by both buyers, with a user
for every role; tests take what they need from it.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.http import FileResponse, StreamingHttpResponse
from rest_framework.test import APIClient

from accounts.models import User
from accounts.permissions import clear_permission_cache

from .factories import World, build_world, make_ruleset, make_version


@pytest.fixture(autouse=True)
def _isolation(settings, tmp_path):
    """Each test: fresh permission cache, own media folder, fresh throttle counters, and a fast
    password hasher (the ``world`` fixture hashes a password for each of its users)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clear_permission_cache()
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield
    clear_permission_cache()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def version(db):
    """The published mini questionnaire (tests/data/mini.yaml)."""
    return make_version()


@pytest.fixture
def ruleset(db):
    """The published rule set of the mini questionnaire (tests/data/mini-rules.yaml)."""
    return make_ruleset()


class _StreamRead(StreamingHttpResponse):
    """A streamed response whose body the test client has read to the end."""

    @property
    def content(self) -> bytes:  # type: ignore[override]
        return self._body

    @property
    def text(self) -> str:  # type: ignore[override]
        return self._body.decode(self.charset)


class ReadingAPIClient(APIClient):
    """An APIClient that reads a streamed body to the end, as an HTTP client does, so that
    ``response.content`` and ``response.json()`` work on streamed responses too
    (``response.streaming`` still tells that the body was streamed). Files (``FileResponse``)
    are left to the test to read from ``streaming_content``."""

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        streamed = getattr(response, "streaming", False) and not response.is_async
        if streamed and not isinstance(response, FileResponse):
            body = b"".join(response.streaming_content)
            response.__class__ = _StreamRead
            response._body = body
        return response


@pytest.fixture
def api():
    """``api(user)`` returns an APIClient authenticated as ``user`` (or anonymous for None)."""

    def make(user: User | None = None) -> APIClient:
        client = ReadingAPIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make
