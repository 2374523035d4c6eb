"""Fixtures of the harness: one set of tenants per test module, rolled back at the end.

The tenant matrix and the schema fuzzing send hundreds of requests against the same data;
building the world per test would cost minutes. The module fixture opens a transaction around
the data and every test still runs in its own savepoint (pytest-django's ``db``), so a request
that does change something (a leak that writes) is undone before the next test.
"""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import override_settings

from accounts.permissions import clear_permission_cache

from .tenants import Tenants, build_tenants

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def tenants(django_db_setup, django_db_blocker, tmp_path_factory) -> Tenants:
    media = tmp_path_factory.mktemp("harness-media")
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER, MEDIA_ROOT=media),
    ):
        clear_permission_cache()
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_tenants()
            built.media = media
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            clear_permission_cache()


@pytest.fixture
def t(tenants, db, settings) -> Tenants:
    """The module's tenants inside this test's savepoint, with the module's media folder (the
    suite's autouse fixture gives each test an empty one)."""
    settings.MEDIA_ROOT = tenants.media
    return tenants


@pytest.fixture
def wsgi_in_test_transaction():
    """Requests through the plain WSGI handler, as Django's test client does them: the
    handler's start- and end-of-request hooks would otherwise close the connection that holds
    the test's transaction."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)
