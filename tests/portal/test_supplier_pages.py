"""Supplier pages: who sees what, answering with htmx and without, submit, score, actions."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Membership
from actions.models import ActionEvidence, CorrectiveAction
from actions.services import action_accept_plan, action_comment
from audits.models import Answer, Audit, Evidence
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from tests.factories import make_member

from .supplier_helpers import (
    WITH_FINDINGS,
    accepted,
    answer_all,
    in_days,
    issue,
    pdf,
    submitted,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}

# Measured: dashboard 8, answer page 11, score 8, action list 4, action detail 13 (session,
# user and memberships included); pinned with a small margin. The answer page reads one more
# since it shows the buyer's notes (a return's comment, a due-date extension's reason), and the
# dashboard one more since its progress counts required files as the answer page does.
DASHBOARD_QUERIES = 11
ANSWER_PAGE_QUERIES = 14
SCORE_QUERIES = 10
ACTIONS_QUERIES = 6
ACTION_QUERIES = 15


@pytest.fixture
def audit(world, version):
    """An audit from buyer A to s1 with s1_respondent assigned."""
    return issue(world, version, respondents=[world.s1_respondent])


@pytest.fixture
def as_user(login):
    return login


def page_url(audit, **query):
    url = reverse("portal:supplier_audit", args=[audit.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def answer_url(audit, code):
    return reverse("portal:supplier_answer", args=[audit.pk, code])


def html(response) -> str:
    return response.content.decode()


def question_block(text: str, code: str) -> str:
    """The markup of one question wrapper (up to the next question wrapper)."""
    start = text.index(f'id="q-{code}"')
    start = text.rindex("<div", 0, start)
    nxt = text.find('<div id="q-', start + 10)
    return text[start : nxt if nxt != -1 else len(text)]


def assert_every_field_labelled(text: str) -> None:
    ids = re.findall(
        r'<(?:input|textarea|select)(?![^>]*type="(?:hidden|submit)")[^>]*\sid="([^"]+)"', text
    )
    assert ids, "no fields found"
    for field_id in ids:
        assert f'for="{field_id}"' in text, field_id


# ---------------------------------------------------------------------------------------------
# Who sees which page
# ---------------------------------------------------------------------------------------------


def _supplier_urls(audit, action):
    return [
        reverse("portal:supplier_dashboard"),
        reverse("portal:supplier_audit", args=[audit.pk]),
        reverse("portal:supplier_score", args=[audit.pk]),
        reverse("portal:supplier_actions"),
        reverse("portal:supplier_action", args=[action.pk]),
    ]


def test_every_page_opens_for_the_supplier_admin_and_the_assigned_respondent(
    world, version, ruleset, as_user
):
    audit = accepted(world, version, ruleset, respondents=[world.s1_respondent])
    action = CorrectiveAction.objects.filter(audit=audit).first()
    for user in (world.s1_admin, world.s1_respondent):
        client = as_user(user)
        for url in _supplier_urls(audit, action):
            assert client.get(url).status_code == 200, (user.email, url)


def test_other_parties_get_404_on_audit_and_action_pages(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset, respondents=[world.s1_respondent])
    action = CorrectiveAction.objects.filter(audit=audit).first()
    unassigned = make_member(world.s1, Membership.Role.RESPONDENT)
    object_urls = _supplier_urls(audit, action)[1:]
    object_urls.remove(reverse("portal:supplier_actions"))
    for user in (world.s2_admin, world.s2_respondent, unassigned, world.a_officer, world.b_admin):
        client = as_user(user)
        for url in object_urls:
            assert client.get(url).status_code == 404, (user.email, url)


def test_buyer_users_get_404_on_every_supplier_url(world, audit, as_user):
    client = as_user(world.a_admin)
    assert client.get(reverse("portal:supplier_dashboard")).status_code == 404
    assert client.get(reverse("portal:supplier_actions")).status_code == 404
    assert client.get(page_url(audit)).status_code == 404
    assert client.post(answer_url(audit, "EMP_02"), {"value": "yes"}).status_code == 404
    assert not Answer.objects.filter(audit=audit).exists()


def test_anonymous_users_are_sent_to_log_in(client, audit):
    response = client.get(page_url(audit))
    assert response.status_code == 302
    assert reverse("portal:login") in response["Location"]


def test_home_redirects_a_supplier_to_the_dashboard(world, as_user):
    response = as_user(world.s1_admin).get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:supplier_dashboard")


def test_unassigned_respondent_does_not_see_the_audit_on_the_dashboard(world, audit, as_user):
    unassigned = make_member(world.s1, Membership.Role.RESPONDENT)
    text = html(as_user(unassigned).get(reverse("portal:supplier_dashboard")))
    assert page_url(audit) not in text
    assert page_url(audit) in html(as_user(world.s1_respondent).get("/s/"))


# ---------------------------------------------------------------------------------------------
# Dashboard
# ---------------------------------------------------------------------------------------------


def test_dashboard_lists_audits_with_due_date_progress_and_overdue_first(world, version, as_user):
    late = issue(world, version, title="Late one")
    Audit.objects.filter(pk=late.pk).update(due_date=in_days(-3))
    later = issue(world, version, title="Later one", due_date=in_days(40))
    answers_save(
        audit=later,
        answers=[{"question": "EMP_02", "value": "no"}, {"question": "MGT_01", "value": "yes"}],
        actor=world.s1_admin,
    )
    other = issue(world, version, supplier=world.s2, title="Not yours")
    response = as_user(world.s1_admin).get(reverse("portal:supplier_dashboard"))
    text = html(response)
    assert response.status_code == 200
    assert text.index("Late one") < text.index("Later one")
    late_row = text[text.rindex("<tr", 0, text.index("Late one")) : text.index("Late one")]
    assert 'class="overdue"' in late_row
    assert "Overdue" in text
    # s1 is small, so ENV_02 is visible and EMP_03 hidden: 7 visible questions, 2 answered,
    # of which MGT_01 still lacks its required file: 1 done, as the answer page counts it.
    assert "1 of 7 answered" in text
    assert in_days(40).isoformat() in text
    assert page_url(other) not in text


def test_dashboard_lists_open_corrective_actions(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset)
    text = html(as_user(world.s1_admin).get(reverse("portal:supplier_dashboard")))
    for action in CorrectiveAction.objects.filter(audit=audit):
        assert reverse("portal:supplier_action", args=[action.pk]) in text
    assert "Worker ages are not checked" in text
    assert reverse("portal:supplier_score", args=[audit.pk]) in text


def test_dashboard_query_count_does_not_grow_with_audits(
    world, version, ruleset, as_user, django_assert_max_num_queries
):
    client = as_user(world.s1_admin)
    audit = issue(world, version)
    answers_save(audit=audit, answers=WITH_FINDINGS[:2], actor=world.s1_admin)
    accepted(world, version, ruleset)
    client.get("/s/")  # warm the compiled questionnaire cache
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get("/s/").status_code == 200
    for _ in range(4):
        more = issue(world, version)
        answers_save(audit=more, answers=WITH_FINDINGS, actor=world.s1_admin)
    accepted(world, version, ruleset)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        assert client.get("/s/").status_code == 200


# ---------------------------------------------------------------------------------------------
# The answer page
# ---------------------------------------------------------------------------------------------


def test_answer_page_shows_one_section_with_inputs_by_type(world, audit, as_user):
    client = as_user(world.s1_respondent)
    text = html(client.get(page_url(audit)))
    assert "Do you have a written CSR policy?" in text
    assert "Do you provide a dormitory?" not in text  # another section
    assert 'type="radio" id="a-MGT_01-1" name="value" value="yes"' in text
    assert f'hx-post="{answer_url(audit, "MGT_01")}"' in text
    assert 'id="ev-MGT_01"' in text and "data-upload-progress" in text
    text = html(client.get(page_url(audit, section="EMP")))
    assert 'type="number" id="a-EMP_04"' in text and 'min="0"' in text and 'max="100"' in text
    assert 'step="any"' in text  # EMP_04 is not integer-only
    emp03 = question_block(text, "EMP_03")
    assert " hidden" in emp03.split(">")[0] and "<input" not in emp03  # EMP_02 not "yes" yet
    text = html(client.get(page_url(audit, section="ENV")))
    assert 'type="checkbox" id="a-ENV_01-1"' in text
    assert 'id="na-ENV_01"' in text and 'for="na-ENV_01"' in text
    # No maxlength (a browser cuts a longer paste silently): a counter states the limit.
    assert '<textarea id="a-ENV_02" name="value" rows="4" data-limit="500"' in text
    assert "0 of at most 500 characters" in text
    assert 'type="date" id="a-ENV_03"' in text
    assert 'id="na-ENV_03"' not in text  # N/A only where allowed


def test_every_field_on_each_section_has_a_label(world, audit, as_user):
    client = as_user(world.s1_admin)
    for section in ("MGT", "EMP", "ENV"):
        assert_every_field_labelled(html(client.get(page_url(audit, section=section))))


def test_questionnaire_texts_follow_the_chosen_language(world, audit, as_user):
    client = as_user(world.s1_admin)
    client.post(reverse("portal:set_language"), {"language": "zh-Hans", "next": "/"})
    text = html(client.get(page_url(audit)))
    assert "贵公司是否有书面的社会责任政策？" in text
    assert 'lang="zh-Hans"' in text


def test_answer_page_query_count_does_not_grow_with_answers(
    world, audit, as_user, django_assert_max_num_queries
):
    client = as_user(world.s1_respondent)
    client.get(page_url(audit))
    with django_assert_max_num_queries(ANSWER_PAGE_QUERIES):
        assert client.get(page_url(audit)).status_code == 200
    answer_all(audit, world.s1_admin)
    answers_save(
        audit=audit,
        answers=[{"question": "ENV_02", "value": "Dye run-off"}],
        actor=world.s1_admin,
    )
    for section in ("MGT", "EMP", "ENV"):
        with django_assert_max_num_queries(ANSWER_PAGE_QUERIES):
            assert client.get(page_url(audit, section=section)).status_code == 200


def test_htmx_save_returns_the_question_and_shows_a_conditional_question_at_once(
    world, audit, as_user
):
    client = as_user(world.s1_respondent)
    response = client.post(answer_url(audit, "EMP_02"), {"value": "yes"}, **HTMX)
    text = html(response)
    assert response.status_code == 200
    assert Answer.objects.get(audit=audit, question__code="EMP_02").value == "yes"
    assert text.lstrip().startswith('<div id="q-EMP_02"')
    assert "Saved" in question_block(text, "EMP_02")
    emp03 = question_block(text, "EMP_03")
    assert 'hx-swap-oob="outerHTML"' in emp03
    assert " hidden" not in emp03.split(">")[0]
    assert 'id="a-EMP_03"' in emp03
    assert 'id="progress"' in text and "1 of 8 questions answered" in text
    # Changing the trigger back hides it again, out of band.
    text = html(client.post(answer_url(audit, "EMP_02"), {"value": "no"}, **HTMX))
    emp03 = question_block(text, "EMP_03")
    assert 'hx-swap-oob="outerHTML"' in emp03 and " hidden" in emp03.split(">")[0]
    assert "1 of 7 questions answered" in text


def test_htmx_save_swaps_nothing_else_when_visibility_does_not_change(world, audit, as_user):
    client = as_user(world.s1_admin)
    text = html(client.post(answer_url(audit, "EMP_04"), {"value": "44"}, **HTMX))
    assert text.count("hx-swap-oob") == 1  # only the progress bar
    assert Answer.objects.get(audit=audit, question__code="EMP_04").value == 44


def test_a_bad_answer_shows_the_service_message_in_place(world, audit, as_user):
    client = as_user(world.s1_respondent)
    response = client.post(answer_url(audit, "EMP_04"), {"value": "200"}, **HTMX)
    text = html(response)
    assert response.status_code == 400
    assert "Enter a number of at most 100." in text
    assert 'aria-invalid="true"' in text and 'value="200"' in text
    assert not Answer.objects.filter(audit=audit).exists()
    response = client.post(answer_url(audit, "EMP_04"), {"not_applicable": "1"}, **HTMX)
    assert response.status_code == 400
    assert "cannot be answered" in html(response)


def test_not_applicable_is_saved_where_allowed(world, audit, as_user):
    client = as_user(world.s1_respondent)
    response = client.post(answer_url(audit, "ENV_01"), {"not_applicable": "1"}, **HTMX)
    assert response.status_code == 200
    answer = Answer.objects.get(audit=audit, question__code="ENV_01")
    assert answer.not_applicable and answer.value is None
    assert 'id="na-ENV_01" name="not_applicable" value="1" data-na checked' in html(response)


def test_multi_choice_saves_every_ticked_value(world, audit, as_user):
    client = as_user(world.s1_respondent)
    client.post(answer_url(audit, "ENV_01"), {"value": ["waste", "energy"]}, **HTMX)
    assert Answer.objects.get(audit=audit, question__code="ENV_01").value == ["energy", "waste"]


def test_without_javascript_a_save_redirects_back_to_the_question(world, audit, as_user):
    client = as_user(world.s1_respondent)
    response = client.post(answer_url(audit, "EMP_01"), {"value": "partial"})
    assert response.status_code == 302
    assert response["Location"] == page_url(audit, section="EMP") + "#q-EMP_01"
    assert Answer.objects.get(audit=audit, question__code="EMP_01").value == "partial"
    response = client.post(answer_url(audit, "EMP_04"), {"value": "abc"})
    assert response.status_code == 400
    assert "Enter a number." in html(response)
    assert "<html" in html(response)


def test_an_unknown_question_is_404(world, audit, as_user):
    response = as_user(world.s1_admin).post(answer_url(audit, "NOPE_1"), {"value": "x"}, **HTMX)
    assert response.status_code == 404


def test_evidence_upload_lists_the_file_and_rejects_bad_types(world, audit, as_user):
    client = as_user(world.s1_respondent)
    url = reverse("portal:supplier_evidence", args=[audit.pk, "MGT_01"])
    response = client.post(url, {"file": pdf("signed-policy.pdf")}, **HTMX)
    assert response.status_code == 200
    assert "signed-policy.pdf" in question_block(html(response), "MGT_01")
    evidence = Evidence.objects.get(audit=audit)
    download = reverse("portal:supplier_evidence_download", args=[audit.pk, evidence.pk])
    assert download in html(response)
    file_response = client.get(download)
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content).startswith(b"%PDF")
    assert as_user(world.s2_admin).get(download).status_code == 404

    client = as_user(world.s1_respondent)
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("notes.txt", b"just text", content_type="text/plain")
    response = client.post(url, {"file": bad}, **HTMX)
    assert response.status_code == 400
    assert "This type of file is not accepted" in html(response)
    assert Evidence.objects.filter(audit=audit).count() == 1


def test_evidence_can_be_removed(world, audit, as_user):
    client = as_user(world.s1_admin)
    client.post(reverse("portal:supplier_evidence", args=[audit.pk, "MGT_01"]), {"file": pdf()})
    evidence = Evidence.objects.get(audit=audit)
    url = reverse("portal:supplier_evidence_delete", args=[audit.pk, evidence.pk])
    assert as_user(world.s2_admin).post(url).status_code == 404
    client = as_user(world.s1_admin)
    response = client.post(url, **HTMX)
    assert response.status_code == 200
    assert not Evidence.objects.filter(audit=audit).exists()
    assert "No file yet." in question_block(html(response), "MGT_01")


def test_submit_lists_missing_questions_at_the_top_and_marks_them(world, audit, as_user):
    client = as_user(world.s1_respondent)
    answers_save(audit=audit, answers=[{"question": "EMP_02", "value": "yes"}], actor=None)
    response = client.post(reverse("portal:supplier_submit", args=[audit.pk]))
    text = html(response)
    assert response.status_code == 400
    alert = text[text.index('id="missing"') : text.index('class="answer-layout"')]
    for code in ("MGT_01", "EMP_01", "EMP_03", "EMP_04"):
        assert f"#q-{code}" in alert
    assert "This question needs evidence." in alert
    # The first section with a missing question is shown, its questions marked in place.
    mgt = question_block(text, "MGT_01")
    assert 'class="question missing"' in mgt and 'aria-invalid="true"' in mgt
    audit.refresh_from_db()
    assert audit.status == Audit.Status.IN_PROGRESS
    # The links keep the marks on the other sections.
    text = html(client.get(page_url(audit, section="EMP", check=1)))
    assert 'class="question missing"' in question_block(text, "EMP_03")
    assert 'class="question missing"' not in question_block(text, "EMP_02")


def test_submit_with_everything_answered_submits(world, audit, as_user):
    answer_all(audit, world.s1_respondent)
    client = as_user(world.s1_respondent)
    response = client.post(reverse("portal:supplier_submit", args=[audit.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:supplier_dashboard")
    audit.refresh_from_db()
    assert audit.status == Audit.Status.SUBMITTED


def test_a_submitted_audit_is_read_only(world, version, as_user):
    audit = submitted(world, version, respondents=[world.s1_respondent])
    client = as_user(world.s1_respondent)
    text = html(client.get(page_url(audit, section="EMP")))
    assert "hx-post" not in text and "<input" not in text.split('id="main"')[1].split("</main>")[0]
    assert "Your answers were submitted" in text
    assert "No" in question_block(text, "EMP_01")
    response = client.post(answer_url(audit, "EMP_04"), {"value": "40"}, **HTMX)
    assert response.status_code == 409
    assert "Answers can only change" in html(response)
    assert Answer.objects.get(audit=audit, question__code="EMP_04").value == 70


def test_copy_answers_from_the_last_submission(world, version, as_user):
    submitted(world, version)
    audit = issue(world, version, respondents=[world.s1_respondent])
    client = as_user(world.s1_respondent)
    assert "Copy answers from my last submission" in html(client.get(page_url(audit)))
    response = client.post(reverse("portal:supplier_prefill", args=[audit.pk]), follow=True)
    assert response.status_code == 200
    assert "Copied 5 answers" in html(response)
    assert Answer.objects.get(audit=audit, question__code="EMP_04").value == 70


def test_no_copy_button_without_an_earlier_submission(world, audit, as_user):
    client = as_user(world.s1_respondent)
    assert "Copy answers from my last submission" not in html(client.get(page_url(audit)))
    response = client.post(reverse("portal:supplier_prefill", args=[audit.pk]), follow=True)
    assert "no earlier submission" in html(response)


# ---------------------------------------------------------------------------------------------
# Score
# ---------------------------------------------------------------------------------------------


def test_score_page_shows_the_released_score_and_findings_with_guidance(
    world, version, ruleset, as_user, django_assert_max_num_queries
):
    audit = accepted(world, version, ruleset, respondents=[world.s1_respondent])
    client = as_user(world.s1_respondent)
    url = reverse("portal:supplier_score", args=[audit.pk])
    client.get(url)
    with django_assert_max_num_queries(SCORE_QUERIES):
        response = client.get(url)
    text = html(response)
    assert response.status_code == 200
    assert "Overall score" in text and "rating-" in text
    assert "Worker ages are not checked" in text
    assert "Check an ID for every new hire and keep a copy." in text
    # Most severe first.
    assert text.index("Worker ages are not checked") < text.index("No written CSR policy")
    action = CorrectiveAction.objects.get(audit=audit, finding__rule_code="F_AGE_CHECK")
    assert reverse("portal:supplier_action", args=[action.pk]) in text


def test_score_guidance_follows_the_language(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset)
    client = as_user(world.s1_admin)
    url = reverse("portal:supplier_score", args=[audit.pk]) + "?lang=zh-Hans"
    assert "对每位新员工核验身份证件并留存复印件。" in html(client.get(url))


def test_score_page_explains_when_the_score_is_not_released(world, version, ruleset, as_user):
    audit = submitted(world, version, ruleset=ruleset)
    response = as_user(world.s1_admin).get(reverse("portal:supplier_score", args=[audit.pk]))
    text = html(response)
    assert response.status_code == 200
    assert "Your score is not available yet" in text
    assert "Overall score" not in text


# ---------------------------------------------------------------------------------------------
# Corrective actions
# ---------------------------------------------------------------------------------------------


def _action(audit, rule="F_AGE_CHECK"):
    return CorrectiveAction.objects.get(audit=audit, finding__rule_code=rule)


def test_actions_list_shows_the_suppliers_actions_overdue_first(
    world, version, ruleset, as_user, django_assert_max_num_queries
):
    audit = accepted(world, version, ruleset)
    late = _action(audit, "F_HOURS")
    CorrectiveAction.objects.filter(pk=late.pk).update(due_date=in_days(-1))
    client = as_user(world.s1_admin)
    client.get(reverse("portal:supplier_actions"))
    with django_assert_max_num_queries(ACTIONS_QUERIES):
        text = html(client.get(reverse("portal:supplier_actions")))
    assert text.index("Excessive working hours") < text.index("Worker ages are not checked")
    assert "Overdue" in text
    for _ in range(3):
        accepted(world, version, ruleset)
    with django_assert_max_num_queries(ACTIONS_QUERIES):
        text = html(client.get(reverse("portal:supplier_actions")))
    assert text.count("Worker ages are not checked") == 4
    assert "Worker ages" not in html(
        as_user(world.s2_admin).get(reverse("portal:supplier_actions"))
    )


def test_action_detail_shows_the_thread_without_internal_notes(
    world, version, ruleset, as_user, django_assert_max_num_queries
):
    audit = accepted(world, version, ruleset, respondents=[world.s1_respondent])
    action = _action(audit)
    action_comment(action=action, actor=world.a_officer, text="Please hurry.")
    action_comment(action=action, actor=world.a_officer, text="Supplier looks weak", internal=True)
    client = as_user(world.s1_respondent)
    url = reverse("portal:supplier_action", args=[action.pk])
    client.get(url)
    with django_assert_max_num_queries(ACTION_QUERIES):
        response = client.get(url)
    text = html(response)
    assert "Please hurry." in text
    assert "Supplier looks weak" not in text
    assert "Check an ID for every new hire" in text
    assert_every_field_labelled(text)
    for n in range(5):
        action_comment(action=action, actor=world.s1_admin, text=f"Update {n}")
    with django_assert_max_num_queries(ACTION_QUERIES):
        assert "Update 4" in html(client.get(url))


def test_submitting_a_plan_with_missing_fields_shows_the_messages(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset)
    action = _action(audit)
    client = as_user(world.s1_admin)
    url = reverse("portal:supplier_action_plan", args=[action.pk])
    response = client.post(url, {"root_cause": "No ID checks", "plan": "", "target_date": ""})
    text = html(response)
    assert response.status_code == 400
    assert text.count("This field is required.") == 3
    assert 'id="id_plan_error"' in text and 'aria-invalid="true"' in text
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.OPEN
    response = client.post(
        url,
        {
            "root_cause": "No ID checks",
            "plan": "Check IDs at hiring",
            "responsible_person": "Ms Li",
            "target_date": in_days(10).isoformat(),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.PLAN_SUBMITTED
    assert action.responsible_person == "Ms Li"
    # A second submission is a state conflict: message, nothing changes.
    response = client.post(url, {"plan": "again"}, follow=True)
    assert "cannot be changed that way now" in html(response)


def test_evidence_and_comment_on_an_accepted_plan(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset)
    action = _action(audit)
    client = as_user(world.s1_admin)
    client.post(
        reverse("portal:supplier_action_plan", args=[action.pk]),
        {
            "root_cause": "x",
            "plan": "y",
            "responsible_person": "z",
            "target_date": in_days(5).isoformat(),
        },
    )
    action.refresh_from_db()
    action_accept_plan(action=action, actor=world.a_officer)
    response = client.post(
        reverse("portal:supplier_action_files", args=[action.pk]), {"file": pdf("id-log.pdf")}
    )
    assert response.status_code == 302
    evidence = ActionEvidence.objects.get(corrective_action=action)
    download = reverse("portal:supplier_action_file", args=[action.pk, evidence.pk])
    assert download in html(client.get(reverse("portal:supplier_action", args=[action.pk])))
    assert client.get(download).status_code == 200
    assert as_user(world.s2_admin).get(download).status_code == 404

    client = as_user(world.s1_admin)
    url = reverse("portal:supplier_action_evidence", args=[action.pk])
    response = client.post(url, {"completion_note": ""}, **HTMX)
    assert response.status_code == 400
    assert "This field is required." in html(response)
    response = client.post(url, {"completion_note": "All IDs checked", "files": [pdf("b.pdf")]})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == CorrectiveAction.Status.EVIDENCE_SUBMITTED
    assert ActionEvidence.objects.filter(corrective_action=action).count() == 2

    comment_url = reverse("portal:supplier_action_comment", args=[action.pk])
    assert client.post(comment_url, {"text": ""}).status_code == 400
    client.post(comment_url, {"text": "Photos attached."})
    assert "Photos attached." in html(
        client.get(reverse("portal:supplier_action", args=[action.pk]))
    )


def test_htmx_form_success_redirects_the_whole_page(world, version, ruleset, as_user):
    audit = accepted(world, version, ruleset)
    action = _action(audit)
    response = as_user(world.s1_admin).post(
        reverse("portal:supplier_action_comment", args=[action.pk]), {"text": "Hi"}, **HTMX
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("portal:supplier_action", args=[action.pk])


def test_a_section_is_not_complete_while_a_required_file_is_missing(world, audit, as_user):
    # given MGT_01 (evidence required) answered but no file uploaded
    answers_save(
        audit=audit, answers=[{"question": "MGT_01", "value": "yes"}], actor=world.s1_admin
    )
    client = as_user(world.s1_respondent)

    def management():
        progress = client.get(page_url(audit)).context["progress"]
        return next(s for s in progress["sections"] if s["code"] == "MGT")

    # then the management section still counts it as open, as submit would
    assert (management()["answered"], management()["complete"]) == (0, False)
    # when the file is uploaded, then the section is complete
    evidence_upload(audit=audit, question_code="MGT_01", file=pdf(), actor=world.s1_admin)
    assert (management()["answered"], management()["complete"]) == (1, True)


def test_a_pasted_text_over_the_limit_is_refused_whole_not_cut(world, audit, as_user):
    """8,700 characters into a 500-character answer: a 400 that says so, nothing saved (the
    browser no longer truncates the paste silently)."""
    client = as_user(world.s1_respondent)
    response = client.post(answer_url(audit, "ENV_02"), {"value": "x" * 8700}, **HTMX)
    assert response.status_code == 400
    assert "Enter at most 500 characters (this has 8700)." in html(response)
    assert not Answer.objects.filter(audit=audit, question__code="ENV_02").exists()
