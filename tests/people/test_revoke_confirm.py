"""Taking a partner user's access away shows first what it does — the sessions and tokens that
end, what the person can no longer do — computed by the function that then does it
(apps.people.services.access_revocation_plan / access_revoke); a changed plan asks again."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from knox.models import AuthToken

from apps.accounts.models import PartnerRole, User, UserSession
from apps.people.services import access_revocation_plan
from tests.factories import PartnerUserFactory
from tests.people.test_team import _browser, _obtain

pytestmark = pytest.mark.django_db


def _fingerprint(html: str) -> str:
    match = re.search(r'name="confirmed" value="([0-9a-f]{64})"', html)
    assert match, html
    return match.group(1)


def _effects(html: str) -> str:
    return html.split('data-testid="revoke-effects"')[1].split("</ul>")[0]


def test_the_manager_sees_what_ends_and_confirming_ends_exactly_that(bob, acme_admin, acme_member):
    _browser("frank"), _browser("frank"), _obtain("frank")
    manager = Client()
    manager.force_login(bob)
    url = reverse("people:user_deactivate", args=[acme_member.pk])
    sessions = UserSession.objects.filter(user=acme_member)
    tokens = AuthToken.objects.filter(user=acme_member)
    assert (sessions.count(), tokens.count()) == (2, 1)

    shown = manager.get(url)
    assert shown.status_code == 200
    html = shown.content.decode()
    effects = _effects(html)
    assert "2 signed-in browser sessions end now." in effects
    assert "1 API token stops working now." in effects
    assert "register deals, take leads and request funds" in html
    assert "Acme Resellers" in html
    # nothing changed by looking
    acme_member.refresh_from_db()
    assert acme_member.is_active and sessions.count() == 2 and tokens.count() == 1

    plan = access_revocation_plan(user=acme_member)
    done = manager.post(url, {"confirmed": _fingerprint(html)})
    assert done.status_code == 302 and done["Location"].endswith("#people")
    acme_member.refresh_from_db()
    assert not acme_member.is_active
    # what the preview counted is what ended
    assert plan.sessions == 2 and plan.tokens == 1
    assert sessions.count() == 0 and tokens.count() == 0


def test_the_list_buttons_post_shows_the_summary_first_and_changes_nothing(
    bob, acme_admin, acme_member
):
    manager = Client()
    manager.force_login(bob)
    response = manager.post(reverse("people:user_deactivate", args=[acme_member.pk]))
    assert response.status_code == 200
    assert "Take away frank’s access?" in response.content.decode()
    acme_member.refresh_from_db()
    assert acme_member.is_active


def test_a_sign_in_after_the_summary_asks_again_and_changes_nothing(bob, acme_admin, acme_member):
    manager = Client()
    manager.force_login(bob)
    url = reverse("people:user_deactivate", args=[acme_member.pk])
    old = _fingerprint(manager.get(url).content.decode())  # no session yet: "0 … end"
    _browser("frank")
    again = manager.post(url, {"confirmed": old})
    assert again.status_code == 409
    html = again.content.decode()
    assert "has changed since it was shown" in html
    assert "1 signed-in browser session ends now." in _effects(html)
    acme_member.refresh_from_db()
    assert acme_member.is_active and UserSession.objects.filter(user=acme_member).count() == 1
    # confirming the plan shown now does it
    assert manager.post(url, {"confirmed": _fingerprint(html)}).status_code == 302
    acme_member.refresh_from_db()
    assert not acme_member.is_active
    assert not UserSession.objects.filter(user=acme_member).exists()


def test_the_last_partner_admin_is_refused_in_the_summary_without_a_button(bob, acme_admin):
    manager = Client()
    manager.force_login(bob)
    url = reverse("people:user_deactivate", args=[acme_admin.pk])
    response = manager.get(url)
    html = response.content.decode()
    assert "last partner admin" in html
    assert 'name="confirmed"' not in html
    assert "manage the company&#x27;s users, invitations and contacts" in html
    # a forged confirmation of that plan is refused too
    plan = access_revocation_plan(user=acme_admin)
    forged = manager.post(url, {"confirmed": plan.fingerprint}, follow=True)
    assert "last partner admin" in forged.content.decode()
    acme_admin.refresh_from_db()
    assert acme_admin.is_active


def test_a_partner_admin_confirms_on_the_team_page(acme_admin, acme_member):
    _obtain("frank")
    admin = _browser("erin")
    url = reverse("portal:team_deactivate", args=[acme_member.pk])
    html = admin.get(url).content.decode()
    assert "0 signed-in browser sessions end now." in _effects(html)
    assert "1 API token stops working now." in _effects(html)
    response = admin.post(url, {"confirmed": _fingerprint(html)})
    assert (response.status_code, response["Location"]) == (302, reverse("portal:team"))
    assert not User.objects.get(pk=acme_member.pk).is_active
    assert not AuthToken.objects.filter(user=acme_member).exists()


def test_another_companys_user_is_not_found_nor_named(acme_admin, globex):
    gus = PartnerUserFactory(username="gus", first_name="Gustavo", partner=globex)
    admin = _browser("erin")
    url = reverse("portal:team_deactivate", args=[gus.pk])
    for response in (admin.get(url), admin.post(url, {"confirmed": "x" * 64})):
        assert response.status_code == 404
        assert "Gustavo" not in response.content.decode()
        assert "Globex" not in response.content.decode()
    gus.refresh_from_db()
    assert gus.is_active


def test_only_a_partner_admin_or_staff_may_see_the_summary(acme_admin, acme_member, acme_finance):
    member = _browser("frank")
    url = reverse("portal:team_deactivate", args=[acme_finance.pk])
    assert member.get(url).status_code == 403
    # and the manager's door sends a partner user back to the portal
    manager_url = reverse("people:user_deactivate", args=[acme_finance.pk])
    answer = member.get(manager_url)
    assert (answer.status_code, answer["Location"]) == (302, reverse("portal:home"))
    acme_finance.refresh_from_db()
    assert acme_finance.is_active and acme_finance.partner_role == PartnerRole.FINANCE


def test_a_manager_cannot_revoke_a_staff_user_here(bob, alice):
    manager = Client()
    manager.force_login(bob)
    assert manager.get(reverse("people:user_deactivate", args=[alice.pk])).status_code == 404
