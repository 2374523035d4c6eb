"""Wrong passwords are limited per account and per client address, on every login path."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from backend import login_throttle
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clock_inside_one_window():
    # Counting windows are fixed (per minute, per hour): on a slow machine ten attempts could
    # straddle a boundary, so the clock stands still, 30 s into a minute and an hour.
    with mock.patch.object(login_throttle.time, "time", return_value=7_200_030.0):
        yield


def _token(email: str, password: str, **extra):
    return APIClient().post(TOKEN, {"email": email, "password": password}, **extra)


def _portal_login(email: str, password: str, **extra):
    client = Client()
    response = client.post("/login/", {"username": email, "password": password}, **extra)
    return client, response


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# -- the API token endpoint ---------------------------------------------------------------


def test_a_new_forwarded_for_header_per_attempt_does_not_escape_the_limit(world):
    codes = [
        _token(world.a_admin.email, f"bad{i}", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(12)
    ]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]


def test_an_account_is_locked_whatever_the_client_address(world):
    for i in range(10):
        response = _token(world.a_admin.email, f"bad{i}", REMOTE_ADDR=f"203.0.113.{i}")
        assert response.status_code == 401
    response = _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="192.0.2.77")
    assert response.status_code == 429
    assert "token" not in response.json()
    assert response.json()["detail"].startswith("Too many failed sign-in attempts.")
    assert 0 < int(response["Retry-After"]) <= 3600
    # another account from the same addresses is not affected
    assert _token(world.a_officer.email, PASSWORD, REMOTE_ADDR="203.0.113.1").status_code == 200


def test_a_client_address_is_locked_whatever_the_account(world):
    for i in range(10):
        assert _token(f"nobody{i}@example.com", "x", REMOTE_ADDR="203.0.113.5").status_code == 401
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="203.0.113.5").status_code == 429
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="203.0.113.6").status_code == 200


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(world, settings):
    settings.FAIRLINK_TRUSTED_PROXIES = 1
    # The proxy appends the address it saw; whatever the client wrote before it is not believed.
    for i in range(10):
        response = _token(
            f"nobody{i}@example.com",
            "x",
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{i}, 203.0.113.9",
        )
        assert response.status_code == 401
    locked = _token(
        world.a_admin.email, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert locked.status_code == 429
    other_client = _token(
        world.a_admin.email, PASSWORD, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert other_client.status_code == 200


def test_the_lock_ends_with_its_window(world):
    with mock.patch.object(login_throttle.time, "time", return_value=7_200_000.0):
        for i in range(10):
            _token(world.a_admin.email, f"bad{i}", REMOTE_ADDR=f"203.0.113.{i}")
        assert _token(world.a_admin.email, PASSWORD).status_code == 429
    with mock.patch.object(login_throttle.time, "time", return_value=7_200_000.0 + 3600):
        assert _token(world.a_admin.email, PASSWORD).status_code == 200


def test_a_successful_login_clears_the_accounts_failures(world):
    for i in range(9):
        _token(world.a_admin.email, f"bad{i}", REMOTE_ADDR=f"203.0.113.{i}")
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="192.0.2.1").status_code == 200
    for i in range(9):
        _token(world.a_admin.email, f"bad{i}", REMOTE_ADDR=f"198.51.100.{i}")
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="192.0.2.2").status_code == 200


# -- the portal -------------------------------------------------------------------------------


def test_portal_login_stops_after_ten_wrong_passwords_and_says_so(world):
    for i in range(15):
        client, response = _portal_login(
            world.s1_admin.email, f"bad{i}", REMOTE_ADDR=f"203.0.113.{i}"
        )
        assert not _logged_in(client)
    client, response = _portal_login(world.s1_admin.email, PASSWORD, REMOTE_ADDR="192.0.2.3")
    assert response.status_code == 200
    assert not _logged_in(client)
    assert re.search(
        r"Too many failed sign-in attempts\. Try again in \d+ minutes?\.",
        response.content.decode(),
    )


def test_portal_lockout_message_in_chinese(world):
    for i in range(10):
        _portal_login(world.s1_admin.email, f"bad{i}")
    _client, response = _portal_login(
        world.s1_admin.email, PASSWORD, HTTP_ACCEPT_LANGUAGE="zh-Hans"
    )
    body = response.content.decode()
    assert "登录失败次数过多" in body
    assert "Too many failed" not in body


def test_portal_login_still_works_below_the_limit(world):
    for i in range(3):
        _portal_login(world.s1_admin.email, f"bad{i}")
    client, response = _portal_login(world.s1_admin.email, PASSWORD)
    assert response.status_code == 302
    assert _logged_in(client)


# -- the admin ----------------------------------------------------------------------------------


def test_admin_login_is_limited_too(world):
    world.a_admin.is_staff = True
    world.a_admin.save(update_fields=["is_staff"])
    for i in range(10):
        Client().post("/admin/login/", {"username": world.a_admin.email, "password": f"bad{i}"})
    client = Client()
    response = client.post("/admin/login/", {"username": world.a_admin.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not _logged_in(client)
    assert "Too many failed sign-in attempts." in response.content.decode()


# -- the client address -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "198.51.100.1", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.3", "203.0.113.9"),
        (3, "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_address_believes_only_the_trusted_proxies(settings, proxies, forwarded, expected):
    settings.FAIRLINK_TRUSTED_PROXIES = proxies
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **extra)
    assert login_throttle.client_address(request) == expected


def test_ipv6_clients_are_counted_per_64_network(world):
    for i in range(10):
        _token(f"nobody{i}@example.com", "x", REMOTE_ADDR=f"2001:db8:1:2::{i + 1:x}")
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="2001:db8:1:2::ff").status_code == 429
    assert _token(world.a_admin.email, PASSWORD, REMOTE_ADDR="2001:db8:1:3::1").status_code == 200
