"""A week of a supplier programme in the browser, in each language: a buyer administrator
invites an officer and a viewer; the officer ticks five suppliers on the supplier list and
starts a campaign to them, naming who answers for two (a member of the third supplier, and a
new contact of the fifth, who is invited) while the others' administrators answer; the named
member and the invited contact find the audit on logging in; a supplier administrator names a
respondent, who submits; the officer sees the response rate move, reminds
two suppliers in one bulk action and extends one due date; the suppliers find the reminder and
the new date in their inbox; and the daily digest lists the day's events in its reader's
language."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import Page, expect

from accounts.mail import send_daily_digests
from accounts.models import Invitation, Membership, NotificationPreference, User
from audits.models import Audit
from audits.services.audits import answers_save
from audits.services.evidence import evidence_upload
from tests.factories import (
    PASSWORD,
    link_supplier,
    make_buyer,
    make_member,
    make_ruleset,
    make_supplier,
    make_version,
)
from tests.portal.supplier_helpers import WITH_FINDINGS, pdf

from .pages import in_days

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role
NEW_PASSWORD = "a-new-and-long-passphrase"
NEW_CONTACT = "nina.new@supplier5.example"


@pytest.fixture
def programme(db):
    buyer = make_buyer(name="Acme Retail")
    suppliers = []
    for i in range(5):
        supplier = make_supplier(name=f"Supplier {i + 1}", legal_id=f"9144030000000{i:05d}")
        link_supplier(buyer, supplier, buyer_ref=f"S-{i + 1}")
        suppliers.append(supplier)
    return {
        "buyer": buyer,
        "suppliers": suppliers,
        "version": make_version(),
        "ruleset": make_ruleset(),
    }


def field(page, label: str):
    """A form field by its label, whatever suffix Django adds ("Email:", "邮箱：")."""
    return page.get_by_label(re.compile("^" + re.escape(label) + r"\W?$"))


def sign_in(page: Page, t, email: str, password: str = PASSWORD) -> None:
    """Log in on the login page (in the browser's English) and land in the user's language."""
    page.goto("/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name=t("Log out"))).to_be_visible()


def sign_out(page: Page, t) -> None:
    page.get_by_role("button", name=t("Log out")).click()
    expect(page.get_by_role("button", name=t("Log out"))).to_have_count(0)


def _speaks(users: list[User], language: str) -> None:
    for user in users:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])


def _invite(page: Page, t, email: str, role: str, language: str) -> None:
    page.goto("/team/")
    form = page.locator("form[action$='/team/invite/']")
    field(form, t("Email")).fill(email)
    field(form, t("Role")).select_option(role)
    field(form, t("Language of the mails")).select_option(language)
    page.get_by_role("button", name=t("Send the invitation")).click()
    expect(page.get_by_text(email).first).to_be_visible()


def _set_password_from_mail(page: Page, email: str) -> None:
    body = next(m.body for m in reversed(mail.outbox) if email in m.to)
    link = re.search(r"https?://\S+/password/set/\S+", body).group(0)
    page.goto(urlsplit(link).path)
    page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
    page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
    page.locator("form:has(input[name=new_password1]) button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/login/"))


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_a_week_of_the_programme(page, programme, shot, language):
    def t(text: str) -> str:
        with translation.override("zh-hans" if language == "zh-Hans" else "en"):
            return translation.gettext(text)

    buyer, suppliers = programme["buyer"], programme["suppliers"]
    admin = make_member(buyer, Role.ADMIN, full_name="Ada Admin")
    s_admins = [
        make_member(s, Role.ADMIN, full_name=f"Boss {i + 1}") for i, s in enumerate(suppliers)
    ]
    respondent = make_member(suppliers[0], Role.RESPONDENT, full_name="Rita Respondent")
    named = make_member(suppliers[2], Role.RESPONDENT, full_name="Tess Third")
    _speaks([admin, *s_admins, respondent, named], language)
    # The fifth supplier's administrator reads "audit issued" once a day, in the digest.
    NotificationPreference.objects.create(user=s_admins[4], kind="audit_issued", delivery="digest")

    # 1. The buyer's administrator invites an officer and a viewer.
    sign_in(page, t, admin.email)
    _invite(page, t, "olga.officer@acme.example", "officer", language)
    _invite(page, t, "victor.viewer@acme.example", "viewer", language)
    shot(page, f"team-{language}")
    sign_out(page, t)
    _set_password_from_mail(page, "olga.officer@acme.example")
    officer = User.objects.get(email="olga.officer@acme.example")
    assert officer.memberships.get().role == "officer"
    # The viewer's invitation waits for them to set a password.
    assert Invitation.objects.get(email="victor.viewer@acme.example").role == "viewer"

    # 2. The officer ticks the five suppliers and starts a campaign to them, naming who answers
    # for the third (a member) and the fifth (a new contact); the others' admins answer.
    sign_in(page, t, officer.email, NEW_PASSWORD)
    page.goto("/b/suppliers/")
    for supplier in suppliers:
        page.get_by_label(t("Select %(name)s") % {"name": supplier.name}).check()
    page.get_by_role("button", name=t("Start a campaign for the ticked suppliers")).click()
    field(page, t("Campaign name")).fill("Q1 wave (internal)")
    field(page, t("Title for the suppliers")).fill("Annual responsibility check")
    field(page, t("Message to the suppliers")).fill("Thank you for answering in time.")
    field(page, t("Questionnaire version")).select_option(str(programme["version"].pk))
    field(page, t("Due date")).fill(in_days(14).isoformat())
    contact = t("Contact who answers for %(name)s (email)")
    page.get_by_label(contact % {"name": suppliers[2].name}).fill(named.email)
    page.get_by_label(contact % {"name": suppliers[4].name}).fill(NEW_CONTACT)
    page.get_by_label(
        t("Full name of the contact for %(name)s") % {"name": suppliers[4].name}
    ).fill("Nina New")
    shot(page, f"campaign-contacts-{language}")
    page.get_by_role("button", name=t("Start the campaign")).click()
    expect(page.locator("#response-rate")).to_have_text("0%")
    expect(page.get_by_text(t("invited, not yet accepted"))).to_be_visible()
    campaign_url = urlsplit(page.url).path
    audits = {a.supplier_id: a for a in Audit.objects.filter(campaign__name="Q1 wave (internal)")}
    assert len(audits) == 5
    sign_out(page, t)

    # The named member finds the audit on logging in; the new contact joins through the mailed
    # link (which says which buyer and audit it is for) and finds it too.
    for email, password in ((named.email, PASSWORD), (NEW_CONTACT, NEW_PASSWORD)):
        if email == NEW_CONTACT:
            invite = next(m for m in mail.outbox if email in m.to)
            assert buyer.name in invite.body and "Annual responsibility check" in invite.body
            _set_password_from_mail(page, email)
            _speaks([User.objects.get(email=email)], language)
        sign_in(page, t, email, password)
        page.goto("/s/")
        expect(page.get_by_role("link", name="Annual responsibility check")).to_be_visible()
        sign_out(page, t)
    assert list(audits[suppliers[4].pk].respondents.values_list("email", flat=True)) == [
        NEW_CONTACT
    ]

    # 3. The first supplier's administrator names the respondent, who answers and submits.
    first = audits[suppliers[0].pk]
    sign_in(page, t, s_admins[0].email)
    page.goto(f"/s/audits/{first.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual responsibility check")
    page.locator("#respondents summary").click()
    page.get_by_label(re.compile("Rita Respondent")).check()
    page.get_by_role("button", name=t("Save the respondents")).click()
    sign_out(page, t)
    answers_save(audit=first, answers=WITH_FINDINGS, actor=respondent)
    evidence_upload(audit=first, question_code="MGT_01", file=pdf(), actor=respondent)
    sign_in(page, t, respondent.email)
    page.goto(f"/s/audits/{first.pk}/")
    page.get_by_role("button", name=t("Submit answers")).click()
    expect(
        page.get_by_text(t("Thank you, your answers were submitted. The buyer will review them."))
    ).to_be_visible()
    sign_out(page, t)

    # 4. The officer sees one of five respond, reminds two suppliers and extends one due date.
    sign_in(page, t, officer.email, NEW_PASSWORD)
    page.goto(campaign_url)
    expect(page.locator("#response-rate")).to_have_text("20%")
    for supplier in suppliers[1:3]:
        page.get_by_label(re.compile(re.escape(supplier.name))).check()
    field(page, t("Action")).select_option("remind")
    page.get_by_role("button", name=t("Apply")).click()
    with translation.override("zh-hans" if language == "zh-Hans" else "en"):
        done_two = translation.ngettext("Done for %(n)s audit.", "Done for %(n)s audits.", 2) % {
            "n": 2
        }
        done_one = translation.ngettext("Done for %(n)s audit.", "Done for %(n)s audits.", 1) % {
            "n": 1
        }
    expect(page.get_by_text(done_two)).to_be_visible()
    page.get_by_label(re.compile(re.escape(suppliers[3].name))).check()
    field(page, t("Action")).select_option("extend")
    field(page, t("New due date")).fill(in_days(30).isoformat())
    field(page, t("Reason (the suppliers read it)")).fill("Spring festival week")
    page.get_by_role("button", name=t("Apply")).click()
    expect(page.get_by_text(done_one)).to_be_visible()
    shot(page, f"campaign-{language}")
    sign_out(page, t)

    # 5. The suppliers find the reminder and the new due date in their inbox.
    sign_in(page, t, s_admins[1].email)
    page.goto("/inbox/")
    reminder = t("Reminder: CSR self-assessment due on %(due)s") % {"due": in_days(14).isoformat()}
    expect(page.get_by_role("main").get_by_text(reminder).first).to_be_visible()
    shot(page, f"inbox-reminder-{language}")
    sign_out(page, t)
    sign_in(page, t, s_admins[3].email)
    page.goto(f"/s/audits/{audits[suppliers[3].pk].pk}/")
    expect(page.locator("#due-date-extended")).to_contain_text("Spring festival week")
    page.goto("/inbox/")
    expect(page.get_by_role("main").get_by_role("link").first).to_be_visible()
    sign_out(page, t)

    # 6. The digest lists the day's events in its reader's language.
    mail.outbox.clear()
    assert send_daily_digests() >= 1
    digest = next(m for m in mail.outbox if s_admins[4].email in m.to)
    assert t("Here is what happened today in Fairlink:") in digest.body
    assert t("New CSR self-assessment from %(buyer)s") % {"buyer": buyer.name} in digest.body
    assert f"/audits/{audits[suppliers[4].pk].pk}/" in digest.body
