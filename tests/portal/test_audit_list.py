"""The buyer's audit list: search, sort by column, the days left, and bulk actions on the
ticked rows; at a constant number of queries whatever the size."""

from __future__ import annotations

import datetime
import re

import pytest

from accounts.models import Membership
from activity.models import ReminderLog
from audits.models import Audit
from tests.factories import make_member, make_version, signed_in

from .buyer_helpers import in_days, issued_audit

pytestmark = pytest.mark.django_db

LIST = "/b/audits/"


@pytest.fixture
def audits(world):
    version = make_version()
    return {
        "s1": issued_audit(world, version=version, title="Spring check"),
        "s2": issued_audit(world, version=version, supplier=world.s2, due_date=in_days(3)),
    }


def ids_in(body: str) -> list[int]:
    return [int(i) for i in re.findall(r'href="/b/audits/(\d+)/"', body)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("bright", ["s1"]),  # supplier name, any case
        ("A-002", ["s2"]),  # the buyer's own reference for the supplier
        ("spring", ["s1"]),  # audit title
        ("B-777", []),  # another buyer's reference for s1 finds nothing here
    ],
)
def test_search_by_name_reference_and_title(world, audits, query, expected):
    body = signed_in(world.a_officer).get(LIST, {"q": query}).content.decode()
    assert sorted(ids_in(body)) == sorted(audits[k].pk for k in expected)


def test_search_by_legal_id_and_by_number(world, audits):
    client = signed_in(world.a_officer)
    legal_id = world.s2.legal_id[-6:]
    assert ids_in(client.get(LIST, {"q": legal_id}).content.decode()) == [audits["s2"].pk]
    assert ids_in(client.get(LIST, {"q": f"#{audits['s1'].pk}"}).content.decode()) == [
        audits["s1"].pk
    ]


def test_the_api_searches_the_same_way(world, api, audits):
    found = api(world.a_officer).get("/api/v1/audits/", {"search": "A-002"}).json()["results"]
    assert [a["id"] for a in found] == [audits["s2"].pk]


def test_sort_by_a_column_and_back(world, audits):
    client = signed_in(world.a_officer)
    by_due = client.get(LIST, {"sort": "due"}).content.decode()
    assert ids_in(by_due) == [audits["s2"].pk, audits["s1"].pk]
    assert 'aria-sort="ascending"' in by_due
    # the header link turns the order round, keeping the other parameters
    assert 'href="?q=&amp;sort=-due"' in client.get(LIST, {"q": "", "sort": "due"}).content.decode()
    by_due_desc = client.get(LIST, {"sort": "-due"}).content.decode()
    assert ids_in(by_due_desc) == [audits["s1"].pk, audits["s2"].pk]
    # an unknown column falls back to the newest first
    newest = client.get(LIST, {"sort": "colour"}).content.decode()
    assert ids_in(newest) == [audits["s2"].pk, audits["s1"].pk]


def test_open_audits_say_how_many_days_are_left(world, audits):
    body = signed_in(world.a_officer).get(LIST).content.decode()
    assert "due in 3 days" in body and "due in 30 days" in body
    zh = signed_in(world.a_officer).get(LIST, {"lang": "zh-Hans"}).content.decode()
    assert "还有 3 天到期" in zh


def test_remind_and_extend_the_ticked_audits(world, audits):
    client = signed_in(world.a_officer)
    back = "sort=due"
    response = client.post(
        "/b/audits/bulk/", {"action": "remind", "audits": [audits["s2"].pk], "back": back}
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST}?{back}"
    assert list(ReminderLog.objects.values_list("object_id", flat=True)) == [audits["s2"].pk]
    client.post(
        "/b/audits/bulk/",
        {
            "action": "extend",
            "audits": [audits["s1"].pk, audits["s2"].pk],
            "due_date": in_days(60).isoformat(),
            "reason": "Holiday",
        },
    )
    assert set(Audit.objects.values_list("due_date", flat=True)) == {in_days(60)}


def test_bulk_errors_change_nothing(world, audits):
    client = signed_in(world.a_officer)
    body = client.post(
        "/b/audits/bulk/", {"action": "cancel", "audits": [audits["s1"].pk]}, follow=True
    ).content.decode()
    assert "Give a reason; the suppliers read it." in body
    body = client.post("/b/audits/bulk/", {"action": "remind"}, follow=True).content.decode()
    assert "Tick the audits to act on." in body
    assert not Audit.objects.filter(status=Audit.Status.CANCELLED).exists()


def test_another_buyers_audit_cannot_be_ticked(world, audits):
    other = issued_audit(world, version=make_version(), buyer=world.buyer_b, actor=world.b_officer)
    body = (
        signed_in(world.a_officer)
        .post(
            "/b/audits/bulk/",
            {"action": "cancel", "reason": "x", "audits": [audits["s1"].pk, other.pk]},
            follow=True,
        )
        .content.decode()
    )
    assert "Tick rows of this list only." in body
    assert not Audit.objects.filter(status=Audit.Status.CANCELLED).exists()


def test_a_viewer_sees_no_boxes_and_may_not_post(world, audits):
    viewer = signed_in(make_member(world.buyer_a, Membership.Role.VIEWER))
    assert 'name="audits"' not in viewer.get(LIST).content.decode()
    denied = viewer.post(
        "/b/audits/bulk/", {"action": "cancel", "reason": "x", "audits": [audits["s1"].pk]}
    )
    assert denied.status_code == 403
    assert not Audit.objects.filter(status=Audit.Status.CANCELLED).exists()


def test_a_supplier_gets_404(world):
    assert (
        signed_in(world.s1_admin).post("/b/audits/bulk/", {"action": "remind"}).status_code == 404
    )


@pytest.mark.parametrize("count", [2, 14])
def test_search_and_sort_stay_at_a_constant_number_of_queries(
    world, count, django_assert_max_num_queries
):
    version = make_version()
    for i in range(count):
        issued_audit(world, version=version, title=f"Check {i}")
    client = signed_in(world.a_officer)
    with django_assert_max_num_queries(14):
        response = client.get(LIST, {"q": "check", "sort": "-due"})
    assert len(ids_in(response.content.decode())) == count


# ---------------------------------------------------------------------------------------------
# The corrective actions and campaigns lists search and sort the same way
# ---------------------------------------------------------------------------------------------


def test_actions_list_searches_and_sorts(world):
    from tests.factories import make_ruleset

    from .buyer_helpers import accepted_audit

    version, ruleset = make_version(), make_ruleset()
    accepted_audit(world, version=version, ruleset=ruleset)
    accepted_audit(world, version=version, ruleset=ruleset, supplier=world.s2)
    client = signed_in(world.a_officer)
    everything = client.get("/b/actions/").content.decode()
    found = client.get("/b/actions/", {"q": "A-002"}).content.decode()
    assert world.s1.name in everything and world.s2.name in everything
    assert world.s2.name in found and world.s1.name not in found
    # Shenzhen ... sorts after Ningbo ...: descending puts s1 first, ascending s2.
    by_supplier = client.get("/b/actions/", {"sort": "-supplier"}).content.decode()
    assert by_supplier.index(world.s1.name) < by_supplier.index(world.s2.name)
    assert 'aria-sort="descending"' in by_supplier
    ascending = client.get("/b/actions/", {"sort": "supplier"}).content.decode()
    assert ascending.index(world.s2.name) < ascending.index(world.s1.name)
    assert re.search(r"due in \d+ days", everything)


def test_campaigns_list_searches_by_name_or_title(world, django_capture_on_commit_callbacks):
    from audits.services.campaigns import campaign_create

    for name, title in (("Wave A", "Spring check"), ("Wave B", "Autumn check")):
        with django_capture_on_commit_callbacks(execute=True):
            campaign_create(
                actor=world.a_officer,
                name=name,
                title=title,
                questionnaire_version=make_version(),
                due_date=in_days(30),
                supplier_ids=[world.s1.pk],
            )
    client = signed_in(world.a_officer)
    body = client.get("/b/campaigns/", {"q": "autumn"}).content.decode()
    assert "Wave B" in body and "Wave A" not in body
    by_name = client.get("/b/campaigns/", {"sort": "name"}).content.decode()
    assert by_name.index("Wave A") < by_name.index("Wave B")


def test_suppliers_list_sorts_by_column(world):
    client = signed_in(world.a_officer)
    by_name = client.get("/b/suppliers/").content.decode()
    # Ningbo ... before Shenzhen ... by name; the buyer's references A-001 (s1) and A-002 (s2)
    assert by_name.index(world.s2.name) < by_name.index(world.s1.name)
    by_ref = client.get("/b/suppliers/", {"sort": "reference"}).content.decode()
    assert by_ref.index(world.s1.name) < by_ref.index(world.s2.name)
    assert 'aria-sort="ascending"' in by_ref
    by_ref_desc = client.get("/b/suppliers/", {"sort": "-reference"}).content.decode()
    assert by_ref_desc.index(world.s2.name) < by_ref_desc.index(world.s1.name)


# ---------------------------------------------------------------------------------------------
# Bulk selection on the supplier and corrective-action lists
# ---------------------------------------------------------------------------------------------


def test_ticked_suppliers_start_a_campaign_form_with_them_chosen(world):
    client = signed_in(world.a_officer)
    page = client.get("/b/suppliers/").content.decode()
    assert f'name="suppliers" value="{world.s2.pk}"' in page
    form = client.get("/b/campaigns/new/", {"suppliers": [world.s2.pk]}).content.decode()
    assert re.search(rf'<option value="{world.s2.pk}" selected>', form)
    assert not re.search(rf'<option value="{world.s1.pk}" selected>', form)
    viewer = signed_in(make_member(world.buyer_a, Membership.Role.VIEWER))
    assert 'name="suppliers"' not in viewer.get("/b/suppliers/").content.decode()


@pytest.fixture
def open_actions(world):
    from actions.models import CorrectiveAction
    from tests.factories import make_ruleset

    from .buyer_helpers import accepted_audit

    accepted_audit(world, version=make_version(), ruleset=make_ruleset())
    return list(CorrectiveAction.objects.filter(buyer=world.buyer_a).order_by("pk"))


def test_extend_the_ticked_corrective_actions(world, open_actions):
    first, second = open_actions[:2]
    client = signed_in(world.a_officer)
    assert f'name="actions" value="{first.pk}"' in client.get("/b/actions/").content.decode()
    later = max(first.due_date, second.due_date) + datetime.timedelta(days=30)
    body = client.post(
        "/b/actions/bulk/",
        {
            "move": "extend",
            "actions": [first.pk, second.pk],
            "due_date": later.isoformat(),
            "reason": "Audit season",
        },
        follow=True,
    ).content.decode()
    assert "Done for 2 corrective actions." in body
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.due_date == later == second.due_date


def test_bulk_on_actions_is_all_or_none_and_names_the_culprit(world, open_actions):
    first = open_actions[0]
    client = signed_in(world.a_officer)
    body = client.post(
        "/b/actions/bulk/", {"move": "cancel", "actions": [first.pk]}, follow=True
    ).content.decode()
    assert f"#{first.pk}:" in body  # the reason is required
    # The latest action cannot move to its own due date, the earliest could: neither moves.
    early = min(open_actions, key=lambda a: a.due_date)
    late = max(open_actions, key=lambda a: a.due_date)
    assert early.due_date < late.due_date
    body = client.post(
        "/b/actions/bulk/",
        {
            "move": "extend",
            "actions": [early.pk, late.pk],
            "due_date": late.due_date.isoformat(),
            "reason": "x",
        },
        follow=True,
    ).content.decode()
    assert f"#{late.pk}:" in body
    before = early.due_date
    early.refresh_from_db()
    first.refresh_from_db()
    assert first.status != "cancelled"
    assert early.due_date == before


def test_bulk_on_actions_404_403(world, open_actions):
    first = open_actions[0]
    assert signed_in(world.s1_admin).post("/b/actions/bulk/", {"move": "cancel"}).status_code == 404
    viewer = signed_in(make_member(world.buyer_a, Membership.Role.VIEWER))
    assert 'name="actions"' not in viewer.get("/b/actions/").content.decode()
    denied = viewer.post(
        "/b/actions/bulk/", {"move": "cancel", "actions": [first.pk], "reason": "no"}
    )
    assert denied.status_code == 403
    body = (
        signed_in(world.b_officer)
        .post(
            "/b/actions/bulk/",
            {"move": "cancel", "actions": [first.pk], "reason": "x"},
            follow=True,
        )
        .content.decode()
    )
    assert "Tick rows of this list only." in body
    first.refresh_from_db()
    assert first.status != "cancelled"
