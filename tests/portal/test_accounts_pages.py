import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_labels_every_field(client):
    response = client.get(reverse("portal:login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_username">' in html and 'id="id_username"' in html
    assert '<label for="id_password">' in html and 'id="id_password"' in html


def test_login_then_logout(client, world):
    response = client.post(
        reverse("portal:login"), {"username": world.s1_admin.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("portal:home"), follow=True).status_code == 200
    client.post(reverse("portal:logout"))
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))


def test_wrong_password_shows_an_error(client, world):
    response = client.post(
        reverse("portal:login"), {"username": world.s1_admin.email, "password": "nope"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_password_reset_mails_a_working_link(client, world):
    client.post(reverse("portal:password_reset"), {"email": world.s1_respondent.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/password/set/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"new_password1": "a-new-Passw0rd-here", "new_password2": "a-new-Passw0rd-here"}
    )
    assert response.status_code == 302
    world.s1_respondent.refresh_from_db()
    assert world.s1_respondent.check_password("a-new-Passw0rd-here")


def test_language_switch_is_remembered_on_the_account(client, world):
    client.force_login(world.s1_admin)
    response = client.post(reverse("portal:set_language"), {"language": "zh-Hans", "next": "/"})
    assert response.status_code == 302
    world.s1_admin.refresh_from_db()
    assert world.s1_admin.preferred_language == "zh-Hans"


def test_switching_to_an_organization_the_user_is_not_in_is_ignored(client, world):
    client.force_login(world.s1_admin)
    client.post(reverse("portal:switch_organization"), {"organization": world.buyer_a.pk})
    response = client.get(reverse("portal:home"), follow=True)
    assert response.context["active_organization"] == world.s1
