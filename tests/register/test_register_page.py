"""The register in the browser: the same rows as the files, filtered, sorted and a page at a
time, the heat map and the download links, in both languages, at a constant number of
queries."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse

from portal.views import buyer_register_rows
from suppliers.models import SupplierRelationship
from tests.factories import link_supplier, make_supplier, signed_in

from .conftest import CHINESE, HYPERLINK, PLUS
from .helpers import accepted_audit

PAGE = reverse("portal:buyer_register")


def _names(body: str) -> list[str]:
    table = body[body.index('id="register-rows"') :]
    found = re.findall(r'<td><a href="/b/suppliers/\d+/">([^<]*)</a></td>', table)
    return [html.unescape(name) for name in found]


def test_page_lists_the_registers_rows_with_links_and_words(reg):
    body = signed_in(reg.world.a_officer).get(PAGE).content.decode()

    names = _names(body)
    assert len(names) == 5 and reg.world.s1.name in names
    rel = SupplierRelationship.objects.get(buyer=reg.world.buyer_a, supplier=reg.world.s1)
    assert f'href="/b/suppliers/{rel.pk}/">{reg.world.s1.name}<' in body
    row = re.search(rf"<tr>\s*<td><a [^>]*>{reg.world.s1.name}</a>.*?</tr>", body, re.S).group(0)
    assert "Medium risk" in row and "Score band: Medium risk" in row and "72.5" in row
    assert "P2" in row and "2 / 3" in row  # overdue / open actions
    # The other buyer's audit of the shared supplier never shows: its rating was critical.
    assert "Critical risk</span>" not in row
    assert "format=xlsx" in body  # the downloads stay on the page


def test_page_in_chinese_shows_words(reg):
    body = signed_in(reg.world.a_officer).get(PAGE, {"lang": "zh-Hans"}).content.decode()

    assert "按固有风险与风险评级统计供应商" in body
    row = re.search(rf"<tr>\s*<td><a [^>]*>{reg.world.s1.name}</a>.*?</tr>", body, re.S).group(0)
    assert "中风险" in row and "中国" in row and "得分区间：中风险" in row


def test_heat_map_counts_the_filtered_suppliers(reg):
    client = signed_in(reg.world.a_officer)

    body = client.get(PAGE).content.decode()
    narrowed = client.get(PAGE, {"criticality": "high"}).content.decode()

    # high inherent: s1 medium, s3 and s4 not rated (see the conftest).
    high = re.search(r'<th scope="row">High risk</th>(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r">(\d+)<", high) == ["0", "1", "0", "0", "2", "3"]
    assert set(_names(narrowed)) == {reg.world.s1.name, HYPERLINK}


@pytest.mark.parametrize(
    ("sort", "first"),
    [("supplier", PLUS), ("-overall", "s2"), ("rating", "s2"), ("-rating", "s1")],
)
def test_rows_sort_by_the_chosen_column(reg, sort, first):
    body = signed_in(reg.world.a_officer).get(PAGE, {"sort": sort}).content.decode()

    expected = getattr(reg.world, first).name if first in ("s1", "s2") else first
    assert _names(body)[0] == expected


def test_rows_come_a_page_at_a_time_and_keep_filters_and_sort(reg, monkeypatch):
    monkeypatch.setattr(buyer_register_rows, "PAGE_SIZE", 2)
    client = signed_in(reg.world.a_officer)

    first = client.get(PAGE, {"sort": "supplier"}).content.decode()
    third = client.get(PAGE, {"sort": "supplier", "page": 3}).content.decode()

    assert len(_names(first)) == 2 and _names(third) == [CHINESE]
    assert "sort=supplier&amp;page=2" in first


def test_a_bad_filter_is_400_without_rows(reg):
    response = signed_in(reg.world.a_officer).get(PAGE, {"priority": "P9"})

    assert response.status_code == 400
    assert 'id="register-rows"' not in response.content.decode()


def test_supplier_users_and_reviewers_cannot_see_the_page(reg):
    assert signed_in(reg.world.a_reviewer).get(PAGE).status_code == 403
    assert signed_in(reg.world.s1_admin).get(PAGE).status_code == 404


@pytest.mark.parametrize("extra", [0, 12])
def test_page_runs_a_constant_number_of_queries(reg, extra, django_assert_max_num_queries):
    audit = reg.s1_latest
    for i in range(extra):
        supplier = make_supplier(name=f"Grown {i}")
        link_supplier(reg.world.buyer_a, supplier, buyer_ref=f"G-{i}")
        accepted_audit(
            buyer=reg.world.buyer_a,
            supplier=supplier,
            version=audit.questionnaire_version,
            ruleset=audit.ruleset,
            accepted_on=datetime.date(2025, 1, 1),
            overall="50.0",
            rating="high",
            findings=[("F_X", "major", "employee", "open", reg.today, "X")],
        )
    client = signed_in(reg.world.a_officer)

    with django_assert_max_num_queries(18):
        response = client.get(PAGE)

    assert len(_names(response.content.decode())) == 5 + extra
