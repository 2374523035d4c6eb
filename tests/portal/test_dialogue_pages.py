"""The review dialogue in the portal: the reviewer returns with comments on single questions,
the supplier reads them at the questions and in "To revisit", the reviewer sees the changes
after the resubmission and resolves the comments."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership
from audits.models import Audit, QuestionComment
from audits.services.audits import answers_save, audit_return
from flows.services import audit_accept, audit_submit
from tests.factories import make_member

from .buyer_helpers import submitted_audit

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def _returned(world, version, ruleset, codes=("EMP_04",)):
    audit = submitted_audit(world, version=version, ruleset=ruleset, reviewers=[world.a_reviewer])
    items = [{"question": code, "text": f"Look again at {code}."} for code in codes]
    return audit_return(
        audit=audit, comment="See my notes.", question_comments=items, actor=world.a_reviewer
    )


def _review(client, audit):
    return client.get(reverse("portal:buyer_audit", args=[audit.pk]))


def test_return_form_offers_a_comment_box_per_asked_question(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    page = html(_review(login(world.a_officer), audit))
    assert 'id="return-form"' in page
    assert 'name="qc-EMP_04" form="return-form"' in page
    assert 'name="qc-EMP_03"' not in page  # hidden by EMP_02 = no: not asked


def test_return_with_question_comments_from_the_review_page(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    client = login(world.a_officer)
    url = reverse("portal:buyer_audit_move", args=[audit.pk, "return"])
    posted = {"comment": "Two things.", "qc-EMP_04": "Headcount?", "qc-MGT_01": "  "}
    response = client.post(url, posted)
    assert response.status_code == 302
    assert [(c.question_code, c.text) for c in QuestionComment.objects.filter(audit=audit)] == [
        ("EMP_04", "Headcount?")
    ]
    page = html(client.get(response["Location"]))
    assert "Headcount?" in page and "/resolve/" in page


def test_a_bad_question_comment_is_a_400_and_changes_nothing(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    url = reverse("portal:buyer_audit_move", args=[audit.pk, "return"])
    response = login(world.a_officer).post(url, {"comment": "x", "qc-EMP_03": "hidden one"})
    assert response.status_code == 400
    assert "EMP_03 was not asked of this supplier." in html(response)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED
    assert not QuestionComment.objects.exists()


def test_viewer_sees_comments_but_no_comment_box_nor_resolve(world, login, version, ruleset):
    audit = _returned(world, version, ruleset)
    viewer = make_member(world.buyer_a, Membership.Role.VIEWER)
    page = html(_review(login(viewer), audit))
    assert "Look again at EMP_04." in page
    assert "/resolve/" not in page and 'form="return-form"' not in page
    comment = QuestionComment.objects.get()
    url = reverse("portal:buyer_audit_comment_resolve", args=[audit.pk, comment.pk])
    assert login(viewer).post(url).status_code == 403
    assert login(world.b_officer).post(url).status_code == 404
    assert login(world.s1_admin).post(url).status_code == 404


def test_supplier_reads_comments_at_the_question_and_to_revisit(world, login, version, ruleset):
    audit = _returned(world, version, ruleset, codes=("EMP_04", "MGT_01"))
    client = login(world.s1_admin)
    page = html(client.get(reverse("portal:supplier_audit", args=[audit.pk])))
    assert 'id="revisit"' in page and "The reviewer commented on 2 questions." in page
    assert "?section=EMP#q-EMP_04" in page and "?section=MGT#q-MGT_01" in page
    assert "See my notes." in page  # the return comment
    # the first section (MGT) shows its question's comment
    assert "Look again at MGT_01." in page.split('id="q-MGT_01"')[1]
    emp = html(client.get(reverse("portal:supplier_audit", args=[audit.pk]), {"section": "EMP"}))
    assert "Look again at EMP_04." in emp.split('id="q-EMP_04"')[1]


def test_resubmission_shows_changes_and_the_reviewer_resolves(world, login, version, ruleset):
    audit = _returned(world, version, ruleset)
    answers_save(audit=audit, answers=[{"question": "EMP_04", "value": 41}], actor=world.s1_admin)
    audit.refresh_from_db()
    audit_submit(audit=audit, actor=world.s1_admin)
    client = login(world.a_reviewer)
    page = html(_review(client, audit))
    changes = page.split('id="changes"')[1].split("</section>")[0]
    assert 'data-question="EMP_04"' in changes
    assert ">70 " in changes or ">70<" in changes  # before (RISKY answered 70 hours)
    assert "41" in changes

    comment = QuestionComment.objects.get()
    url = reverse("portal:buyer_audit_comment_resolve", args=[audit.pk, comment.pk])
    response = client.post(url)
    assert response.status_code == 302 and response["Location"].endswith("#aq-EMP_04")
    comment.refresh_from_db()
    assert comment.resolved_by == world.a_reviewer
    again = client.post(url)
    assert again.status_code == 409 and "resolved already" in html(again)
    # resolved: gone from the supplier's list
    supplier = html(login(world.s1_admin).get(reverse("portal:supplier_audit", args=[audit.pk])))
    assert 'id="revisit"' not in supplier and "Look again at EMP_04." not in supplier


def test_to_revisit_is_listed_only_while_the_audit_can_be_answered(world, login, version, ruleset):
    audit = _returned(world, version, ruleset)
    answers_save(audit=audit, answers=[{"question": "EMP_04", "value": 41}], actor=world.s1_admin)
    audit.refresh_from_db()
    audit_submit(audit=audit, actor=world.s1_admin)
    url = reverse("portal:supplier_audit", args=[audit.pk])
    page = html(login(world.s1_admin).get(url, {"section": "EMP"}))
    assert 'id="revisit"' not in page
    assert "Look again at EMP_04." in page  # still open: shown at its question


def test_supplier_reads_the_accept_comment(world, login, version, ruleset):
    audit = submitted_audit(world, version=version, ruleset=ruleset)
    audit_accept(audit=audit, actor=world.a_officer, comment="Clear and complete answers.")
    page = html(login(world.s1_admin).get(reverse("portal:supplier_audit", args=[audit.pk])))
    assert 'id="decision-comment"' in page and "Clear and complete answers." in page


def _counted(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(100) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_review_and_answer_pages_queries_do_not_grow_with_comments(
    world, login, version, ruleset, django_assert_max_num_queries
):
    counts = []
    for codes in (("EMP_04",), ("EMP_04", "MGT_01", "EMP_01", "EMP_02")):
        audit = _returned(world, version, ruleset, codes=codes)
        review = reverse("portal:buyer_audit", args=[audit.pk])
        answer = reverse("portal:supplier_audit", args=[audit.pk])
        counts.append(
            (
                _counted(login(world.a_officer), review, django_assert_max_num_queries),
                _counted(login(world.s1_admin), answer, django_assert_max_num_queries),
            )
        )
    assert counts[1] <= counts[0], counts


def test_saving_an_answer_keeps_the_comment_at_its_question(world, login, version, ruleset):
    audit = _returned(world, version, ruleset)
    url = reverse("portal:supplier_answer", args=[audit.pk, "EMP_04"])
    response = login(world.s1_admin).post(url, {"value": "41"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Look again at EMP_04." in html(response).split('id="q-EMP_04"')[1]
