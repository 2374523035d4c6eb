"""Previewing a questionnaire version as a supplier of a given size sees it, before issuing."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from audits.models import Answer
from tests.factories import load_doc, make_member, make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def version(db):
    return make_version()


def preview_url(version, **query):
    url = reverse(
        "portal:buyer_questionnaire_preview", args=[version.questionnaire_id, version.number]
    )
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def shown(body: str, code: str) -> bool:
    tag = re.search(rf'<div id="p-{code}" class="question"[^>]*>', body)
    assert tag, f"{code} is not on the page"
    return " hidden" not in tag.group(0)


def test_the_list_shows_the_library_and_own_templates_with_preview_links(client, world, version):
    own = make_version({**load_doc("mini.yaml"), "code": "acme-own"}, owner=world.buyer_a)
    other = make_version({**load_doc("mini.yaml"), "code": "blue-own"}, owner=world.buyer_b)
    client.force_login(world.a_officer)
    body = client.get(reverse("portal:buyer_questionnaires")).content.decode()
    assert "mini-csr" in body and "acme-own" in body
    assert "blue-own" not in body
    assert preview_url(own, size="micro") in body
    assert preview_url(other, size="micro") not in body


def test_a_micro_supplier_is_not_asked_what_only_larger_ones_are(client, world, version):
    client.force_login(world.a_officer)
    micro = client.get(preview_url(version, size="micro")).content.decode()
    small = client.get(preview_url(version, size="small")).content.decode()
    assert not shown(micro, "ENV_02") and shown(small, "ENV_02")
    assert "A micro supplier is asked 6 of the 8 questions" in micro
    assert "A small supplier is asked 7 of the 8 questions" in small
    assert re.search(r"Micro 6 · Small 7 · Medium 7 · Large 7", micro)


def test_an_answer_in_the_preview_shows_the_conditional_question_and_saves_nothing(
    client, world, version
):
    client.force_login(world.a_officer)
    before = client.get(preview_url(version, size="small")).content.decode()
    assert not shown(before, "EMP_03")
    response = client.post(preview_url(version, size="small"), {"a-EMP_02": "yes"})
    after = response.content.decode()
    assert response.status_code == 200
    assert shown(after, "EMP_03")
    assert re.search(r'name="a-EMP_02" value="yes" checked', after)
    assert not Answer.objects.exists()


def test_a_value_that_does_not_fit_is_shown_with_its_message(client, world, version):
    client.force_login(world.a_officer)
    body = client.post(preview_url(version, size="small"), {"a-EMP_04": "many"}).content.decode()
    assert "Enter a number." in body


def test_the_preview_is_in_the_chosen_language(client, world, version):
    client.force_login(world.a_officer)
    body = client.get(preview_url(version, size="small", lang="zh-Hans")).content.decode()
    assert "贵公司是否有书面的社会责任政策？" in body
    assert "Do you have a written CSR policy?" not in body


def test_an_unknown_size_is_a_400_with_a_message(client, world, version):
    client.force_login(world.a_officer)
    response = client.get(preview_url(version, size="huge"))
    assert response.status_code == 400
    assert "Supplier size" in response.content.decode()


def test_another_buyers_template_is_404(client, world):
    other = make_version({**load_doc("mini.yaml"), "code": "blue-own"}, owner=world.buyer_b)
    client.force_login(world.a_officer)
    assert client.get(preview_url(other, size="small")).status_code == 404


def test_a_viewer_and_a_supplier_cannot_preview(client, world, version):
    client.force_login(make_member(world.buyer_a, Membership.Role.VIEWER))
    assert client.get(preview_url(version)).status_code == 403
    assert client.get(reverse("portal:buyer_questionnaires")).status_code == 403
    client.force_login(world.s1_admin)
    assert client.get(preview_url(version)).status_code == 404


def test_the_preview_runs_a_constant_number_of_queries(
    client, world, version, django_assert_max_num_queries
):
    client.force_login(world.a_officer)
    client.get(preview_url(version))  # warm the compiled questionnaire
    with django_assert_max_num_queries(12):
        assert client.post(preview_url(version), {"a-EMP_02": "yes"}).status_code == 200


def test_the_list_runs_a_constant_number_of_queries(
    client, world, version, django_assert_max_num_queries
):
    client.force_login(world.a_officer)
    for size in (1, 5):
        for i in range(size):
            make_version({**load_doc("mini.yaml"), "code": f"own-{size}-{i}"}, owner=world.buyer_a)
        with django_assert_max_num_queries(8):
            assert client.get(reverse("portal:buyer_questionnaires")).status_code == 200
