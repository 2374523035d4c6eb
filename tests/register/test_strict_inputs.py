"""Unknown or malformed register and export inputs are a 400 naming them; nothing is made."""

from __future__ import annotations

import pytest

from register.models import ExportJob

REGISTER = "/api/v1/risk-register/"
EXPORTS = "/api/v1/exports/"


def test_a_misspelt_register_filter_is_a_400_not_everything(reg, api):
    response = api(reg.world.a_admin).get(REGISTER, {"ratings": "high"})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ratings"]


def test_every_unknown_query_parameter_is_listed(reg, api):
    response = api(reg.world.a_admin).get(REGISTER, {"rating": "high", "x": "1", "y": "2"})

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["x", "y"]


def test_known_parameters_still_work(reg, api):
    response = api(reg.world.a_admin).get(REGISTER, {"format": "json", "lang": "en"})

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"filters": {"rating": 5}}, "rating"),
        ({"filters": {"rating": [5]}}, "rating"),
        ({"filters": ["rating"]}, "filters"),
        ({"filters": {"ratings": ["high"]}}, "ratings"),
        ({"format": "xlsx", "colour": "red"}, "colour"),
    ],
)
def test_bad_export_bodies_are_a_400_and_create_no_job(reg, api, body, field):
    response = api(reg.world.a_admin).post(EXPORTS, body, format="json")

    assert response.status_code == 400, response.content
    assert field in str(response.json()["errors"])
    assert not ExportJob.objects.exists()
