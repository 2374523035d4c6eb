"""Bad input is a 400 with a message, never a server error or a long computation.

Durations are CPU time of this process (the test client runs the view in-process), so a busy
machine does not make them flaky."""

from __future__ import annotations

import time

import pytest

from accounts.models import Organization

pytestmark = pytest.mark.django_db

BEYOND_64_BITS = 2**64


def _patch_me(client, body: str):
    return client.patch("/api/v1/me/", body, content_type="application/json")


def test_deeply_nested_json_body_is_400(world, api):
    client = api(world.s1_admin)
    for body in ("[" * 100_000 + "]" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000):
        response = _patch_me(client, body)
        assert response.status_code == 400
        assert "nested" in response.json()["detail"]


def test_json_nested_just_past_the_limit_is_400_and_at_the_limit_is_read(world, api, settings):
    settings.FAIRLINK_JSON_MAX_DEPTH = 5
    client = api(world.s1_admin)
    too_deep = '{"full_name": [[[[["x"]]]]]}'  # 6 levels
    assert _patch_me(client, too_deep).status_code == 400
    at_limit = '{"full_name": [[[["x"]]]]}'  # 5 levels: parsed, then the serializer objects
    response = _patch_me(client, at_limit)
    assert response.status_code == 400
    assert "full_name" in response.json()["errors"]


def test_json_body_over_the_size_limit_is_400(world, api, settings):
    settings.FAIRLINK_JSON_MAX_BYTES = 100
    response = _patch_me(api(world.s1_admin), f'{{"full_name": "{"x" * 200}"}}')
    assert response.status_code == 400
    assert "larger than 100 bytes" in response.json()["detail"]
    world.s1_admin.refresh_from_db()
    assert world.s1_admin.full_name != "x" * 200


@pytest.mark.parametrize("number", ["1e5000", "1e1000000", "-1e400", "9" * 40, "-" + "9" * 40])
def test_huge_numbers_in_json_are_400_quickly(world, api, number):
    client = api(world.s1_admin)
    client.get("/api/v1/me/")  # warm up: the first request of a process loads the URLconf
    started = time.process_time()
    response = _patch_me(client, f'{{"full_name": {number}}}')
    assert time.process_time() - started < 1
    assert response.status_code == 400
    world.s1_admin.refresh_from_db()
    assert world.s1_admin.full_name not in ("inf", "-inf")


def test_integer_beyond_64_bits_in_a_body_is_400(world, api):
    response = api(world.s1_admin).patch(
        f"/api/v1/organizations/{world.s1.pk}/",
        f'{{"headcount": {BEYOND_64_BITS}}}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "out of range" in response.json()["detail"]
    assert Organization.objects.get(pk=world.s1.pk).headcount != BEYOND_64_BITS


def test_ordinary_numbers_in_json_still_work(world, api):
    response = api(world.s1_admin).patch(
        f"/api/v1/organizations/{world.s1.pk}/",
        '{"headcount": 120}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["headcount"] == 120


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/audits/?supplier={big}",
        "/api/v1/audits/?buyer=-{big}",
        "/api/v1/audits/?campaign=1e1000000",
        "/api/v1/corrective-actions/?audit={big}",
        "/api/v1/findings/?audit={big}",
        "/api/v1/findings/?supplier={big}",
    ],
)
def test_id_filter_beyond_64_bits_is_400_naming_the_parameter(world, api, url):
    client = api(world.a_officer)
    client.raise_request_exception = False
    url = url.format(big=BEYOND_64_BITS)
    name = url.split("?")[1].split("=")[0]
    # Warm up the same 400 path (URLconf, form error templates) so only the value is timed.
    assert client.get(f"{url.split('?')[0]}?{name}=x").status_code == 400
    started = time.process_time()
    response = client.get(url)
    assert time.process_time() - started < 1
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_id_filter_with_a_fraction_is_400(world, api):
    response = api(world.a_officer).get("/api/v1/audits/?supplier=1.5")
    assert response.status_code == 400
    assert response.json()["errors"]["supplier"] == ["Enter a whole number."]


def test_id_filter_in_range_still_filters(world, api):
    response = api(world.a_officer).get(f"/api/v1/audits/?supplier={world.s1.pk}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/api/v1/audits/{big}/", "/api/v1/organizations/{big}/", "/api/v1/suppliers/{big}/"],
)
def test_path_id_beyond_64_bits_is_a_plain_404(world, api, path):
    # Such an id cannot exist: "not found", as for any other id the caller cannot see.
    response = api(world.a_officer).get(path.format(big=BEYOND_64_BITS))
    assert response.status_code == 404


def test_every_api_view_reads_json_through_the_bounded_parser():
    from django.urls import get_resolver
    from rest_framework import parsers
    from rest_framework.views import APIView

    from backend.api.parsers import JSONParser

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            else:
                yield getattr(pattern.callback, "cls", None)

    api_views = [v for v in views(get_resolver().url_patterns) if v and issubclass(v, APIView)]
    assert len(api_views) > 20
    unbounded = [
        v.__name__
        for v in api_views
        for parser in v().parser_classes
        if issubclass(parser, parsers.JSONParser) and not issubclass(parser, JSONParser)
    ]
    assert unbounded == []
